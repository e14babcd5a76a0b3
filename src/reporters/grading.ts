/**
 * A grade as data and words, shared by every grade report (the terminal table, JUnit, Gradescope, HTML,
 * Markdown, CSV): a submission's one-word status, the notes about how its server ran (launch, deaths and
 * restarts, sandbox, time limit), the cells of the score, area and class tables, the order of families
 * and submissions, the failure that matters most, and text made safe for a terminal. No drawing here:
 * grade-table.ts draws these for a terminal, the other reporters for their medium.
 */
import type { Family } from '../checks/types.js';
import type { FamilyScore, GradeResult, ServerDeath } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import type { BlockCause } from '../runner/causes.js';
import { areaScores, FAMILY_ORDER } from '../runner/score.js';
import { blockWhy, describeExit, phraseLaunchFailure, phraseUnreachable, phraseBaselineAnswer, phraseSideBySide } from './causes.js';
import { byConsequence, serverDownAfter } from './consequence.js';
import { formatEndpoint, formatPercent, formatPoints, formatSeconds, plural } from './format.js';

/**
 * A submission's status in a class run, worst first: the launch, the time limit, reachability, then how
 * it ran: `died N×` (the process exited N times), `hung` (it stopped answering while alive and was
 * killed), `restarted N×`; `ok` only when none of these happened.
 */
export type GradeStatus = 'ok' | 'crashed at start' | 'never listened' | 'port busy' | 'timed out' | 'unreachable' | 'hung' | `died ${number}×` | `died ${number}×, hung` | `restarted ${number}×`;

/** The kinds a submission counts under in a class's summary line (`2 died, 1 hung`), from its data. */
export type StatusKind = 'ok' | 'crashed at start' | 'never listened' | 'port busy' | 'timed out' | 'unreachable' | 'died' | 'hung' | 'restarted';

export function statusKinds(g: GradeResult): StatusKind[] {
  if (g.launch.kind === 'exited-before-listening') return ['crashed at start'];
  if (g.launch.kind === 'never-listened') return ['never listened'];
  if (g.launch.kind === 'port-busy') return ['port busy'];
  if (g.timedOut) return ['timed out'];
  if (g.run.unreachable) return ['unreachable'];
  const died = g.deaths.some((d) => d.down.kind === 'exited');
  const hung = g.deaths.some((d) => d.down.kind === 'hung');
  if (died || hung) return [...(died ? (['died'] as const) : []), ...(hung ? (['hung'] as const) : [])];
  return g.restarts > 0 ? ['restarted'] : ['ok'];
}

/** The status of one submission: its kinds (statusKinds), with the counts of deaths and restarts. */
export function gradeStatus(g: GradeResult): GradeStatus {
  const [kind, also] = statusKinds(g);
  // The process exited (died), or was alive but answered nothing and was killed (hung).
  if (kind === 'died') {
    const died = `died ${g.deaths.filter((d) => d.down.kind === 'exited').length}×` as const;
    return also === 'hung' ? `${died}, hung` : died;
  }
  if (kind === 'restarted') return `restarted ${g.restarts}×`;
  return kind!;
}

/**
 * Why a submission scored 0, as a typed word from its data (the CSV's `zero_reason`), or null when it
 * earned points (or could earn none): the launch first (`exited-at-start`, `never-listened`,
 * `port-busy`), then the time limit, reachability, what blocked the checks (`baseline-failed`,
 * `server-down`, …: the block cause's kind), else `no-check-passed`.
 */
export type ZeroReason = 'exited-at-start' | 'never-listened' | 'listens-elsewhere' | 'port-busy' | 'timed-out' | 'unreachable' | 'no-check-passed' | BlockCause['kind'];

export function zeroReason(g: GradeResult): ZeroReason | null {
  if (g.score.points > 0) return null;
  const l = g.launch;
  if (l.kind === 'exited-before-listening') return 'exited-at-start';
  if (l.kind === 'never-listened') return l.listensOn.length > 0 ? 'listens-elsewhere' : 'never-listened';
  if (l.kind === 'port-busy') return 'port-busy';
  if (g.timedOut) return 'timed-out';
  if (g.run.unreachable) return 'unreachable';
  if (g.score.max === 0) return null;
  // Nothing passed because nothing could be judged: the first blocked check's cause says why.
  const counted = g.run.checks.filter((c) => c.verdict !== 'skip');
  const blocked = counted.filter((c) => c.cause?.kind === 'blocked');
  if (counted.every((c) => c.verdict === 'blocked' || c.verdict === 'error' || c.id.startsWith('baseline.')) && blocked[0]?.cause?.kind === 'blocked') return blocked[0].cause.by.kind;
  return 'no-check-passed';
}

/**
 * Text from the server or from user input (stderr, folder names) made safe for a terminal: control
 * characters (C0, DEL, C1; ESC included, so no escape sequence gets through) and bidirectional overrides
 * are shown as `\xHH` / `\uHHHH`; a tab becomes a space. Newlines are escaped too: split lines first.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\t') return ' ';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `printable` line by line: newlines kept, everything else made safe. */
export function printableLines(s: string): string {
  return s.split('\n').map(printable).join('\n');
}

/**
 * A check whose words (requirement, reason, expected, actual) are safe for a terminal: a check may quote
 * what the server sent (a reason phrase with a control character in it). Bytes are already escaped.
 */
export function printableCheck(c: CheckResult): CheckResult {
  const out: CheckResult = { ...c, requirement: printableLines(c.requirement), reason: printableLines(c.reason), actual: printableLines(c.actual), expected: c.expected.map(printableLines) };
  if (c.cite !== undefined) out.cite = printableLines(c.cite);
  return out;
}

/** The last `n` non-blank lines of a stream's tail, each capped at `width` characters, unsanitised. */
export function lastLines(s: string, n = 5, width = 200): string[] {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.slice(-n).map((l) => (l.length > width ? l.slice(0, width) + '…' : l));
}

function describeDeath(d: ServerDeath): string {
  const how = d.down.kind === 'exited' ? describeExit(d.code, d.signal) : d.down.kind;
  const charged = d.chargedTo !== d.afterCheck ? `, charged to ${d.chargedTo}` : '';
  return `after ${d.afterCheck} (${how}${charged}${d.restarted ? '' : ', not restarted'})`;
}

/**
 * One thing worth knowing about how the server was run. `text` is one line, built from trusted words and
 * check ids; `detail` holds the server's own output (its last stderr lines), raw: each renderer escapes it
 * for its medium (`printable` for a terminal, XML or HTML escaping).
 */
export interface GradeNote {
  kind: 'launch' | 'restarts' | 'sandbox' | 'side-by-side' | 'timeout' | 'stopped' | 'unreachable';
  /** Something went wrong (shown in red). */
  bad: boolean;
  text: string;
  detail?: { label: string; lines: string[] };
}

const MAX_DEATHS_LISTED = 5;

/** The notes about the launch, deaths and restarts, the sandbox, how the checks ran, the time limit and a stopped run, in that order. */
export function gradeNotes(g: GradeResult, opts: { startTimeoutMs?: number } = {}): GradeNote[] {
  const notes: GradeNote[] = [];
  const port = g.run.target.port;
  const stderr = (tail: string, label = 'last lines on stderr'): GradeNote['detail'] => {
    const lines = lastLines(tail);
    return lines.length ? { label, lines } : { label: 'stderr', lines: ['(nothing on stderr)'] };
  };
  const l = g.launch;
  switch (l.kind) {
    case 'listening':
      notes.push({ kind: 'launch', bad: false, text: `server started in ${l.startMs} ms (listening on port ${port})` });
      break;
    case 'exited-before-listening':
      notes.push({ kind: 'launch', bad: true, text: `the server exited before listening (${describeExit(l.code, l.signal)})`, detail: stderr(l.stderrTail) });
      break;
    case 'never-listened': {
      const waited = l.waitedMs ?? opts.startTimeoutMs;
      const within = waited !== undefined ? ` within ${formatSeconds(waited)}` : '';
      const text = l.listensOn.length > 0 ? `${phraseLaunchFailure({ kind: 'never-listened', port, listensOn: l.listensOn })}${within}` : `the server never listened on port ${port}${within}`;
      notes.push({ kind: 'launch', bad: true, text, detail: stderr(l.stderrTail) });
      break;
    }
    case 'port-busy':
      notes.push({ kind: 'launch', bad: true, text: phraseLaunchFailure({ kind: 'port-busy', port: l.port, pid: l.pid, command: l.command }) });
      break;
    case 'not-launched':
      notes.push({ kind: 'launch', bad: false, text: `graded at ${formatEndpoint(g.run.target)} (a server wiregrade did not start)` });
      break;
  }

  if (g.deaths.length) {
    const n = g.deaths.length;
    const restarted = g.restarts;
    let head: string;
    if (restarted === 0) head = `the server died ${plural(n, 'time')} and was not restarted`;
    else if (restarted === n) head = `the server died ${plural(n, 'time')} and was restarted`;
    else head = `the server died ${plural(n, 'time')} and was restarted ${plural(restarted, 'time')}`;
    const listed = g.deaths.slice(0, MAX_DEATHS_LISTED).map(describeDeath);
    if (n > MAX_DEATHS_LISTED) listed.push(`… and ${n - MAX_DEATHS_LISTED} more`);
    const first = g.deaths[0]!;
    notes.push({ kind: 'restarts', bad: true, text: `${head}: ${listed.join(', ')}`, detail: stderr(first.stderrTail, `its last lines on stderr, after ${first.afterCheck}`) });
  } else if (g.restarts > 0) {
    notes.push({ kind: 'restarts', bad: true, text: `the server was restarted ${plural(g.restarts, 'time')}` });
  }

  if (g.sandbox === 'bubblewrap') notes.push({ kind: 'sandbox', bad: false, text: 'sandbox: bubblewrap' });
  else if (g.sandbox === 'unavailable') notes.push({ kind: 'sandbox', bad: true, text: 'a sandbox was asked for but bubblewrap could not be used: the server ran without one' });
  else if (g.launch.kind !== 'not-launched') notes.push({ kind: 'sandbox', bad: false, text: 'sandbox: none' });
  if (g.run.sideBySide) notes.push({ kind: 'side-by-side', bad: false, text: phraseSideBySide(g.run.sideBySide) });

  if (g.timedOut) notes.push({ kind: 'timeout', bad: true, text: 'timed out: the submission hit its wall-time limit and was stopped' });
  if (g.run.stopped) {
    notes.push({ kind: 'stopped', bad: true, text: `the run stopped after ${g.run.stopped.afterCheck} (${blockWhy(g.run.stopped.cause)}); the checks after it were not run` });
  }
  if (g.run.unreachable && g.launch.kind !== 'exited-before-listening' && g.launch.kind !== 'never-listened') {
    notes.push({ kind: 'unreachable', bad: true, text: `cannot reach ${formatEndpoint(g.run.target)} (${phraseUnreachable(g.run.unreachable)})` });
  }
  return notes;
}

/** The families of a grade in SPEC order (unknown ones last, in their given order). */
export function orderedFamilies(families: readonly FamilyScore[]): FamilyScore[] {
  const rank = (f: Family): number => {
    const i = FAMILY_ORDER.indexOf(f);
    return i === -1 ? FAMILY_ORDER.length : i;
  };
  return families.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f.family) - rank(b.f.family) || a.i - b.i).map((x) => x.f);
}

/** The score table's cells: a header, one row per family, and a total row (`points / max` and percent). */
export function scoreRows(g: GradeResult): string[][] {
  const rows: string[][] = [['family', 'passed', 'points', '%']];
  let passed = 0;
  let total = 0;
  for (const f of orderedFamilies(g.families)) {
    passed += f.passed;
    total += f.total;
    rows.push([f.family, `${f.passed} / ${f.total}`, `${formatPoints(f.points)} / ${formatPoints(f.max)}`, formatPercent(f.points, f.max)]);
  }
  // A weighted score is out of 100 (its own table, areaRows): this total is the points themselves.
  const points = g.run.weights ? g.families.reduce((n, f) => n + f.points, 0) : g.score.points;
  const max = g.run.weights ? g.families.reduce((n, f) => n + f.max, 0) : g.score.max;
  rows.push(['total', `${passed} / ${total}`, `${formatPoints(points)} / ${formatPoints(max)}`, formatPercent(points, max)]);
  return rows;
}

/**
 * The sub-scores of a profile that sets weights: each area's points, its weight, and what it adds to the
 * score out of 100; the last row is the score. Null when the profile sets no weights.
 */
export function areaRows(g: GradeResult): string[][] | null {
  if (!g.run.weights) return null;
  const rows: string[][] = [['area', 'weight', 'points', 'of 100']];
  for (const a of areaScores(g.run)) rows.push([a.area, formatPoints(a.weight), `${formatPoints(a.points)} / ${formatPoints(a.max)}`, `${formatPoints(a.share)} / ${formatPoints(a.shareMax)}`]);
  rows.push(['score', '', '', `${formatPoints(g.score.points)} / ${formatPoints(g.score.max)}`]);
  return rows;
}

/** Submission names in a stable, human order: `s2` before `s10`, case-insensitive, then by code point. */
export function compareSubmissions(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The failure that matters most (see consequence.ts: what took the server down first), else the grader's `topFailure`. */
export function topFailureOf(g: GradeResult): string | undefined {
  return byConsequence(g.run.checks.filter((c) => c.verdict === 'fail'), serverDownAfter(g.run, g.deaths))[0]?.id ?? g.topFailure;
}

/** A class run cut short by a signal: `graded` of `of` submissions were graded. */
export interface PartialClass {
  graded: number;
  of: number;
}

/** The sentence that marks a class's outputs partial. */
export function partialSentence(p: PartialClass): string {
  return `partial: interrupted after ${p.graded} of ${p.of} submissions were graded; the others are not in this report`;
}

/** What a grade was judged by: `profile any, seed 20261121` (with `, strict` under --strict). */
export function judgedByLine(g: Pick<GradeResult, 'run'>): string {
  const b = g.run.baselineAnswer;
  return `profile ${g.run.profile}, seed ${g.run.seed}${g.run.strict ? ', strict' : ''}${b ? `; ${phraseBaselineAnswer(b)}` : ''}`;
}

/** The distinct judgedByLine of a class (one when every submission was graded the same way). */
export function classJudgedBy(rows: readonly GradeResult[]): string[] {
  return [...new Set(rows.map(judgedByLine))];
}

/** The class table's cells: a header and one row per submission, sorted by submission name. */
export function classRows(rows: readonly GradeResult[]): string[][] {
  const out: string[][] = [['student', 'score', '%', 'restarts', 'status', 'top failure']];
  for (const g of [...rows].sort((a, b) => compareSubmissions(a.submission, b.submission))) {
    out.push([
      g.submission,
      `${formatPoints(g.score.points)} / ${formatPoints(g.score.max)}`,
      formatPercent(g.score.points, g.score.max),
      String(g.restarts),
      gradeStatus(g),
      topFailureOf(g) ?? '—',
    ]);
  }
  return out;
}
