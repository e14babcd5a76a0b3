/** The one place the CLI gets its checks and properties from. */
import type { Check } from '../checks/types.js';
import type { PropertyDef } from '../checks/property.js';
import { allChecks } from '../checks/catalogue/index.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { allProperties } from '../../properties/index.js';
import { UsageError } from './io.js';

export { BASELINE_ID };

export function catalogue(): readonly Check[] {
  return allChecks;
}

export function properties(): readonly PropertyDef<any>[] {
  return allProperties;
}

/** Everything `wiregrade list` shows: the deterministic checks, then the properties. */
export function everything(): ReadonlyArray<Check | PropertyDef<any>> {
  return [...allChecks, ...allProperties];
}

/**
 * The checks and properties whose id starts with one of `prefixes` (all of them when there are none).
 * The baseline is always included: the runner needs it to tell "the server does not work at all"
 * (everything blocked) from many separate failures. A prefix that matches nothing is a UsageError.
 */
export function selectChecks<C extends Check, P extends PropertyDef<any>>(
  checks: readonly C[],
  prefixes: readonly string[],
  props: readonly P[] = [],
): { checks: C[]; properties: P[] } {
  if (prefixes.length === 0) return { checks: [...checks], properties: [...props] };
  requireMatches('--checks', prefixes, [...checks.map((c) => c.id), ...props.map((p) => p.id)]);
  const hit = (id: string) => prefixes.some((p) => id.startsWith(p));
  return { checks: checks.filter((c) => c.id === BASELINE_ID || hit(c.id)), properties: props.filter((p) => hit(p.id)) };
}

/** Levenshtein distance between two short strings (bounded: ids are under 80 characters). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest id prefix to a prefix that matches nothing: among every id cut to about the same length
 * (and every id's dotted parts), the one fewest edits away, if it is close enough to be a typo.
 */
export function didYouMean(prefix: string, ids: readonly string[]): string | null {
  // Each candidate, and whether it ends where a word of the id ends (those read better, and win ties).
  const candidates = new Map<string, boolean>();
  const add = (c: string, whole: boolean): void => void candidates.set(c, (candidates.get(c) ?? false) || whole);
  for (const id of ids) {
    for (let n = Math.max(1, prefix.length - 2); n <= Math.min(id.length, prefix.length + 2); n++) add(id.slice(0, n), n === id.length || /[.-]/.test(id[n]!) || id[n - 1] === '.');
    for (let dot = id.indexOf('.'); dot > 0; dot = id.indexOf('.', dot + 1)) add(id.slice(0, dot + 1), true);
  }
  let best: string | null = null;
  let bestScore = Infinity;
  let bestD = Infinity;
  for (const [c, whole] of [...candidates].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const d = editDistance(prefix, c);
    const score = d * 2 + (whole ? 0 : 1);
    if (score < bestScore) {
      best = c;
      bestScore = score;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(prefix.length / 5)) ? best : null;
}

/**
 * Every prefix must match at least one check or property id: a typo would otherwise change a grade
 * silently. Throws a UsageError naming the first that matches nothing (`what` says where it came from),
 * with a "did you mean" when one is close.
 */
export function requireMatches(what: string, prefixes: readonly string[], ids: readonly string[] = [...allChecks, ...allProperties].map((c) => c.id)): void {
  for (const p of prefixes) {
    if (ids.some((id) => id.startsWith(p))) continue;
    const near = didYouMean(p, ids);
    throw new UsageError(`${what} '${p}' matches no check id${near ? `; did you mean '${near}'?` : ' (see wiregrade list)'}`);
  }
}
