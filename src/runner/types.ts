import type { Check, CheckRun, Verdict } from '../checks/types.js';
import type { CorpusProblem } from '../corpus/store.js';
import type { Endpoint } from '../wire/types.js';
import type { Area } from '../model/profile.js';
import type { BlockCause, ResultCause, Unreachable } from './causes.js';

/** The words Schemathesis users know: the failure is gone, is still there, or could not be checked. */
export type ReplayVerdict = 'FIXED' | 'FAILED' | 'ERROR';

export interface ReplayResult {
  file: string;
  check: string;
  verdict: ReplayVerdict;
  reason: string;
  durationMs: number;
  /** What the runner added: the server died after this entry, or the entry was not replayed (blocked). */
  cause?: ResultCause;
  /** Nothing accepted a connection for this entry. */
  refused?: boolean;
}

/** What a result keeps of its check's declaration: who it is, and what it asks, under the run's profile. */
export type CheckMeta = Pick<Check, 'id' | 'family' | 'level' | 'requirement' | 'cite' | 'source' | 'impact'>;

/** What a result keeps of the check's own run (see CheckRun): its words, its requests, its root finding. */
export type RunRecord = Pick<CheckRun, 'reason' | 'expected' | 'actual'> &
  Partial<Pick<CheckRun, 'request' | 'setup' | 'expectation' | 'byteReplay' | 'because' | 'learned' | 'exchanges'>>;

/**
 * One check's result: its declaration's metadata and its run's record (both by reference to their
 * types, not re-declared), and what the runner adds: the verdict under the profile's level, its cause,
 * how many cases, the weight, and for properties and the corpus, how to replay it.
 */
export interface CheckResult extends CheckMeta, RunRecord {
  verdict: Verdict;
  /**
   * What the runner added to the check's own verdict (a death after its request, a block, a root cause),
   * as data: the reporters phrase it. `reason` stays the check's own words (empty when it did not run).
   */
  cause?: ResultCause;
  /** How many cases the check ran (1 for a deterministic check). */
  runs: number;
  failures: number;
  durationMs: number;
  /** What the check is worth when it counts (the profile's points; default 1). */
  weight?: number;
  /**
   * Set by the runner when `because` names a check that failed in the same run: this failure follows
   * from that one, is listed under it, and is not deducted again (src/runner/root-causes.ts).
   */
  rootCause?: string;
  /** For property-based checks: how to replay the failing case exactly. */
  /**
   * `shrinkStoppedAtMs`: the shrink stopped at its budget of time spent waiting on deadlines (run-properties.ts
   * shrinkBudgetMs), at the counterexample it had reached; `shrinkBudgetOf: 'run'` when that budget was what
   * was left of the whole run's (RUN_SHRINK_BUDGETS), smaller than the property's own.
   */
  property?: { seed: number; path: string; shrinks: number; replayPath?: string; shrinkStoppedAtMs?: number; shrinkBudgetOf?: 'run' };
  /** The regression-corpus entry this failure was saved to (or already had). */
  corpusFile?: string;
}

export interface RunResult {
  target: Endpoint;
  profile: string;
  seed: number;
  strict: boolean;
  startedAt: string;
  durationMs: number;
  /** The profile's sub-score weights, when it sets them: the score is then out of 100 (score.ts). */
  weights?: Readonly<Partial<Record<Area, number>>>;
  /** No TCP connection could be made before anything was sent. */
  unreachable?: Unreachable;
  /**
   * The baseline's answer, when the profile learns it (`any`) and the server answered something other
   * than the profile's default: "served" was judged as that status (see learnedProfile).
   */
  baselineAnswer?: { method: string; target: string; status: number };
  /** Set when the server went away and the run stopped sending anything more. */
  stopped?: { afterCheck: string; cause: BlockCause };
  /** Whether checks ran side by side (grading a server that serves two clients at once; see side-by-side.ts). */
  sideBySide?: SideBySide;
  checks: CheckResult[];
  /** The regression corpus: what was replayed before anything new, and what this run added. */
  corpus?: CorpusSummary;
  /** How the run was asked for (set by the CLI), so a report's rerun and replay commands say the same. */
  invocation?: Invocation;
}

/** The command-line flags of a run that change what a check does or how it is judged, as given. */
export interface Invocation {
  /** `--profile` as given: a built-in name or the profile file's path. */
  profile: string;
  /** `--path` (with the `any` profile). */
  path?: string;
  /** `--timeout-ms`, when it is not the default. */
  timeoutMs?: number;
  /** `--oracle HOST:PORT` / `--oracle-cmd CMD`. */
  oracle?: string;
  oracleCmd?: string;
  /** `fuzz --cmd CMD` (as given, `{port}` included), its `--cwd` when given, and `--port N` when given. */
  cmd?: string;
  cwd?: string;
  port?: number;
}

export interface CorpusSummary {
  dir: string;
  replayed: ReplayResult[];
  /** Entries that could not be read: skipped, each with one sentence. */
  problems: CorpusProblem[];
  /** Entries of other profiles or unselected checks, not replayed. */
  notSelected: number;
  /** Files of entries this run added. */
  added: string[];
}

export type RunEvent =
  | { type: 'start'; total: number }
  | { type: 'check-start'; id: string; index: number }
  | { type: 'check-end'; result: CheckResult; index: number }
  | { type: 'server-down'; afterCheck: string; restarted: boolean }
  /** A property is about to judge its `cases`-th case (of `runs`; more while it shrinks a failure). */
  | { type: 'property-progress'; id: string; cases: number; runs: number; elapsedMs: number };

export function countVerdicts(checks: readonly CheckResult[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { pass: 0, fail: 0, warn: 0, blocked: 0, skip: 0, error: 0 };
  for (const r of checks) c[r.verdict]++;
  return c;
}

/** What a run did side by side, for the report (it says what it assumed). */
export type SideBySide =
  /** `ran` checks in `batches` batches; `fellBack`: the batch after which it went back to one at a time. */
  | { mode: 'side-by-side'; width: number; ran: number; batches: number; fellBack?: { after: string; why: 'exited' | 'hung' | 'refused' | 'error' | 'revived' } }
  /**
   * Against a server the runner does not own: `ran` checks in `batches` batches, each acting on the server
   * one at a time, their requests waiting for answers side by side, up to `peak` at once (parked.ts);
   * `fellBack`: after which check the server did not answer while they waited, and it went back to one at a time.
   */
  | { mode: 'waits-side-by-side'; ran: number; batches: number; peak: number; fellBack?: { after: string; why: 'hung' } }
  /** Against a server the runner does not own, the check that shows it serves a second client while one waits did not run, or did not pass. */
  | { mode: 'serial'; why: 'not-shown'; check: string; verdict?: string }
  /** The server did not answer a client while one other stalled, or while three did: every check ran one at a time. */
  | { mode: 'serial'; why: 'one-client-at-a-time' }
  /** `--serial` asked for one at a time. */
  | { mode: 'serial'; why: 'asked' }
  /** Before any two checks could run side by side, the server exited after serving a client, or the baseline failed. */
  | { mode: 'serial'; why: 'exits-after-serving' | 'baseline-failed' };
