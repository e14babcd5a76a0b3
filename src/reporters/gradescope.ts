/**
 * The Gradescope autograder's results.json
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format): one test per check
 * that counts towards the score, each with the points it earned, and the details a student needs to fix
 * a failure. Outputs are Markdown (`output_format: "md"`): the summary as text and a table, each test's
 * details in a fenced block (the plain text the terminal shows), so nothing the server sent is rendered.
 */
import { deathHeadline, reasonOf } from './causes.js';
import type { Family } from '../checks/types.js';
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { palette } from './ansi.js';
import { formatPercent, formatPoints, roundHundredths } from './format.js';
import { gradeNotes, printableCheck, printableLines } from './grading.js';
import { score } from './json.js';
import { checkShares } from '../runner/score.js';
import { mdCode, mdFence, mdText, renderMarkdownScore } from './markdown.js';
import { renderFailure } from './text.js';
import { commandRun, forGrade } from './own-server.js';

/** Who sees a test (Gradescope's `visibility`): always, never, after the due date, or once grades are published. */
export const GRADESCOPE_VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
export type GradescopeVisibility = (typeof GRADESCOPE_VISIBILITIES)[number];

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'md';
  visibility: GradescopeVisibility;
  tags?: Family[];
}

/** Gradescope's documented top level has no max_score: the assignment's points are set on Gradescope. */
export interface GradescopeResults {
  score: number;
  /** Seconds. */
  execution_time: number;
  output: string;
  output_format: 'md';
  /** The default of the tests: Gradescope shows the total only when every test is visible. */
  visibility: GradescopeVisibility;
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
}

export interface GradescopeOptions {
  /**
   * The assignment's points on Gradescope: the checks' points are scaled to sum to it (in hundredths,
   * so the tests' scores add up exactly). Without it, scores are the checks' own points.
   */
  maxScore?: number;
  /**
   * When students see the checks (default `visible`): every check's test, the top-level default and the
   * run's stdout. A server that did not start is reported in a `launch` test that is always visible.
   */
  visibility?: GradescopeVisibility;
}

const plain = palette(false);

/**
 * The score of a run that held only this check: the JSON report's `score` rule applied to it alone (with
 * weights, out of 100); `max` is 0 for a check that does not count. Per-check points are `checkPoints` in
 * src/runner/score.ts.
 */
export function scoreAlone(g: GradeResult, c: CheckResult): { points: number; max: number } {
  return score({ ...g.run, checks: [c] });
}

function requirementLine(c: CheckResult): string {
  return `[${c.level}] ${c.requirement}${c.cite ? ` (${c.cite})` : ''}`;
}

/** The plain text of one test: what it requires and, unless it passed, everything to reproduce it. */
export function testText(g: GradeResult, check: CheckResult, full = true): string {
  const c = printableCheck(check);
  // In short (past the first failures): what was expected and what came, without the bytes.
  const death = deathHeadline(c);
  const short = `${death ? `${death}\n` : ''}${requirementLine(c)}\nexpected: ${c.expected.join(' or ')}\nactual:   ${c.actual}`;
  switch (c.verdict) {
    case 'pass':
      return requirementLine(c);
    case 'fail':
      return full ? forGrade(g, renderFailure(commandRun(g), c, plain)) : short;
    case 'warn':
      return `warning: ${reasonOf(c)}\n\n${full ? forGrade(g, renderFailure(commandRun(g), c, plain, '!')) : short}`;
    case 'blocked':
      return `${requirementLine(c)}\n${reasonOf(c)}`;
    case 'error':
      return `${requirementLine(c)}\nthe grader could not run this check: ${reasonOf(c)}`;
    case 'skip':
      return `${requirementLine(c)}\nskipped: ${reasonOf(c)}`;
  }
}

/** A test's output: its plain text in a fenced block (Markdown). */
export function testOutput(g: GradeResult, check: CheckResult, full = true): string {
  return mdFence(testText(g, check, full));
}

/** Failures and warnings shown in full (bytes, replay) in a results.json; the rest in short. */
const MAX_FULL = 20;

/**
 * Splits `total` units over `weights` in proportion (largest remainder, ties to the earlier one), so the
 * parts add up to `total` exactly and each is its exact share rounded down or up.
 */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (w / sum) * total);
  const parts = raw.map(Math.floor);
  let left = total - parts.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/**
 * The points of Gradescope's tests, in hundredths that add up exactly: the maxima to `maxScore` (default:
 * the grade's own maximum, or 100 for a weighted score), the tests' scores to the top-level `score`, and
 * that score is the grade's, scaled to `maxScore` and rounded to the cent, so it reads the same in the
 * text, the table and results.json. The cents of the maximum are shared out twice by largest remainder,
 * in proportion to each check's points: the earned part over the checks that earned theirs, the rest over
 * those that did not; so a passed test scores its whole maximum and a failed one nothing.
 */
export function gradescopePoints(g: GradeResult, shares: ReadonlyArray<{ points: number; max: number }>, maxScore?: number): { maxes: number[]; earned: number[]; score: number; max: number } {
  const max = maxScore ?? (g.run.weights ? 100 : roundHundredths(g.score.max));
  const totalCents = Math.round(max * 100);
  const fraction = g.score.max > 0 ? g.score.points / g.score.max : 0;
  const won = shares.map((s) => s.points > 0 && s.points >= s.max);
  const anyWon = won.some(Boolean);
  const anyLost = won.some((w) => !w);
  // The score in cents; all of it when nothing was lost, none when nothing was won.
  const scoreCents = !anyWon ? 0 : !anyLost ? totalCents : Math.round(totalCents * fraction);
  const part = (want: boolean, cents: number): number[] => apportion(cents, shares.map((s, i) => (won[i] === want ? s.max : 0)));
  const wonCents = part(true, scoreCents);
  const lostCents = part(false, totalCents - scoreCents);
  const maxCents = shares.map((_, i) => wonCents[i]! + lostCents[i]!);
  return {
    maxes: maxCents.map((c) => c / 100),
    earned: wonCents.map((c) => c / 100),
    score: scoreCents / 100,
    max: totalCents / 100,
  };
}

/**
 * results.json for one graded submission. Checks that count (not skipped; SHOULD ones only in a strict
 * run) are tests; a warning that does not count is listed in the top-level output instead. A server that
 * did not start adds a `launch` test worth nothing that says why.
 */
export function toGradescope(g: GradeResult, opts: GradescopeOptions = {}): GradescopeResults {
  const shares = checkShares(g.run);
  const counted = g.run.checks.map((c) => ({ c, pts: shares.get(c)! })).filter((x) => x.pts.max > 0);

  const { maxes, earned, score: total, max } = gradescopePoints(g, counted.map((x) => x.pts), opts.maxScore);

  const visibility = opts.visibility ?? 'visible';
  let shown = 0;
  const tests: GradescopeTest[] = counted.map(({ c, pts }, i) => ({
    name: c.id,
    score: earned[i]!,
    max_score: maxes[i]!,
    status: pts.points > 0 && pts.points >= pts.max && c.verdict !== 'fail' ? 'passed' : 'failed',
    output: testOutput(g, c, (c.verdict !== 'fail' && c.verdict !== 'warn') || shown++ < MAX_FULL),
    output_format: 'md',
    visibility,
    tags: [c.family],
  }));

  const launch = gradeNotes(g).find((n) => n.kind === 'launch' && n.bad);
  if (launch) {
    const detail = launch.detail ? `\n${launch.detail.label}:\n${launch.detail.lines.map((l) => `  ${printableLines(l)}`).join('\n')}` : '';
    tests.unshift({ name: 'launch', score: 0, max_score: 0, status: 'failed', output: mdFence(`${launch.text}${detail}\n\ncommand: ${g.command}`), output_format: 'md', visibility: 'visible' });
  }

  const out: string[] = [];
  // One score everywhere: the line Gradescope's total is read from, the same as results.json's `score`.
  if (Math.round(max * 100) !== Math.round(g.score.max * 100)) {
    out.push(`**Score on Gradescope: ${formatPoints(total)} / ${formatPoints(max)}** (${formatPercent(total, max)}): the ${formatPoints(g.score.points)} / ${formatPoints(g.score.max)} points below, scaled to ${formatPoints(max)}`, '');
  }
  out.push(renderMarkdownScore(g));
  const uncountedWarnings = g.run.checks.filter((c) => c.verdict === 'warn' && scoreAlone(g, c).max === 0);
  if (uncountedWarnings.length) {
    out.push('', `Warnings (${uncountedWarnings.length}), not counted in the score:`, '');
    for (const c of uncountedWarnings) out.push(`- ${mdCode(c.id)}: ${mdText(reasonOf(c))}`);
  }
  return {
    score: total,
    execution_time: Math.round(g.durationMs) / 1000,
    output: out.join('\n'),
    output_format: 'md',
    visibility,
    stdout_visibility: visibility,
    tests,
  };
}
