import type { BlockCause, ResultCause } from '../runner/causes.js';
import { blockWhy, phraseUnreachable, reasonOf, phraseBaselineAnswer, phraseSideBySide } from './causes.js';
import type { Family, Impact, Level, SentRequest, Source, Verdict } from '../checks/types.js';
import { countVerdicts, type CheckResult, type RunResult, type SideBySide } from '../runner/types.js';
import type { FamilyScore, GradeResult, LaunchOutcome, ServerDeath } from '../runner/grade-types.js';
import { showBytes } from '../wire/bytes.js';
import { formatEndpoint } from './format.js';
import { replayFor, rerunCommand } from './replay.js';
import { gradeReplay, gradeRerun, ranOnGradersPort, regradeCommand } from './own-server.js';
import { scoreRun } from '../runner/score.js';
import { dependantsOf } from '../runner/root-causes.js';

/** Requests up to this many bytes are given whole (text and base64); longer ones abridged, exact in the corpus. */
export const JSON_REQUEST_CAP = 1024;
/** Requests up to this many bytes also carry their bytes as base64. */
export const JSON_BASE64_CAP = 256;
/** How much of an abridged request's text is shown. */
const ABRIDGED_TEXT_BYTES = 512;

/** A request's bytes, both readable and exact (abridged when over JSON_REQUEST_CAP bytes). */
export interface JsonRequest {
  /**
   * The bytes as text, CR/LF/TAB/backslash and non-printable bytes escaped (`\r\n`, `\x00`); for an
   * abridged request the first 512 bytes and `… (N more bytes)`.
   */
  text: string;
  /** The exact bytes, for requests up to JSON_BASE64_CAP bytes (`text` is exact too, with escapes). */
  base64?: string;
  /** How many bytes the request has. */
  length: number;
  /** Present (true) when the request is over JSON_REQUEST_CAP bytes and only its start is shown. */
  abridged?: true;
  /** Offsets where the bytes were cut into separate writes (empty: sent whole; left out when empty in a compact report). */
  splits: number[];
  /** `pausesMs[i]`: the pause before piece i+1. */
  pausesMs: number[];
}

export interface JsonFailure {
  reason: string;
  /** Every acceptable outcome; left out of a warning in a compact report (its `reason` says what was expected). */
  expected?: string[];
  actual: string;
  /**
   * The request that shows it (for a sequence, the last one); null when the check sent none (an error).
   * `request`, `replay` and `corpusFile` are left out of a warning in a compact report (grade's): its
   * `rerun` sends the request again.
   */
  request?: JsonRequest | null;
  /** Earlier requests of a sequence, in order; present only for sequences. */
  setup?: JsonRequest[];
  /**
   * A shell command that sends the same bytes: `printf | nc` (one line per request of a sequence) when they
   * are short, else `wiregrade replay ENTRY --target …`; null without a request, or when the bytes are
   * long and in no corpus entry (then `rerun` sends them again).
   */
  replay?: string | null;
  /** The regression-corpus entry this failure was saved to; null until the corpus exists. */
  corpusFile?: string | null;
  /**
   * The wiregrade command that runs the check again (for a property: the exact failing case). A compact
   * report (grade's) gives it for properties only, and once for all the others at the top (`rerun`).
   */
  rerun?: string;
  /** For a property: fast-check's seed and counterexample path, and how often it shrank. */
  property?: { seed: number; path: string; shrinks: number };
}

/**
 * One check. In a compact report (grade's) a passed check is `{ id, verdict, durationMs }` only (its
 * family, level and requirement are in `wiregrade list --json`), and a warning has no `requirement`.
 */
export interface JsonCheck {
  id: string;
  family?: Family;
  level?: Level;
  verdict: Verdict;
  runs?: number;
  failures?: number;
  /** How long the check took, its confirmation and any re-run included (milliseconds). */
  durationMs: number;
  requirement?: string;
  /**
   * The RFC section and sentence, or the profile rule, the verdict is judged by. In a compact report the
   * sentence (`quote`) is left out when the requirement already quotes it word for word.
   */
  source?: Source | { rfc: string };
  /** A failure's impact beyond the broken sentence, as its check declares it (`security`, `denial-of-service`, `desync`). */
  impact?: Impact;
  /** What the runner added (a death after this check's request, a block, a root cause), as data … */
  cause?: ResultCause;
  /** … and in words. */
  reason?: string;
  /** This failure follows from that check's (and is not deducted again): see src/runner/root-causes.ts. */
  rootCause?: { check: string; finding: string };
  /** On a root cause: the failures that follow from it. */
  dependants?: string[];
  /** Present for `fail`, `warn` and `error` verdicts. */
  firstFailure?: JsonFailure;
}

export type JsonSummary = { total: number } & Record<Verdict, number>;

/**
 * Checks that did not run, grouped by what kept them from running (one group per verdict, typed cause
 * and sentence): a class's reports list a never-started submission's 300 blocked checks as ids, not as
 * 300 copies of the same sentence.
 */
export interface JsonNotRun {
  verdict: 'blocked' | 'skip';
  /** What blocked them, as data (absent when a check's own setup step blocked it, or for a skip). */
  cause?: ResultCause;
  /** The same, in words: why they were blocked, or why the profile skips them. */
  reason: string;
  /** Their ids, in the run's order. */
  checks: string[];
}

export interface JsonReportOptions {
  /**
   * Sized for a class (grade's reports): blocked and skipped checks as `notRun` groups instead of one
   * entry each in `checks` (which then holds the checks that ran: pass, fail, warn, error); a passed
   * check without its requirement (`wiregrade list --json` has every one); a request's bytes as exact
   * `text` only (no `base64` copy).
   */
  compact?: boolean;
  /** How failures' replay and rerun commands are made (default: replayFor and rerunCommand, at the run's target). */
  commands?: { replay: (c: CheckResult) => string | null; rerun: (c: CheckResult) => string };
}

export interface JsonReport {
  /** `host:port` (`[::1]:8080` for IPv6). */
  target: string;
  profile: string;
  seed: number;
  durationMs: number;
  score: { points: number; max: number };
  summary: JsonSummary;
  checks: JsonCheck[];
  /** With `groupNotRun` (grade): the blocked and skipped checks, grouped by cause. */
  notRun?: JsonNotRun[];
  /** Under `any`: the known path's own answer, by which "served" was judged, and the sentence saying so. */
  baselineAnswer?: { method: string; target: string; status: number; reason: string };
  /** Present only when no connection could be made before anything was sent (then `checks` is empty). */
  unreachable?: { kind: string; message: string; reason: string };
  /** Present only when the server went away and the run stopped sending: the cause as data, and in words. */
  stopped?: { afterCheck: string; cause: BlockCause; reason: string };
  /** Grading: whether the checks ran side by side or one at a time, as data and in words. */
  sideBySide?: SideBySide & { reason: string };
  /** The regression corpus: entries replayed first (FIXED / FAILED / ERROR), unreadable files, entries added. */
  corpus?: {
    dir: string;
    replayed: Array<{ file: string; check: string; verdict: string; reason: string; durationMs: number; cause?: ResultCause }>;
    problems: Array<{ file: string; problem: string }>;
    added: string[];
  };
}

/** The verdicts whose details a report shows (the server did something wrong, or the suite could not judge). */
export function hasFailureDetails(v: Verdict): boolean {
  return v === 'fail' || v === 'warn' || v === 'error';
}

export function jsonRequest(sent: SentRequest): JsonRequest {
  const b = sent.plan.bytes;
  const cuts = { splits: [...(sent.plan.splits ?? [])], pausesMs: [...(sent.plan.pausesMs ?? [])] };
  if (b.length > JSON_REQUEST_CAP) return { text: showBytes(b, ABRIDGED_TEXT_BYTES), length: b.length, abridged: true, ...cuts };
  // `text` is exact too (every byte that is not printable is escaped); base64 is added for short requests only.
  if (b.length > JSON_BASE64_CAP) return { text: showBytes(b, b.length), length: b.length, ...cuts };
  return { text: showBytes(b, b.length), base64: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'), length: b.length, ...cuts };
}

/** The run's score (the rule is in src/runner/score.ts, shared with grading). */
export function score(result: RunResult): { points: number; max: number } {
  return scoreRun(result);
}

function jsonCheck(result: RunResult, c: CheckResult, opts: JsonReportOptions = {}): JsonCheck {
  const compact = opts.compact === true;
  // Compact (grade's, sized for a class): a pass is its id and time; a warning its words without the bytes.
  if (compact && c.verdict === 'pass') return { id: c.id, verdict: c.verdict, durationMs: c.durationMs };
  const out: JsonCheck = {
    id: c.id,
    family: c.family,
    level: c.level,
    verdict: c.verdict,
    runs: c.runs,
    failures: c.failures,
    durationMs: c.durationMs,
  };
  if (!(compact && c.verdict === 'warn')) out.requirement = c.requirement;
  const toRequest = (r: SentRequest): JsonRequest => {
    const j = jsonRequest(r);
    if (compact) {
      delete j.base64;
      if (j.splits.length === 0) delete (j as Partial<JsonRequest>).splits;
      if (j.pausesMs.length === 0) delete (j as Partial<JsonRequest>).pausesMs;
    }
    return j;
  };
  // The sentence a failure rests on (every check's is in `wiregrade list --json`).
  // What a failure costs beyond the sentence (security, denial-of-service, desync), as its check declares.
  if (c.impact && c.verdict === 'fail') out.impact = c.impact;
  if (c.source && (c.verdict === 'fail' || c.verdict === 'error')) {
    out.source = compact && 'quote' in c.source && c.requirement.includes(c.source.quote) ? { rfc: c.source.rfc } : c.source;
  }
  if (c.cause) {
    out.cause = c.cause;
    out.reason = reasonOf(c);
  }
  if (c.rootCause && c.because) out.rootCause = { check: c.rootCause, finding: c.because.finding };
  const deps = c.verdict === 'fail' ? dependantsOf(result.checks, c.id) : [];
  if (deps.length) out.dependants = deps.map((d) => d.id);
  if (!hasFailureDetails(c.verdict)) return out;
  const words = { reason: reasonOf(c), expected: [...c.expected], actual: c.actual };
  if (compact && c.verdict === 'warn') {
    out.firstFailure = { reason: words.reason, actual: words.actual };
    return out;
  }
  const replay = opts.commands ? opts.commands.replay(c) : replayFor(result, c);
  const f: JsonFailure = {
    ...words,
    request: c.request ? toRequest(c.request) : null,
    ...(c.setup?.length ? { setup: c.setup.map(toRequest) } : {}),
    // Compact: a `printf | nc` replay is only the request's text again; a corpus replay is kept.
    ...(compact && replay !== null && !replay.startsWith('wiregrade replay ') ? {} : { replay }),
    corpusFile: c.corpusFile ?? null,
  };
  if (!compact || c.property) f.rerun = opts.commands ? opts.commands.rerun(c) : rerunCommand(result, c);
  if (c.property) f.property = { ...c.property };
  out.firstFailure = f;
  return out;
}

function isNotRun(c: CheckResult): c is CheckResult & { verdict: 'blocked' | 'skip' } {
  return c.verdict === 'blocked' || c.verdict === 'skip';
}

/** The blocked and skipped checks, one group per verdict, cause and sentence, in order of first appearance. */
export function notRunGroups(checks: readonly CheckResult[]): JsonNotRun[] {
  const groups = new Map<string, JsonNotRun>();
  for (const c of checks) {
    if (!isNotRun(c)) continue;
    const reason = reasonOf(c);
    const key = JSON.stringify([c.verdict, c.cause ?? null, reason]);
    const g = groups.get(key);
    if (g) g.checks.push(c.id);
    else groups.set(key, { verdict: c.verdict, ...(c.cause ? { cause: c.cause } : {}), reason, checks: [c.id] });
  }
  return [...groups.values()];
}

/** The JSON report of SPEC.md ("Interfaces"), plus summary counts. A plain object, ready for JSON.stringify. */
export function toJsonReport(result: RunResult, opts: JsonReportOptions = {}): JsonReport {
  const counts = countVerdicts(result.checks);
  const compact = opts.compact === true;
  const ran = compact ? result.checks.filter((c) => !isNotRun(c)) : result.checks;
  const report: JsonReport = {
    target: formatEndpoint(result.target),
    profile: result.profile,
    seed: result.seed,
    durationMs: result.durationMs,
    score: score(result),
    summary: { total: result.checks.length, ...counts },
    checks: ran.map((c) => jsonCheck(result, c, opts)),
  };
  if (compact) report.notRun = notRunGroups(result.checks);
  if (result.baselineAnswer) report.baselineAnswer = { ...result.baselineAnswer, reason: phraseBaselineAnswer(result.baselineAnswer) };
  if (result.unreachable) report.unreachable = { ...result.unreachable, reason: phraseUnreachable(result.unreachable) };
  if (result.stopped) report.stopped = { ...result.stopped, reason: blockWhy(result.stopped.cause) };
  if (result.sideBySide) report.sideBySide = { ...result.sideBySide, reason: phraseSideBySide(result.sideBySide) };
  if (result.corpus) {
    report.corpus = {
      dir: result.corpus.dir,
      replayed: result.corpus.replayed.map((r) => ({ ...r, reason: reasonOf(r) })),
      problems: result.corpus.problems.map((x) => ({ ...x })),
      added: [...result.corpus.added],
    };
  }
  return report;
}

/** `grade --json`: the run's report (blocked and skipped checks grouped), with the grading facts beside it. */
export interface JsonGrade extends JsonReport {
  submission: string;
  command: string;
  launch: LaunchOutcome;
  restarts: number;
  deaths: ServerDeath[];
  sandbox: GradeResult['sandbox'];
  timedOut: boolean;
  families: FamilyScore[];
  /**
   * The command that runs a check again against a server (`--checks ID`: put a check's id for ID; with
   * `--target 127.0.0.1:PORT` when wiregrade started the server, to fill in): every failure but a
   * property's (which has its own, with its seed and path) is rerun so.
   */
  rerun: string;
  /**
   * When wiregrade started the server (on a port of its own, stopped since): the command that grades
   * one check of one's own submission, wiregrade starting the server (`--checks ID`: put a check's id for
   * ID). The failures' `replay` and `rerun` then say `127.0.0.1 PORT` / `--target 127.0.0.1:PORT`, to fill in.
   */
  regrade?: string;
  /** Present (true) when the class run was interrupted: this grade is finished, others were not graded. */
  partial?: true;
}

export function toGradeJson(g: GradeResult, opts: { partial?: boolean } = {}): JsonGrade {
  return {
    ...toJsonReport(g.run, { compact: true, commands: { replay: (c) => gradeReplay(g, c), rerun: (c) => gradeRerun(g, c) } }),
    score: g.score,
    submission: g.submission,
    command: g.command,
    launch: g.launch,
    restarts: g.restarts,
    deaths: g.deaths,
    sandbox: g.sandbox,
    timedOut: g.timedOut,
    families: g.families,
    rerun: gradeRerun(g, { id: 'ID' }),
    ...(ranOnGradersPort(g) ? { regrade: regradeCommand(g, 'ID') } : {}),
    ...(opts.partial ? { partial: true as const } : {}),
  };
}

/**
 * JSON with two-space indentation, except that an object or array whose one-line form is at most 400
 * characters stays on one line (a passed check, a warning, a request, a group's ids are one line each when
 * short enough; an array of ids of any length is one line too): a report people can read, and a few KB
 * for 300 ids, not 20.
 */
export function prettyJson(value: unknown): string {
  const inlined: string[] = [];
  // Such a value becomes a placeholder string (control characters no report text is made of), then is put back.
  const text = JSON.stringify(value, (_k, v: unknown) => (oneLine(v) ? `\u0000\u0001wg${inlined.push(JSON.stringify(v)) - 1}\u0001` : v), 2);
  return text.replace(/"\\u0000\\u0001wg(\d+)\\u0001"/g, (_m, i: string) => inlined[Number(i)]!) + '\n';
}

const ONE_LINE_MAX = 400;

function oneLine(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' || (typeof x === 'string' && x.length <= 120))) return true;
  return Object.keys(v).length > 0 && JSON.stringify(v).length <= ONE_LINE_MAX;
}

/** The report as text: two-space indentation and a final newline. */
export function renderJson(result: RunResult): string {
  return JSON.stringify(toJsonReport(result), null, 2) + '\n';
}
