import type { FollowRule } from '../checks/follows.js';
import { shows } from '../checks/follows.js';
import type { Check } from '../checks/types.js';
import type { Profile } from '../model/profile.js';
import type { CheckResult } from './types.js';

/** The declarations' rules of one bug, one deduction, by check id. */
export type FollowRules = ReadonlyMap<string, readonly FollowRule[]>;

/** The rules of the given units (checks and properties), by id. */
export function followRulesOf(units: ReadonlyArray<{ id: string; follows?: readonly FollowRule[] }>): FollowRules {
  return new Map(units.filter((u) => u.follows && u.follows.length > 0).map((u) => [u.id, u.follows!]));
}

/**
 * One bug, one deduction. A failure follows from another check's failure, which is then its root cause,
 * when that check failed in the same run and
 * - the check's own run said so (its `because`: the answer broke only the rule that check judges, such
 *   as bare-LF line ends that undici then rejects; or the runner saw a death on an unrouted Host), or
 * - its declaration says so (`follows`, src/checks/follows.ts) and the failure shows the root's finding.
 * A chain of roots is followed to its end. A linked failure stays a failure, listed under its root cause
 * in every report, and is not deducted again (see score.ts).
 */
export function linkRootCauses(checks: CheckResult[], rules: FollowRules = new Map()): CheckResult[] {
  const failed = new Set(checks.filter((c) => c.verdict === 'fail').map((c) => c.id));
  const byId = new Map(checks.map((c) => [c.id, c]));
  const direct = new Map<string, NonNullable<CheckResult['because']>>();
  for (const c of checks) {
    if (c.verdict !== 'fail') continue;
    const own = c.because;
    if (own && own.check !== c.id && failed.has(own.check)) {
      direct.set(c.id, own);
      continue;
    }
    const rule = (rules.get(c.id) ?? []).find((r) => r.root !== c.id && failed.has(r.root) && shows(r.when, c, byId.get(r.root)!));
    if (rule) direct.set(c.id, { check: rule.root, finding: rule.when });
  }
  /** The end of the chain from `id` (a root that itself follows from another), cycles cut. */
  const rootOf = (id: string): string => {
    const seen = new Set([id]);
    let at = id;
    for (let next = direct.get(at)?.check; next !== undefined && !seen.has(next); next = direct.get(at)?.check) {
      seen.add(next);
      at = next;
    }
    return at;
  };
  return checks.map((c) => {
    const because = direct.get(c.id);
    if (!because) return c;
    return { ...c, because, rootCause: rootOf(c.id) };
  });
}

/** The failures that follow from `root`, in run order. */
export function dependantsOf(checks: readonly CheckResult[], root: string): CheckResult[] {
  return checks.filter((c) => c.rootCause === root);
}

/**
 * Deaths as one bug, one deduction: a failure the runner charged with a death (`cause.kind` `died`) and
 * linked to nothing yet is linked to the first unit whose declared `explainsDeaths` rule holds for that
 * death (its request, how the server went down), in the order the units run. linkRootCauses then lists it
 * under that unit when the unit fails too.
 */
export function explainDeaths(checks: readonly CheckResult[], units: ReadonlyArray<Pick<Check, 'id' | 'explainsDeaths'>>, profile: Profile): CheckResult[] {
  const rules = units.filter((u) => u.explainsDeaths);
  if (rules.length === 0) return [...checks];
  return checks.map((c) => {
    const cause = c.cause;
    if (c.verdict !== 'fail' || c.because || cause?.kind !== 'died') return c;
    const death = { ...(c.request ? { request: c.request } : {}), down: cause.down };
    const by = rules.find((u) => u.id !== c.id && u.explainsDeaths!.when(death, profile));
    return by ? { ...c, because: { check: by.id, finding: by.explainsDeaths!.finding } } : c;
  });
}
