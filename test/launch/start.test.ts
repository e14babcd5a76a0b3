import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/supervise/launch.js';
import { launchWhenFree, type StartOutcome } from '../../src/supervise/start.js';
import { lingeringOn } from '../../src/wire/listen-table.js';
import { tempFolders } from '../helpers/tmp.js';

/**
 * Starting a server again on a port where connections of an old one linger: a server that binds with
 * SO_REUSEADDR is started at once (no minute of TIME_WAIT to sit out); one without it is started again
 * once they are gone.
 */
const tmp = tempFolders();

/** A server binding the port it is given, with or without SO_REUSEADDR (a failed bind exits with Python's traceback). */
function serverCmd(reuse: boolean): string[] {
  const py = [
    'import socket, sys',
    's = socket.socket()',
    reuse ? 's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)' : 'pass',
    "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8)",
    'while True: s.accept()[0].close()',
  ].join('\n');
  return ['python3', '-c', py];
}

/**
 * Leaves a connection of `port` lingering: a listener accepts a client, closes its side first and goes
 * away, so the server's side waits in FIN_WAIT2 for the client's FIN. Returns the client: resetting it
 * ends the lingering at once.
 */
async function linger(port: number): Promise<net.Socket> {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.end(() => c.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  // Half-open allowed: the client does not send its own FIN when the server's comes.
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  client.on('error', () => {});
  await new Promise<void>((r) => client.once('end', r)); // the server's FIN; the client never answers it
  await new Promise<void>((r) => server.close(() => r()));
  return client;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f();
});

async function launch(reuse: boolean, port: number): Promise<StartOutcome> {
  const r = await launchWhenFree([...serverCmd(reuse), String(port)], tmp('wg-start-'), port, 10_000);
  if (r.ok) open.push(() => r.server.kill());
  return r;
}

describe('launchWhenFree on a port with lingering connections', () => {
  it('starts a server that binds with SO_REUSEADDR at once, while the old connection still lingers', async () => {
    const port = await freePort();
    const client = await linger(port);
    open.push(async () => void client.resetAndDestroy());
    expect(await lingeringOn(port)).toBe(1);
    const r = await launch(true, port);
    expect(r.ok).toBe(true);
    // It did not wait the connection out: that one is still there.
    expect(await lingeringOn(port)).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('starts a server without SO_REUSEADDR once the lingering connection is gone', async () => {
    const port = await freePort();
    const client = await linger(port);
    open.push(async () => void client.resetAndDestroy());
    // The connection ends (our reset) a while after the first start has failed to bind.
    const reset = setTimeout(() => client.resetAndDestroy(), 1500);
    open.push(async () => clearTimeout(reset));
    const r = await launch(false, port);
    if (!r.ok) throw new Error(`not started: ${JSON.stringify(r.failure)} ${r.stderrTail}`);
    expect(r.ok).toBe(true);
    expect(client.destroyed).toBe(true);
  }, 30_000);
});
