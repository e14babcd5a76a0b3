import type { PropertyDef } from '../checks/property.js';
import type { Canary, Check } from '../checks/types.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import type { CorpusEntry } from '../corpus/store.js';
import type { Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import { AHEAD_WIDTH_AT_TARGET } from './property-cases.js';
import { replayCorpus, type ReplayResult } from './replay-corpus.js';
import { finish, learnBaseline, runChecks, unreachableFrom } from './run-checks.js';
import { runProperties, type PropertyOutcome } from './run-properties.js';
import { Scheduler, type RestartPolicy, type ServerControl } from './scheduler.js';
import type { RunEvent, RunResult } from './types.js';

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
  /** Replay one property case: fast-check's counterexample path (with the same seed; `--replay-path`). */
  casePath?: string;
  /** With `casePath`, for a model-based property: the command sequence's replay path (`--replay-commands`). */
  commandsPath?: string;
  strict?: boolean;
  onEvent?: (e: RunEvent) => void;
  control?: ServerControl;
  /** One check at a time, never side by side (`--serial`). */
  serial?: boolean;
  /** Aborted with a BlockCause as its reason (wall limit, signal): what has not run is blocked. */
  signal?: AbortSignal;
  oracle?: Endpoint;
  examples?: ReadonlyMap<string, unknown[]>;
  /** Regression-corpus entries to replay right after the baseline, before anything new. */
  corpus?: readonly CorpusEntry[];
  restarts?: RestartPolicy;
  /** The security canary around the server's folder (grading only): the `security.*` checks need it. */
  canary?: Canary;
}

export interface SessionResult {
  result: RunResult;
  /** The property failures with fast-check's own data, for the regression corpus. */
  propertyFailures: PropertyOutcome[];
  /** The corpus entries replayed (in order), when `corpus` was given. */
  replayed: ReplayResult[];
}

/**
 * A whole run, under one scheduler: the baseline first (it decides whether the target is reachable at
 * all), then the regression corpus, then the rest of the catalogue, then the properties. Every unit is
 * gated the same way (baseline, liveness, restart budgets, the wall limit) and a death is charged to the
 * unit after which the server went away, whichever part it belongs to.
 */
export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const t0 = performance.now();
  const total = opts.checks.length + opts.properties.length;
  const onEvent = opts.onEvent;
  const tag = Date.now().toString(36).slice(-5);
  const s = new Scheduler({
    target: opts.target,
    profile: opts.profile,
    timeoutMs: opts.timeoutMs,
    ...(opts.control ? { control: opts.control } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.restarts ? { restarts: opts.restarts } : {}),
  });
  let base = {
    target: opts.target,
    profile: opts.profile,
    timeoutMs: opts.timeoutMs,
    seed: opts.seed,
    runTag: tag,
    scheduler: s,
    ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    ...(opts.control ? { control: opts.control } : {}),
    ...(opts.serial ? { serial: true } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.oracle ? { oracle: opts.oracle } : {}),
  };
  const canary = opts.canary ? { canary: opts.canary } : {};
  const baseline = opts.checks.filter((c) => c.id === BASELINE_ID);
  const rest = opts.checks.filter((c) => c.id !== BASELINE_ID);
  let offset = 0;
  const shifted = (e: RunEvent): void => {
    if (!onEvent) return;
    if (e.type === 'start') return;
    onEvent('index' in e ? { ...e, index: e.index + offset } : e);
  };
  onEvent?.({ type: 'start', total });

  const result = await runChecks({ ...base, checks: baseline, onEvent: shifted });
  const first = result.checks[0];
  const unreachable = first ? unreachableFrom(first) : null;
  if (unreachable) {
    // Nothing was ever answered: exit 3 territory, not a death.
    result.unreachable = unreachable;
    result.checks = [];
    return { result, propertyFailures: [], replayed: [] };
  }
  offset = baseline.length;
  // The rest is judged against this server's own answer to the known path, when the profile learns it.
  const learned = first && first.verdict !== 'fail' ? learnBaseline(opts.profile, first) : null;
  if (learned) {
    base = { ...base, profile: learned.profile };
    result.baselineAnswer = learned.answer;
  }

  const replayed = opts.corpus && opts.corpus.length > 0 ? await replayCorpus(opts.corpus, { target: opts.target, profile: base.profile, timeoutMs: opts.timeoutMs, checks: opts.checks, properties: opts.properties, scheduler: s }) : [];

  const more = await runChecks({ ...base, ...canary, checks: rest, onEvent: shifted });
  result.checks.push(...more.checks);
  if (more.sideBySide) result.sideBySide = more.sideBySide;
  offset += rest.length;

  // Property cases run ahead side by side only where the catalogue's checks did, or their waits did at a
  // server we do not own, and stayed kept.
  const side = more.sideBySide;
  const aheadWidth = side?.mode === 'side-by-side' && side.fellBack === undefined ? side.width : side?.mode === 'waits-side-by-side' && side.fellBack === undefined ? AHEAD_WIDTH_AT_TARGET : undefined;
  const outcomes = await runProperties(opts.properties, {
    ...base,
    ...(aheadWidth !== undefined ? { aheadWidth } : {}),
    runs: opts.runs,
    ...(opts.maxTimeMs !== undefined ? { maxTimeMs: opts.maxTimeMs } : {}),
    ...(opts.casePath !== undefined ? { casePath: opts.casePath } : {}),
    ...(opts.commandsPath !== undefined ? { commandsPath: opts.commandsPath } : {}),
    ...(opts.examples ? { examples: opts.examples } : {}),
    onEvent: shifted,
  });
  result.checks.push(...outcomes.map((o) => o.result));
  finish(result, s, [...opts.checks, ...opts.properties], opts.profile);
  result.durationMs = Math.round(performance.now() - t0);
  return { result, propertyFailures: outcomes.filter((o) => o.failure), replayed };
}
