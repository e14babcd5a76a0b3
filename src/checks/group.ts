import type { Need } from '../model/profile.js';
import type { Check, Family, Impact, Level } from './types.js';

/**
 * What one catalogue file declares once for all its checks, as h2spec's TestGroup does: the id prefix
 * they share (the first segment: `status`, `framing`), their family, and the level and capability of a
 * check that names none. The id prefix names the file (or folder) the checks live in, and the family is
 * the prefix's (test/checks/ids-literal.test.ts holds both to the README's table).
 */
export interface CheckGroup {
  /** The first segment of every id in the group; a check whose id does not start with `prefix.` is refused. */
  prefix: string;
  family: Family;
  /** The level of a check that names none (MUST when the group names none either). */
  level?: Level;
  /** The capability a check needs when it names none (see `Need`). */
  needs?: Need;
  /** The impact of a check's failure when it names none (see `Impact`). */
  impact?: Impact;
  /** Its checks may run side by side when they say nothing else (see Check.sideBySide). */
  sideBySide?: boolean;
}

/**
 * A check as a catalogue file writes it: its full id, written literally, and everything but what its
 * group gives (the family always; the level and `needs` when it names none).
 */
export type CheckDecl = Omit<Check, 'family' | 'level'> & { level?: Level; family?: never };

/** The needs that name a profile's capability (the others name something wiregrade must provide). */
function isCapability(n: Need): boolean {
  return n !== 'oracle' && n !== 'restart' && n !== 'canary' && n !== 'host-route';
}

/**
 * The checks of one group, with its defaults filled in. A check that needs a capability and names no
 * source is the profile's rule: its source is that profile, in the words of its cite (or requirement).
 */
export function checkGroup(g: CheckGroup, checks: readonly CheckDecl[]): Check[] {
  return checks.map((c) => {
    if (!c.id.startsWith(`${g.prefix}.`)) throw new Error(`check ${c.id} is declared in the ${g.prefix} group: its id must start with "${g.prefix}."`);
    const check: Check = { ...c, family: g.family, level: c.level ?? g.level ?? 'MUST' };
    const needs = c.needs ?? g.needs;
    if (needs) check.needs = needs;
    const impact = c.impact ?? g.impact;
    if (impact) check.impact = impact;
    const sideBySide = c.sideBySide ?? g.sideBySide;
    if (sideBySide) check.sideBySide = true;
    else delete check.sideBySide;
    if (!check.source && needs && isCapability(needs)) check.source = { profile: needs, note: c.cite ?? c.requirement };
    return check;
  });
}

/** A declaration with the impact of its failure (for checks made by a shared builder; see `Impact`). */
export function withImpact<T extends object>(impact: Impact, decl: T): T & { impact: Impact } {
  return { ...decl, impact };
}
