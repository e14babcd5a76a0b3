/**
 * Sub-scores and weights: a profile that weighs areas scores out of 100, each area its weight's share,
 * whatever the number of checks in it; without weights the score is the points themselves.
 */
import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/checks/types.js';
import { COURSE_WEIGHTS } from '../../src/model/profile.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { areaScores, checkShares, scoreRun } from '../../src/runner/score.js';
import type { CheckResult, RunResult } from '../../src/runner/types.js';
import { toGradescope } from '../../src/reporters/gradescope.js';
import { renderGradeTable } from '../../src/reporters/grade-table.js';
import { gradeOfRun } from '../../src/runner/run-view.js';

let n = 0;
function check(family: Family, verdict: 'pass' | 'fail'): CheckResult {
  return { id: `${family}.x.c${n++}`, family, level: 'MUST', requirement: 'r', verdict, runs: 1, failures: verdict === 'fail' ? 1 : 0, durationMs: 0, reason: '', expected: [], actual: '' };
}

/** 10 assignment checks (one failed), 200 conformance checks (100 failed), 10 robustness (all passed). */
function run(weights?: RunResult['weights']): RunResult {
  const checks = [
    ...Array.from({ length: 10 }, (_, i) => check('assignment', i === 0 ? 'fail' : 'pass')),
    ...Array.from({ length: 200 }, (_, i) => check(i % 2 ? 'status' : 'framing', i < 100 ? 'fail' : 'pass')),
    ...Array.from({ length: 10 }, () => check('robustness', 'pass')),
  ];
  return { target: { host: '127.0.0.1', port: 1 }, profile: 'p', seed: 1, strict: false, startedAt: '', durationMs: 0, checks, ...(weights ? { weights } : {}) };
}

describe('the score', () => {
  it('without weights is the points earned of the points possible, every check alike', () => {
    expect(scoreRun(run())).toEqual({ points: 9 + 100 + 10, max: 220 });
  });

  it('with weights is out of 100, each area its share: the many RFC checks cannot outweigh the assignment', () => {
    const r = run({ assignment: 4, robustness: 3, conformance: 1 });
    const areas = areaScores(r);
    expect(areas.map((a) => [a.area, a.points, a.max, a.shareMax])).toEqual([
      ['assignment', 9, 10, 50],
      ['robustness', 10, 10, 37.5],
      ['conformance', 100, 200, 12.5],
    ]);
    // 50 × 0.9 + 37.5 × 1 + 12.5 × 0.5
    expect(scoreRun(r)).toEqual({ points: 88.75, max: 100 });
    // The same server, unweighted: half its points lost to the RFC checks.
    expect(scoreRun(run()).points / scoreRun(run()).max).toBeLessThan(0.55);
    // Each check's share adds up to the score.
    const shares = [...checkShares(r).values()];
    expect(shares.reduce((s, x) => s + x.points, 0)).toBeCloseTo(88.75, 6);
    expect(shares.reduce((s, x) => s + x.max, 0)).toBeCloseTo(100, 6);
  });

  it('is reported as a table of areas, and Gradescope tests that add up to the same score out of 100', () => {
    const g = gradeOfRun(run({ assignment: 4, robustness: 3, conformance: 1 }));
    const text = renderGradeTable(g, { color: false });
    expect(text).toMatch(/assignment\s*│\s*4\s*│\s*9 \/ 10\s*│\s*45 \/ 50/);
    expect(text).toMatch(/score\s*│.*88\.75 \/ 100/);
    const gs = toGradescope(g);
    expect(gs.score).toBeCloseTo(88.75, 1);
    expect(gs.tests.reduce((s, t) => s + t.max_score, 0)).toBeCloseTo(100, 6);
  });

  it('is weighted in the built-in course profiles, and not in reference or any', () => {
    for (const name of ['byo-http', 'text-file', 'record-dialogue', 'key-value']) expect(profiles[name]!.weights, name).toEqual(COURSE_WEIGHTS);
    expect(profiles.reference!.weights).toBeUndefined();
    expect(profiles.any!.weights).toBeUndefined();
  });
});
