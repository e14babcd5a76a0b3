/**
 * Markdown (GitHub-flavoured): the summary a GitHub Actions job shows (`$GITHUB_STEP_SUMMARY`), and the
 * building blocks of Gradescope's `output_format: "md"`. Words from wiregrade are escaped as Markdown
 * text; anything from the server, the student or a check's evidence goes in fenced code blocks whose
 * fence is longer than any run of backticks inside, so nothing it holds can become Markdown or HTML.
 */
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { palette } from './ansi.js';
import { formatDuration, formatPercent, formatPoints, percentOf, percentText } from './format.js';
import { areaRows, classJudgedBy, classRows, gradeNotes, partialSentence, type PartialClass, printableCheck, printableLines, scoreRows, type GradeNote } from './grading.js';
import { dependantsLine, renderFailure } from './text.js';
import { commandRun, forGrade, ownServerNote, ranOnGradersPort } from './own-server.js';
import { dependantsOf } from '../runner/root-causes.js';
import { deathHeadline } from './causes.js';

/** How many characters of one fenced block are kept (GitHub caps a step summary at 1 MiB). */
export const BLOCK_CAP = 4000;
/** The whole summary stays under GitHub's 1 MiB step-summary limit. */
const SUMMARY_CAP = 900_000;

/** Markdown text: the punctuation Markdown (and the HTML it allows) would act on, backslash-escaped; one line. */
export function mdText(s: string): string {
  return printableLines(s)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/** Inline code: a span whose backtick run is longer than any inside, padded when it starts or ends with one. */
export function mdCode(s: string): string {
  const text = printableLines(s).replace(/\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const tick = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${tick}${pad}${text}${pad}${tick}`;
}

/** A fenced code block holding `text` exactly (after making control characters visible), capped at `cap` characters. */
export function mdFence(text: string, cap = BLOCK_CAP, info = 'text'): string {
  let body = printableLines(text);
  if (body.length > cap) body = `${body.slice(0, cap)}\n… (${body.length - cap} more characters not shown)`;
  const longest = Math.max(2, ...(body.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}`;
}

/** A table cell: Markdown text, with pipes escaped (mdText does) and never empty. */
function cell(s: string): string {
  return mdText(s) || ' ';
}

function mdTable(rows: readonly string[][], right: readonly number[] = []): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const line = (r: readonly string[]): string => `| ${r.join(' | ')} |`;
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [line(head.map(cell)), line(align), ...body.map((r) => line(r.map(cell)))].join('\n');
}

function noteLine(n: GradeNote): string {
  const head = `- ${n.bad ? '❌' : '✅'} ${mdText(n.text)}`;
  return n.detail ? `${head}\n\n  ${n.detail.label}:\n\n${indent(mdFence(n.detail.lines.join('\n')), '  ')}` : head;
}

function indent(s: string, by: string): string {
  return s
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** One failure: its id and level as a heading line, then renderFailure's block (expected, actual, bytes, replay, rerun) fenced. */
export function mdFailure(g: GradeResult, c: CheckResult): string {
  const p = printableCheck(c);
  const block = forGrade(g, renderFailure(commandRun(g), p, palette(false))).split('\n').slice(1).join('\n');
  const death = deathHeadline(c);
  return [`**${mdCode(c.id)}** \\[${c.level}\\] ${death ? `**${mdText(death)}** — ` : ''}${mdText(p.requirement)}${p.cite ? ` (${mdText(p.cite)})` : ''}`, '', mdFence(block)].join('\n');
}

export interface MarkdownOptions {
  /** How many failures are shown in full (default 5); the rest are listed by id. */
  maxFailures?: number;
  /** The pass mark in percent, shown next to the score when given. */
  failUnder?: number;
  /** A class run cut short by a signal: said under the heading. */
  partial?: PartialClass;
}

function verdictLine(g: GradeResult, failUnder: number | undefined): string {
  const pct = percentOf(g.score.points, g.score.max);
  const head = `**${formatPoints(g.score.points)} / ${formatPoints(g.score.max)} points (${formatPercent(g.score.points, g.score.max)})**`;
  if (failUnder === undefined) return head;
  return `${head}: ${pct >= failUnder ? '✅ at or above' : '❌ below'} the pass mark of ${failUnder}%`;
}

/** The score line, the per-family table and the notes on how the server ran (Gradescope's top-level output starts so). */
export function renderMarkdownScore(g: GradeResult, opts: MarkdownOptions = {}): string {
  const out = [`${mdText(g.submission)}: ${verdictLine(g, opts.failUnder)}`, '', mdTable(scoreRows(g), [1, 2, 3])];
  const areas = areaRows(g);
  if (areas) out.push('', mdTable(areas, [1, 2, 3]));
  const notes = gradeNotes(g);
  if (notes.length) out.push('', ...notes.map(noteLine));
  return out.join('\n');
}

/** One submission: the score, the per-family table, how the server ran, and the first failures with their replay commands. */
export function renderMarkdownGrade(g: GradeResult, opts: MarkdownOptions = {}): string {
  const max = Math.max(0, opts.maxFailures ?? 5);
  const out: string[] = ['## wiregrade', '', renderMarkdownScore(g, opts), ''];
  // One bug, one entry: failures that follow from another are listed under it.
  const failures = g.run.checks.filter((c) => c.verdict === 'fail' && !c.rootCause);
  const errors = g.run.checks.filter((c) => c.verdict === 'error');
  if (failures.length) {
    out.push(`### Failures (${failures.length})`, '');
    for (const c of failures.slice(0, max)) {
      out.push(mdFailure(g, c), '');
      const deps = dependantsOf(g.run.checks, c.id);
      if (deps.length) out.push(`↳ ${mdText(dependantsLine(deps))}`, '');
    }
    if (failures.length > max) out.push(`${failures.length - max} more: ${failures.slice(max).map((c) => mdCode(c.id)).join(', ')}`, '');
    if (ranOnGradersPort(g)) out.push(mdText(ownServerNote(g)), '');
  } else {
    out.push('No check failed.', '');
  }
  if (errors.length) out.push(`### Checks the grader could not run (${errors.length})`, '', ...errors.map((c) => `- ${mdCode(c.id)}: ${mdText(c.reason)}`), '');
  const counts = ['pass', 'fail', 'warn', 'blocked', 'skip', 'error'].map((v) => `${g.run.checks.filter((c) => c.verdict === v).length} ${v}`).join(', ');
  out.push(`<sub>${mdText(`${g.run.checks.length} checks: ${counts}; profile ${g.run.profile}, seed ${g.run.seed}, ${formatDuration(g.durationMs)}`)}</sub>`, '');
  return out.join('\n');
}

/**
 * The Markdown summary of a run: one submission in full, or a class as one table (student, score, %,
 * restarts, status, top failure). Always under GitHub's 1 MiB step-summary limit.
 */
export function renderMarkdownSummary(results: readonly GradeResult[], opts: MarkdownOptions = {}): string {
  let md: string;
  if (results.length === 1) {
    md = renderMarkdownGrade(results[0]!, opts);
    if (opts.partial) md = `**${mdText(partialSentence(opts.partial))}**\n\n${md}`;
  } else {
    const n = results.length;
    const mean = n ? results.reduce((s, g) => s + percentOf(g.score.points, g.score.max), 0) / n : 0;
    const notes = [...classJudgedBy(results).map((l) => mdText(l)), ...(opts.partial ? [`**${mdText(partialSentence(opts.partial))}**`] : [])];
    md = [`## wiregrade: ${n} submissions, mean ${percentText(mean)}`, '', ...notes.flatMap((l) => [l, '']), mdTable(classRows(results), [1, 2, 3]), ''].join('\n');
  }
  if (md.length > SUMMARY_CAP) md = `${md.slice(0, SUMMARY_CAP)}\n\n… (cut: the summary is over ${SUMMARY_CAP} characters; the JUnit and JSON reports have everything)\n`;
  return md;
}
