/**
 * A property's cases side by side (src/runner/property-cases.ts). Without a network: which cases are
 * remembered as held (only those that held with every exchange answered), `width` at once, the next as
 * one ends, none started after one that did not hold cleanly, a server that exits while they run keeps
 * nothing and is started again, uncharged, and a server the runner does not own is asked after them all. On loopback (a tiny server of the test's own): a property run with
 * its cases ahead reaches the same verdict, counterexample, path and shrinks as one case at a time, sends
 * the cases that held only once, and really overlaps them; a `--target` gone after its cases ahead
 * charges the property, which says so.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import type { PropertyDef } from '../../src/checks/property.js';
import type { CheckContext } from '../../src/checks/types.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { casesAhead, heldAt, heldClean } from '../../src/runner/property-cases.js';
import { runProperty } from '../../src/runner/run-properties.js';
import { Scheduler, type ServerControl } from '../../src/runner/scheduler.js';
import { latin1 } from '../../src/wire/bytes.js';
import { ex, fakeServer } from './fake-server.js';

const target = { host: '127.0.0.1', port: 9 };
const TIMEOUT = 100;

/** A context whose every request gets `answer()` back after 5 ms, counting the requests and the most in flight at once. */
function fakeContext(answer: () => Exchange) {
  let inFlight = 0;
  const seen = { most: 0, sent: 0 };
  const ctx = {
    target,
    timeoutMs: TIMEOUT,
    profile: referenceProfile,
    name: (l = '') => `wgt-${l}`,
    memo: <T>(_k: string, make: () => Promise<T>) => make(),
    openConnection: async () => null,
    send: async () => {
      seen.sent++;
      seen.most = Math.max(seen.most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return answer();
    },
  } as CheckContext;
  return { ctx, seen };
}

/** A property over integers: a value in `fails` fails; every case sends one request first. */
function intProperty(fails: (n: number) => boolean): PropertyDef<number> {
  return {
    id: 'metamorphic.prop.test-ahead',
    family: 'metamorphic',
    level: 'MUST',
    requirement: 'test',
    casesSideBySide: true,
    arbitrary: () => fc.integer({ min: 0, max: 1000 }),
    verify: async (ctx, n) => {
      const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: x\r\n\r\n`) }, methods: ['GET'] });
      return fails(n) ? { reason: `${n} fails`, expected: [], actual: '', exchanges: [x] } : null;
    },
  };
}

const env = (s: Scheduler, control: ServerControl) => ({ s, first: 'metamorphic.prop.test-ahead', control, target, profile: referenceProfile, timeoutMs: TIMEOUT });

describe('cases run ahead (no network)', () => {
  it('a case is held cleanly only when it held and every exchange was answered', () => {
    const base = { held: true, refused: false, threw: false };
    expect(heldClean({ ...base, exchanges: [ex('response')] })).toBe(true);
    expect(heldClean({ ...base, held: false, exchanges: [ex('response')] })).toBe(false);
    expect(heldClean({ ...base, exchanges: [] })).toBe(false);
    // A silence, or a close with nothing back, may be the load of the others: run again alone …
    const silent = ex('timeout', 12);
    expect(heldClean({ ...base, exchanges: [ex('response'), silent] })).toBe(false);
    expect(heldClean({ ...base, exchanges: [ex('response'), silent], witnessed: new Set([ex('timeout', 12)]) })).toBe(false);
    // … unless the server answered a client that came after it while it waited: its own silence.
    expect(heldClean({ ...base, exchanges: [ex('response'), silent], witnessed: new Set([silent]) })).toBe(true);
    expect(heldClean({ ...base, held: false, exchanges: [silent], witnessed: new Set([silent]) })).toBe(false);
    expect(heldClean({ ...base, exchanges: [ex('closed-without-response', 0)] })).toBe(false);
    expect(heldClean({ ...base, exchanges: [ex('closed-without-response', 120)] })).toBe(true);
    expect(heldClean({ ...base, refused: true, exchanges: [ex('response')] })).toBe(false);
  });


  it("knows fast-check's values as the cases ahead by position and deep equality, never taking a value that did not hold", () => {
    const values = [{ m: 'GET', b: Uint8Array.of(1) }, { m: 'GET', b: Uint8Array.of(2) }, { m: 'HEAD', b: Uint8Array.of(1) }];
    const same = (i: number) => structuredClone(values[i]!);
    // The second case did not hold: it runs (false) and the position moves on; the others are taken.
    let asked = heldAt(values, [0, 2]);
    expect([same(0), same(1), same(2)].map(asked)).toEqual([true, false, true]);
    // Past the cases ahead, everything runs.
    expect(asked(same(0))).toBe(false);
    // An example given first (not the next case) runs, and the position does not move.
    asked = heldAt(values, [0, 1, 2]);
    expect(asked({ m: 'POST', b: Uint8Array.of(1) })).toBe(false);
    expect(asked(same(0))).toBe(true);
    // A value that differs in one byte is not the case that held.
    expect(asked({ m: 'GET', b: Uint8Array.of(3) })).toBe(false);
    expect(asked(same(1))).toBe(true);
    // Nothing held: nothing is taken.
    expect(heldAt(values, [])(same(0))).toBe(false);
  });
  it('runs the cases `width` at a time and remembers those that held', async () => {
    const srv = fakeServer();
    const { ctx, seen } = fakeContext(() => ex('response'));
    const values = Array.from({ length: 10 }, (_, i) => i);
    const { held } = await casesAhead(intProperty(() => false), ctx, values, 4, env(new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: srv }), srv));
    expect(held).toEqual(values.map((_, i) => i));
    expect(seen.most).toBe(4);
    expect(srv.restarts).toBe(0);
  });

  it('does not remember a failing case, and starts none after one that did not hold cleanly', async () => {
    const srv = fakeServer();
    const { ctx, seen } = fakeContext(() => ex('response'));
    const values = Array.from({ length: 40 }, (_, i) => i);
    const { held } = await casesAhead(intProperty((n) => n === 5), ctx, values, 4, env(new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: srv }), srv));
    expect(held.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(held).not.toContain(5);
    // Those running beside it when it failed end (at most the 3 other places); nothing starts after.
    expect(seen.sent).toBeLessThanOrEqual(5 + 1 + 3 + 3);
    expect(held.length).toBe(seen.sent - 1);
  });

  it('starts no wave once the run may not go on (a signal, the wall limit) or past its time', async () => {
    const srv = fakeServer();
    const { ctx, seen } = fakeContext(() => ex('response'));
    const stop = new AbortController();
    stop.abort({ kind: 'interrupted', signal: 'SIGINT' });
    const aborted = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: srv, signal: stop.signal });
    expect((await casesAhead(intProperty(() => false), ctx, [1, 2, 3], 2, env(aborted, srv))).held).toEqual([]);
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: srv });
    expect((await casesAhead(intProperty(() => false), ctx, [1, 2, 3], 2, env(s, srv), performance.now() - 1)).held).toEqual([]);
    expect(seen.sent).toBe(0);
  });

  it('against a server it does not own, runs them `width` at once, the next as one ends, asks it after them all and keeps nothing when it is gone', async () => {
    // No control: a `--target`. The fake context answers every case; nothing listens at the target, so
    // the probe after the cases is refused.
    const { ctx, seen } = fakeContext(() => ex('response'));
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT });
    const r = await casesAhead(intProperty(() => false), ctx, Array.from({ length: 9 }, (_, i) => i), 3, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT });
    expect(r).toEqual({ held: [], wentAway: 'refused' });
    expect(seen.sent).toBe(9);
    expect(seen.most).toBe(3);
  });

  it('against a server it does not own, a slow case holds its place while the others go on; none starts after one that did not hold cleanly', async () => {
    // Nothing listens at the target, so the probe after the cases is refused: what is looked at is what ran.
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT });
    const started: number[] = [];
    const ended: number[] = [];
    const slowOrFailing = (failAt: number): PropertyDef<number> => ({
      ...intProperty((n) => n === failAt),
      verify: async (ctx, n) => {
        started.push(n);
        const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: x\r\n\r\n`) }, methods: ['GET'] });
        if (n === 0) await new Promise((r) => setTimeout(r, 400));
        ended.push(n);
        return n === failAt ? { reason: 'fails', expected: [], actual: '', exchanges: [x] } : null;
      },
    });
    const { ctx } = fakeContext(() => ex('response'));
    await casesAhead(slowOrFailing(-1), { ...ctx }, Array.from({ length: 12 }, (_, i) => i), 3, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT });
    // Case 0 took 400 ms; cases 1–11 ran in the two other places meanwhile (waves would have waited for it).
    expect(ended.indexOf(0)).toBe(11);
    started.length = 0;
    await casesAhead(slowOrFailing(4), { ...ctx }, Array.from({ length: 12 }, (_, i) => i), 2, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT });
    // Case 4 failed: the one running beside it ends, nothing after them starts.
    expect(Math.max(...started)).toBeLessThanOrEqual(5);
  });

  it('keeps nothing when the server exited during a wave, and starts it again, uncharged', async () => {
    const srv = fakeServer();
    const { ctx } = fakeContext(() => {
      srv.kill();
      return ex('reset');
    });
    const { held } = await casesAhead(intProperty(() => false), ctx, [1, 2, 3], 3, env(new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: srv }), srv));
    expect(held).toEqual([]);
    expect(srv.restarts).toBe(1);
    expect(srv.deaths).toEqual([]);
  });
});

describe('a property with its cases ahead, on loopback', () => {
  let server: net.Server;
  const live = { open: 0, most: 0 };
  let port = 0;
  beforeAll(async () => {
    // Answers every request after 5 ms, on connections it never keeps; counts the requests it holds at once.
    server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => {
        live.most = Math.max(live.most, ++live.open);
        setTimeout(() => {
          live.open--;
          sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        }, 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /**
   * Runs the property against the test's server, with its cases ahead (`width`) or one at a time, as a
   * server the runner owns or (`owned: false`) as a `--target`.
   */
  async function run(def: PropertyDef<number>, width?: number, owned = true, at = port, timeoutMs = 2000) {
    const srv = fakeServer();
    const t = { host: '127.0.0.1', port: at };
    const control = owned ? { control: srv } : {};
    const s = new Scheduler({ target: t, profile: referenceProfile, timeoutMs, ...control });
    let calls = 0;
    const counted: PropertyDef<number> = { ...def, verify: (ctx, n) => (calls++, def.verify(ctx, n)) };
    live.most = 0;
    const out = await runProperty(counted, { target: t, profile: referenceProfile, timeoutMs, seed: 42, runs: 30, ...control, scheduler: s, ...(width ? { aheadWidth: width } : {}) });
    return { out, calls, most: live.most };
  }

  it('against a server it does not own (a --target): the same verdicts and counterexample, the cases overlapped', async () => {
    const passing = intProperty(() => false);
    const ahead = await run(passing, 8, false);
    expect(ahead.out.result.reason).toBe('30 cases held (30 of them run side by side)');
    expect(ahead.calls).toBe(30);
    expect(ahead.most).toBeGreaterThan(1);
    const failing = intProperty((n) => n >= 400);
    const serial = await run(failing, undefined, false);
    const aheadFail = await run(failing, 8, false);
    expect(aheadFail.out.result.verdict).toBe('fail');
    expect(aheadFail.out.failure).toEqual(serial.out.failure);
    expect(aheadFail.out.result.reason).toBe(serial.out.result.reason);
  });

  it('runs no more of its cases at once than the property allows (casesAtOnce), whatever the width', async () => {
    const capped: PropertyDef<number> = { ...intProperty(() => false), casesAtOnce: 2 };
    const r = await run(capped, 8, false);
    expect(r.out.result.reason).toBe('30 cases held (30 of them run side by side)');
    expect(r.most).toBe(2);
    const owned = await run(capped, 8, true);
    expect(owned.out.result.reason).toBe('30 cases held (30 of them run side by side)');
    expect(owned.most).toBe(2);
  });

  it("takes a case ahead whose request met silence while the server answered a later client (its own silence) as held, without sending it again", async () => {
    // Never answers a path that is a multiple of 7; answers the rest (and the witness probe) at once.
    const quiet = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', (d) => {
        const n = /^GET \/(\d+) /.exec(d.toString('latin1'))?.[1];
        if (n !== undefined && Number(n) % 7 === 0) return;
        sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((r) => quiet.listen(0, '127.0.0.1', () => r()));
    const at = (quiet.address() as net.AddressInfo).port;
    // Holds when its request is not answered (not its business), as split-invariance does.
    const vacuous: PropertyDef<number> = {
      ...intProperty(() => false),
      verify: async (ctx, n) => {
        await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: x\r\n\r\n`) }, methods: ['GET'] });
        return null;
      },
    };
    try {
      for (const owned of [true, false]) {
        const r = await run(vacuous, 8, owned, at, 400);
        expect(r.out.result.verdict).toBe('pass');
        expect(r.out.result.reason).toBe('30 cases held (30 of them run side by side)');
        // Each case sent once: the silent ones too (fast-check's cases include multiples of 7).
        expect(r.calls).toBe(30);
      }
    } finally {
      await new Promise<void>((r) => quiet.close(() => r()));
    }
  });

  it('a --target gone after a wave of cases: charged to the property, which says its cases ran side by side', async () => {
    // Answers 5 requests, then closes its listener: the wave of 8 meets refusals, the probe after it too.
    let answered = 0;
    const leaving = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => {
        if (++answered === 5) leaving.close();
        sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((r) => leaving.listen(0, '127.0.0.1', () => r()));
    const at = (leaving.address() as net.AddressInfo).port;
    try {
      // Fails a case that was not answered.
      const answers: PropertyDef<number> = {
        ...intProperty(() => false),
        verify: async (ctx, n) => {
          const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: x\r\n\r\n`) }, methods: ['GET'] });
          return x.kind === 'response' ? null : { reason: `${n}: ${x.kind}`, expected: [], actual: '', exchanges: [x] };
        },
      };
      const gone = await run(answers, 8, false, at);
      expect(gone.out.result.verdict).toBe('fail');
      expect(gone.out.result.reason).toMatch(/^the server refused connections during this property \(.*\); before this, its cases ran 8 at a time and the server went away after them \(--serial runs them one at a time and names the case\)$/);
      // 8 at once, one more after each of the 5 answered (at most), then the first case one at a time
      // (refused): nothing more.
      expect(gone.calls).toBeGreaterThanOrEqual(9);
      expect(gone.calls).toBeLessThanOrEqual(14);
    } finally {
      if (leaving.listening) await new Promise<void>((r) => leaving.close(() => r()));
    }
  });

  it('passes as one case at a time does, sending each case once, several at a time', async () => {
    const def = intProperty(() => false);
    const serial = await run(def);
    const ahead = await run(def, 8);
    expect(ahead.out.result.verdict).toBe('pass');
    expect(serial.out.result.verdict).toBe('pass');
    expect(ahead.out.result.reason).toBe('30 cases held (30 of them run side by side)');
    expect(serial.out.result.reason).toBe('30 cases held');
    expect(ahead.calls).toBe(30);
    expect(serial.most).toBe(1);
    expect(ahead.most).toBeGreaterThan(1);
  });

  it('fails on the same counterexample, path and shrinks as one case at a time', async () => {
    const def = intProperty((n) => n >= 400);
    const serial = await run(def);
    const ahead = await run(def, 8);
    expect(serial.out.result.verdict).toBe('fail');
    expect(ahead.out.result.verdict).toBe('fail');
    expect(ahead.out.failure).toEqual(serial.out.failure);
    expect(ahead.out.result.property).toEqual(serial.out.result.property);
    expect(ahead.out.failure?.counterexample).toBe(400);
  });

  it('runs nothing ahead for a property that does not declare it', async () => {
    const { casesSideBySide: _, ...def } = intProperty(() => false);
    const ahead = await run(def, 8);
    expect(ahead.most).toBe(1);
    expect(ahead.calls).toBe(30);
  });
});
