import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import type { PropertyDef } from '../../src/checks/property.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { runProperty, shrinkBudgetMs, SHRINK_BUDGET_MIN_MS } from '../../src/runner/run-properties.js';
import { sleep } from '../../src/wire/deadline.js';

/** An exchange that ran out of time with nothing back (what a case against a hanging server gets). */
function timedOut(ms: number): Exchange {
  return { kind: 'timeout', responses: [], finals: [], partial: null, connection: 'open', sentBytes: 10, receivedBytes: 0, elapsedMs: ms, transcript: [] };
}

/**
 * A property whose failing cases each wait `waitMs` on a deadline (every value ≥ 10 fails): fast-check
 * finds a large failing value and shrinks it toward 10, one waited-on case per step.
 */
function hangingProperty(waitMs: number): PropertyDef<number> {
  return {
    id: 'robustness.prop.test-shrink-budget',
    family: 'robustness',
    level: 'MUST',
    requirement: 'test',
    arbitrary: () => fc.integer({ min: 0, max: 1_000_000 }),
    verify: async (_ctx, n) => {
      if (n < 10) return null;
      await sleep(waitMs);
      return { reason: `${n} hangs`, expected: [], actual: 'nothing', exchanges: [timedOut(waitMs)] };
    },
  };
}

const base = { target: { host: '127.0.0.1', port: 9 }, profile: referenceProfile, timeoutMs: 2000, runs: 50 };

describe('a shrink that waits on deadlines has a budget', () => {
  it('the default budget is a few deadlines, never less than its floor', () => {
    expect(shrinkBudgetMs(2000)).toBe(SHRINK_BUDGET_MIN_MS);
    expect(shrinkBudgetMs(10_000)).toBe(40_000);
  });

  it('stops at the budget with the counterexample it reached, and says so', async () => {
    const t0 = performance.now();
    const out = await runProperty(hangingProperty(40), { ...base, seed: 7, shrinkBudgetMs: 200 });
    const ms = performance.now() - t0;
    expect(out.result.verdict).toBe('fail');
    expect(out.result.property?.shrinkStoppedAtMs).toBe(200);
    // The counterexample reached is a failing one (≥ 10), found and partly shrunk within the budget.
    expect(out.failure?.counterexample as number).toBeGreaterThanOrEqual(10);
    expect(ms).toBeLessThan(2000);
  });

  it('a shrink within its budget runs to the end (the smallest failing case), and says nothing', async () => {
    const out = await runProperty(hangingProperty(1), { ...base, seed: 7, shrinkBudgetMs: 60_000 });
    expect(out.result.verdict).toBe('fail');
    expect(out.failure?.counterexample).toBe(10);
    expect(out.result.property?.shrinkStoppedAtMs).toBeUndefined();
  });
});
