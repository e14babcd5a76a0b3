import type { PropertyDef } from '../checks/property.js';
import type { Check } from '../checks/types.js';
import { levelUnder } from '../checks/level.js';
import { applies, type Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import { runChecks } from './run-checks.js';
import { runProperties, type PropertyOutcome } from './run-properties.js';
import type { RunEvent, RunResult } from './types.js';
import type { ServerControl } from './server-watch.js';

export interface SessionOptions {
  target: Endpoint;
  profile: Profile;
  checks: readonly Check[];
  properties: readonly PropertyDef<any>[];
  timeoutMs: number;
  seed: number;
  runs: number;
  /** Time budget for the property-based part, in ms. */
  maxTimeMs?: number;
  /** Replay one property case: fast-check's counterexample path (with the same seed). */
  path?: string;
  /** With `path`, for a model-based property: the command sequence's replay path. */
  replayPath?: string;
  strict?: boolean;
  onEvent?: (e: RunEvent) => void;
  control?: ServerControl;
  signal?: AbortSignal;
  oracle?: Endpoint;
  examples?: ReadonlyMap<string, unknown[]>;
}

export interface SessionResult {
  result: RunResult;
  /** The property failures with fast-check's own data, for the regression corpus. */
  propertyFailures: PropertyOutcome[];
}

/**
 * A whole fuzz session: the deterministic catalogue first, then the properties, into one RunResult.
 * Properties do not run when the target was unreachable or stopped answering.
 */
export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const t0 = performance.now();
  const total = opts.checks.length + opts.properties.length;
  const onEvent = opts.onEvent;
  const tag = Date.now().toString(36).slice(-5);
  const result = await runChecks({
    target: opts.target,
    checks: opts.checks,
    profile: opts.profile,
    timeoutMs: opts.timeoutMs,
    seed: opts.seed,
    runTag: tag,
    ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    ...(onEvent ? { onEvent: (e: RunEvent) => onEvent(e.type === 'start' ? { type: 'start', total } : e) } : {}),
    ...(opts.control ? { control: opts.control } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.oracle ? { oracle: opts.oracle } : {}),
  });
  if (result.unreachable || opts.properties.length === 0) return { result, propertyFailures: [] };
  if (result.stopped) {
    // Every submission is scored out of the same maximum: the properties not run count as blocked.
    const reason = `not run: ${result.stopped.reason} after ${result.stopped.afterCheck}`;
    for (const p of opts.properties) {
      const skip = !applies(p, opts.profile, { oracle: opts.oracle, canRestart: opts.control?.restart !== undefined });
      result.checks.push({ id: p.id, family: p.family, level: levelUnder(p, opts.profile), requirement: p.requirement, verdict: skip ? 'skip' : 'blocked', runs: 0, failures: 0, durationMs: 0, reason: skip ? `not part of the ${opts.profile.name} profile` : reason, expected: [], actual: '' });
    }
    return { result, propertyFailures: [] };
  }
  const offset = opts.checks.length;
  const outcomes = await runProperties(opts.properties, {
    target: opts.target,
    profile: opts.profile,
    timeoutMs: opts.timeoutMs,
    seed: opts.seed,
    runs: opts.runs,
    runTag: tag,
    ...(opts.maxTimeMs !== undefined ? { maxTimeMs: opts.maxTimeMs } : {}),
    ...(opts.path !== undefined ? { path: opts.path } : {}),
    ...(opts.replayPath !== undefined ? { replayPath: opts.replayPath } : {}),
    ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    ...(opts.examples ? { examples: opts.examples } : {}),
    ...(opts.control ? { control: opts.control } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.oracle ? { oracle: opts.oracle } : {}),
    ...(onEvent ? { onEvent: (e: RunEvent) => onEvent('index' in e ? { ...e, index: e.index + offset } : e) } : {}),
  });
  result.checks.push(...outcomes.map((o) => o.result));
  result.durationMs = Math.round(performance.now() - t0);
  return { result, propertyFailures: outcomes.filter((o) => o.failure) };
}
