/**
 * Deadlines from the server's own pace, and what a run keeps of a flood: the silence window exists
 * only once the server's silences are a confirmed class, is a generous multiple of its slowest recent
 * answer (never under its floor, never over the deadline), and is never given to a confirmation's long
 * deadline; a close-delimited body that overflowed the cap makes later reads use the flood cap.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { QUIET_WINDOW_MAX_REQUEST_BYTES } from '../../src/client/exchange.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { firstByteMs } from '../../src/client/answer-time.js';
import { FLOOD_CAP_BYTES, IGNORED_CLOSE_WAIT_MS, Scheduler, SILENCE_FACTOR, SILENCE_FLOOR_MS, WATCH_FLOOR_MS } from '../../src/runner/scheduler.js';
import type { ParsedResponse } from '../../src/http1/response-parser.js';
import { answeredIn as answered, fakeServer, served } from './fake-server.js';
import { PROBE_PEER_CLOSE_MS } from '../../src/runner/liveness.js';
import { makeContext } from '../../src/runner/context.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { confirmDeadline } from '../../src/runner/deadlines.js';
import type { Check } from '../../src/checks/types.js';
import { latin1 } from '../../src/wire/bytes.js';

const target = { host: '127.0.0.1', port: 9 };
const fakeControl = { exited: () => null, restart: async () => ({ ok: true as const }) };

describe('the silence window', () => {
  it('firstByteMs: from the last byte sent to the first byte back; none for a request sent with pauses', () => {
    expect(firstByteMs(answered(7))).toBe(7);
    const paused = { ...answered(7), request: { plan: { bytes: new Uint8Array(10), splits: [5], pausesMs: [200] }, methods: ['GET'] } };
    expect(firstByteMs(paused)).toBeNull();
    expect(firstByteMs({ ...answered(7), transcript: [] })).toBeNull();
  });

  it('firstByteMs: none for a request over QUIET_WINDOW_MAX_REQUEST_BYTES (its answer time is the reading of it)', () => {
    const request = (n: number) => ({ request: { plan: { bytes: new Uint8Array(n) }, methods: ['GET'] } });
    expect(firstByteMs({ ...answered(300), ...request(QUIET_WINDOW_MAX_REQUEST_BYTES) })).toBe(300);
    expect(firstByteMs({ ...answered(300), ...request(QUIET_WINDOW_MAX_REQUEST_BYTES + 1) })).toBeNull();
  });

  it('a slow answer to a request over 64 KiB does not widen the window of the small ones', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(2)]);
    for (let i = 0; i < 3; i++) s.confirmed(true);
    const big = { ...answered(300), request: { plan: { bytes: new Uint8Array(1024 * 1024) }, methods: ['POST'] } };
    await s.after({ id: 'big', family: 'robustness' }, [big]);
    expect(s.silenceMs(2000)).toBe(SILENCE_FLOOR_MS); // 20 × 300 ms would have been past the deadline
  });

  it('is none until the server\'s silences are a confirmed class, then a multiple of its pace with a floor', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(2)]);
    expect(s.silenceMs(2000)).toBeUndefined(); // no confirmed class yet
    s.confirmed(true);
    s.confirmed(true);
    expect(s.silenceMs(2000)).toBeUndefined();
    s.confirmed(true);
    expect(s.silenceMs(2000)).toBe(SILENCE_FLOOR_MS); // 20 × 2 ms is under the floor
    expect(s.silenceMs(5000)).toBeUndefined(); // a confirmation's deadline waits in full
    await s.after({ id: 'slow', family: 'status' }, [answered(60)]);
    expect(s.silenceMs(2000)).toBe(SILENCE_FACTOR * 60); // widened by a slow answer
    await s.after({ id: 'slower', family: 'status' }, [answered(150)]);
    expect(s.silenceMs(2000)).toBeUndefined(); // 20 × 150 ms is past the deadline: the deadline it is
  });

  it('a provisional case (a shrink\'s candidate) gets a window before the class too, never at a confirmation\'s deadline nor after a flip', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    expect(s.silenceMs(2000, true)).toBeUndefined(); // no pace yet
    for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(2)]);
    expect(s.silenceMs(2000)).toBeUndefined();
    expect(s.silenceMs(2000, true)).toBe(SILENCE_FLOOR_MS);
    expect(s.silenceMs(5000, true)).toBeUndefined();
    s.confirmed(false);
    expect(s.silenceMs(2000, true)).toBeUndefined();
  });

  it('a confirmation that flips a verdict turns the window off for good', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(2)]);
    for (let i = 0; i < 3; i++) s.confirmed(true);
    expect(s.silenceMs(2000)).toBe(SILENCE_FLOOR_MS);
    s.confirmed(false);
    for (let i = 0; i < 5; i++) s.confirmed(true);
    expect(s.silenceMs(2000)).toBeUndefined();
  });
});

describe('the watch for what a correct server never sends', () => {
  it('needs only the pace (no class of silences): a multiple of the slowest recent answer, with its own floor, under the deadline', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 4; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(1)]);
    expect(s.watchMs()).toBeUndefined(); // too few answers to know the pace: the whole window
    await s.after({ id: 'c4', family: 'status' }, [answered(1)]);
    expect(s.watchMs()).toBe(WATCH_FLOOR_MS); // 20 × 1 ms is not over the floor
    expect(s.silenceMs(2000)).toBeUndefined(); // the quiet window still waits for its class
    await s.after({ id: 'slow', family: 'status' }, [answered(7)]);
    expect(s.watchMs()).toBe(SILENCE_FACTOR * 7);
    await s.after({ id: 'slower', family: 'status' }, [answered(120)]);
    expect(s.watchMs()).toBeUndefined(); // 20 × 120 ms is past the deadline: each check's own window
  });

  it('a confirmation that flips a verdict turns it off for good', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(1)]);
    expect(s.watchMs()).toBe(WATCH_FLOOR_MS);
    s.confirmed(false);
    for (let i = 0; i < 5; i++) s.confirmed(true);
    expect(s.watchMs()).toBeUndefined();
  });
});

describe('the watch for a close after an answer that already decided its verdict', () => {
  it('lasts the watch from the pace once the pace is known (the whole watch before), and the streak\'s shorter wait when that is shorter', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 4; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(1)]);
    expect(s.decidedSettleMs()).toBeUndefined(); // no pace yet, no streak: the check's whole watch
    await s.after({ id: 'c4', family: 'status' }, [answered(1)]);
    expect(s.decidedSettleMs()).toBe(WATCH_FLOOR_MS);
    await s.after({ id: 'slow', family: 'status' }, [answered(30)]);
    expect(s.decidedSettleMs()).toBe(SILENCE_FACTOR * 30);
    // Three answers in a row after which the server kept the connection open: the streak's 100 ms is shorter.
    for (let i = 0; i < 3; i++) s.sawExchange({ ...answered(1), keptOpenAfterDecided: true });
    expect(s.decidedSettleMs()).toBe(IGNORED_CLOSE_WAIT_MS);
    // A flipped confirmation turns the pace's watch off: the streak's wait alone.
    s.confirmed(false);
    expect(s.decidedSettleMs()).toBe(IGNORED_CLOSE_WAIT_MS);
    s.sawExchange({ ...answered(1), keptOpenAfterDecided: false });
    expect(s.decidedSettleMs()).toBeUndefined();
  });

  it('the wait for the close of a server seen ignoring Connection: close is no longer than the watch from the pace', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    for (let i = 0; i < 3; i++) s.sawExchange({ ...answered(1), closeIgnored: true });
    expect(s.peerCloseMs()).toBe(IGNORED_CLOSE_WAIT_MS); // no pace yet: the streak's wait
    for (let i = 0; i < 5; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(1)]);
    expect(s.peerCloseMs()).toBe(WATCH_FLOOR_MS);
    await s.after({ id: 'slow', family: 'status' }, [answered(30)]);
    expect(s.peerCloseMs()).toBe(IGNORED_CLOSE_WAIT_MS); // 20 × 30 ms is longer than the streak's wait
    // Without the streak, the whole wait (the pace alone does not shorten a wait for an asked-for close).
    s.sawExchange({ ...answered(1), closeIgnored: false });
    expect(s.peerCloseMs()).toBeUndefined();
  });
});

describe('the flood cap', () => {
  it('is learned from a close-delimited body that overflowed, not from a head that did', () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    const partial = { framing: 'close', headEnd: 40, start: 0 } as unknown as ParsedResponse;
    const headFlood = { ...answered(1), kind: 'overflow' as const, partial: { ...partial, framing: 'close', headEnd: 0 } as ParsedResponse };
    s.sawExchange(headFlood);
    expect(s.exchangeDefaults(2000).capBytes).toBeUndefined();
    s.sawExchange({ ...answered(1), kind: 'overflow', partial });
    expect(s.exchangeDefaults(2000).capBytes).toBe(FLOOD_CAP_BYTES);
  });
});

describe('the liveness probe\'s wait for an announced close (Scheduler.probeCloseMs)', () => {
  it('follows the pace for a server we do not own, and stays PROBE_PEER_CLOSE_MS for one we own or before a pace', async () => {
    const { responses, finals } = served(200);
    const servedFinal = { responses, finals };
    const free = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    const owned = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000, control: fakeControl });
    expect(free.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
    for (const s of [free, owned]) for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(2)], false, true);
    // 20 × 2 ms = 40 ms: a server that ignores `Connection: close` is not paid 100 ms after every check.
    expect(free.probeCloseMs()).toBe(SILENCE_FACTOR * 2);
    expect(owned.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
    // Never more than the whole wait, however slow the pace.
    for (let i = 0; i < 6; i++) await free.after({ id: `d${i}`, family: 'status' }, [answered(30)], false, true);
    expect(free.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
    // Seen ignoring `Connection: close` three times in a row: no wait at all for one we do not own.
    // (after answers it served, as it serves the probe)
    for (const s of [free, owned]) for (let i = 0; i < 3; i++) s.sawExchange({ ...answered(1), ...servedFinal, closeIgnored: true });
    expect(free.probeCloseMs()).toBe(0);
    expect(owned.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
    free.sawExchange({ ...answered(1), ...servedFinal, closeIgnored: false });
    expect(free.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
  });
});

/** A loopback server that answers the probe's request (its known path), and nothing else; closed after `go`. */
async function withProbeOnlyServer(go: (target: { host: string; port: number }) => Promise<void>): Promise<void> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.startsWith(`GET ${referenceProfile.knownPath} `) && buf.includes('\r\n\r\n')) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await go({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  } finally {
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('the witness to a silence (Scheduler.witnessing)', () => {
  /** A loopback server that answers every request with 200, or says nothing when `silent`; closed after `go`. */
  async function withServer(silent: boolean, go: (port: number) => Promise<void>): Promise<void> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
      sock.on('data', () => {
        if (!silent) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await go((server.address() as net.AddressInfo).port);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('is offered only once silences are a class, at the run\'s deadline, for a server that serves others meanwhile; it asks the server', async () => {
    for (const silent of [false, true]) {
      await withServer(silent, async (port) => {
        const s = new Scheduler({ target: { host: '127.0.0.1', port }, profile: referenceProfile, timeoutMs: 2000 });
        s.servesOthers = true;
        expect(s.witnessing(2000)).toBeUndefined(); // not yet a class: every silence is confirmed anyway
        // A confirmation's long deadline: asked after the run's own deadline of silence, class or not.
        expect(s.witnessing(5000, true)?.afterMs).toBe(2000);
        expect(s.witnessing(5000)).toBeUndefined(); // not a confirmation (ContextOptions.witnessEarly)
        expect(s.witnessing(2000, true)).toBeUndefined(); // a confirmation at the run's deadline (the short idle end's)
        for (let i = 0; i < 3; i++) s.confirmed(true);
        expect(s.witnessing(5000, true)?.afterMs).toBe(2000);
        const wi = s.witnessing(2000);
        expect(wi?.afterMs).toBeUndefined(); // asked when the exchange runs out of time
        const w = wi?.witness;
        expect(w).toBeDefined();
        const t0 = performance.now();
        const first = await w!(t0);
        expect(first !== null).toBe(!silent);
        expect(performance.now() - t0).toBeLessThan(2000);
        // One request serves every silence that began before it was sent; a later silence asks again.
        expect(await w!(t0 - 100)).toBe(first);
        if (first) {
          expect(first.sentAt).toBeGreaterThanOrEqual(t0);
          const again = await w!(performance.now());
          expect(again).not.toBe(first);
          expect(again!.sentAt).toBeGreaterThan(first.answeredAt);
        }
        s.servesOthers = false; // one client at a time: it cannot answer a witness while ours is open
        expect([s.witnessing(2000), s.witnessing(5000, true)]).toEqual([undefined, undefined]);
        s.servesOthers = true;
        s.confirmed(false); // a flip: confirmations wait their whole long deadline again
        expect(s.witnessing(5000, true)).toBeUndefined();
      });
    }
  });

  it('a provisional case (a shrink\'s candidate) gets the window from the pace before the class, on a fresh connection and a kept one', async () => {
    await withProbeOnlyServer(async (target) => {
      const timeoutMs = 1500;
      const s = new Scheduler({ target, profile: referenceProfile, timeoutMs, control: fakeControl });
      for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(1)]);
      let provisional = false;
      const ctx = makeContext({ target, timeoutMs, profile: referenceProfile, provisional: () => provisional }, 'status.a', 't', new Map(), s);
      const silent = { plan: { bytes: latin1('GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n') }, methods: ['GET'] };
      // Not provisional: the whole deadline.
      expect((await ctx.send(silent)).elapsedMs).toBeGreaterThan(timeoutMs - 100);
      provisional = true;
      const fresh = await ctx.send(silent);
      expect([fresh.kind, fresh.witnessed]).toEqual(['timeout', undefined]);
      expect(fresh.elapsedMs).toBeGreaterThanOrEqual(SILENCE_FLOOR_MS - 5);
      expect(fresh.elapsedMs).toBeLessThan(timeoutMs - 100);
      const kept = await ctx.openConnection();
      if (!kept) throw new Error('refused');
      try {
        const ex = await kept.exchange(silent.plan, { methods: ['GET'], timeoutMs });
        expect(ex.kind).toBe('timeout');
        expect(ex.elapsedMs).toBeLessThan(timeoutMs - 100);
      } finally {
        await kept.close();
      }
    });
  });

  it('a check\'s requests get it, on a fresh connection and a kept one, once the class stands: a silence the server alone keeps is witnessed', async () => {
    await withProbeOnlyServer(async (target) => {
      const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 300 });
      const ctx = makeContext({ target, timeoutMs: 300, profile: referenceProfile }, 'status.a', 't', new Map(), s);
      const silent = { plan: { bytes: latin1('GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n') }, methods: ['GET'] };
      // Before the class: no witness (the long deadline confirms).
      expect((await ctx.send(silent)).witnessed).toBeUndefined();
      s.servesOthers = true;
      for (let i = 0; i < 3; i++) s.confirmed(true);
      const fresh = await ctx.send(silent);
      expect([fresh.kind, fresh.witnessed]).toEqual(['timeout', true]);
      const kept = await ctx.openConnection();
      if (!kept) throw new Error('refused');
      try {
        const ex = await kept.exchange(silent.plan, { methods: ['GET'], timeoutMs: 300 });
        expect([ex.kind, ex.witnessed]).toEqual(['timeout', true]);
      } finally {
        await kept.close();
      }
    });
  });

  it("a check's confirmation ends a silence its witness stands behind once the run's deadline passed; not one of a check that sends many requests at once", async () => {
    await withProbeOnlyServer(async (target) => {
      const timeoutMs = 300;
      const control = fakeServer();
      const s = new Scheduler({ target, profile: referenceProfile, timeoutMs, control });
      s.servesOthers = true;
      const silent = { plan: { bytes: latin1('GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n') }, methods: ['GET'] };
      const check = (id: string, atOnce: boolean): Check => ({
        id,
        family: 'status',
        level: 'MUST',
        requirement: 'a fake',
        ...(atOnce ? { atOnce: true as const } : {}),
        run: async (ctx) => ({ verdict: 'fail', reason: 'silent', expected: [], actual: 'nothing', exchanges: [await ctx.send(silent)] }),
      });
      const r = await runChecks({ target, checks: [check('status.witness.one', false), check('status.witness.many', true)], profile: referenceProfile, timeoutMs, seed: 1, serial: true, scheduler: s, control });
      const [one, many] = r.checks.map((c) => c.exchanges?.[0]);
      // The confirmation's exchange (the long deadline: 5 s) ended after the run's 300 ms, witnessed.
      expect([one?.kind, one?.witnessCutMs, one?.witnessed]).toEqual(['timeout', timeoutMs, true]);
      expect(one!.elapsedMs).toBeLessThan(confirmDeadline(timeoutMs) / 2);
      expect([many?.kind, many?.witnessCutMs]).toEqual(['timeout', undefined]);
      expect(many!.elapsedMs).toBeGreaterThanOrEqual(confirmDeadline(timeoutMs) - 100);
    });
  });
});
