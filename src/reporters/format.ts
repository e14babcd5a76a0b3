/**
 * How every report writes a count, points, a percentage, a duration and an endpoint: one definition
 * each, so the terminal table, JSON, JUnit, Gradescope, HTML, Markdown and CSV say them the same way.
 * The rounding of points lives in src/runner/score.ts (the sub-scores are rounded there) and the
 * endpoint in src/wire/endpoint.ts (the runner names a fuzzed server with it): both re-exported here.
 */
import { roundHundredths } from '../runner/score.js';

export { formatEndpoint } from '../wire/endpoint.js';
export { roundHundredths };

/** `1 check`, `2 checks`; `plural(n, 'entry', 'entries')` for an irregular plural. */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A number of points as short text: `3`, `2.5`, `0.33` (never `2.5000001`). */
export function formatPoints(n: number): string {
  return String(roundHundredths(n));
}

/** `points / max` as a percentage with one decimal (0 when there is nothing to score). */
export function percentOf(points: number, max: number): number {
  return max > 0 ? Math.round((points / max) * 1000) / 10 : 0;
}

/** A percentage with one decimal and its sign: `84.0%`. */
export function percentText(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

/** `points / max` as text: `84.0%`. */
export function formatPercent(points: number, max: number): string {
  return percentText(percentOf(points, max));
}

/** A time in seconds, as short as it can be: `10 s`, `2.5 s`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

/** A run's duration in seconds with one decimal: `3.0 s`. */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
