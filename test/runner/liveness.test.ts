import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { probeAlive, probeOnce } from '../../src/runner/liveness.js';
import { lingeringOn } from '../../src/wire/listen-table.js';

/**
 * The liveness probe of `fuzz` on a connection reset before any byte: a server on its way out resets
 * the connections in its listen queue (then refuses), and must be found gone, not alive; a server that
 * resets such requests but goes on listening is alive.
 */
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A listener that resets every connection it accepts; with `thenClose`, it stops listening at the first one. */
function resetting(thenClose: boolean): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      c.resetAndDestroy();
      if (thenClose) srv.close();
    });
    servers.push(srv); // closed after the test, also when it never got its first connection
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
  });
}

describe('probeAlive after a reset with no answer', () => {
  it('finds a server that reset the probe and then stopped listening gone (refused)', async () => {
    const port = await resetting(true);
    expect(await probeAlive({ host: '127.0.0.1', port }, referenceProfile, 1000)).toBe('refused');
  });

  it('finds a server that resets the probe but keeps listening alive', async () => {
    const port = await resetting(false);
    expect(await probeAlive({ host: '127.0.0.1', port }, referenceProfile, 1000)).toBeNull();
  });
});

describe('probeOnce on a server that answers and closes first, as the probe asks (Connection: close)', () => {
  it("leaves none of the server's connections in TIME_WAIT: a server without SO_REUSEADDR could not bind again for a minute", async () => {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      c.once('data', () => c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    });
    servers.push(srv);
    const port = await new Promise<number>((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port)));
    for (let i = 0; i < 5; i++) expect(await probeOnce({ host: '127.0.0.1', port }, referenceProfile, 2000)).toBe('answered');
    // Sockets whose local port is the server's and that do not listen: its side of closed connections.
    expect(await lingeringOn(port)).toBe(0);
  });
});
