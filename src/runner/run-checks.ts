import { createHash } from 'node:crypto';
import { exchange, Session, type ExchangeOptions } from '../client/exchange.js';
import type { Check, CheckContext, CheckRun, SentRequest, Verdict } from '../checks/types.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import type { Endpoint } from '../wire/types.js';
import { applies, pointsFor, skipReason, type Profile } from '../model/profile.js';
import type { CheckResult, RunEvent, RunResult } from './types.js';
import { afterCheck, type ServerControl } from './server-watch.js';


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
  /** Stops the run between checks (a wall-time limit): the remaining checks are blocked. */
  signal?: AbortSignal;
  /** The oracle for differential checks (`--oracle`). */
  oracle?: Endpoint;
  /** A tag that keeps this run's record names apart from earlier runs' against the same server. */
  runTag?: string;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 6);
}

/** The context a check (or property) runs in: its target, deadline, profile and unique record names. */
export function makeContext(
  opts: Pick<RunOptions, 'target' | 'timeoutMs' | 'profile' | 'oracle' | 'control'>,
  checkId: string,
  tag: string,
  memos: Map<string, Promise<unknown>>,
): CheckContext {
  const prefix = `wg${tag}${shortHash(checkId)}`;
  return {
    target: opts.target,
    ...(opts.oracle ? { oracle: opts.oracle } : {}),
    ...(opts.control?.restart ? { restartServer: opts.control.restart } : {}),
    timeoutMs: opts.timeoutMs,
    profile: opts.profile,
    name: (label = '') => (label ? `${prefix}-${label}` : prefix),
    send: (req: SentRequest, o: Partial<ExchangeOptions> = {}) =>
      exchange(opts.target, req.plan, { timeoutMs: opts.timeoutMs, ...o, methods: o.methods ?? req.methods }),
    memo: <T>(key: string, make: () => Promise<T>): Promise<T> => {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) {
        p = make();
        memos.set(key, p);
      }
      return p;
    },
    session: async () => {
      const s = await Session.open(opts.target, opts.timeoutMs);
      return 'refused' in s ? null : s;
    },
  };
}

function toResult(check: Check, run: CheckRun, verdict: Verdict, durationMs: number, reason = run.reason): CheckResult {
  const r: CheckResult = {
    id: check.id,
    family: check.family,
    level: check.level,
    requirement: check.requirement,
    verdict,
    runs: 1,
    failures: verdict === 'fail' ? 1 : 0,
    durationMs,
    reason,
    expected: run.expected,
    actual: run.actual,
  };
  if (check.cite) r.cite = check.cite;
  if (run.request) r.request = run.request;
  if (run.setup) r.setup = run.setup;
  if (run.expectation) r.expectation = run.expectation;
  if (run.byteReplay === false) r.byteReplay = false;
  if (verdict === 'fail' || verdict === 'warn' || verdict === 'error') r.exchanges = run.exchanges;
  return r;
}

function notRun(check: Check, verdict: 'blocked' | 'skip' | 'error', reason: string): CheckResult {
  return toResult(check, { verdict: 'skip', reason, expected: [], actual: '', exchanges: [] }, verdict, 0, reason);
}

/** Applies the level: a broken SHOULD is a warning unless the run is strict. */
function levelled(check: Check, v: CheckRun['verdict'], strict: boolean): Verdict {
  if (v === 'fail' && check.level === 'SHOULD' && !strict) return 'warn';
  return v;
}

/**
 * Runs the deterministic catalogue against one target, one check at a time (a single-threaded server
 * must not have one check's connection blamed on another), and returns the data. Never prints.
 */
export async function runChecks(opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const strict = opts.strict ?? false;
  const tag = opts.runTag ?? Date.now().toString(36).slice(-5);
  const result: RunResult = {
    target: opts.target,
    profile: opts.profile.name,
    seed: opts.seed,
    strict,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    checks: [],
  };
  // The baseline runs first; the rest keep their catalogue order.
  const ordered = [...opts.checks].sort((a, b) => Number(b.id === BASELINE_ID) - Number(a.id === BASELINE_ID));
  opts.onEvent?.({ type: 'start', total: ordered.length });
  let baselineFailed = false;
  const env = { oracle: opts.oracle, canRestart: opts.control?.restart !== undefined };
  const memos = new Map<string, Promise<unknown>>();
  let stopped: RunResult['stopped'];

  for (let i = 0; i < ordered.length; i++) {
    const check = ordered[i]!;
    opts.onEvent?.({ type: 'check-start', id: check.id, index: i });
    let res: CheckResult;
    if (!applies(check, opts.profile, env)) {
      res = notRun(check, 'skip', skipReason(check, opts.profile, env));
    } else if (stopped) {
      res = notRun(check, 'blocked', `not run: ${stopped.reason} after ${stopped.afterCheck}`);
    } else if (opts.signal?.aborted) {
      res = notRun(check, 'blocked', `not run: ${String(opts.signal.reason ?? 'the run was stopped')}`);
    } else if (baselineFailed && !check.independent) {
      res = notRun(check, 'blocked', `not run: the baseline request (${BASELINE_ID}) failed`);
    } else {
      const c0 = performance.now();
      try {
        const run = await check.run(makeContext(opts, check.id, tag, memos));
        res = toResult(check, run, levelled(check, run.verdict, strict), Math.round(performance.now() - c0));
      } catch (err) {
        res = notRun(check, 'error', `the check itself failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (i === 0 && res.exchanges?.length && res.exchanges.every((e) => e.kind === 'refused')) {
        // Nothing listens: say so once, rather than failing every check. (No empty probe connection is
        // made before this: many student servers die on one.)
        result.unreachable = `cannot connect to ${opts.target.host}:${opts.target.port}: ${res.exchanges[0]?.message ?? 'refused'}`;
        result.durationMs = Math.round(performance.now() - t0);
        return result;
      }
      if (check.id === BASELINE_ID && res.verdict === 'fail') baselineFailed = true;
      const down = await afterCheck(check.id, opts.target, opts.profile, opts.timeoutMs, opts.control);
      if (down) {
        res = { ...res, verdict: 'fail', failures: 1, reason: `${down.reason} (the check itself saw: ${res.reason})` };
        res.actual = `${down.reason}; ${res.actual}`;
        opts.onEvent?.({ type: 'server-down', afterCheck: check.id, restarted: down.restarted });
        if (!down.restarted) stopped = { afterCheck: check.id, reason: down.reason.replace(/ after this (request|property)$/, '') };
      }
    }
    const weight = pointsFor(opts.profile, check.id);
    if (weight !== 1) res.weight = weight;
    result.checks.push(res);
    opts.onEvent?.({ type: 'check-end', result: res, index: i });
  }
  if (stopped) result.stopped = stopped;
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}
