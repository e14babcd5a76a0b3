/**
 * What a unit (a check or a property) is under the run's profile, resolved in one place for every kind
 * of unit and every path a result takes (run, skipped, blocked, never started): its level, source and
 * cite as the profile judges it, and the impact its failure has. The loops ask this; none builds the
 * metadata of a result by itself.
 */
import type { Check, CheckRun, Verdict } from '../checks/types.js';
import { citeUnder, levelledVerdict, levelUnder, sourceUnder } from '../checks/level.js';
import type { Profile } from '../model/profile.js';
import type { UnitEnv } from '../model/profile-policy.js';
import type { ServerControl } from './scheduler.js';
import type { BlockCause } from './causes.js';
import type { CheckMeta, CheckResult } from './types.js';

/** The declaration a unit's metadata is read from (a check's, or a property's: it has the same fields). */
export type UnitDecl = CheckMeta & Pick<Check, 'profileRule'>;

/** The metadata a result carries for a unit under a profile. */
export function unitMeta(unit: UnitDecl, profile: Profile): CheckMeta {
  const m: CheckMeta = { id: unit.id, family: unit.family, level: levelUnder(unit, profile), requirement: unit.requirement };
  const cite = citeUnder(unit, profile);
  if (cite) m.cite = cite;
  const source = sourceUnder(unit, profile);
  if (source) m.source = source;
  if (unit.impact) m.impact = unit.impact;
  return m;
}

/** The result of a unit that did not run: skipped (with why), blocked (with its typed cause) or an error. */
export function notRun(unit: UnitDecl, profile: Profile, verdict: 'blocked' | 'skip' | 'error', reason: string, by?: BlockCause): CheckResult {
  const r: CheckResult = { ...unitMeta(unit, profile), verdict, runs: 0, failures: 0, durationMs: 0, reason, expected: [], actual: '' };
  if (by) r.cause = { kind: 'blocked', by };
  return r;
}

/**
 * What a run provides that a unit may need (see `applies`): an oracle, a server it can restart, a canary.
 * A server that runs inside this process (the bundled one under `fuzz`: `canExit: false`) cannot be
 * killed with -9 and read back from its own files, so the durability checks do not apply to it.
 */
export function unitEnv(o: { oracle?: unknown; control?: ServerControl; canary?: unknown }): UnitEnv {
  return { oracle: o.oracle, canRestart: o.control !== undefined && o.control.canExit !== false, canary: o.canary };
}

/**
 * Applies the level under the profile: a broken SHOULD (or MAY) is a warning unless the run is strict. A
 * failure that breaks another sentence (`run.breaks`) is judged at that sentence's level.
 */
export function levelled(unit: UnitDecl, profile: Profile, run: Pick<CheckRun, 'verdict' | 'breaks'>, strict: boolean): Verdict {
  if (run.verdict === 'fail' && run.breaks) return levelledVerdict(run.breaks.level, run.verdict, strict);
  return levelledVerdict(levelUnder(unit, profile), run.verdict, strict);
}
