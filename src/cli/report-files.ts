/**
 * The report files `fuzz` and `grade` both write, from the same GradeResult view: JUnit, Gradescope's
 * results.json, an HTML page per submission, and a Markdown summary (a GitHub Actions job summary).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { GradeResult } from '../runner/grade-types.js';
import { GRADESCOPE_VISIBILITIES, toGradescope, type GradescopeOptions, type GradescopeVisibility } from '../reporters/gradescope.js';
import { percentOf, plural } from '../reporters/format.js';
import { renderClassIndex, renderHtmlReport } from '../reporters/html.js';
import { submissionSlugs } from '../reporters/slug.js';
import { toJUnit } from '../reporters/junit.js';
import { renderMarkdownSummary } from '../reporters/markdown.js';
import { writeFileAtomic } from '../util/write-file.js';
import { UsageError } from './io.js';

/** The flags as commander hands them over. */
export interface ReportFlags {
  junit?: string;
  gradescope?: string;
  report?: string;
  markdown?: string;
  maxScore?: string;
  gradescopeVisibility?: string;
  failUnder?: string;
}

export interface ReportSettings {
  junit: string | null;
  gradescope: string | null;
  report: string | null;
  markdown: string | null;
  gradescopeOptions: GradescopeOptions;
  /** The pass mark in percent (--fail-under): below it, one submission exits 1. */
  failUnder: number | null;
}

async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() === true;
}

/** A number of points or a percentage: finite, within [min, max]. */
function parseAmount(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, not '${text}'`);
  return n;
}

/** Validates the report flags before anything runs (directories exist, numbers in range); makes --report's folder. */
export async function reportSettings(flags: ReportFlags, opts: { classMode: boolean }): Promise<ReportSettings> {
  for (const [flag, file] of [['--junit', flags.junit], ['--gradescope', flags.gradescope], ['--markdown', flags.markdown]] as const) {
    if (file === undefined) continue;
    if (file === '') throw new UsageError(`${flag} needs a file name`);
    const dir = path.dirname(path.resolve(file));
    if (!(await isDir(dir))) throw new UsageError(`cannot write ${flag} ${file}: the directory ${dir} does not exist`);
  }
  if (flags.gradescope && opts.classMode) throw new UsageError("--gradescope writes one submission's results.json: use it without SUBMISSIONS_DIR");
  let visibility: GradescopeVisibility | undefined;
  if (flags.gradescopeVisibility !== undefined) {
    if (!(GRADESCOPE_VISIBILITIES as readonly string[]).includes(flags.gradescopeVisibility)) {
      throw new UsageError(`--gradescope-visibility must be one of ${GRADESCOPE_VISIBILITIES.join(', ')}, not '${flags.gradescopeVisibility}'`);
    }
    visibility = flags.gradescopeVisibility as GradescopeVisibility;
  }
  const maxScore = flags.maxScore === undefined ? undefined : parseAmount('--max-score', flags.maxScore, 0, 1_000_000);
  // The --report folder itself is made only when a report is written (a usage error leaves nothing).
  if (flags.report) {
    const parent = path.dirname(path.resolve(flags.report));
    if (!(await isDir(parent))) throw new UsageError(`cannot write --report ${flags.report}: the directory ${parent} does not exist`);
  }
  return {
    junit: flags.junit ?? null,
    gradescope: flags.gradescope ?? null,
    report: flags.report ?? null,
    markdown: flags.markdown ?? null,
    gradescopeOptions: { ...(maxScore !== undefined ? { maxScore } : {}), ...(visibility ? { visibility } : {}) },
    failUnder: flags.failUnder === undefined ? null : parseAmount('--fail-under', flags.failUnder, 0, 100),
  };
}

/**
 * Writes every report asked for (each atomically); returns what was written, for the `written:` line.
 * HTML reports are named by `slugs` (unique and readable for any folder name), with an index for a class.
 */
export async function writeReports(
  results: readonly GradeResult[],
  s: ReportSettings,
  slugs: ReadonlyMap<string, string> = submissionSlugs(results.map((g) => g.submission)),
  classMode = false,
  /** A class run cut short by a signal: how many of how many submissions these grades are. */
  partial: { graded: number; of: number } | null = null,
): Promise<string[]> {
  const written: string[] = [];
  if (s.junit) {
    await writeFileAtomic(s.junit, toJUnit(results));
    written.push(s.junit);
  }
  if (s.gradescope && results[0]) {
    await writeFileAtomic(s.gradescope, JSON.stringify(toGradescope(results[0], s.gradescopeOptions), null, 2) + '\n');
    written.push(s.gradescope);
  }
  if (s.markdown) {
    await writeFileAtomic(s.markdown, renderMarkdownSummary(results, { ...(s.failUnder !== null ? { failUnder: s.failUnder } : {}), ...(partial ? { partial } : {}) }));
    written.push(s.markdown);
  }
  if (s.report) {
    await fs.mkdir(s.report, { recursive: true });
    for (const g of results) await writeFileAtomic(path.join(s.report, `${slugs.get(g.submission)!}.html`), renderHtmlReport(g));
    if (classMode) await writeFileAtomic(path.join(s.report, 'index.html'), renderClassIndex(results, slugs, partial ? { partial } : {}));
    written.push(`${s.report}/ (${plural(results.length, 'HTML report')}${classMode ? ' and index.html' : ''})`);
  }
  return written;
}

/** Under --fail-under: the submission's percentage, as reports print it (one decimal), is below the pass mark. */
export function belowPassMark(g: GradeResult, failUnder: number): boolean {
  return percentOf(g.score.points, g.score.max) < failUnder;
}

/** The report options, the same on `fuzz` and `grade`. */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--junit <file>', 'JUnit XML, one testcase per check')
    .option('--gradescope <file>', 'Gradescope autograder results.json (one submission)')
    .option('--max-score <points>', "with --gradescope: the assignment's points on Gradescope; the checks' points are scaled to sum to it")
    .option('--gradescope-visibility <when>', `with --gradescope: when students see the checks (${GRADESCOPE_VISIBILITIES.join(', ')}; default visible)`)
    .option('--report <dir>', 'a self-contained HTML page per submission, for students')
    .option('--markdown <file>', 'a Markdown summary: score, table by family, first failures with replay commands (e.g. for $GITHUB_STEP_SUMMARY)');
}
