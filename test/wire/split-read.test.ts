/**
 * A request sent in pieces is a split only if the server read the first piece before the next came
 * (src/wire/peer-unread.ts). A server whose thread is held up longer than the pause (a loaded machine)
 * must not get both pieces in one read: with `readBeforeNext` (the deterministic split checks), after the
 * first pause the next piece waits until it has read the one before, for at most READ_WAIT_MAX_MS.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { Connection, READ_WAIT_MAX_MS } from '../../src/wire/connection.js';
import { unreadIn } from '../../src/wire/peer-unread.js';
import { latin1 } from '../../src/wire/bytes.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { runChecks } from '../../src/runner/run-checks.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** A server that starts reading each connection only `lateMs` after it came, and records each read. */
async function readsLate(lateMs: number): Promise<{ port: number; reads: string[] }> {
  const reads: string[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (s) => {
    s.on('error', () => {});
    s.on('data', (d) => reads.push(d.toString('latin1')));
    const t = setTimeout(() => s.resume(), lateMs);
    s.on('close', () => clearTimeout(t));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, reads };
}

async function open(port: number): Promise<Connection> {
  const r = await Connection.open({ host: '127.0.0.1', port }, { connectTimeoutMs: 5000 });
  if (!r.ok) throw new Error(r.message);
  closers.push(() => r.conn.destroy());
  return r.conn;
}

const untilReads = async (reads: string[], n: number): Promise<void> => {
  for (let i = 0; i < 200 && reads.length < n; i++) await new Promise((r) => setTimeout(r, 10));
};

it('sends the second piece only once the server has read the first, when it reads late', async () => {
  const { port, reads } = await readsLate(300);
  const conn = await open(port);
  const t0 = performance.now();
  const sent = await conn.send({ bytes: latin1('GET / HTTP/1.1\r\n\r\n'), splits: [5], pausesMs: [50] }, undefined, { readBeforeNext: true });
  expect(sent.ok).toBe(true);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  await untilReads(reads, 2);
  // Two reads, the first piece alone: without the wait, both pieces came in the one read at 300 ms.
  expect(reads).toEqual(['GET /', ' HTTP/1.1\r\n\r\n']);
});

it('waits at most READ_WAIT_MAX_MS, and only after the first pause, for a server that does not read', async () => {
  const { port, reads } = await readsLate(60_000);
  const conn = await open(port);
  const t0 = performance.now();
  await conn.send({ bytes: latin1('GET / HTTP/1.1\r\n\r\n'), splits: [3, 6, 9], pausesMs: [30, 30, 30] }, undefined, { readBeforeNext: true });
  const took = performance.now() - t0;
  expect(took).toBeGreaterThanOrEqual(READ_WAIT_MAX_MS + 3 * 30 - 5);
  expect(took).toBeLessThan(READ_WAIT_MAX_MS + 3 * 30 + 2000); // bounded (a loaded machine reads the table slowly), not the 60 s it would not read for
  expect(reads).toEqual([]);
});

it('does not wait without readBeforeNext (a property case): the pauses alone', async () => {
  const { port, reads } = await readsLate(300);
  const conn = await open(port);
  const t0 = performance.now();
  await conn.send({ bytes: latin1('GET / HTTP/1.1\r\n\r\n'), splits: [5], pausesMs: [50] });
  expect(performance.now() - t0).toBeLessThan(250);
  await untilReads(reads, 1);
  expect(reads.join('')).toBe('GET / HTTP/1.1\r\n\r\n');
});

it('reads the receive queue of the server side of a connection, not of ours, from the kernel table', () => {
  // Server 127.0.0.1:8080 (1F90), client port 40000 (9C40): our side 5 unread, its side 0x12 unread.
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
    '   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000005 00:00000000 00000000     0        0 2 1',
    '   2: 0100007F:1F90 0100007F:9C41 06 00000000:00000000 00:00000000 00000000     0        0 0 1',
    '   3: 0100007F:1F90 0100007F:9C40 01 00000000:00000012 00:00000000 00000000     0        0 3 1',
  ].join('\n');
  expect(unreadIn(table, ':1F90 ', ':9C40 ')).toBe(0x12);
  expect(unreadIn(table, ':1F90 ', ':9C41 ')).toBeNull(); // TIME_WAIT: not a connection to wait on
  expect(unreadIn(table, ':1F91 ', ':9C40 ')).toBeNull();
});

it('a split check finds the server that answers its first read, also when that read comes late', async () => {
  // One read per connection, 300 ms late (a loaded machine): 200 for a whole head, else 400.
  const server = net.createServer({ pauseOnConnect: true }, (s) => {
    s.on('error', () => {});
    s.once('data', (d) => s.end(d.includes('\r\n\r\n') ? 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    const t = setTimeout(() => s.resume(), 300);
    s.on('close', () => clearTimeout(t));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const check = allChecks.find((c) => c.id === 'metamorphic.split.two-pieces-same-answer')!;
  const r = await runChecks({ target: { host: '127.0.0.1', port }, checks: [check], profile: anyProfile(), timeoutMs: 2000, seed: 1 });
  // Without the wait both halves came in the one late read: 200 both times, a pass.
  expect(r.checks[0]!.verdict, r.checks[0]!.reason).toBe('fail');
});
