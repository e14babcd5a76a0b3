import { profileDoc } from './types.js';
import type { Profile } from '../model/profile.js';
import type { Check, Level, RuleSet, RunVerdict, Source, Verdict } from './types.js';
import { citeOf } from './types.js';

/** Does the profile adopt this rule set (its stricter answers count as MUST)? */
export function adopts(profile: Pick<Profile, 'rules'>, rules: RuleSet): boolean {
  return (profile.rules ?? []).includes(rules);
}

type Judged = Pick<Check, 'level' | 'source' | 'profileRule' | 'cite'>;

/** The level a check is judged at under a profile: MUST when the profile adopts the check's rule set. */
export function levelUnder(check: Judged, profile: Pick<Profile, 'rules'>): Level {
  return check.profileRule && adopts(profile, check.profileRule.rules) ? (check.profileRule.level ?? 'MUST') : check.level;
}

/** The source a check is judged by under a profile: the rule set's, when the profile adopts it. */
export function sourceUnder(check: Judged, profile: Pick<Profile, 'rules'>): Source | undefined {
  if (check.profileRule && adopts(profile, check.profileRule.rules)) return { profile: check.profileRule.rules, note: check.profileRule.note };
  return check.source;
}

/** The short citation of a check under a profile (`RFC 9112 §3`, `profile reference`). */
export function citeUnder(check: Judged, profile: Pick<Profile, 'rules'>): string | undefined {
  if (check.profileRule && adopts(profile, check.profileRule.rules)) {
    const rfc = check.source && 'rfc' in check.source ? `; ${check.source.rfc}` : '';
    return `${profileDoc(check.profileRule.rules)}${rfc}`;
  }
  return check.cite ?? citeOf(check.source);
}

/** Does a level count only in a strict run (SHOULD, MAY)? */
export function countsOnlyWhenStrict(level: Level): boolean {
  return level !== 'MUST';
}

/** Applies the level: a broken SHOULD (or MAY) is a warning unless the run is strict. */
export function levelledVerdict(level: Level, v: RunVerdict | Verdict, strict: boolean): Verdict {
  if (v === 'fail' && countsOnlyWhenStrict(level) && !strict) return 'warn';
  return v;
}
