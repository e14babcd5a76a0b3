/**
 * The idle-client and slow-client checks (robustness.ts, notBlockedBy): a probe that gets nothing while a
 * stalled client holds the server is released (the stalled client closed, ExchangeOptions.release), and an
 * answer that then comes at once, twice, is the proof the check fails on, with no deadline to confirm;
 * nothing then either is the silence it was; served while held the second time, it passes. The answer's
 * time is not the server's pace, and the failure is a silence that stands for the same-case rule
 * (Scheduler.stood).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { firstByteMs } from '../../src/client/answer-time.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { Scheduler } from '../../src/runner/scheduler.js';
import { runAgainst } from './peer-scripted.js';

const ANSWER = 'HTTP/1.1 300 Multiple Choices\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]';

/**
 * A server that answers each request once its head is in: one connection at a time (the next is read only
 * once the one before has closed), or every connection at once; `silent` answers nothing ever; `once`
 * serves one at a time until its first connection has closed, then every connection at once.
 */
function server(mode: 'one-at-a-time' | 'all-at-once' | 'silent' | 'once'): Promise<net.Server> {
  const queue: net.Socket[] = [];
  let firstClosed = false;
  const serve = (sock: net.Socket): void => {
    let head = '';
    sock.on('data', (d) => {
      head += d.toString('latin1');
      if (mode !== 'silent' && head.includes('\r\n\r\n')) sock.end(ANSWER);
    });
    sock.on('close', () => {
      firstClosed = true;
      if (queue[0] !== sock) return;
      queue.shift();
      if (mode === 'once') queue.splice(0).forEach(serve);
      else if (queue[0]) serve(queue[0]);
    });
  };
  const s = net.createServer((sock) => {
    sock.on('error', () => {});
    if (mode === 'all-at-once' || mode === 'silent' || (mode === 'once' && firstClosed)) return serve(sock);
    // Held (not read) until the connections before it have closed.
    queue.push(sock);
    if (queue.length === 1) serve(sock);
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

let srv: net.Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (srv ? srv.close(() => r()) : r()));
  srv = undefined;
});

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('a client held stalled, then released', () => {
  for (const id of ['robustness.slow-client.does-not-block-others', 'robustness.idle-client.does-not-block-others']) {
    const check = allChecks.find((c) => c.id === id)!;

    it(`${id}: a server that answers only once the stalled client has gone fails, on that answer`, async () => {
      srv = await server('one-at-a-time');
      const run = await runAgainst(check, portOf(srv), referenceProfile, 300);
      expect(run.verdict).toBe('fail');
      expect(run.reason).toMatch(/another client got nothing for \d+ ms, and was answered \d+ ms after that connection was closed \(again: nothing for \d+ ms, answered \d+ ms after the close\)$/);
      expect(run.exchanges).toHaveLength(2);
      const ex = run.exchanges[0]!;
      expect(ex.kind).toBe('response');
      expect(ex.releasedAtMs).toBeGreaterThanOrEqual(290);
      // The answer came after the release, and its time is not the server's pace.
      expect(ex.transcript.find((e) => e.dir === 'received')!.atMs).toBeGreaterThanOrEqual(ex.releasedAtMs!);
      expect(firstByteMs(ex)).toBeNull();
      // The replay holds the stalled client's bytes open, as before.
      expect(run.setup?.[0]).toMatchObject({ held: true });
      // A silence that stands: a unit of the same case is not confirmed on its own.
      const s = new Scheduler({ target: { host: '127.0.0.1', port: portOf(srv) }, profile: referenceProfile, timeoutMs: 300 });
      const follower = { id: 'robustness.prop.x', family: 'robustness' as const, follows: [{ root: id, when: 'same-case' as const }] };
      expect(s.coveredBySameCase(follower)).toBe(false);
      s.stood({ id, family: 'robustness' }, run.verdict, run.exchanges);
      expect(s.coveredBySameCase(follower)).toBe(true);
    });

    it(`${id}: a server that answers nobody, not even then, fails on the silence (a deadline to confirm)`, async () => {
      srv = await server('silent');
      const run = await runAgainst(check, portOf(srv), referenceProfile, 300);
      expect(run.verdict).toBe('fail');
      expect(run.exchanges[0]!.kind).toBe('timeout');
      expect(run.exchanges[0]!.releasedAtMs).toBeDefined();
    });

    it(`${id}: a server that held the answer once, but serves while held the second time, passes`, async () => {
      srv = await server('once');
      const run = await runAgainst(check, portOf(srv), referenceProfile, 300);
      expect(run.verdict).toBe('pass');
      expect(run.reason).toMatch(/^served while .* was open \(a first request got nothing for \d+ ms and was answered once that connection was closed; a second was served while it was open\)$/);
      expect(run.exchanges[0]!.releasedAtMs).toBeUndefined();
    });

    it(`${id}: a server that answers others at once passes, nothing released`, async () => {
      srv = await server('all-at-once');
      const run = await runAgainst(check, portOf(srv), referenceProfile, 300);
      expect(run.verdict).toBe('pass');
      expect(run.exchanges[0]!.releasedAtMs).toBeUndefined();
    });
  }
});
