/**
 * One loop for every kind of unit (src/runner/unit-loop.ts), without a network: a death is confirmed by
 * running the unit again on the restarted server, a verdict that rests on a deadline is confirmed with
 * the longer deadline, and a property and a corpus entry go through the same loop as a check, so a
 * property or an entry that kills the server is charged exactly as a check would be.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { ex, fakeServer, type FakeServer } from './fake-server.js';
import type { PropertyDef } from '../../src/checks/property.js';
import type { Check, CheckRun } from '../../src/checks/types.js';
import type { CorpusEntry } from '../../src/corpus/store.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { confirmDeadline } from '../../src/runner/deadlines.js';
import { replayCorpus } from '../../src/runner/replay-corpus.js';
import { runProperties } from '../../src/runner/run-properties.js';
import { KEEPS_SERVING_ID, Scheduler, type ServerControl } from '../../src/runner/scheduler.js';
import { runUnit } from '../../src/runner/unit-loop.js';

const target = { host: '127.0.0.1', port: 9 };
const scheduler = (control: ServerControl) => new Scheduler({ target, profile: referenceProfile, timeoutMs: 100, control, restarts: { perFamily: 3, total: 10, hangs: 1, afterServingMs: 60_000 } });
const unit = { id: 'status.kills', family: 'status' as const };

interface Outcome {
  verdict: string;
  exchanges: readonly Exchange[];
}

/** A unit that fails with a reset; it kills the server on the runs `kills` names (0: the first). */
function killer(srv: FakeServer, kills: readonly number[]) {
  const runs: Array<{ attempt: number; timeoutMs: number; confirming: boolean }> = [];
  return {
    runs,
    run: async (attempt: number, timeoutMs: number, confirming: boolean): Promise<Outcome> => {
      runs.push({ attempt, timeoutMs, confirming });
      if (kills.includes(runs.length - 1)) srv.kill();
      return { verdict: 'fail', exchanges: [ex('reset')] };
    },
    verdict: (r: Outcome) => r.verdict,
    exchanges: (r: Outcome) => r.exchanges,
  };
}

describe('the unit loop', () => {
  it('confirms a death: the unit runs again on the restarted server, and a second death is charged to it', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    const u = killer(srv, [0, 1]);
    const end = await runUnit(unit, s, u, { timeoutMs: 100, control: srv, watched: true });
    expect(u.runs.map((r) => r.attempt)).toEqual([0, 1]);
    expect('after' in end && end.after?.chargedTo).toBe('unit');
    expect(srv.deaths.map((d) => d.chargedTo)).toEqual(['status.kills', 'status.kills']);
  });

  it('does not charge a death the second run does not repeat: it goes to the server that leaves after serving', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    const u = killer(srv, [0]);
    const end = await runUnit(unit, s, u, { timeoutMs: 100, control: srv, watched: true });
    expect(u.runs.map((r) => r.attempt)).toEqual([0, 1]);
    expect('after' in end && end.after).toBeNull();
    expect(srv.deaths.map((d) => d.chargedTo)).toEqual([KEEPS_SERVING_ID]);
  });

  it('confirms a failure that rests on a deadline with the longer deadline, and takes the confirmation\'s verdict', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    const runs: number[] = [];
    const end = await runUnit(
      unit,
      s,
      {
        run: async (_a, timeoutMs) => {
          runs.push(timeoutMs);
          return timeoutMs > 100 ? { verdict: 'pass', exchanges: [] as Exchange[] } : { verdict: 'fail', exchanges: [ex('timeout')] };
        },
        verdict: (r) => r.verdict,
        exchanges: (r) => r.exchanges,
      },
      { timeoutMs: 100, control: srv, watched: true },
    );
    expect(runs).toEqual([100, confirmDeadline(100)]);
    expect('outcome' in end && end.outcome.verdict).toBe('pass');
  });

  it('a confirmation of an outcome the unit says is outside the class (a provisional failure) neither forms the class nor breaks it', async () => {
    for (const outside of [false, true]) {
      const s = scheduler(fakeServer());
      const silent = (flip: boolean) => ({
        run: async (_a: number, timeoutMs: number) => (flip && timeoutMs > 100 ? { verdict: 'pass', exchanges: [] as Exchange[] } : { verdict: 'fail', exchanges: [ex('timeout')] }),
        verdict: (r: Outcome) => r.verdict,
        exchanges: (r: Outcome) => r.exchanges,
        outsideClass: () => outside,
      });
      // Three confirmations the same: the class stands only when they count.
      for (let i = 0; i < 3; i++) await runUnit(unit, s, silent(false), { timeoutMs: 100, watched: false });
      expect(s.shouldConfirm()).toBe(outside);
      // A confirmation that flips: outside the class, it does not turn confirmations on for good.
      const t = scheduler(fakeServer());
      await runUnit(unit, t, silent(true), { timeoutMs: 100, watched: false });
      expect(t.classHolds()).toBe(outside);
    }
  });
});

describe('one bug, one confirmation: a unit of the same case as one whose silence stands', () => {
  const root = { id: 'robustness.idle', family: 'robustness' as const };
  const follower = { id: 'robustness.slow', family: 'robustness' as const, follows: [{ root: root.id, when: 'same-case' as const }] };
  /**
   * A unit that fails on a silence at every deadline (or passes once the deadline is long, `flips`), and
   * the deadlines it ran with. The silence came after some bytes: the watch asks no probe of this fake
   * server (a silence with none would be asked of the socket).
   */
  const silent = (flips = false) => {
    const runs: number[] = [];
    return {
      runs,
      run: async (_a: number, timeoutMs: number) => {
        runs.push(timeoutMs);
        return flips && timeoutMs > 100 ? { verdict: 'pass', exchanges: [] as Exchange[] } : { verdict: 'fail', exchanges: [ex('timeout', 5)] };
      },
      verdict: (r: Outcome) => r.verdict,
      exchanges: (r: Outcome) => r.exchanges,
    };
  };

  it('takes a failure on a silence without a confirmation once a unit of the same case failed on one that stood (root first, or follower first)', async () => {
    for (const [first, second] of [[root, follower], [follower, root]] as const) {
      const srv = fakeServer();
      const s = scheduler(srv);
      const a = silent();
      await runUnit(first, s, a, { timeoutMs: 100, control: srv, watched: true });
      expect(a.runs).toEqual([100, confirmDeadline(100)]);
      const b = silent();
      const end = await runUnit(second, s, b, { timeoutMs: 100, control: srv, watched: true });
      expect(b.runs, `${second.id} after ${first.id}`).toEqual([100]);
      expect('outcome' in end && end.outcome.verdict).toBe('fail');
    }
  });

  it('confirms a unit of the same case as neither as any other', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    await runUnit(follower, s, silent(), { timeoutMs: 100, control: srv, watched: true });
    await runUnit(root, s, silent(), { timeoutMs: 100, control: srv, watched: true });
    const other = silent();
    await runUnit({ id: 'robustness.other', family: 'robustness' }, s, other, { timeoutMs: 100, control: srv, watched: true });
    expect(other.runs).toEqual([100, confirmDeadline(100)]);
  });

  it('confirms it as any other when the root did not fail, failed on something else, or a confirmation flipped a verdict', async () => {
    // The root never ran.
    const srv = fakeServer();
    const alone = silent();
    await runUnit(follower, scheduler(srv), alone, { timeoutMs: 100, control: srv, watched: true });
    expect(alone.runs).toEqual([100, confirmDeadline(100)]);
    // The root failed on a reset, not a silence.
    const s2 = scheduler(srv);
    await runUnit(root, s2, killer(fakeServer(), []), { timeoutMs: 100, control: srv, watched: true });
    const afterReset = silent();
    await runUnit(follower, s2, afterReset, { timeoutMs: 100, control: srv, watched: true });
    expect(afterReset.runs).toEqual([100, confirmDeadline(100)]);
    // The root's silence stood, then another unit's confirmation flipped: the server's timing is not what it seemed.
    const s3 = scheduler(srv);
    await runUnit(root, s3, silent(), { timeoutMs: 100, control: srv, watched: true });
    await runUnit(unit, s3, silent(true), { timeoutMs: 100, control: srv, watched: true });
    const afterFlip = silent();
    await runUnit(follower, s3, afterFlip, { timeoutMs: 100, control: srv, watched: true });
    expect(afterFlip.runs).toEqual([100, confirmDeadline(100)]);
  });

  it('confirms it as any other when its witness could not stand behind its silence (the machine may have been slow then)', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    await runUnit(root, s, silent(), { timeoutMs: 100, control: srv, watched: true });
    const runs: number[] = [];
    await runUnit(follower, s, {
      run: async (_a: number, timeoutMs: number) => {
        runs.push(timeoutMs);
        return { verdict: 'fail', exchanges: [{ ...ex('timeout', 5), witnessed: false }] };
      },
      verdict: (r: Outcome) => r.verdict,
      exchanges: (r: Outcome) => r.exchanges,
    }, { timeoutMs: 100, control: srv, watched: true });
    expect(runs).toEqual([100, confirmDeadline(100)]);
  });
});

describe('a property and a corpus entry get the same loop as a check', () => {
  it('a property that kills the server is run again on the restarted server, and charged with the death when it kills it again', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    let runs = 0;
    const def: PropertyDef<number> = {
      id: 'status.prop.kills',
      family: 'status',
      level: 'MUST',
      requirement: 'does not kill the server',
      arbitrary: () => fc.constant(1),
      verify: async (): Promise<Omit<CheckRun, 'verdict'>> => {
        runs++;
        srv.kill();
        return { reason: 'reset', expected: ['an answer'], actual: 'reset', exchanges: [ex('reset')] };
      },
    };
    const [out] = await runProperties([def], { target, profile: referenceProfile, timeoutMs: 100, seed: 1, runs: 1, control: srv, scheduler: s });
    expect(runs).toBeGreaterThanOrEqual(2); // the first run (and its shrink), then the confirming run
    expect(out!.result.verdict).toBe('fail');
    expect(out!.result.cause?.kind).toBe('died');
    expect(srv.deaths.every((d) => d.chargedTo === 'status.prop.kills')).toBe(true);
    expect(srv.restarts).toBe(2);
  });

  it('a corpus entry whose replay kills the server once, and not again, is not charged with a death', async () => {
    const srv = fakeServer();
    const s = scheduler(srv);
    let runs = 0;
    const check: Check = {
      id: 'status.entry-kills',
      family: 'status',
      level: 'MUST',
      requirement: 'does not kill the server',
      run: async () => {
        runs++;
        if (runs === 1) srv.kill();
        return { verdict: 'fail', reason: 'reset', expected: ['an answer'], actual: 'reset', exchanges: [ex('reset')] };
      },
    };
    const entry: CorpusEntry = {
      file: 'corpus/status.entry-kills/x.json',
      requests: [],
      manifest: {
        format: 'wiregrade-corpus/1', check: check.id, signature: 's', profile: 'reference', requests: [], judge: { kind: 'check' },
        expected: [], observed: '', reason: '', origin: { seed: 1, date: '2026-12-06', target: 'x', tool: 'test' },
      },
    };
    const [r] = await replayCorpus([entry], { target, timeoutMs: 100, checks: [check], properties: [], scheduler: s });
    expect(runs).toBe(2);
    expect(r!.verdict).toBe('FAILED'); // the bug is still there (the check fails) ...
    expect(r!.cause).toBeUndefined(); // ... but the death was not its own
    expect(srv.deaths.map((d) => d.chargedTo)).toEqual([KEEPS_SERVING_ID]);
  });
});
