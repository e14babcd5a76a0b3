/**
 * The grade of a submission and of a class for a terminal: the score, area and class tables drawn with
 * `table`, the notes in colour, the failures in full. The words and cells come from grading.ts.
 */
import { table, getBorderCharacters } from 'table';
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { dependantsOf } from '../runner/root-causes.js';
import { palette, type Palette } from './ansi.js';
import { blockedGroups, reasonOf } from './causes.js';
import { byConsequence, serverDownAfter } from './consequence.js';
import { formatPercent, formatPoints, percentOf, percentText, plural } from './format.js';
import { areaRows, classJudgedBy, classRows, gradeNotes, judgedByLine, partialSentence, type PartialClass, orderedFamilies, statusKinds, printable, printableCheck, printableLines, scoreRows, type GradeNote } from './grading.js';
import { dependantsLine, finalLine, renderFailure, failureLine } from './text.js';
import { commandRun, forGrade, ownServerNote, ranOnGradersPort } from './own-server.js';

export interface GradeTableOptions {
  color: boolean;
  /** How many failures are shown in full (default 10); the rest are counted. */
  maxFailures?: number;
  /** How long the launcher waited for the port, for the "never listened" note (e.g. 10000: "within 10 s"). */
  startTimeoutMs?: number;
}

/** The notes as plain text lines (no colour), the stderr detail indented under its note. */
export function noteLines(notes: readonly GradeNote[], p: Palette = palette(false)): string[] {
  const out: string[] = [];
  for (const n of notes) {
    out.push((n.bad ? p.red('✗ ') : '· ') + printable(n.text));
    if (n.detail) {
      out.push(`    ${n.detail.label}:`);
      for (const line of n.detail.lines) out.push(`      ${printable(line)}`);
    }
  }
  return out;
}

function drawAreaTable(g: GradeResult, p: Palette): string | null {
  const rows = areaRows(g);
  if (!rows) return null;
  return table(
    rows.map((row, r) => row.map((c) => (r === 0 || r === rows.length - 1 ? p.bold(cell(c)) : cell(c)))),
    {
      border: getBorderCharacters('norc'),
      columns: { 1: { alignment: 'right' }, 2: { alignment: 'right' }, 3: { alignment: 'right' } },
      drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size - 1 || i === size,
    },
  ).trimEnd();
}

/** A cell of a `table`: one line, no control characters (the package throws on them). */
function cell(s: string): string {
  return printable(s);
}

function drawScoreTable(g: GradeResult, p: Palette): string {
  const rows = scoreRows(g).map((row, r, all) =>
    row.map((c, i) => {
      if (r === 0 || r === all.length - 1) return p.bold(cell(c));
      if (i === 0) return cell(c);
      const f = orderedFamilies(g.families)[r - 1]!;
      return f.points < f.max ? p.red(c) : p.green(c);
    }),
  );
  return table(rows, {
    border: getBorderCharacters('norc'),
    columns: { 1: { alignment: 'right' }, 2: { alignment: 'right' }, 3: { alignment: 'right' } },
    drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size - 1 || i === size,
  }).trimEnd();
}

/** The heading line of a grade: `alice: 42 / 50 points (84.0%)`. */
export function scoreHeadline(g: GradeResult): string {
  return `${printable(g.submission)}: ${formatPoints(g.score.points)} / ${formatPoints(g.score.max)} points (${formatPercent(g.score.points, g.score.max)})`;
}

/** The headline, the score table and the notes: the summary both the table and the Gradescope output start with. */
export function renderScoreSummary(g: GradeResult, opts: GradeTableOptions): string {
  const p = palette(opts.color);
  const areas = drawAreaTable(g, p);
  return [p.bold(scoreHeadline(g)), p.dim(printable(judgedByLine(g))), drawScoreTable(g, p), ...(areas ? [areas] : []), ...noteLines(gradeNotes(g, opts), p)].join('\n');
}

function blockedLines(checks: readonly CheckResult[], p: Palette): string[] {
  const byReason = new Map<string, number>();
  for (const [reason, n] of blockedGroups(checks)) byReason.set(reason, n);
  return [...byReason].map(([reason, n]) => `${p.dim('-')} ${plural(n, 'check')} blocked: ${printableLines(reason)}`);
}

/**
 * The grade of one submission for a terminal: the score by family with a total row, how the launch
 * went (deaths, restarts, sandbox, time limit), then the first failures in full (text.ts's block), the
 * checks the suite could not run, the blocked ones by reason, and the one-line count. Ends in a newline.
 */
export function renderGradeTable(g: GradeResult, opts: GradeTableOptions): string {
  const p = palette(opts.color);
  const out: string[] = [renderScoreSummary(g, opts)];
  const max = Math.max(0, opts.maxFailures ?? 10);
  const checks = g.run.checks;

  // One bug, one entry: a failure that follows from another is listed under its root cause.
  const failures = byConsequence(checks.filter((c) => c.verdict === 'fail' && !c.rootCause), serverDownAfter(g.run, g.deaths));
  if (failures.length) {
    const following = checks.filter((c) => c.verdict === 'fail' && c.rootCause).length;
    out.push('', p.bold(`Failures (${failures.length}${following ? `, and ${following} that follow from them` : ''}):`));
    for (const c of failures.slice(0, max)) {
      out.push('', forGrade(g, renderFailure(commandRun(g), printableCheck(c), p)));
      const deps = dependantsOf(checks, c.id);
      if (deps.length) out.push(`  ${p.dim('↳')} ${dependantsLine(deps)}`);
    }
    const rest = failures.slice(max);
    if (rest.length) {
      out.push('', p.bold(`${rest.length} more, one line each (--json FILE or --report DIR has every detail):`));
      for (const c of rest) out.push(failureLine(printableCheck(c), p));
    }
    if (ranOnGradersPort(g)) out.push('', p.dim(printable(ownServerNote(g))));
  }
  const errors = checks.filter((c) => c.verdict === 'error');
  if (errors.length) {
    out.push('', p.bold(`Errors (${errors.length}) — the suite could not run these checks:`));
    for (const c of errors) out.push(`${p.red('E')} ${printable(c.id)}: ${printableLines(reasonOf(c))}`);
  }
  const blocked = blockedLines(checks, p);
  if (blocked.length) out.push('', ...blocked);
  if (checks.length) out.push('', finalLine(g.run));
  return out.join('\n') + '\n';
}

/**
 * A class run at a glance: one row per submission (student, score, percent, restarts, status, top
 * failure), sorted by name, and a line with the count, the mean and the submissions that did not start.
 */
export function renderClassTable(rows: readonly GradeResult[], opts: { color: boolean; partial?: PartialClass }): string {
  const p = palette(opts.color);
  const cells = classRows(rows).map((row, r) =>
    row.map((c, i) => {
      const s = cell(c);
      if (r === 0) return p.bold(s);
      if (i === 4) return c === 'ok' ? p.green(s) : p.red(s);
      if (i === 3 && c !== '0') return p.yellow(s);
      return s;
    }),
  );
  const drawn = table(cells, {
    border: getBorderCharacters('norc'),
    columns: { 1: { alignment: 'right' }, 2: { alignment: 'right' }, 3: { alignment: 'right' } },
    drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
  }).trimEnd();
  // The header: what every grade was judged by (one line per distinct profile and seed; one in a class run).
  const judged = classJudgedBy(rows).map(printable);

  const n = rows.length;
  const parts = [plural(n, 'submission')];
  if (n) {
    const mean = rows.reduce((s, g) => s + percentOf(g.score.points, g.score.max), 0) / n;
    parts.push(`mean ${percentText(mean)}`);
  }
  // Counted by kind: `2 died, 1 hung` (each row has its own count of deaths and restarts).
  const counts = new Map<string, number>();
  for (const g of rows) for (const k of statusKinds(g)) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [kind, k] of counts) if (kind !== 'ok') parts.push(`${k} ${kind}`);
  const partial = opts.partial ? `${p.red(partialSentence(opts.partial))}\n` : '';
  return `${judged.map((l) => `${p.bold(l)}\n`).join('')}${drawn}\n${parts.join(', ')}\n${partial}`;
}
