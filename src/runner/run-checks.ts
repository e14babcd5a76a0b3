import { citeOf, type Canary, type Check, type CheckRun, type Verdict } from '../checks/types.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { statusOf } from '../checks/verify.js';
import type { Endpoint } from '../wire/types.js';
import type { Profile } from '../model/profile.js';
import { applies, learnedProfile, pointsFor, skipReason } from '../model/profile-policy.js';
import type { CheckResult, RunEvent, RunResult } from './types.js';
import type { Unreachable } from './causes.js';
import { explainDeaths, followRulesOf, linkRootCauses } from './root-causes.js';
import { levelled, notRun, unitEnv, unitMeta } from './plan.js';
import { runUnit } from './unit-loop.js';
import { makeContext, type Revival } from './context.js';
import { applyAfter, chargeExitsAfterServing } from './charges.js';
import { Scheduler, type ServerControl } from './scheduler.js';

export interface RunOptions {
  target: Endpoint;
  checks: readonly Check[];
  profile: Profile;
  /** Per-exchange deadline. */
  timeoutMs: number;
  seed: number;
  strict?: boolean;
  onEvent?: (e: RunEvent) => void;
  /** What the runner may know of, and do to, the server process (grading owns it; fuzz does not). */
  control?: ServerControl;
  /** Stops the run between checks (a wall-time limit, a signal): its reason is a BlockCause. */
  signal?: AbortSignal;
  /** The oracle for differential checks (`--oracle`). */
  oracle?: Endpoint;
  /** A tag that keeps this run's record names apart from earlier runs' against the same server. */
  runTag?: string;
  /** The session's scheduler, when the checks are part of a larger run (corpus, properties). */
  scheduler?: Scheduler;
  /** The security canary around the server's folder (grading only). */
  canary?: Canary;
}

/** The result of a check, holding its metadata and its run (the verdict after levels). */
function toResult(check: Check, profile: Profile, run: CheckRun, verdict: Verdict, durationMs: number): CheckResult {
  const r: CheckResult = {
    ...unitMeta(check, profile),
    verdict,
    runs: 1,
    failures: verdict === 'fail' ? 1 : 0,
    durationMs,
    reason: run.reason,
    expected: run.expected,
    actual: run.actual,
  };
  if (run.request) r.request = run.request;
  if (run.setup) r.setup = run.setup;
  if (run.expectation) r.expectation = run.expectation;
  if (run.byteReplay === false) r.byteReplay = false;
  if (run.because) r.because = run.because;
  if (run.learned) r.learned = run.learned;
  if (run.breaks && run.verdict === 'fail') {
    // The failure breaks another sentence than the check's own: the result says which, at its level.
    r.level = run.breaks.level;
    r.source = run.breaks.source;
    const cite = citeOf(run.breaks.source);
    if (cite) r.cite = cite;
  }
  if (verdict === 'fail' || verdict === 'warn' || verdict === 'error') r.exchanges = run.exchanges;
  return r;
}

/** One run of a check, or the error it threw (an error of ours: the run is not watched). */
type CheckAttempt = { run: CheckRun; revived: boolean; error?: undefined } | { error: string };

/**
 * Runs one check through the unit loop (unit-loop.ts: the gate, a deadline verdict confirmed with the
 * longer deadline, the watch, a death confirmed by running it again), then makes its result: the level
 * under the profile, a failure not judged when its requests met a server started again in between, and
 * what the watch found.
 */
async function runCheckUnit(check: Check, opts: RunOptions, s: Scheduler, tag: string, memos: Map<string, Promise<unknown>>, strict: boolean): Promise<CheckResult> {
  const c0 = performance.now();
  // Whether the server was started again during an attempt: its run or the run that confirms it.
  let revival: Revival = { revived: false };
  const end = await runUnit<CheckAttempt>(check, s, {
    run: async (attempt, timeoutMs, confirming, rerun) => {
      // What was gathered from a server that was gone (the wire samples) is gathered again.
      if (rerun === 'preceded' && !confirming) memos.clear();
      if (!confirming) revival = { revived: false };
      const ctxTag = confirming ? `${tag}c${attempt}` : attempt === 0 ? tag : `${tag}r${attempt}`;
      try {
        const run = await check.run(makeContext({ ...opts, timeoutMs }, check.id, ctxTag, confirming ? new Map() : memos, s, revival));
        return { run, revived: revival.revived };
      } catch (err) {
        return { error: `the check itself failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    verdict: (a) => (a.error !== undefined ? 'error' : a.run.verdict),
    exchanges: (a) => (a.error !== undefined ? [] : a.run.exchanges),
    settled: (a) => a.error !== undefined,
  }, { timeoutMs: opts.timeoutMs, watched: true, ...(opts.control ? { control: opts.control } : {}), onDown: (a) => opts.onEvent?.({ type: 'server-down', afterCheck: check.id, restarted: a.restarted }) });
  if ('blocked' in end) return notRun(check, opts.profile, 'blocked', '', end.blocked);
  const attempt = end.outcome;
  if (attempt.error !== undefined) return notRun(check, opts.profile, 'error', attempt.error);
  let res = toResult(check, opts.profile, attempt.run, levelled(check, opts.profile, attempt.run, strict), Math.round(performance.now() - c0));
  // Its requests met a server started again in between (it exits after each client): a pass stands,
  // but a failure may be only what the first process lost, so it is not judged.
  const exit = s.exitsAfterServing;
  if (attempt.revived && res.verdict === 'fail' && exit) res = { ...res, verdict: 'blocked', failures: 0, cause: { kind: 'blocked', by: { kind: 'left-after-serving', down: exit.down } } };
  return end.after ? applyAfter(res, end.after) : res;
}

/**
 * The profile the rest of a run judges by after the baseline `res` passed, and the answer it learned;
 * null when the profile fixes its statuses or the server answered the profile's default.
 */
export function learnBaseline(profile: Profile, res: Pick<CheckResult, 'learned'>): { profile: Profile; answer: NonNullable<RunResult['baselineAnswer']> } | null {
  const status = res.learned?.baselineStatus;
  if (status === undefined) return null;
  const learned = learnedProfile(profile, status);
  if (learned === profile) return null;
  return { profile: learned, answer: { method: profile.baseline.method, target: profile.baseline.target, status } };
}

/** Nothing listens: every exchange of the first check was refused before anything was sent. */
function unreachableFrom(res: CheckResult): Unreachable | null {
  const ex = res.exchanges ?? [];
  if (ex.length === 0 || !ex.every((e) => e.kind === 'refused')) return null;
  return { kind: ex[0]?.connectFailure ?? 'error', message: ex[0]?.message ?? '' };
}

/**
 * Runs the deterministic catalogue against one target, one check at a time (a single-threaded server
 * must not have one check's connection blamed on another), and returns the data. Never prints.
 */
export async function runChecks(opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const strict = opts.strict ?? false;
  const tag = opts.runTag ?? Date.now().toString(36).slice(-5);
  const s = opts.scheduler ?? new Scheduler({ target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, ...(opts.control ? { control: opts.control } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const result: RunResult = {
    target: opts.target,
    profile: opts.profile.name,
    seed: opts.seed,
    strict,
    ...(opts.profile.weights ? { weights: opts.profile.weights } : {}),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    checks: [],
  };
  // The baseline runs first; the rest keep their catalogue order.
  const ordered = [...opts.checks].sort((a, b) => Number(b.id === BASELINE_ID) - Number(a.id === BASELINE_ID));
  opts.onEvent?.({ type: 'start', total: ordered.length });
  const env = unitEnv(opts);
  const memos = new Map<string, Promise<unknown>>();

  for (let i = 0; i < ordered.length; i++) {
    const check = ordered[i]!;
    opts.onEvent?.({ type: 'check-start', id: check.id, index: i });
    let res: CheckResult;
    if (!applies(check, opts.profile, env)) {
      res = notRun(check, opts.profile, 'skip', skipReason(check, opts.profile, env));
    } else {
      res = await runCheckUnit(check, opts, s, tag, memos, strict);
      if (i === 0 && !opts.scheduler) {
        const u = unreachableFrom(res);
        if (u) {
          // Nothing listens: say so once, rather than failing every check. (No empty probe connection is
          // made before this: many student servers die on one.)
          result.unreachable = u;
          result.durationMs = Math.round(performance.now() - t0);
          return result;
        }
      }
      if (check.id === BASELINE_ID && res.verdict === 'fail') {
        s.baselineFailed = check.id;
        s.baselineUnanswered = !(res.exchanges ?? []).some((e) => statusOf(e) !== null);
      }
      if (check.id === BASELINE_ID && res.verdict !== 'fail') {
        // The rest of the run judges "served" as this server's own answer to the known path (`any`).
        const learned = learnBaseline(opts.profile, res);
        if (learned) {
          opts = { ...opts, profile: learned.profile };
          result.baselineAnswer = learned.answer;
        }
      }
    }
    const weight = pointsFor(opts.profile, check.id);
    if (weight !== 1) res.weight = weight;
    result.checks.push(res);
    opts.onEvent?.({ type: 'check-end', result: res, index: i });
  }
  if (!opts.scheduler) finish(result, s, opts.checks, opts.profile);
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

/**
 * Applies what only the end of a run knows: the root cause of a server that exits after serving, the
 * deaths a unit's declared rule explains, the rules of one bug, one deduction, and where the run stopped.
 */
export function finish(result: RunResult, s: Scheduler, units: ReadonlyArray<Pick<Check, 'id' | 'follows' | 'explainsDeaths'>>, profile: Profile): void {
  result.checks = linkRootCauses(explainDeaths(result.checks.map((c) => chargeExitsAfterServing(c, s)), units, profile), followRulesOf(units));
  if (s.stopped) result.stopped = s.stopped;
}

export { unreachableFrom };
