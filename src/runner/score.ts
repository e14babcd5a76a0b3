import type { Family } from '../checks/types.js';
import type { FamilyScore } from './grade-types.js';
import type { CheckResult, RunResult } from './types.js';

export const FAMILY_ORDER: readonly Family[] = ['robustness', 'metamorphic', 'wire', 'status', 'framing', 'connection', 'store', 'assignment', 'differential', 'security'];

/**
 * The points one check is worth and earned. Each MUST check is worth its weight (the profile's points,
 * default 1); a SHOULD check only in a strict run. It earns the point when it passes, or warns in a run that is not strict. Skipped checks
 * are worth nothing; blocked and errored ones are worth their point and earn 0 (the baseline gating:
 * a server that cannot answer a plain request scores 0 without a flood of separate failures).
 */
export function checkPoints(c: CheckResult, strict: boolean): { points: number; max: number } {
  if (c.verdict === 'skip') return { points: 0, max: 0 };
  if (c.level !== 'MUST' && !strict) return { points: 0, max: 0 };
  const w = c.weight ?? 1;
  const earned = c.verdict === 'pass' || (c.verdict === 'warn' && !strict);
  return { points: earned ? w : 0, max: w };
}

export function scoreRun(result: RunResult): { points: number; max: number } {
  let points = 0;
  let max = 0;
  for (const c of result.checks) {
    const s = checkPoints(c, result.strict);
    points += s.points;
    max += s.max;
  }
  return { points, max };
}

/** Per family: checks passed of those that count, and points earned of those possible. */
export function familyScores(result: RunResult): FamilyScore[] {
  const out: FamilyScore[] = [];
  for (const family of FAMILY_ORDER) {
    const cs = result.checks.filter((c) => c.family === family);
    if (cs.length === 0) continue;
    const f: FamilyScore = { family, passed: 0, total: 0, points: 0, max: 0 };
    for (const c of cs) {
      const s = checkPoints(c, result.strict);
      if (s.max === 0) continue;
      f.total++;
      f.max += s.max;
      f.points += s.points;
      if (s.points > 0 || c.verdict === 'pass') f.passed++;
    }
    out.push(f);
  }
  return out;
}
