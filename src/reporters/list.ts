import { table, getBorderCharacters } from 'table';
import type { Check } from '../checks/types.js';

export interface CheckListEntry {
  id: string;
  family: Check['family'];
  level: Check['level'];
  requirement: string;
  cite?: string;
}

/** What a listed check needs: a deterministic check or a property both have these. */
export type Listable = Pick<Check, 'id' | 'family' | 'level' | 'requirement' | 'cite'>;

export function checkListEntries(checks: readonly Listable[]): CheckListEntry[] {
  return checks.map((c) => {
    const e: CheckListEntry = { id: c.id, family: c.family, level: c.level, requirement: c.requirement };
    if (c.cite) e.cite = c.cite;
    return e;
  });
}

/** `wiregrade list --json`: a JSON array of { id, family, level, requirement, cite? }. */
export function renderCheckListJson(checks: readonly Listable[]): string {
  return JSON.stringify(checkListEntries(checks), null, 2) + '\n';
}

/** `wiregrade list`: a table id | family | level | requirement, the requirement wrapped to `width` columns. */
export function renderCheckList(checks: readonly Listable[], opts: { width?: number } = {}): string {
  const rows = [['id', 'family', 'level', 'requirement'], ...checks.map((c) => [c.id, c.family, c.level, c.cite ? `${c.requirement} (${c.cite})` : c.requirement])];
  const fixed = Math.max(...rows.map((r) => r[0]!.length)) + 'differential'.length + 'SHOULD'.length + 13;
  const reqWidth = Math.max(30, (opts.width ?? 120) - fixed);
  return (
    table(rows, {
      border: getBorderCharacters('norc'),
      columns: { 3: { width: reqWidth, wrapWord: true } },
      drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
    }) + `${checks.length} checks\n`
  );
}
