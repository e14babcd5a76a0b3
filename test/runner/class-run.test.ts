/**
 * The class phase's probes against a live server (class-run.ts): a hang is a verdict that rests on a
 * deadline, so a probe is waited on with a confirmation's longer deadline until the server has hung
 * CONFIRMED_CLASS times under it. A correct server slowed past the short deadline (a loaded machine) is
 * signed with its answers, not with hangs the rest of the class does not share.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { classProbes } from '../../src/runner/class-probes.js';
import { probeSubmission } from '../../src/runner/class-run.js';
import { CONFIRMED_CLASS } from '../../src/runner/deadlines.js';

const open: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const x of sockets) x.destroy();
  sockets.clear();
  await Promise.all(open.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A server whose first `silentFirst` connections get nothing, and every later one a 200 after `delayMs`. */
async function server(delayMs: number, silentFirst: number): Promise<number> {
  let n = 0;
  const s = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    if (n++ < silentFirst) return;
    const t = setTimeout(() => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'), delayMs);
    sock.on('close', () => clearTimeout(t));
  });
  open.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

// The first probes of the set: one request each, no setup stage.
const set = classProbes(anyProfile('/'), 7);
const firstProbes = (k: number) => ({ ...set, probes: set.probes.slice(0, k) });

describe('class probes: a hang rests on a deadline', () => {
  it('a server that answers after the short deadline, within the long one, is signed with its answers', async () => {
    const port = await server(300, 0);
    const s = await probeSubmission('slow', { host: '127.0.0.1', port }, firstProbes(4), { timeoutMs: 150, confirmTimeoutMs: 3000 });
    expect(Object.values(s.signatures).map((x) => (x.answer.kind === 'answer' ? x.answer.status : x.answer.kind))).toEqual([200, 200, 200, 200]);
  });

  it(`after ${CONFIRMED_CLASS} hangs under the long deadline, the short one applies: the server's silences are a class`, async () => {
    const port = await server(300, CONFIRMED_CLASS);
    const s = await probeSubmission('silent', { host: '127.0.0.1', port }, firstProbes(CONFIRMED_CLASS + 2), { timeoutMs: 150, confirmTimeoutMs: 600, silentLimit: 10 });
    const kinds = Object.values(s.signatures).map((x) => x.answer.kind);
    // The first three waited 600 ms each and hung; the next answers come after 300 ms, past the short 150 ms.
    expect(kinds).toEqual([...Array<string>(CONFIRMED_CLASS).fill('hang'), 'hang', 'hang']);
  });
});
