import fc from 'fast-check';
import type { PropertyDef } from '../checks/property.js';
import type { CheckContext, CheckRun } from '../checks/types.js';
import { applies, pointsFor, skipReason, type Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import { makeContext } from './run-checks.js';
import { afterCheck, probeAlive, type ServerControl } from './server-watch.js';
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
  path?: string;
  /** With `path`, for a model-based property: the command sequence's own replay path. */
  replayPath?: string;
  strict?: boolean;
  runTag?: string;
  onEvent?: (e: RunEvent) => void;
  /** Known-bad inputs to try first (from the regression corpus), by property id. */
  examples?: ReadonlyMap<string, unknown[]>;
  control?: ServerControl;
  signal?: AbortSignal;
  oracle?: Endpoint;
}

export interface PropertyOutcome {
  result: CheckResult;
  /** fast-check's own report of the failure (seed, path, counterexample), for the corpus. */
  failure?: { seed: number; path: string; replayPath?: string; counterexample: unknown; shrinks: number };
}

/** Runs one property; returns data, never prints. */
export async function runProperty<T>(def: PropertyDef<T>, opts: PropertyRunOptions, timeLimitMs?: number): Promise<PropertyOutcome> {
  const t0 = performance.now();
  const ctx: CheckContext = makeContext(
    { target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, ...(opts.oracle ? { oracle: opts.oracle } : {}), ...(opts.control ? { control: opts.control } : {}) },
    def.id,
    opts.runTag ?? Date.now().toString(36).slice(-5),
    new Map(),
  );
  const base = {
    id: def.id,
    family: def.family,
    level: def.level,
    requirement: def.requirement,
    ...(def.cite ? { cite: def.cite } : {}),
  };
  const env = { oracle: opts.oracle, canRestart: opts.control?.restart !== undefined };
  if (!applies(def, opts.profile, env)) {
    const reason = skipReason(def, opts.profile, env);
    return { result: { ...base, verdict: 'skip', runs: 0, failures: 0, durationMs: 0, reason, expected: [], actual: '' } };
  }
  let last: Omit<CheckRun, 'verdict'> | null = null;
  let down: Omit<CheckRun, 'verdict'> | null = null;
  let cases = 0;
  const prop = fc.asyncProperty(def.arbitrary(ctx, opts.replayPath ? { replayPath: opts.replayPath } : {}), async (value) => {
    if (down) return true; // the server is gone: stop judging (and shrinking) against a dead socket
    cases++;
    opts.onEvent?.({ type: 'property-progress', id: def.id, cases, runs: opts.runs, elapsedMs: Math.round(performance.now() - t0) });
    const failure = await def.verify(ctx, value);
    if (failure === null) return true;
    if (failure.exchanges.length > 0 && failure.exchanges.every((e) => e.kind === 'refused')) {
      down = failure;
      return true;
    }
    last = failure;
    return false;
  });
  const examples = (opts.examples?.get(def.id) ?? []).map((v) => [v as T] as [T]);
  const params: fc.Parameters<[T]> = { seed: opts.seed, numRuns: opts.runs, examples };
  if (opts.path) params.path = opts.path;
  if (timeLimitMs) {
    params.interruptAfterTimeLimit = timeLimitMs;
    params.markInterruptAsFailure = false;
  }
  const details = await fc.check(prop, params);
  const durationMs = Math.round(performance.now() - t0);
  const failedRun = details.failed && last !== null;
  if (!failedRun && down === null) {
    const verdict = details.failed ? 'error' : 'pass';
    const reason = details.failed ? `the property itself failed: ${String(details.errorInstance ?? 'unknown error')}` : `${cases} cases held`;
    return { result: { ...base, verdict, runs: cases, failures: 0, durationMs, reason, expected: [], actual: reason } };
  }
  if (!failedRun && down !== null) {
    const d: Omit<CheckRun, 'verdict'> = down;
    const alive = await probeAlive(opts.target, opts.profile, opts.timeoutMs);
    const reason = alive ? `the server refused connections during this property (${d.reason})` : 'the server stopped answering during this property';
    return { result: { ...base, verdict: 'fail', runs: cases, failures: 1, durationMs, reason, expected: d.expected, actual: d.actual, exchanges: d.exchanges } };
  }
  const f: Omit<CheckRun, 'verdict'> = last!;
  const verdict = def.level === 'SHOULD' && !opts.strict ? 'warn' : 'fail';
  const path = details.counterexamplePath ?? '';
  // A command sequence replays from its own path too, printed in its text form.
  const replayPath = def.commands ? /\/\*replayPath="([^"]*)"\*\//.exec(String(details.counterexample?.[0] ?? ''))?.[1] : undefined;
  const result: CheckResult = {
    ...base,
    verdict,
    runs: details.numRuns,
    failures: 1,
    durationMs,
    reason: f.reason,
    expected: f.expected,
    actual: f.actual,
    exchanges: f.exchanges,
    property: { seed: details.seed, path, shrinks: details.numShrinks, ...(replayPath ? { replayPath } : {}) },
  };
  if (f.request) result.request = f.request;
  if (f.setup) result.setup = f.setup;
  if (f.expectation) result.expectation = f.expectation;
  return { result, failure: { seed: details.seed, path, ...(replayPath ? { replayPath } : {}), counterexample: details.counterexample?.[0], shrinks: details.numShrinks } };
}

/** Runs every property in turn, sharing the time budget; each is followed by a liveness probe. */
export async function runProperties(defs: readonly PropertyDef<any>[], opts: PropertyRunOptions): Promise<PropertyOutcome[]> {
  const out: PropertyOutcome[] = [];
  const started = performance.now();
  let stopped: string | null = null;
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i]!;
    opts.onEvent?.({ type: 'check-start', id: def.id, index: i });
    let o: PropertyOutcome;
    if (stopped || opts.signal?.aborted) {
      const reason = `not run: ${stopped ?? String(opts.signal?.reason ?? 'the run was stopped')}`;
      o = { result: { id: def.id, family: def.family, level: def.level, requirement: def.requirement, verdict: 'blocked', runs: 0, failures: 0, durationMs: 0, reason, expected: [], actual: '' } };
    } else {
      const left = opts.maxTimeMs === undefined ? undefined : Math.max(1, (opts.maxTimeMs - (performance.now() - started)) / (defs.length - i));
      o = await runProperty(def, opts, left);
      const down = await afterCheck(def.id, opts.target, opts.profile, opts.timeoutMs, opts.control);
      if (down) {
        if (o.result.verdict !== 'fail' || !down.restarted) o.result = { ...o.result, verdict: 'fail', failures: 1, reason: `${down.reason.replace(/this request$/, 'this property')} (${o.result.reason})` };
        opts.onEvent?.({ type: 'server-down', afterCheck: def.id, restarted: down.restarted });
        if (!down.restarted) stopped = `${down.reason.replace(/ after this (request|property)$/, '')} after ${def.id}`;
      }
    }
    const weight = pointsFor(opts.profile, def.id);
    if (weight !== 1) o.result.weight = weight;
    out.push(o);
    opts.onEvent?.({ type: 'check-end', result: o.result, index: i });
  }
  return out;
}
