/**
 * Waits side by side against a server the runner does not own (src/runner/parked.ts), without a network:
 * the server's answers to the park probe and to "is it still there" are scripted. Every action of a check
 * (from the start of its turn to the moment its request parks, and from taking its turn back to its end) is
 * taken while no other check acts, while the waits overlap; a request parks only once the probe was
 * answered, and no more wait at once than when a probe was not; the server gone after a check keeps that
 * check's outcome for the loop to charge and none of those that waited beside it unanswered; gone after a
 * check but there once all had ended, it keeps only the checks seen answered.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import type { DownCause } from '../../src/runner/causes.js';
import { CONFIRMED_CLASS } from '../../src/runner/deadlines.js';
import type { ProbeOutcome } from '../../src/runner/liveness.js';
import { earlyConfirmAfterMs, parkAfterMs, PARK_FACTOR, PARK_FLOOR_MS, PARK_PROBE_MS, runParked, type ParkedRun, type Turn } from '../../src/runner/parked.js';
import { Scheduler } from '../../src/runner/scheduler.js';
import { retag } from '../../src/runner/run-checks.js';
import { runUnit } from '../../src/runner/unit-loop.js';
import { ex } from './fake-server.js';

const target = { host: '127.0.0.1', port: 9 };
const TIMEOUT = 100;
const scheduler = () => new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  verdict: string;
  exchanges: readonly Exchange[];
}

/**
 * Checks that each send one request: it acts for `actMs`, then waits `waitMs[i]` for its answer (offering to
 * park after the hook's delay, as exchange() does), then closes. The log records, in order, when each check
 * starts acting and stops (parks or ends), so two checks acting at once show as an interleaving.
 */
function checks(waitMs: number[], actMs = 2, kinds: Exchange['kind'][] = [], verdicts: string[] = []) {
  const log: string[] = [];
  const parkedAt: number[] = [];
  const u: ParkedRun<Outcome> = {
    run: async (i, _timeoutMs, confirming, turn: Turn) => {
      await turn.hold();
      log.push(`act ${i}`);
      const hook = turn.hook()!;
      turn.begin();
      await sleep(actMs);
      let parked = false;
      const wait = waitMs[i]!;
      if (wait > hook.afterMs) {
        await sleep(hook.afterMs);
        log.push(`stop ${i}`);
        parked = await hook.park(true, new AbortController().signal);
        if (parked) parkedAt.push(i);
        else log.push(`act ${i}`);
        await sleep(wait - hook.afterMs);
      } else await sleep(wait);
      if (parked) {
        await hook.resume();
        log.push(`act ${i}`);
      }
      await sleep(1);
      turn.end();
      log.push(`stop ${i}`);
      const kind = kinds[i] ?? 'response';
      return { verdict: verdicts[i] ?? (kind === 'response' ? 'pass' : 'fail'), exchanges: confirming ? [] : [ex(kind, kind === 'response' ? 10 : 0)] };
    },
    verdict: (r) => r.verdict,
    exchanges: (r) => r.exchanges,
    settled: () => false,
  };
  return { u, log, parkedAt };
}

/** No two checks act at once: every `act i` is followed by `stop i` before any other check's entry. */
function oneAtATime(log: string[]): boolean {
  let acting: string | null = null;
  for (const e of log) {
    const [what, who] = e.split(' ');
    if (what === 'act') {
      if (acting !== null && acting !== who) return false;
      acting = who!;
    } else {
      if (acting !== who) return false;
      acting = null;
    }
  }
  return true;
}

const askScript = (probe: () => ProbeOutcome, gone: (n: number) => DownCause | null) => {
  let n = 0;
  return {
    probe: async () => {
      await sleep(1);
      return probe();
    },
    gone: async () => gone(n++),
  };
};

/** The server always there, every park probe answered, the `late`-th only after `ms` (too late to park on). */
const lateProbe = (late: number, ms: number) => {
  let probes = 0;
  return { probe: async (): Promise<ProbeOutcome> => (++probes === late ? (await sleep(ms), 'answered') : 'answered'), gone: async () => null };
};

/** A scheduler whose pace is known (`ms` for each of the answers measured), and its silences a class unless `beforeClass`. */
async function paced(ms: number, beforeClass = false): Promise<Scheduler> {
  const s = scheduler();
  if (!beforeClass) for (let k = 0; k < 3; k++) s.confirmed(true);
  for (let k = 0; k < 5; k++) {
    const x = ex('response', 10);
    x.transcript = [
      { dir: 'sent', atMs: 0, bytes: new Uint8Array(1) },
      { dir: 'received', atMs: ms, bytes: new Uint8Array(10) },
    ];
    await s.after({ id: `u${k}`, family: 'status' }, [x], false, true);
  }
  return s;
}

describe('waits side by side against a server we do not own', () => {
  it('parks after PARK_FACTOR times the pace (at least its floor), and after the probe window before a pace is known', () => {
    expect(parkAfterMs(undefined)).toBe(PARK_PROBE_MS);
    expect(parkAfterMs(1)).toBe(PARK_FLOOR_MS);
    expect(parkAfterMs(30)).toBe(30 * PARK_FACTOR);
  });

  it('takes every action one check at a time while the waits overlap, and keeps every outcome', async () => {
    const s = await paced(2);
    const waits = [150, 150, 150, 150, 150, 150];
    const { u, log, parkedAt } = checks(waits);
    const end = await runParked(waits.length, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) });
    expect(oneAtATime(log)).toBe(true);
    // The waits overlapped: check 5 started acting before check 0 took its turn back to close.
    expect(log.indexOf('act 5')).toBeLessThan(log.lastIndexOf('act 0'));
    expect(parkedAt).toEqual([0, 1, 2, 3, 4, 5]);
    expect(end.peak).toBeGreaterThanOrEqual(2);
    expect(end.kept.filter((p) => p !== undefined)).toHaveLength(6);
    expect(end.gone).toBeUndefined();
  });

  /**
   * Checks whose first attempt is a silence (a failure that rests on a deadline) after `waitMs`, and whose
   * confirmation finds `confirmVerdict(i)`; `confirmed` lists the checks whose confirmation ran.
   */
  function silentChecks(waitMs: number, confirmVerdict: (i: number) => string) {
    const base = checks(Array.from({ length: 64 }, () => waitMs));
    const confirmed: number[] = [];
    // In order: when each confirmation started and each first attempt ended.
    const events: string[] = [];
    const silence = (): Exchange => ({ ...ex('timeout', 0), request: { plan: { bytes: new Uint8Array(10) }, methods: ['GET'] } });
    const u: ParkedRun<Outcome> = {
      ...base.u,
      run: async (i, t, confirming, turn) => {
        if (confirming) events.push(`confirm ${i}`);
        await base.u.run(i, t, confirming, turn);
        if (confirming) confirmed.push(i);
        else events.push(`first ended ${i}`);
        return { verdict: confirming ? confirmVerdict(i) : 'fail', exchanges: [silence()] };
      },
    };
    return { ...base, u, confirmed, events };
  }

  it('before the class of silences, confirms the first CONFIRMED_CLASS and covers the later ones with them, checks starting meanwhile', async () => {
    const s = await paced(2, true);
    const { u, log, confirmed } = silentChecks(60, () => 'fail');
    const end = await runParked(6, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) });
    expect(oneAtATime(log)).toBe(true);
    expect(end.started).toBe(6);
    // The first three silences were confirmed and the later ones stand on those confirmations. Under
    // load a first attempt can end before its early-confirmation timer fires, and it then confirms in its
    // turn after a later check took an early place: one confirmation more, never fewer, never one of the
    // last two (six checks: at most CONFIRMED_CLASS + 1 confirmed).
    const sorted = [...confirmed].sort((a, b) => a - b);
    expect(sorted.slice(0, CONFIRMED_CLASS)).toEqual([0, 1, 2]);
    expect(sorted.length).toBeLessThanOrEqual(CONFIRMED_CLASS + 1);
    expect(end.kept.map((_p, i) => (sorted.includes(i) ? [true, false] : [false, true]))).toEqual(
      end.kept.map((p) => [p?.confirm !== undefined, p?.covered === true]),
    );
    expect(end.kept.slice(CONFIRMED_CLASS + 1).every((p) => p?.covered === true)).toBe(true);
  });

  it('before the class of silences, confirms a later silence on its own when a confirmation of the class did not find the same failure', async () => {
    const s = await paced(2, true);
    const { u, confirmed } = silentChecks(60, (i) => (i === 1 ? 'pass' : 'fail'));
    const end = await runParked(5, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) });
    expect(confirmed.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(end.kept.every((p) => p?.covered === undefined && p?.confirm !== undefined)).toBe(true);
  });

  it('starts a confirmation early SILENCE_FACTOR times the pace after a park, at least 100 ms, 500 ms before a pace is known', () => {
    expect(earlyConfirmAfterMs(undefined)).toBe(500);
    expect(earlyConfirmAfterMs(2)).toBe(100);
    expect(earlyConfirmAfterMs(50)).toBe(1000);
  });

  it('before the class, starts the confirmation of a request still unanswered earlyConfirmAfterMs after it parked, beside it', async () => {
    const s = await paced(2, true);
    const { u, log, confirmed, events } = silentChecks(earlyConfirmAfterMs(2) + 300, () => 'fail');
    const end = await runParked(1, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) });
    expect(oneAtATime(log)).toBe(true);
    expect(confirmed).toEqual([0]);
    expect(end.kept[0]?.confirm).toBeDefined();
    // Beside the first attempt, not after it.
    expect(events).toEqual(['confirm 0', 'first ended 0']);
  });

  it('sets aside a confirmation started early for a request answered after all', async () => {
    const s = await paced(2, true);
    const base = checks([earlyConfirmAfterMs(2) + 150]);
    const confirmed: number[] = [];
    const u: ParkedRun<Outcome> = {
      ...base.u,
      run: async (i, t, confirming, turn) => {
        await base.u.run(i, t, confirming, turn);
        if (confirming) confirmed.push(i);
        return { verdict: 'pass', exchanges: [ex('response', 10)] };
      },
    };
    const end = await runParked(1, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) });
    expect(confirmed).toEqual([0]);
    expect(end.kept[0]).toBeDefined();
    expect(end.kept[0]?.confirm).toBeUndefined();
  });

  it('the loop takes a covered silence as it is, unless a confirmation has flipped a verdict since', async () => {
    const silent = { verdict: 'fail', exchanges: [{ ...ex('timeout', 0), request: { plan: { bytes: new Uint8Array(10) }, methods: ['GET'] } }] };
    const loop = async (s: Scheduler) => {
      let ran = 0;
      await runUnit({ id: 'status.x', family: 'status' }, s, { run: async () => (ran++, silent), verdict: (r) => r.verdict, exchanges: (r) => r.exchanges }, { timeoutMs: TIMEOUT, watched: false, pre: { first: silent, covered: true } });
      return ran;
    };
    expect(await loop(await paced(2, true))).toBe(0);
    const flipped = await paced(2, true);
    flipped.confirmed(false);
    expect(await loop(flipped)).toBe(1);
  });

  it('starts the next check only once a waiting one has taken its turn back when every place to wait is taken', async () => {
    const s = await paced(2);
    const waits = [300, 300, 20, 300];
    const { u, log, parkedAt } = checks(waits);
    // Two park (their probes answered); check 2's probe comes late: no more than two wait at once.
    const end = await runParked(waits.length, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: lateProbe(3, 260) });
    expect(oneAtATime(log)).toBe(true);
    expect(parkedAt.slice(0, 2)).toEqual([0, 1]);
    // Check 3 did not start (and hold the turn through a wait it could not park) before check 0 came back.
    expect(log.indexOf('act 3')).toBeGreaterThan(log.lastIndexOf('act 0'));
    expect(parkedAt).toContain(3);
    expect(end.kept.filter((p) => p !== undefined)).toHaveLength(4);
  });

  it('an exchange that ends while its park probe is still out is not held up by it, and keeps its turn', async () => {
    const s = await paced(2);
    let done = 0;
    let probesDone = 0;
    const u: ParkedRun<Outcome> = {
      run: async (_i, _t, _c, turn) => {
        await turn.hold();
        const hook = turn.hook()!;
        turn.begin();
        const ended = new AbortController();
        const asking = hook.park(true, ended.signal);
        // Its answer comes 5 ms later, long before the slow probe (300 ms).
        await sleep(5);
        ended.abort();
        const parked = await asking;
        expect(parked).toBe(false);
        // Decided without waiting for the probe.
        expect(probesDone).toBe(0);
        turn.end();
        done++;
        return { verdict: 'pass', exchanges: [] };
      },
      verdict: (r) => r.verdict,
      exchanges: (r) => r.exchanges,
      settled: () => false,
    };
    const end = await runParked(2, u, {
      s,
      target,
      profile: referenceProfile,
      timeoutMs: TIMEOUT,
      ask: { probe: async () => (await sleep(300), probesDone++, 'answered'), gone: async () => null },
    });
    expect(done).toBe(2);
    // The probes left out were waited for to their end with the batch.
    expect(probesDone).toBe(2);
    expect(end.peak).toBe(0);
    expect(end.kept.filter((p) => p !== undefined)).toHaveLength(2);
  });

  it('starts no check once the run is stopped (a wall limit, a signal)', async () => {
    const s = await paced(2);
    const stop = new AbortController();
    const { u } = checks([5, 5, 5, 5]);
    const run = u.run;
    u.run = (i, t, c, turn) => {
      if (i === 1) stop.abort();
      return run(i, t, c, turn);
    };
    const end = await runParked(4, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, signal: stop.signal, ask: askScript(() => 'answered', () => null) });
    expect(end.started).toBe(2);
    expect(end.kept.filter((p) => p !== undefined)).toHaveLength(2);
  });

  it('does not park while the probe goes unanswered, and parks no more at once than when it did not', async () => {
    const s = await paced(2);
    const waits = [120, 120, 120, 120];
    const { u, log, parkedAt } = checks(waits);
    // The first probe is answered; the second is not (in time): no more than one waits at once from then.
    const end = await runParked(waits.length, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: lateProbe(2, 400) });
    expect(oneAtATime(log)).toBe(true);
    expect(parkedAt[0]).toBe(0);
    expect(end.peak).toBe(1);
    expect(end.kept.filter((p) => p !== undefined)).toHaveLength(4);
  });

  it('charges nobody itself: the server gone after a check keeps that check for the loop, not the ones that waited beside it', async () => {
    const s = await paced(2);
    // Check 0 waits long; check 1 is short and the server is found gone after it.
    const waits = [200, 5, 5, 5];
    const { u } = checks(waits);
    const down: DownCause = { kind: 'refused' };
    const end = await runParked(waits.length, u, {
      s,
      target,
      profile: referenceProfile,
      timeoutMs: TIMEOUT,
      ask: askScript(() => 'answered', (n) => (n === 0 ? down : n >= 1 ? down : null)),
    });
    expect(end.gone?.culprit).toBe(1);
    expect(end.gone?.down).toEqual(down);
    expect(end.kept[1]).toBeDefined();
    // Check 0 waited beside it and was not seen answered with the server there: not kept.
    expect(end.kept[0]).toBeUndefined();
    // Nothing starts after the death.
    expect(end.started).toBe(2);
  });

  it('charges a death to the first check whose connection the server ended unanswered, not to a later one asked first', async () => {
    // Check 0's request parks (the server answered the park probe), and its connection ends with no answer:
    // a thread that took a moment to die. Check 1 acts meanwhile and is asked first: answered, or its
    // connection ended unanswered too (it was sent after check 0's).
    for (const second of ['response', 'reset'] as const) {
      const s = await paced(2);
      const waits = [60, 5];
      const { u } = checks(waits, 2, ['closed-without-response', second]);
      const down: DownCause = { kind: 'refused' };
      const end = await runParked(waits.length, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => down) });
      expect(end.gone?.culprit, second).toBe(0);
      expect(end.kept[0]).toBeDefined();
      // Check 1 is not charged, nor kept: the loop blocks it once the run has stopped.
      expect(end.kept[1]).toBeUndefined();
    }
    // A check that a close passes (bytes that are no request: a 4xx, a close or silence) is not charged by
    // its close: the check after which the server was found gone is.
    const s = await paced(2);
    const { u } = checks([60, 5], 2, ['closed-without-response', 'response'], ['pass']);
    const end = await runParked(2, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => ({ kind: 'refused' })) });
    expect(end.gone?.culprit).toBe(1);
  });

  it('keeps only the checks seen answered when the server was not there after one but is once all have ended', async () => {
    const s = await paced(2);
    const waits = [5, 5, 5];
    const { u } = checks(waits);
    const end = await runParked(waits.length, u, {
      s,
      target,
      profile: referenceProfile,
      timeoutMs: TIMEOUT,
      ask: askScript(() => 'answered', (n) => (n === 1 ? { kind: 'hung' } : null)),
    });
    expect(end.faltered).toBe(1);
    expect(end.gone).toBeUndefined();
    expect(end.kept[0]).toBeDefined();
    expect(end.kept[1]).toBeUndefined();
  });

  it('gives the turn up while a check waits on what another is still asking (a memo), so neither waits for ever', async () => {
    const s = await paced(2);
    let shared: Promise<string> | null = null;
    const order: string[] = [];
    const u: ParkedRun<Outcome> = {
      run: async (i, _t, _c, turn) => {
        await turn.hold();
        if (i === 0) {
          // Check 0 makes the shared answer: its request parks, and it takes its turn back to close.
          const hook = turn.hook()!;
          turn.begin();
          shared = (async () => {
            await sleep(hook.afterMs);
            const parked = await hook.park(true, new AbortController().signal);
            await sleep(80);
            if (parked) await hook.resume();
            turn.end();
            order.push('made');
            return 'x';
          })();
          await shared;
        } else {
          // Check 1 needs it while it is still being made.
          await turn.during(shared!);
          order.push('used');
        }
        return { verdict: 'pass', exchanges: [] };
      },
      verdict: (r) => r.verdict,
      exchanges: (r) => r.exchanges,
      settled: () => false,
    };
    const end = await Promise.race([
      runParked(2, u, { s, target, profile: referenceProfile, timeoutMs: TIMEOUT, ask: askScript(() => 'answered', () => null) }),
      sleep(3000).then(() => 'stuck' as const),
    ]);
    expect(end).not.toBe('stuck');
    expect(order).toEqual(['made', 'used']);
  });

  it('a check run again after its attempt in a batch was not taken gets records of its own, with names of the same length', () => {
    const tag = 'k3x9q';
    expect(retag(tag, 0)).toBe(tag);
    const again = [1, 2, 3, 40].map((n) => retag(tag, n));
    // Never the batch's own names (a POST /{name} again would be answered 409), each run its own ...
    expect(again).not.toContain(tag);
    expect(new Set(again.slice(0, 3)).size).toBe(3);
    // ... and the same length: a server that reads in pieces of 8 bytes hangs on a multiple of 8.
    for (const t of again) expect(t).toHaveLength(tag.length);
    expect(retag('0abcd', 1)).not.toBe('0abcd');
  });
});
