import { FAMILIES, type Family } from '../checks/types.js';
import { AREAS, type Area } from '../model/profile.js';
import type { FamilyScore } from './grade-types.js';
import type { CheckResult, RunResult } from './types.js';

/** The order reports list families in: the one list of them (src/checks/types.ts). */
export const FAMILY_ORDER: readonly Family[] = FAMILIES;

/**
 * The points one check is worth and earned. Each MUST check is worth its weight (the profile's points,
 * default 1); a SHOULD check only in a strict run. It earns the point when it passes, or warns in a run that is not strict. Skipped checks
 * are worth nothing; blocked and errored ones are worth their point and earn 0 (the baseline gating:
 * a server that cannot answer a plain request scores 0 without a flood of separate failures). A failure
 * with a root cause (another failed check it follows from) earns its point: the root cause lost it.
 */
export function checkPoints(c: CheckResult, strict: boolean): { points: number; max: number } {
  if (c.verdict === 'skip') return { points: 0, max: 0 };
  if (c.level !== 'MUST' && !strict) return { points: 0, max: 0 };
  const w = c.weight ?? 1;
  // A failure that follows from another's is deducted once, at its root cause (root-causes.ts).
  const earned = c.verdict === 'pass' || (c.verdict === 'warn' && !strict) || (c.verdict === 'fail' && c.rootCause !== undefined);
  return { points: earned ? w : 0, max: w };
}

/** Which area of the score each family's checks count in (see `Area` in src/model/profile.ts). */
export const AREA_OF: Readonly<Record<Family, Area>> = {
  assignment: 'assignment',
  store: 'assignment',
  differential: 'assignment',
  robustness: 'robustness',
  metamorphic: 'robustness',
  wire: 'conformance',
  status: 'conformance',
  framing: 'conformance',
  connection: 'conformance',
  security: 'security',
};

/** The points of one area: earned of possible, its weight, and its share of the score. */
export interface AreaScore {
  area: Area;
  points: number;
  max: number;
  weight: number;
  /** What the area adds to a weighted score (out of 100), and at most. */
  share: number;
  shareMax: number;
}

/** Rounded to hundredths: what a sub-score keeps and a report shows (`2.5`, `0.33`). */
export function roundHundredths(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Points earned and possible per area, with the run's weights (1 each when the profile sets none). */
export function areaScores(result: RunResult): AreaScore[] {
  const raw = new Map<Area, { points: number; max: number }>();
  for (const c of result.checks) {
    const s = checkPoints(c, result.strict);
    const a = raw.get(AREA_OF[c.family]) ?? { points: 0, max: 0 };
    a.points += s.points;
    a.max += s.max;
    raw.set(AREA_OF[c.family], a);
  }
  const counted = AREAS.filter((a) => (raw.get(a)?.max ?? 0) > 0);
  const weightOf = (a: Area): number => result.weights?.[a] ?? (result.weights ? 0 : 1);
  const total = counted.reduce((s, a) => s + weightOf(a), 0);
  return counted.map((area) => {
    const { points, max } = raw.get(area)!;
    const weight = weightOf(area);
    const shareMax = total > 0 ? (100 * weight) / total : 0;
    return { area, points, max, weight, share: roundHundredths((shareMax * points) / max), shareMax: roundHundredths(shareMax) };
  });
}

/**
 * The run's score. Without weights, the points earned of the points possible. With the profile's
 * weights, out of 100: each area contributes its weight's share of 100 times the part of its points
 * earned, so 250 conformance checks cannot outweigh the ten the assignment asked for.
 */
export function scoreRun(result: RunResult): { points: number; max: number } {
  if (result.weights) {
    const areas = areaScores(result);
    if (areas.length === 0) return { points: 0, max: 0 };
    const points = roundHundredths(areas.reduce((s, a) => s + (a.shareMax * a.points) / a.max, 0));
    return { points, max: 100 };
  }
  let points = 0;
  let max = 0;
  for (const c of result.checks) {
    const s = checkPoints(c, result.strict);
    points += s.points;
    max += s.max;
  }
  return { points, max };
}

/**
 * What each check is worth and earned within the run's score (so the parts add up to it): its points,
 * scaled by its area's share when the profile sets weights. Gradescope's tests are these.
 */
export function checkShares(result: RunResult): Map<CheckResult, { points: number; max: number }> {
  const out = new Map<CheckResult, { points: number; max: number }>();
  const areas = result.weights ? new Map(areaScores(result).map((a) => [a.area, a])) : null;
  for (const c of result.checks) {
    const s = checkPoints(c, result.strict);
    const a = areas?.get(AREA_OF[c.family]);
    const f = areas ? (a && a.max > 0 ? a.shareMax / a.max : 0) : 1;
    out.set(c, { points: s.points * f, max: s.max * f });
  }
  return out;
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
      if (c.verdict === 'pass' || (c.verdict === 'warn' && s.points > 0)) f.passed++;
    }
    out.push(f);
  }
  return out;
}
