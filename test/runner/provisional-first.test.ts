/**
 * A unit's first run read provisionally (unit-loop.ts, Scheduler.readsFirstProvisionally), without a
 * network: before the server's silences are a class, a check's first run is read with the quiet window
 * once the server's pace is known. A failure the window cut is confirmed with the long deadline, as any
 * failure on a silence is before the class, and that confirmation decides; an outcome the window cut that
 * no confirmation would follow is read again with the whole deadline, and that reading decides.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { confirmDeadline } from '../../src/runner/deadlines.js';
import { Scheduler, SILENCE_FLOOR_MS, type Unit } from '../../src/runner/scheduler.js';
import { runUnit, type UnitRun } from '../../src/runner/unit-loop.js';
import { answeredIn, ex, fakeServer } from './fake-server.js';
import { withSilentServer } from '../helpers/silent-server.js';
import type { Check, CheckRun } from '../../src/checks/types.js';
import { BASELINE_ID } from '../../src/checks/catalogue/baseline.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { latin1 } from '../../src/wire/bytes.js';

const TIMEOUT = 2000;
const target = { host: '127.0.0.1', port: 9 };

/** A silence: bytes came back before it (the watch asks the fake process, not the socket), ended by the window or by the deadline. */
function silence(cutMs?: number): Exchange {
  return { ...ex('timeout', 5), ...(cutMs !== undefined ? { silenceCutMs: cutMs } : {}) };
}

type Outcome = { verdict: string; exchanges: Exchange[] };

interface Call {
  timeoutMs: number;
  confirming: boolean;
  rerun?: string;
  provisional: boolean;
}

/** A unit whose n-th run answers `outcomes[n]` (the last one after that), recording how each was asked. */
function unitRun(outcomes: Outcome[], calls: Call[], readsFirst = true): UnitRun<Outcome> {
  return {
    run: async (_attempt, timeoutMs, confirming, rerun, provisional) => {
      calls.push({ timeoutMs, confirming, ...(rerun ? { rerun } : {}), provisional: provisional === true });
      return outcomes[Math.min(calls.length - 1, outcomes.length - 1)]!;
    },
    verdict: (r) => r.verdict,
    exchanges: (r) => r.exchanges,
    ...(readsFirst ? { cutByWindow: (r: Outcome) => r.exchanges.some((e) => e.silenceCutMs !== undefined) } : {}),
  };
}

/** A scheduler that knows the server's pace (answers in 2 ms), before the class of silences. */
async function paced(control = fakeServer()): Promise<Scheduler> {
  const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control });
  for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answeredIn(2)]);
  return s;
}

const unit: Unit = { id: 'framing.test.fake', family: 'framing' };
const opts = (control = fakeServer()) => ({ timeoutMs: TIMEOUT, watched: true, control });


/** The unit through the loop on a paced scheduler, its first run answering `first` and every later one `then`: how each run was asked, and the verdict taken. */
async function firstThen(first: Outcome, then: Outcome): Promise<{ calls: Call[]; verdict: string | false; s: Scheduler }> {
  const s = await paced();
  const calls: Call[] = [];
  const end = await runUnit(unit, s, unitRun([first, then], calls), opts());
  return { calls, verdict: 'outcome' in end && end.outcome.verdict, s };
}

describe('a first run read provisionally', () => {
  it('is asked only before the class, with a pace, never after a flip', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: fakeServer() });
    expect(s.readsFirstProvisionally()).toBe(false); // no pace yet
    const p = await paced();
    expect(p.readsFirstProvisionally()).toBe(true);
    expect(p.silenceMs(TIMEOUT, true)).toBe(SILENCE_FLOOR_MS);
    for (let i = 0; i < 3; i++) p.confirmed(true);
    expect(p.readsFirstProvisionally()).toBe(false); // the class: every run gets the window anyway
    const f = await paced();
    f.confirmed(false);
    expect(f.readsFirstProvisionally()).toBe(false);
  });

  it('a failure the window cut is confirmed with the long deadline, and the confirmation decides', async () => {
    const { calls, verdict, s } = await firstThen({ verdict: 'fail', exchanges: [silence(SILENCE_FLOOR_MS)] }, { verdict: 'pass', exchanges: [answeredIn(700)] });
    expect(calls).toEqual([
      { timeoutMs: TIMEOUT, confirming: false, provisional: true },
      { timeoutMs: confirmDeadline(TIMEOUT), confirming: true, provisional: false },
    ]);
    expect(verdict).toBe('pass');
    // Answered within the run's own deadline: the whole deadline would have taken it unconfirmed, so the
    // class is neither counted nor broken.
    expect(s.classHolds()).toBe(true);
  });

  it("a confirmation of a cut first reading that flips with an answer past the run's deadline turns confirmations on for good, as any flip", async () => {
    const { s } = await firstThen({ verdict: 'fail', exchanges: [silence(SILENCE_FLOOR_MS)] }, { verdict: 'pass', exchanges: [{ ...answeredIn(2400), elapsedMs: 2401 }] });
    expect(s.classHolds()).toBe(false);
    expect(s.readsFirstProvisionally()).toBe(false);
  });

  it('confirmations that stand behind cut first readings count toward the class: after three, silences are a class', async () => {
    const s = await paced();
    for (let i = 0; i < 3; i++) {
      const calls: Call[] = [];
      await runUnit({ ...unit, id: `${unit.id}${i}` }, s, unitRun([{ verdict: 'fail', exchanges: [silence(SILENCE_FLOOR_MS)] }, { verdict: 'fail', exchanges: [silence()] }], calls), opts());
      expect(calls.map((c) => c.confirming)).toEqual([false, true]);
    }
    expect(s.shouldConfirm()).toBe(false);
    expect(s.silenceMs(TIMEOUT)).toBe(SILENCE_FLOOR_MS);
  });

  it('an outcome the window cut that no confirmation would follow is read again with the whole deadline, and that reading decides', async () => {
    // A pass on a silence (bytes that need no answer) …
    const { calls, verdict } = await firstThen({ verdict: 'pass', exchanges: [silence(SILENCE_FLOOR_MS)] }, { verdict: 'fail', exchanges: [answeredIn(900)] });
    expect(calls).toEqual([
      { timeoutMs: TIMEOUT, confirming: false, provisional: true },
      { timeoutMs: TIMEOUT, confirming: false, rerun: 'full', provisional: false },
    ]);
    // … that the whole deadline finds answered, and wrongly: the failure stands, as it would have.
    expect(verdict).toBe('fail');
    // A check blocked after two silent requests (not confirmed) too.
    const blocked: Call[] = [];
    await runUnit(unit, await paced(), unitRun([{ verdict: 'blocked', exchanges: [silence(SILENCE_FLOOR_MS), silence(SILENCE_FLOOR_MS)] }], blocked), opts());
    expect(blocked.map((c) => c.rerun ?? (c.confirming ? 'confirm' : 'first'))).toEqual(['first', 'full']);
  });

  it('an outcome the window did not cut is taken as it is', async () => {
    const calls: Call[] = [];
    const end = await runUnit(unit, await paced(), unitRun([{ verdict: 'pass', exchanges: [answeredIn(3)] }], calls), opts());
    expect(calls).toEqual([{ timeoutMs: TIMEOUT, confirming: false, provisional: true }]);
    expect('outcome' in end && end.outcome.verdict).toBe('pass');
    // A silence the deadline ended (not the window) is confirmed as before, and not read again.
    const deadline: Call[] = [];
    await runUnit(unit, await paced(), unitRun([{ verdict: 'pass', exchanges: [silence()] }], deadline), opts());
    expect(deadline.length).toBe(1);
  });

  it('is not asked of a unit that sends many requests at once, of a kind that does not read so, or without a pace', async () => {
    for (const [u, readsFirst, s] of [
      [{ ...unit, atOnce: true as const }, true, await paced()],
      [unit, false, await paced()],
      [unit, true, new Scheduler({ target, profile: referenceProfile, timeoutMs: TIMEOUT, control: fakeServer() })],
    ] as const) {
      const calls: Call[] = [];
      await runUnit(u, s, unitRun([{ verdict: 'pass', exchanges: [answeredIn(3)] }], calls, readsFirst), opts());
      expect(calls[0]!.provisional).toBe(false);
    }
  });

  it('a server that exited after a cut first run is not asked again there: the watch finds the death', async () => {
    const srv = fakeServer();
    const s = await paced(srv);
    const calls: Call[] = [];
    const u = unitRun([{ verdict: 'pass', exchanges: [silence(SILENCE_FLOOR_MS)] }], calls);
    const run = u.run;
    u.run = async (...a) => {
      const r = await run(...a);
      if (calls.length === 1) srv.kill();
      return r;
    };
    await runUnit(unit, s, u, opts(srv));
    expect(calls[1]?.rerun).not.toBe('full');
    expect(srv.restarts).toBe(1);
  });
});

describe('a check read provisionally, on loopback', () => {
  /** A check that answers `run`'s outcome, its exchanges answered in 2 ms (the pace) unless it says otherwise. */
  const check = (id: string, run: Check['run']): Check => ({ id, family: 'framing', level: 'MUST', requirement: 'a fake', run });
  const passed = (exchanges: CheckRun['exchanges'] = [answeredIn(2)]): CheckRun => ({ verdict: 'pass', reason: 'pass', expected: [], actual: 'pass', exchanges });

  it("counts a cut the outcome does not show (a memo's silence), reads such a run again whole, and shares a memo only from a run the window did not cut", async () => {
    await withSilentServer(async (target) => {
      const made = { gate: 0, plain: 0 };
      const elapsed: number[] = [];
      // A memo whose request the server leaves unanswered: the check reports none of its exchanges.
      const gate = (ctx: Parameters<Check['run']>[0]) =>
        ctx.memo('gate', async () => {
          made.gate++;
          const x = await ctx.send({ plan: { bytes: latin1('GET / HTTP/1.1\r\nHost: x\r\n\r\n') }, methods: ['GET'] });
          elapsed.push(x.elapsedMs);
          return x.kind;
        });
      const plain = (ctx: Parameters<Check['run']>[0]) => ctx.memo('plain', async () => ++made.plain);
      const checks: Check[] = [
        check(BASELINE_ID, async () => passed()),
        ...Array.from({ length: 6 }, (_, i) => check(`framing.pace.c${i}`, async () => passed())),
        check('framing.memo.gate-first', async (ctx) => (await gate(ctx), passed([]))),
        check('framing.memo.gate-again', async (ctx) => (await gate(ctx), passed([]))),
        check('framing.memo.plain-first', async (ctx) => (await plain(ctx), passed([]))),
        check('framing.memo.plain-again', async (ctx) => (await plain(ctx), passed([]))),
      ];
      const r = await runChecks({ target, checks, profile: referenceProfile, timeoutMs: TIMEOUT, seed: 1, control: fakeServer() });
      expect(r.checks.every((c) => c.verdict === 'pass')).toBe(true);
      // The gate's first making, cut by the window, was not shared: the whole reading made it again (the
      // deadline), and the next check took that one.
      expect(made.gate).toBe(2);
      expect(elapsed[0]).toBeLessThan(TIMEOUT - 500);
      expect(elapsed[1]).toBeGreaterThanOrEqual(TIMEOUT - 100);
      // A memo made by a provisional run nothing cut is shared at once.
      expect(made.plain).toBe(1);
    });
  });
});
