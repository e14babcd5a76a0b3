/**
 * A class run as CSV (RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote, CR or
 * LF, quotes doubled), one row per submission sorted by name, ready for a spreadsheet or a grade book.
 */
import type { GradeResult } from '../runner/grade-types.js';
import { formatPoints, percentOf } from './format.js';
import { compareSubmissions, gradeStatus, topFailureOf, zeroReason } from './grading.js';

/**
 * The columns. `profile` and `seed` say what the grade was judged by; `zero_reason` why a 0 is a 0 (a
 * typed word, see grading.ts zeroReason: `exited-at-start`, `never-listened`, `port-busy`, …; empty
 * otherwise); `partial` is `yes` on every row of a class run that was interrupted (the rows are the
 * submissions graded before it). Added at the end, so older spreadsheets keep their columns.
 */
export const CSV_HEADER = ['student', 'score', 'max', 'percent', 'restarts', 'status', 'top_failure', 'failed_checks', 'profile', 'seed', 'zero_reason', 'partial'] as const;

/**
 * A text field made safe for a spreadsheet: one starting with `=`, `+`, `-`, `@`, TAB or CR would be
 * read as a formula (OWASP "CSV injection"), so it gets a leading apostrophe. Folder names are user input.
 */
export function neutraliseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One RFC 4180 field: quoted when it needs to be (or when it holds any control character), quotes doubled. */
export function csvField(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[",\r\n\x00-\x1f\x7f]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The cells of one submission's row, in CSV_HEADER order, before quoting (text fields neutralised). */
export function csvRow(g: GradeResult, opts: CsvOptions = {}): string[] {
  const failed = g.run.checks.filter((c) => c.verdict === 'fail').map((c) => c.id);
  return [
    neutraliseFormula(g.submission),
    formatPoints(g.score.points),
    formatPoints(g.score.max),
    percentOf(g.score.points, g.score.max).toFixed(1),
    String(g.restarts),
    neutraliseFormula(gradeStatus(g)),
    neutraliseFormula(topFailureOf(g) ?? ''),
    neutraliseFormula(failed.join(' ')),
    neutraliseFormula(g.run.profile),
    String(g.run.seed),
    zeroReason(g) ?? '',
    opts.partial ? 'yes' : '',
  ];
}

export interface CsvOptions {
  /** The class run was interrupted: these are the grades finished before it. */
  partial?: boolean;
}

/** The class CSV: the header, then one row per submission sorted by name; every line ends in CRLF. */
export function toClassCsv(rows: readonly GradeResult[], opts: CsvOptions = {}): string {
  const lines = [[...CSV_HEADER], ...[...rows].sort((a, b) => compareSubmissions(a.submission, b.submission)).map((g) => csvRow(g, opts))];
  return lines.map((cells) => cells.map(csvField).join(',') + '\r\n').join('');
}
