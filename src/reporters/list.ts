import { citeOf, type Check, type FollowRule, type Impact, type ProfileRule, type Source } from '../checks/types.js';

export interface CheckListEntry {
  id: string;
  family: Check['family'];
  /** The level as the source words it: MUST, SHOULD or MAY. */
  level: Check['level'];
  requirement: string;
  /** The RFC section (`RFC 9112 §3`), or `profile NAME` for a profile's own rule. */
  cite?: string;
  /** The RFC section and sentence, or the profile and what it asks. */
  source?: Source;
  /** The stricter answer a rule set asks for, judged at its level (MUST unless said) under a profile that adopts it. */
  profileRule?: ProfileRule;
  /** What a failure costs beyond the sentence: security, denial-of-service or desync (read first in reports). */
  impact?: Impact;
  /** The failures this one can follow from (one bug, one deduction), each with what it must show. */
  follows?: readonly FollowRule[];
  /** May run beside other such checks when grading a server that serves several clients at once. */
  sideBySide?: true;
  /** A property whose cases may run ahead side by side on such a server (PropertyDef.casesSideBySide). */
  casesSideBySide?: true;
}

/** What a listed check needs: a deterministic check or a property both have these. */
export type Listable = Pick<Check, 'id' | 'family' | 'level' | 'requirement' | 'cite' | 'source' | 'profileRule' | 'impact' | 'follows' | 'sideBySide'> & { casesSideBySide?: boolean };

export function checkListEntries(checks: readonly Listable[]): CheckListEntry[] {
  return checks.map((c) => {
    const e: CheckListEntry = { id: c.id, family: c.family, level: c.level, requirement: c.requirement };
    const cite = c.source ? citeOf(c.source) : c.cite;
    if (cite) e.cite = cite;
    if (c.source) e.source = c.source;
    if (c.profileRule) e.profileRule = c.profileRule;
    if (c.impact) e.impact = c.impact;
    if (c.follows && c.follows.length > 0) e.follows = c.follows;
    if (c.sideBySide) e.sideBySide = true;
    if (c.casesSideBySide) e.casesSideBySide = true;
    return e;
  });
}

/** `wiregrade list --json`: a JSON array of { id, family, level, requirement, cite?, source?, profileRule?, impact?, follows?, sideBySide?, casesSideBySide? }. */
export function renderCheckListJson(checks: readonly Listable[]): string {
  return JSON.stringify(checkListEntries(checks), null, 2) + '\n';
}

/** One line of text, whatever the requirement holds (a list line must stay one line). */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

/**
 * `wiregrade list`: one line per check, `id  level  family  requirement`, the first three columns padded
 * to their widest value, so the output can be read, grepped and cut.
 */
export function renderCheckList(checks: readonly Listable[]): string {
  const entries = checkListEntries(checks);
  const idW = Math.max(0, ...entries.map((e) => e.id.length));
  const levelW = Math.max(0, ...entries.map((e) => e.level.length));
  const familyW = Math.max(0, ...entries.map((e) => e.family.length));
  return entries.map((e) => `${e.id.padEnd(idW)}  ${e.level.padEnd(levelW)}  ${e.family.padEnd(familyW)}  ${oneLine(e.requirement)}\n`).join('');
}

/**
 * `wiregrade list --verbose`: per check, the line of `list` with its source (RFC section or profile), then,
 * indented, the requirement, the RFC sentence quoted (or the profile's note) and the profile rule that narrows
 * the answers; a blank line between checks.
 */
export function renderCheckListVerbose(checks: readonly Listable[]): string {
  return checkListEntries(checks)
    .map((e) => {
      const lines = [`${e.id}  ${e.level}  ${e.family}${e.cite ? `  ${e.cite}` : ''}`, `  ${oneLine(e.requirement)}`];
      if (e.source && 'rfc' in e.source) lines.push(`  “${oneLine(e.source.quote)}”`);
      else if (e.source) lines.push(`  (${e.source.profile}: ${oneLine(e.source.note)})`);
      if (e.profileRule) lines.push(`  ${e.profileRule.rules} rule (${e.profileRule.level ?? 'MUST'}): ${oneLine(e.profileRule.note)}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}
