import { table, getBorderCharacters } from 'table';
import { citeOf, type Check, type ProfileRule, type Source } from '../checks/types.js';

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
}

/** What a listed check needs: a deterministic check or a property both have these. */
export type Listable = Pick<Check, 'id' | 'family' | 'level' | 'requirement' | 'cite' | 'source' | 'profileRule'>;

export function checkListEntries(checks: readonly Listable[]): CheckListEntry[] {
  return checks.map((c) => {
    const e: CheckListEntry = { id: c.id, family: c.family, level: c.level, requirement: c.requirement };
    const cite = c.source ? citeOf(c.source) : c.cite;
    if (cite) e.cite = cite;
    if (c.source) e.source = c.source;
    if (c.profileRule) e.profileRule = c.profileRule;
    return e;
  });
}

/** `wiregrade list --json`: a JSON array of { id, family, level, requirement, cite?, source?, profileRule? }. */
export function renderCheckListJson(checks: readonly Listable[]): string {
  return JSON.stringify(checkListEntries(checks), null, 2) + '\n';
}

function levelCell(e: CheckListEntry): string {
  return e.profileRule ? `${e.level}\n(${e.profileRule.rules}: ${e.profileRule.level ?? 'MUST'})` : e.level;
}

function requirementCell(e: CheckListEntry): string {
  const lines = [e.requirement];
  if (e.source && 'rfc' in e.source) lines.push(`“${e.source.quote}”`);
  else if (e.source) lines.push(`(${e.source.profile}: ${e.source.note})`);
  if (e.profileRule) lines.push(`${e.profileRule.rules} rule: ${e.profileRule.note}`);
  return lines.join('\n');
}

/**
 * `wiregrade list`: a table id | family | level | source | requirement. The level is the RFC sentence's
 * keyword (with the rule set's level under it, when a profile rule narrows the answers); the source is
 * the RFC section or the profile; the requirement is followed by the sentence quoted and the rule.
 */
export function renderCheckList(checks: readonly Listable[], opts: { width?: number } = {}): string {
  const entries = checkListEntries(checks);
  const rows = [['id', 'family', 'level', 'source', 'requirement'], ...entries.map((e) => [e.id, e.family, levelCell(e), e.cite ?? '', requirementCell(e)])];
  const idWidth = Math.max(...rows.map((r) => r[0]!.length));
  const fixed = idWidth + 'differential'.length + '(reference: MUST)'.length + 18 + 16;
  const reqWidth = Math.max(30, (opts.width ?? 120) - fixed);
  return (
    table(rows, {
      border: getBorderCharacters('norc'),
      columns: { 2: { width: 17, wrapWord: true }, 3: { width: 18, wrapWord: true }, 4: { width: reqWidth, wrapWord: true } },
      drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
    }) + `${checks.length} checks\n`
  );
}
