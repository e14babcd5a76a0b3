import fc from 'fast-check';
import type { PropertyDef } from '../checks/property.js';
import type { CheckContext, CheckRun } from '../checks/types.js';
import { levelledVerdict, levelUnder } from '../checks/level.js';
import type { Profile } from '../model/profile.js';
import { applies, pointsFor, skipReason } from '../model/profile-policy.js';
import type { Endpoint } from '../wire/types.js';
import { applyAfter } from './charges.js';
import { confirmationOptions, makeContext } from './context.js';
import { runUnit } from './unit-loop.js';
import { casesAhead, heldAt, type AheadEnv } from './property-cases.js';
import { notRun, unitEnv, unitMeta } from './plan.js';
import { Scheduler, type ServerControl } from './scheduler.js';
import type { CheckResult, RunEvent } from './types.js';

export interface PropertyRunOptions {
  target: Endpoint;
  profile: Profile;
  timeoutMs: number;
  seed: number;
  /** Cases per property. */
  runs: number;
  /** A time budget for all properties together (shared equally); none by default. */
  maxTimeMs?: number;
  /** Replays exactly one failing case: fast-check's counterexample path (needs the same seed). */
  casePath?: string;
  /** With `casePath`, for a model-based property: the command sequence's own replay path. */
  commandsPath?: string;
  /**
   * With `casePath`: judge that one case and no other (no shrink, no sibling of the path): a
   * confirmation of a property's failure replays the counterexample the first run reached, with the
   * longer deadline, rather than searching and shrinking again (confirmCounterexample).
   */
  caseOnly?: boolean;
  strict?: boolean;
  runTag?: string;
  onEvent?: (e: RunEvent) => void;
  /** Known-bad inputs to try first (from the regression corpus), by property id. */
  examples?: ReadonlyMap<string, unknown[]>;
  control?: ServerControl;
  signal?: AbortSignal;
  oracle?: Endpoint;
  /** The session's scheduler (gating, liveness, restarts); a fresh one when absent. */
  scheduler?: Scheduler;
  /** The shrink's budget of time waiting on deadlines (default shrinkBudgetMs(timeoutMs)). */
  shrinkBudgetMs?: number;
  /**
   * What is left of the run's budget for shrinks waiting on deadlines, shared by its properties
   * (runProperties: RUN_SHRINK_BUDGETS of them); a property's shrink stops at the smaller of the two, and
   * takes what it waited from it.
   */
  shrinkLeft?: { ms: number };
  /** A confirmation's run (its bodies read with the full idle end: ContextOptions.confirming). */
  confirming?: boolean;
  /**
   * How many cases of a property that declares `casesSideBySide` may run ahead at once (property-cases.ts):
   * the width the catalogue's checks ran side by side at, with a server we own; AHEAD_WIDTH_AT_TARGET
   * where the catalogue's waits overlapped at a server we do not. Absent: one at a time.
   */
  aheadWidth?: number;
}

export interface PropertyOutcome {
  result: CheckResult;
  /** Cases that held before the property stopped (the server answered them correctly). */
  held?: number;
  /** fast-check's own report of the failure (seed, path, counterexample), for the corpus. */
  failure?: { seed: number; path: string; replayPath?: string; counterexample: unknown; shrinks: number };
  /**
   * The failure was met by a shrink's candidate read with the provisional quiet window (before the class of
   * silences: ContextOptions.provisional): its confirmation decides its own verdict only, outside the class
   * (a window that cut a slow answer says nothing of the server's silences).
   */
  provisional?: true;
}

/**
 * The time a shrink may spend in cases that waited on a deadline (a case with an exchange that ran out
 * of time) before it stops with the counterexample it reached: SHRINK_BUDGET_FACTOR deadlines, at least
 * SHRINK_BUDGET_MIN_MS. A shrink against a fast server never meets it; one against a server that hangs
 * on its cases would otherwise pay a deadline per step, for minutes.
 */
export const SHRINK_BUDGET_FACTOR = 1;
export const SHRINK_BUDGET_MIN_MS = 2000;

export function shrinkBudgetMs(timeoutMs: number): number {
  return Math.max(SHRINK_BUDGET_MIN_MS, SHRINK_BUDGET_FACTOR * timeoutMs);
}

/**
 * The shrinks of a whole run (every property's, together) wait on deadlines for at most this many
 * properties' budgets: a server that hangs on every failing property's cases (the zoo's
 * recv-8-until-short: seven of them, each shrinking through silences for its whole budget) is not waited
 * on for each in full. The properties that fail first shrink as before; those after stop sooner, with the
 * counterexample they reached (a smaller case may exist: the report says so). A verdict never changes: a
 * shrink only makes a counterexample smaller.
 */
export const RUN_SHRINK_BUDGETS = 2;

/** Runs one property; returns data, never prints. */
export async function runProperty<T>(def: PropertyDef<T>, opts: PropertyRunOptions, timeLimitMs?: number): Promise<PropertyOutcome> {
  const t0 = performance.now();
  // A shrink's candidate is provisional: the counterexample the shrink ends with is judged again before
  // it counts (ContextOptions.provisional). So is every case of a property of the same case as a unit whose
  // silence stands (Scheduler.coveredBySameCase): its failure on a silence is taken as that unit's bug,
  // without a confirmation of its own (unit-loop.ts), and the quiet window is all it needs to be read with.
  const step = { shrinking: false };
  const covered = (): boolean => opts.scheduler?.coveredBySameCase(def) === true;
  const provisional = (): boolean => step.shrinking || covered();
  // The exchanges that ran out of time (a shrink's candidate that held after a silence spent its budget too).
  const silences = { n: 0 };
  const ctx: CheckContext = makeContext(
    { target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, provisional, silences, ...(opts.confirming ? confirmationOptions(def) : {}), ...(opts.oracle ? { oracle: opts.oracle } : {}), ...(opts.control ? { control: opts.control } : {}) },
    def.id,
    opts.runTag ?? Date.now().toString(36).slice(-5),
    new Map(),
    opts.scheduler,
  );
  const base = unitMeta(def, opts.profile);
  const env = unitEnv(opts);
  if (!applies(def, opts.profile, env)) {
    const reason = skipReason(def, opts.profile, env);
    return { result: { ...base, verdict: 'skip', runs: 0, failures: 0, durationMs: 0, reason, expected: [], actual: '' } };
  }
  // The cases that already held side by side (property-cases.ts): fast-check's run takes them as held.
  let heldAhead = (_value: T): boolean => false;
  // Whether a server we do not own was found gone or hung after the cases ahead (said in the verdict).
  let wentAway: 'refused' | 'hung' | undefined;
  // (a property whose case opens many connections runs fewer at once: PropertyDef.casesAtOnce)
  const aheadWidth = Math.min(opts.aheadWidth ?? 1, def.casesAtOnce ?? Infinity);
  if (aheadWidth > 1 && def.casesSideBySide === true && opts.scheduler && opts.casePath === undefined && opts.runs > 0) {
    const values = fc.sample(def.arbitrary(ctx), { seed: opts.seed, numRuns: opts.runs });
    const where = { s: opts.scheduler, target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs };
    const aheadEnv: AheadEnv = opts.control ? { ...where, first: def.id, control: opts.control } : where;
    const r = await casesAhead(def, ctx, values, aheadWidth, aheadEnv, timeLimitMs ? t0 + timeLimitMs : Infinity);
    heldAhead = heldAt(values, r.held);
    wentAway = r.wentAway;
  }
  const aheadNote = wentAway === undefined ? '' : `; before this, its cases ran ${aheadWidth} at a time and the server ${wentAway === 'refused' ? 'went away' : 'stopped answering'} after them (--serial runs them one at a time and names the case)`;
  let last: Omit<CheckRun, 'verdict'> | null = null;
  // Whether the last failure was read with the provisional window (PropertyOutcome.provisional): a
  // shrink's candidate gets one only where the run's exchanges get none (before the class of silences).
  let lastWindowed = false;
  const s = opts.scheduler;
  const readProvisionally = (): boolean => s !== undefined && s.silenceMs(opts.timeoutMs) === undefined && s.silenceMs(opts.timeoutMs, true) !== undefined;
  let down: Omit<CheckRun, 'verdict'> | null = null;
  let cases = 0;
  let held = 0;
  let heldSideBySide = 0;
  // The shrink's time in cases that waited on a deadline, and whether it stopped at its budget.
  const ownBudgetMs = opts.shrinkBudgetMs ?? shrinkBudgetMs(opts.timeoutMs);
  const budgetMs = Math.min(ownBudgetMs, opts.shrinkLeft?.ms ?? Infinity);
  let waitedMs = 0;
  let budgetSpent = false;
  const prop = fc.asyncProperty(def.arbitrary(ctx, opts.commandsPath ? { replayPath: opts.commandsPath } : {}), async (value) => {
    if (down) return true; // the server is gone: stop judging (and shrinking) against a dead socket
    if (opts.caseOnly && cases > 0) return true; // one case only: the rest is not judged
    const shrinking = last !== null;
    step.shrinking = shrinking;
    if (shrinking && waitedMs >= budgetMs) {
      // Out of budget: the rest of the shrink is not judged, and the counterexample stays the one reached.
      budgetSpent = true;
      return true;
    }
    cases++;
    opts.onEvent?.({ type: 'property-progress', id: def.id, cases, runs: opts.runs, elapsedMs: Math.round(performance.now() - t0) });
    if (!shrinking && heldAhead(value)) {
      held++;
      heldSideBySide++;
      return true;
    }
    const c0 = performance.now();
    const silentBefore = silences.n;
    const failure = await def.verify(ctx, value);
    // A candidate that waited on a deadline costs the budget whether it held or failed (a metamorphic case
    // whose two forms both meet the server's silence holds, and waits as long).
    if (shrinking && (silences.n > silentBefore || failure?.exchanges.some((e) => e.kind === 'timeout'))) waitedMs += performance.now() - c0;
    if (failure === null) {
      held++;
      return true;
    }
    if (failure.exchanges.length > 0 && failure.exchanges.every((e) => e.kind === 'refused')) {
      down = failure;
      return true;
    }
    last = failure;
    lastWindowed = (shrinking || covered()) && readProvisionally();
    return false;
  });
  const examples = (opts.examples?.get(def.id) ?? []).map((v) => [v as T] as [T]);
  const params: fc.Parameters<[T]> = { seed: opts.seed, numRuns: opts.runs, examples };
  if (opts.casePath) params.path = opts.casePath;
  if (opts.casePath && opts.caseOnly) params.endOnFailure = true;
  if (timeLimitMs) {
    // The time the cases ahead took counts in the property's share.
    params.interruptAfterTimeLimit = Math.max(1, Math.round(timeLimitMs - (performance.now() - t0)));
    params.markInterruptAsFailure = false;
  }
  const details = await fc.check(prop, params);
  if (opts.shrinkLeft) opts.shrinkLeft.ms = Math.max(0, opts.shrinkLeft.ms - waitedMs);
  const durationMs = Math.round(performance.now() - t0);
  const failedRun = details.failed && last !== null;
  if (!failedRun && down === null) {
    const verdict = details.failed ? 'error' : 'pass';
    const reason = details.failed ? `the property itself failed: ${String(details.errorInstance ?? 'unknown error')}` : `${cases} cases held${heldSideBySide > 0 ? ` (${heldSideBySide} of them run side by side)` : ''}`;
    return { result: { ...base, verdict, runs: cases, failures: 0, durationMs, reason, expected: [], actual: reason } };
  }
  if (!failedRun && down !== null) {
    // Judged no further against a refusing socket; the scheduler's watch says whether the server is gone.
    const d: Omit<CheckRun, 'verdict'> = down;
    return { held, result: { ...base, verdict: 'fail', runs: cases, failures: 1, durationMs, reason: `the server refused connections during this property (${d.reason})${aheadNote}`, expected: d.expected, actual: d.actual, exchanges: d.exchanges } };
  }
  const f: Omit<CheckRun, 'verdict'> = last!;
  const verdict = levelledVerdict(levelUnder(def, opts.profile), 'fail', opts.strict ?? false);
  const path = details.counterexamplePath ?? '';
  // A command sequence replays from its own path too, printed in its text form.
  const replayPath = def.commands ? /\/\*replayPath="([^"]*)"\*\//.exec(String(details.counterexample?.[0] ?? ''))?.[1] : undefined;
  const result: CheckResult = {
    ...base,
    verdict,
    runs: details.numRuns,
    failures: 1,
    durationMs,
    reason: f.reason + aheadNote,
    expected: f.expected,
    actual: f.actual,
    exchanges: f.exchanges,
    property: {
      seed: details.seed,
      path,
      shrinks: details.numShrinks,
      ...(replayPath ? { replayPath } : {}),
      ...(budgetSpent ? { shrinkStoppedAtMs: budgetMs, ...(budgetMs < ownBudgetMs ? { shrinkBudgetOf: 'run' as const } : {}) } : {}),
    },
  };
  if (f.request) result.request = f.request;
  if (f.setup) result.setup = f.setup;
  if (f.expectation) result.expectation = f.expectation;
  return {
    result,
    failure: { seed: details.seed, path, ...(replayPath ? { replayPath } : {}), counterexample: details.counterexample?.[0], shrinks: details.numShrinks },
    ...(lastWindowed ? { provisional: true as const } : {}),
  };
}

/**
 * The confirmation of a property's failure that rests on a deadline: the counterexample the run reached,
 * judged again alone with the longer deadline (its seed and path; `caseOnly`), not the whole search and
 * shrink again (with the 5 s deadline, a shrink's budget is 20 s). Failing again, the result is the
 * confirmation's (its exchanges, read with the longer deadline) with the run's counts (the case it was,
 * its shrinks). Holding, the cases after it were never judged: the whole property runs again with the
 * longer deadline, as every confirmation did before. A run that ended otherwise (no counterexample: a
 * refusal, a property given its own path) is confirmed by running the property again too.
 */
export async function confirmCounterexample<T>(def: PropertyDef<T>, opts: PropertyRunOptions, judged: PropertyOutcome, timeLimitMs?: number): Promise<PropertyOutcome> {
  const f = judged.failure;
  const prop = judged.result.property;
  if (!f || !prop || opts.casePath !== undefined) return runProperty(def, opts, timeLimitMs);
  const again = await runProperty(def, { ...opts, casePath: f.path, ...(f.replayPath !== undefined ? { commandsPath: f.replayPath } : {}), caseOnly: true }, timeLimitMs);
  // Held with the longer deadline: the cases after it were never judged; the whole property runs again.
  if (!again.failure || !again.result.property) return runProperty(def, opts, timeLimitMs);
  return {
    ...again,
    result: { ...again.result, runs: judged.result.runs, property: { ...prop, seed: again.result.property.seed } },
    failure: { ...again.failure, shrinks: f.shrinks },
  };
}

/** Runs every property in turn, sharing the time budget, each under the scheduler (gating and liveness). */
export async function runProperties(defs: readonly PropertyDef<any>[], opts: PropertyRunOptions): Promise<PropertyOutcome[]> {
  const out: PropertyOutcome[] = [];
  const started = performance.now();
  const s = opts.scheduler ?? new Scheduler({ target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, ...(opts.control ? { control: opts.control } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  // The run's budget for shrinks waiting on deadlines (RUN_SHRINK_BUDGETS), shared by every property and attempt.
  const o: PropertyRunOptions = { ...opts, scheduler: s, shrinkLeft: opts.shrinkLeft ?? { ms: RUN_SHRINK_BUDGETS * (opts.shrinkBudgetMs ?? shrinkBudgetMs(opts.timeoutMs)) } };
  const { aheadWidth: _ahead, ...serialOpts } = o;
  const env = unitEnv(opts);
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i]!;
    opts.onEvent?.({ type: 'check-start', id: def.id, index: i });
    let outcome: PropertyOutcome;
    const left = opts.maxTimeMs === undefined ? undefined : Math.max(1, (opts.maxTimeMs - (performance.now() - started)) / (defs.length - i));
    if (!applies(def, opts.profile, env)) {
      outcome = { result: notRun(def, opts.profile, 'skip', skipReason(def, opts.profile, env)) };
    } else {
      // The same loop as a check's: the gate, a confirmation of a deadline verdict (the same cases with a
      // longer deadline), the watch, and a death confirmed by running the property again on the
      // restarted server (the same seed: the same cases).
      // The last run that was not a confirmation: a confirmation replays its counterexample.
      let judged: PropertyOutcome | undefined;
      const end = await runUnit(def, s, {
        // Only a first run has cases run ahead: a confirmation or a rerun after a death runs them one at a time.
        run: async (attempt, timeoutMs, confirming) => {
          const runOpts: PropertyRunOptions = { ...(attempt === 0 && !confirming ? o : serialOpts), timeoutMs, ...(confirming ? { confirming } : {}), ...(attempt > 0 ? { runTag: `${o.runTag ?? 'p'}r${attempt}` } : {}) };
          if (confirming && judged) return confirmCounterexample(def, runOpts, judged, left);
          const out = await runProperty(def, runOpts, left);
          judged = out;
          return out;
        },
        verdict: (r) => r.result.verdict,
        exchanges: (r) => r.result.exchanges ?? [],
        answeredBefore: (r) => (r.held ?? 0) > 0,
        outsideClass: (r) => r.provisional === true,
      }, { timeoutMs: opts.timeoutMs, watched: true, ...(opts.control ? { control: opts.control } : {}), onDown: (a) => opts.onEvent?.({ type: 'server-down', afterCheck: def.id, restarted: a.restarted }) });
      if ('blocked' in end) outcome = { result: notRun(def, opts.profile, 'blocked', '', end.blocked) };
      else outcome = end.after ? { ...end.outcome, result: applyAfter(end.outcome.result, end.after) } : end.outcome;
    }
    const weight = pointsFor(opts.profile, def.id);
    if (weight !== 1) outcome.result.weight = weight;
    out.push(outcome);
    opts.onEvent?.({ type: 'check-end', result: outcome.result, index: i });
  }
  return out;
}
