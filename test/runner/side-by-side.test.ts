/**
 * Checks side by side (src/runner/side-by-side.ts), without a network: a batch's outcomes are kept only
 * when the server is still there after them all; a batch during which the server exited, or a connection
 * was refused, keeps nothing and the server is started again (uncharged); the verdicts that rest on a
 * deadline are confirmed in the batch, with the longer deadline; a batch runs at most its width at once,
 * the next unit starting as one ends, and before the class of silences grows past its width only while
 * nothing needs confirming and for its first 500 ms, or while the class's confirmations are out (the later
 * silences then covered by them), keeping places for confirmations started early; a kept outcome stands only when
 * what the run learned meanwhile could not have changed it; and the loop takes a kept outcome as it is,
 * without running the unit again.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { confirmDeadline } from '../../src/runner/deadlines.js';
import { Scheduler, SILENCE_FLOOR_MS, type ServerControl } from '../../src/runner/scheduler.js';
import { keptStands, runBatch, type BatchRun, type ReadWith } from '../../src/runner/side-by-side.js';
import { runUnit } from '../../src/runner/unit-loop.js';
import { ex, fakeServer } from './fake-server.js';

const target = { host: '127.0.0.1', port: 9 };
const TIMEOUT = 100;
const scheduler = (control: ServerControl) => new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control });

interface Outcome {
  verdict: string;
  exchanges: readonly Exchange[];
}

/** A timeout after part of an answer: a failure that rests on a deadline, on a server that is there. */
const partialTimeout = (): Exchange => ex('timeout', 12);

/**
 * Units whose outcome is given per index; `during(i)` runs inside unit i's first attempt (a kill), and
 * every call is recorded with how many were in flight when it started.
 */
function units(outcomes: Outcome[], during: (i: number) => void = () => {}, tookMs: (i: number) => number = () => 5) {
  const calls: Array<{ i: number; timeoutMs: number; confirming: boolean; inFlight: number; endedBefore: number[] }> = [];
  let inFlight = 0;
  const ended = new Set<number>();
  const u: BatchRun<Outcome> = {
    run: async (i, timeoutMs, confirming) => {
      // `endedBefore`: the units whose first attempt had ended when this call started.
      calls.push({ i, timeoutMs, confirming, inFlight: ++inFlight, endedBefore: [...ended] });
      await new Promise((r) => setTimeout(r, tookMs(i)));
      if (!confirming) ended.add(i);
      if (!confirming) during(i);
      inFlight--;
      return outcomes[i]!;
    },
    verdict: (r) => r.verdict,
    exchanges: (r) => r.exchanges,
    settled: (r) => r.verdict === 'error',
  };
  return { u, calls };
}

const env = (s: Scheduler, srv: ServerControl, width?: number, earlyConfirmations?: true) => ({ s, first: 'status.first', control: srv, target, profile: referenceProfile, timeoutMs: TIMEOUT, ...(width ? { width } : {}), ...(earlyConfirmations ? { earlyConfirmations } : {}) });

describe('a batch side by side', () => {
  it('runs its units at once and keeps every outcome when the server is still there', async () => {
    const srv = fakeServer();
    const outcomes = [{ verdict: 'pass', exchanges: [ex('response')] }, { verdict: 'fail', exchanges: [ex('response')] }, { verdict: 'pass', exchanges: [ex('response')] }];
    const { u, calls } = units(outcomes);
    const end = await runBatch(3, u, env(scheduler(srv), srv));
    expect('kept' in end && end.kept.map((p) => p.first)).toEqual(outcomes);
    // All three were in flight together: the third started before the first ended.
    expect(Math.max(...calls.map((c) => c.inFlight))).toBe(3);
    expect(srv.restarts).toBe(0);
  });

  it('confirms the verdicts that rest on a deadline in the batch, at once, with the longer deadline', async () => {
    const srv = fakeServer();
    const late = { verdict: 'fail', exchanges: [partialTimeout()] };
    const { u, calls } = units([late, { verdict: 'pass', exchanges: [ex('response')] }, late]);
    const end = await runBatch(3, u, env(scheduler(srv), srv));
    const confirms = calls.filter((c) => c.confirming);
    expect(confirms.map((c) => c.i)).toEqual([0, 2]);
    expect(confirms.every((c) => c.timeoutMs === confirmDeadline(TIMEOUT))).toBe(true);
    expect('kept' in end && end.kept.map((p) => p.confirm !== undefined)).toEqual([true, false, true]);
  });

  it('keeps nothing when the server exited during the batch, and starts it again, uncharged', async () => {
    const srv = fakeServer();
    const { u } = units([0, 1, 2].map(() => ({ verdict: 'fail', exchanges: [ex('reset')] })), (i) => i === 1 && srv.kill());
    const end = await runBatch(3, u, env(scheduler(srv), srv));
    expect(end).toEqual({ dropped: 'exited' });
    expect(srv.restarts).toBe(1);
    expect(srv.deaths).toEqual([]);
    expect(srv.exited()).toBeNull();
  });

  it('stops the run after the batch when the server it took down cannot be started again', async () => {
    const srv = fakeServer();
    const failing: ServerControl = { ...srv, exited: () => srv.exited(), restart: async () => ({ ok: false, failure: { kind: 'exited', code: 1, signal: null, addressInUse: true } }) };
    const s = scheduler(failing);
    const { u } = units([0, 1].map(() => ({ verdict: 'fail', exchanges: [ex('reset')] })), (i) => i === 0 && srv.kill());
    expect(await runBatch(2, u, env(s, failing))).toEqual({ dropped: 'exited' });
    expect(s.stopped).toMatchObject({ afterCheck: 'status.first', cause: { kind: 'restart-failed', after: 'status.first' } });
  });

  it('keeps nothing when a connection was refused, or a unit could not run', async () => {
    const srv = fakeServer();
    const refused = units([{ verdict: 'pass', exchanges: [ex('response')] }, { verdict: 'fail', exchanges: [ex('refused')] }]);
    expect(await runBatch(2, refused.u, env(scheduler(srv), srv))).toEqual({ dropped: 'refused' });
    const threw = units([{ verdict: 'pass', exchanges: [ex('response')] }, { verdict: 'error', exchanges: [] }]);
    expect(await runBatch(2, threw.u, env(scheduler(srv), srv))).toEqual({ dropped: 'error' });
    expect(srv.restarts).toBe(0);
  });

  it('runs at most its width at once, and starts the next unit as soon as one ends, not when the slowest of the first ones does', async () => {
    const srv = fakeServer();
    const ok = { verdict: 'pass', exchanges: [ex('response')] };
    // Unit 0 takes 300 ms; the other five 5 ms each.
    const { u, calls } = units(Array.from({ length: 6 }, () => ok), () => {}, (i) => (i === 0 ? 300 : 5));
    const end = await runBatch(6, u, env(scheduler(srv), srv, 2));
    expect('kept' in end && end.kept.length).toBe(6);
    expect(Math.max(...calls.map((c) => c.inFlight))).toBe(2);
    // Units 2 to 5 all started while unit 0 still ran.
    expect(calls.filter((c) => c.i >= 2).every((c) => !c.endedBefore.includes(0))).toBe(true);
  });

  it('grows no further than its width while the server\'s silences are not a class and a verdict rests on a deadline: the rest is left to a later batch', async () => {
    const srv = fakeServer();
    const late = { verdict: 'fail', exchanges: [partialTimeout()] };
    const ok = { verdict: 'pass', exchanges: [ex('response')] };
    // Unit 0 fails on a deadline at once; unit 1 takes longer, so a worker is free for unit 2 after unit 0.
    const { u, calls } = units([late, ok, ok, ok, ok], () => {}, (i) => (i === 1 ? 40 : 2));
    const end = await runBatch(5, u, env(scheduler(srv), srv, 2));
    expect('kept' in end && end.kept.length).toBe(2);
    expect(new Set(calls.map((c) => c.i))).toEqual(new Set([0, 1]));
    // Once the class stands, the same batch is run whole: the quiet window reads such silences.
    const s = scheduler(srv);
    for (let k = 0; k < 3; k++) s.confirmed(true);
    const whole = units([late, ok, ok, ok, ok], () => {}, (i) => (i === 1 ? 40 : 2));
    const all = await runBatch(5, whole.u, env(s, srv, 2));
    expect('kept' in all && all.kept.length).toBe(5);
    expect(whole.calls.some((c) => c.confirming)).toBe(false);
  });

  it('grows no further than its width, before the class, once it has run longer than the quiet window\'s floor: a unit still waiting may be a silence', async () => {
    const srv = fakeServer();
    const ok = { verdict: 'pass', exchanges: [ex('response')] };
    const { u } = units([ok, ok, ok, ok], () => {}, (i) => (i === 0 ? SILENCE_FLOOR_MS + 100 : i === 1 ? SILENCE_FLOOR_MS + 50 : 2));
    const end = await runBatch(4, u, env(scheduler(srv), srv, 2));
    expect('kept' in end && end.kept.length).toBe(2);
  });

  it('before the class, goes on starting units while the class\'s confirmations are out, and covers the later silences with them', async () => {
    const srv = fakeServer();
    const silent = { verdict: 'fail', exchanges: [partialTimeout()] };
    const ok = { verdict: 'pass', exchanges: [ex('response')] };
    const outcomes = [silent, silent, silent, ok, silent, silent, ok, ok];
    const confirmed: number[] = [];
    // Each confirmation takes 60 ms (a longer deadline); every first attempt 2 ms.
    const u: BatchRun<Outcome> = {
      run: async (i, _t, confirming) => {
        if (confirming) confirmed.push(i);
        await new Promise((r) => setTimeout(r, confirming ? 60 : 2));
        return outcomes[i]!;
      },
      verdict: (r) => r.verdict,
      exchanges: (r) => r.exchanges,
      settled: () => false,
    };
    const end = await runBatch(outcomes.length, u, env(scheduler(srv), srv, 4));
    if (!('kept' in end)) throw new Error('not kept');
    expect(end.kept).toHaveLength(8);
    expect(confirmed.sort()).toEqual([0, 1, 2]);
    expect(end.kept.map((p) => p.covered === true)).toEqual([false, false, false, false, true, true, false, false]);
    // One of them not the same failure: a later silence is confirmed on its own.
    const flips = [...outcomes];
    const u2: BatchRun<Outcome> = { ...u, run: async (i, t, c) => (c && i === 1 ? (await u.run(i, t, c), ok) : u.run(i, t, c)) };
    confirmed.length = 0;
    const end2 = await runBatch(flips.length, u2, env(scheduler(srv), srv, 4));
    if (!('kept' in end2)) throw new Error('not kept');
    expect(end2.kept.some((p) => p.covered === true)).toBe(false);
    expect(confirmed.sort()).toEqual([0, 1, 2, 4, 5]);
  });

  it('before the class, keeps CONFIRMED_CLASS places of its width for confirmations started while their first attempt still waits', async () => {
    const srv = fakeServer();
    const silent = { verdict: 'fail', exchanges: [partialTimeout()] };
    const ok = { verdict: 'pass', exchanges: [ex('response')] };
    const outcomes = [silent, ok, ok, ok, ok, ok];
    const events: string[] = [];
    let inFlight = 0;
    let most = 0;
    let firstsAtOnce = 0;
    let firsts = 0;
    // Unit 0's request waits: it says so after 5 ms and ends 80 ms later, silent; its confirmation takes 20 ms.
    const u: BatchRun<Outcome> = {
      run: async (i, _t, confirming, waiting) => {
        most = Math.max(most, ++inFlight);
        if (!confirming) firstsAtOnce = Math.max(firstsAtOnce, ++firsts);
        if (confirming) events.push(`confirm ${i}`);
        if (i === 0 && !confirming) {
          await new Promise((r) => setTimeout(r, 5));
          waiting?.();
          await new Promise((r) => setTimeout(r, 80));
          events.push('first ended 0');
        } else await new Promise((r) => setTimeout(r, confirming ? 20 : 10));
        inFlight--;
        if (!confirming) firsts--;
        return confirming ? silent : outcomes[i]!;
      },
      verdict: (r) => r.verdict,
      exchanges: (r) => r.exchanges,
      settled: () => false,
    };
    const end = await runBatch(outcomes.length, u, env(scheduler(srv), srv, 6, true));
    if (!('kept' in end)) throw new Error('not kept');
    expect(events).toEqual(['confirm 0', 'first ended 0']);
    expect(end.kept[0]?.confirm).toBe(silent);
    expect(most).toBeLessThanOrEqual(6);
    expect(firstsAtOnce).toBe(3);
    // A confirmation started for a request answered after all is waited for and set aside.
    outcomes[0] = ok;
    events.length = 0;
    const end2 = await runBatch(outcomes.length, u, env(scheduler(srv), srv, 6, true));
    if (!('kept' in end2)) throw new Error('not kept');
    expect(events).toEqual(['confirm 0', 'first ended 0']);
    expect(end2.kept[0]?.confirm).toBeUndefined();
    // Once the class stands, nothing is kept aside: every place is a first attempt's.
    const s = scheduler(srv);
    for (let k = 0; k < 3; k++) s.confirmed(true);
    events.length = 0;
    firstsAtOnce = 0;
    await runBatch(outcomes.length, u, env(s, srv, 6, true));
    expect(events).toEqual(['first ended 0']);
    expect(firstsAtOnce).toBe(6);
    // Nor for a batch that does not ask for them (property cases ahead).
    events.length = 0;
    firstsAtOnce = 0;
    await runBatch(outcomes.length, u, env(scheduler(srv), srv, 6));
    expect(events).toEqual(['first ended 0']);
    expect(firstsAtOnce).toBe(6);
  });

  it("watches for an exit after a batch with connections ended without an answer as after its units one at a time: the habit's short watch once three of them lived on", async () => {
    const srv = fakeServer();
    let looks = 0;
    const counted: ServerControl = { ...srv, exited: () => (looks++, srv.exited()) };
    const s = scheduler(counted);
    const lookedAt: number[] = [];
    // Two units of each batch end a connection without an answer; a third is answered.
    for (let k = 0; k < 3; k++) {
      looks = 0;
      const { u } = units([ex('closed-without-response', 40), ex('response'), ex('closed-without-response', 40)].map((x) => ({ verdict: 'pass', exchanges: [x] })));
      expect('kept' in (await runBatch(3, u, env(s, counted)))).toBe(true);
      lookedAt.push(looks);
    }
    // exitWithin looks every 10 ms, and at least ms / 10 times: 250 ms, again after 2 such units (fewer
    // than 3), then 60 ms once 4 have lived on.
    expect(lookedAt[0]).toBeGreaterThanOrEqual(25);
    expect(lookedAt[1]).toBeGreaterThanOrEqual(25);
    expect(lookedAt[2]).toBeLessThan(25);
  });
});

describe('the loop with an outcome run side by side', () => {
  it('takes the outcome and its confirmation as they are, and counts the confirmation toward the class of silences', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    let runs = 0;
    const first = { verdict: 'fail', exchanges: [partialTimeout()] };
    const confirm = { verdict: 'fail', exchanges: [partialTimeout()] };
    const u = {
      run: async (): Promise<Outcome> => {
        runs++;
        return first;
      },
      verdict: (r: Outcome) => r.verdict,
      exchanges: (r: Outcome) => r.exchanges,
    };
    for (let k = 0; k < 3; k++) {
      const end = await runUnit({ id: `framing.u${k}`, family: 'framing' }, s, u, { timeoutMs: TIMEOUT, control: srv, watched: true, pre: { first, confirm } });
      expect('outcome' in end && end.outcome).toBe(confirm);
    }
    expect(runs).toBe(0);
    // Three confirmations that found the same failure: the server's silences are a class.
    expect(s.shouldConfirm()).toBe(false);
  });

  it('runs the confirmation itself when the batch did not (the class of silences was not yet decided then)', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    const calls: boolean[] = [];
    const first = { verdict: 'fail', exchanges: [partialTimeout()] };
    const u = {
      run: async (_a: number, _t: number, confirming: boolean): Promise<Outcome> => {
        calls.push(confirming);
        return { verdict: 'pass', exchanges: [ex('response')] };
      },
      verdict: (r: Outcome) => r.verdict,
      exchanges: (r: Outcome) => r.exchanges,
    };
    const end = await runUnit({ id: 'framing.u', family: 'framing' }, s, u, { timeoutMs: TIMEOUT, control: srv, watched: true, pre: { first } });
    expect(calls).toEqual([true]);
    expect('outcome' in end && end.outcome.verdict).toBe('pass');
  });
});

describe('a kept outcome, once the run has learned more', () => {
  const read = (at: ReadWith['at'], confirming: ReadWith['confirming'] = {}): ReadWith => ({ at, confirming });
  /** An exchange answered `ms` after its request. */
  const answeredAfter = (ms: number): Exchange => ({ ...ex('response'), elapsedMs: ms + 1, transcript: [{ dir: 'sent', atMs: 0, bytes: new Uint8Array(10) }, { dir: 'received', atMs: ms, bytes: new Uint8Array(40) }] });
  const silent = (): Exchange => ex('timeout', 0);

  it('stands when the run reads exchanges as it did then', () => {
    expect(keptStands([silent()], [silent()], read({ silenceMs: 500 }), read({ silenceMs: 500 }))).toBe(true);
  });

  it('does not stand when the idle end of a close-framed body was learned meanwhile and it waited on a deadline', () => {
    expect(keptStands([partialTimeout()], null, read({}), read({ closeIdleMs: 300 }))).toBe(false);
    expect(keptStands([ex('response')], [ex('response')], read({}), read({ closeIdleMs: 300 }, { closeIdleMs: 300 }))).toBe(false);
    // An answer that ended by itself did not depend on it.
    expect(keptStands([ex('response')], null, read({}), read({ closeIdleMs: 300 }))).toBe(true);
  });

  it('keeps a silence in which not one byte came across a learned idle end or cap, confirmed or not', () => {
    // No head came: no body for an idle end to end, no bytes to cap (the zoo's no-content-length: 20
    // silences of a batch were run again for nothing, 5 s).
    expect(keptStands([silent()], null, read({}), read({ closeIdleMs: 300 }))).toBe(true);
    expect(keptStands([silent()], [silent()], read({}), read({ closeIdleMs: 20 }, { closeIdleMs: 300 }))).toBe(true);
    expect(keptStands([ex('response'), silent()], [ex('response'), silent()], read({}), read({ capBytes: 1024 }, { capBytes: 1024 }))).toBe(true);
    // A confirmation that got part of an answer, or a first attempt that did: read now, either may end otherwise.
    expect(keptStands([silent()], [partialTimeout()], read({}), read({ closeIdleMs: 20 }, { closeIdleMs: 300 }))).toBe(false);
    expect(keptStands([partialTimeout(), silent()], [silent(), silent()], read({}), read({ closeIdleMs: 20 }, { closeIdleMs: 300 }))).toBe(false);
    // An answer whose body an idle end ended, confirmed (restsOnShortIdle): it depended on that idle end.
    expect(keptStands([silent(), { ...ex('response'), idleEndMs: 20 }], [silent(), ex('response')], read({ closeIdleMs: 20 }), read({ closeIdleMs: 300 }, { closeIdleMs: 300 }))).toBe(false);
  });

  it('keeps a silence that waited at least the quiet window now, not one that waited less', () => {
    // Read then with the whole deadline, now with a quiet window of 500 ms: it would end the same way.
    expect(keptStands([silent()], null, read({}), read({ silenceMs: 500 }))).toBe(true);
    // Read then with 500 ms, now with the whole deadline: an answer might have come.
    expect(keptStands([silent()], null, read({ silenceMs: 500 }), read({}))).toBe(false);
  });

  it('keeps part of an answer then silence only when no pause in it was as long as the quiet window now', () => {
    const partial = (pauses: number[]): Exchange => {
      let t = 0;
      const transcript = [{ dir: 'sent' as const, atMs: 0, bytes: new Uint8Array(10) }, ...pauses.map((p) => ({ dir: 'received' as const, atMs: (t += p), bytes: new Uint8Array(20) }))];
      return { ...ex('timeout', 20 * pauses.length), transcript };
    };
    // The head came at once, then nothing: a 500 ms window ends it with the same bytes.
    expect(keptStands([partial([3])], null, read({}), read({ silenceMs: 500 }))).toBe(true);
    // A second piece came 700 ms after the first: a 500 ms window would have ended it before that piece.
    expect(keptStands([partial([3, 700])], null, read({}), read({ silenceMs: 500 }))).toBe(false);
  });

  it('does not keep an answer that took longer than the quiet window the run would wait now', () => {
    expect(keptStands([answeredAfter(800)], null, read({}), read({ silenceMs: 500 }))).toBe(false);
    expect(keptStands([answeredAfter(20)], null, read({}), read({ silenceMs: 500 }))).toBe(true);
    // A window as long or longer now: an answer that came ends the same.
    expect(keptStands([answeredAfter(800)], null, read({ silenceMs: 900 }), read({ silenceMs: 1200 }))).toBe(true);
  });

  it('keeps an answer that came at once and was then watched longer than the quiet window (the window does not cut that watch)', () => {
    const watched = { ...answeredAfter(20), elapsedMs: 1020 };
    expect(keptStands([watched], null, read({}), read({ silenceMs: 500 }))).toBe(true);
    // A close with no answer after 800 ms would be a silence at 500 ms now.
    const closed = { ...ex('closed-without-response'), elapsedMs: 800, transcript: [{ dir: 'sent' as const, atMs: 0, bytes: new Uint8Array(10) }] };
    expect(keptStands([closed], null, read({}), read({ silenceMs: 500 }))).toBe(false);
  });
});
