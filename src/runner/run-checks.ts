import { createHash } from 'node:crypto';
import { exchange, KeepAliveConnection, type Exchange, type ExchangeOptions } from '../client/exchange.js';
import { citeOf, type Canary, type Check, type CheckContext, type CheckRun, type SentRequest, type Verdict } from '../checks/types.js';
import { citeUnder, levelledVerdict, levelUnder, sourceUnder } from '../checks/level.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { UNROUTED_HOST_ID } from '../checks/catalogue/robustness.js';
import { statusOf } from '../checks/verify.js';
import { requestField } from '../http1/request.js';
import type { Endpoint } from '../wire/types.js';
import { applies, learnedProfile, pointsFor, routesInHost, skipReason, type Profile } from '../model/profile.js';
import type { CheckMeta, CheckResult, RunEvent, RunResult } from './types.js';
import type { BlockCause, Unreachable } from './causes.js';
import { followRulesOf, linkRootCauses } from './root-causes.js';
import { KEEPS_SERVING_ID, Scheduler, type AfterUnit, type ServerControl } from './scheduler.js';

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
  /** Do not watch the server after each check (a corpus entry replayed inside another unit). */
  unwatched?: boolean;
  /** The security canary around the server's folder (grading only). */
  canary?: Canary;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 6);
}

/** A confirmation of a verdict that rests on a deadline uses this many times the deadline … */
export const CONFIRM_FACTOR = 2;
/** … and at least this long: on a machine loaded enough, a correct server can take more than 2 s. */
export const CONFIRM_MIN_MS = 5000;

/** The deadline a confirmation runs with. */
export function confirmDeadline(timeoutMs: number): number {
  return Math.max(timeoutMs * CONFIRM_FACTOR, CONFIRM_MIN_MS);
}

/**
 * Whether a unit's server was started again in the middle of it (it exits after each client): its
 * requests then met more than one process, so a failure may be only the state the first one lost.
 */
export interface Revival {
  revived: boolean;
}

/** The context a check (or property) runs in: its target, deadline, profile and unique record names. */
export function makeContext(
  opts: Pick<RunOptions, 'target' | 'timeoutMs' | 'profile' | 'oracle' | 'control' | 'canary'>,
  checkId: string,
  tag: string,
  memos: Map<string, Promise<unknown>>,
  scheduler?: Scheduler,
  revival: Revival = { revived: false },
): CheckContext {
  const prefix = `wg${tag}${shortHash(checkId)}`;
  const control = opts.control;
  // A refused connection after a clean exit (code 0: the program ended by itself, as one that exits
  // after each client does) is answered by starting the server again for the unit
  // (Scheduler.reviveAfterServing); a crash is never revived, the runner charges it after the unit.
  const revive = async (): Promise<boolean> => {
    if (!scheduler || !control) return false;
    const ok = await scheduler.reviveAfterServing(checkId);
    if (ok) revival.revived = true;
    return ok;
  };
  return {
    target: opts.target,
    ...(opts.oracle ? { oracle: opts.oracle } : {}),
    ...(control ? { restartServer: async () => (await control.restart()).ok } : {}),
    ...(opts.canary ? { canary: opts.canary } : {}),
    timeoutMs: opts.timeoutMs,
    profile: opts.profile,
    name: (label = '') => (label ? `${prefix}-${label}` : prefix),
    send: async (req: SentRequest, o: Partial<ExchangeOptions> = {}) => {
      // What the scheduler learned of the server: idle end of an endless body, silence window, flood cap.
      const learned = scheduler?.exchangeDefaults(o.timeoutMs ?? opts.timeoutMs) ?? {};
      const go = () => exchange(opts.target, req.plan, { timeoutMs: opts.timeoutMs, ...learned, ...o, methods: o.methods ?? req.methods });
      let ex = await go();
      if (ex.kind === 'refused' && (await revive())) ex = await go();
      scheduler?.sawExchange(ex);
      return ex;
    },
    memo: <T>(key: string, make: () => Promise<T>): Promise<T> => {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) {
        p = make();
        memos.set(key, p);
      }
      return p;
    },
    openConnection: async () => {
      // Its exchanges get the run's quiet window as ctx.send's do (only the window: an idle end of a
      // close-delimited body would end the parse of a connection its check goes on using).
      const quiet = scheduler ? (t: number) => scheduler.silenceMs(t) : undefined;
      const open = () => KeepAliveConnection.open(opts.target, opts.timeoutMs, scheduler?.floodCapBytes, quiet);
      let s = await open();
      if ('refused' in s && (await revive())) s = await open();
      return 'refused' in s ? null : s;
    },
  };
}

/** The metadata a result carries for a check under a profile: its level, source and cite as the profile judges it. */
function meta(check: CheckMeta & Pick<Check, 'profileRule'>, profile: Profile): CheckMeta {
  const m: CheckMeta = { id: check.id, family: check.family, level: levelUnder(check, profile), requirement: check.requirement };
  const cite = citeUnder(check, profile);
  if (cite) m.cite = cite;
  const source = sourceUnder(check, profile);
  if (source) m.source = source;
  return m;
}

/** The result of a check, holding its metadata and its run (the verdict after levels). */
function toResult(check: Check, profile: Profile, run: CheckRun, verdict: Verdict, durationMs: number): CheckResult {
  const r: CheckResult = {
    ...meta(check, profile),
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

/** A check that did not run: skipped by the profile, blocked (with its cause), or errored. */
export function notRun(check: Pick<Check, 'id' | 'family' | 'level' | 'requirement' | 'cite' | 'source' | 'profileRule'>, profile: Profile, verdict: 'blocked' | 'skip' | 'error', reason: string, by?: BlockCause): CheckResult {
  const r: CheckResult = { ...meta(check, profile), verdict, runs: 0, failures: 0, durationMs: 0, reason, expected: [], actual: '' };
  if (by) r.cause = { kind: 'blocked', by };
  return r;
}

/**
 * Applies the level under the profile: a broken SHOULD (or MAY) is a warning unless the run is strict. A
 * failure that breaks another sentence (`run.breaks`) is judged at that sentence's level.
 */
function levelled(check: Check, profile: Profile, run: CheckRun, strict: boolean): Verdict {
  if (run.verdict === 'fail' && run.breaks) return levelledVerdict(run.breaks.level, run.verdict, strict);
  return levelledVerdict(levelUnder(check, profile), run.verdict, strict);
}

/** A verdict that rests on a deadline: it failed and one of its exchanges ran out of time. */
export function restsOnDeadline(verdict: string, exchanges: readonly Exchange[]): boolean {
  return verdict === 'fail' && exchanges.some((e) => e.kind === 'timeout') && !exchanges.some((e) => e.kind === 'refused');
}

/**
 * A check's verdict that a confirmation (the check again with confirmDeadline) must stand behind before
 * the run takes it: a failure that rests on a deadline (restsOnDeadline), and a check that could not
 * judge because one exchange ran out of time (`blocked` with exactly one timeout, no refusal). Such a
 * `blocked` is no charge, but it is a silence of the server as much as a failure's is: confirmed, it is
 * one of the CONFIRMED_CLASS silences after which the quiet window applies, and a loaded machine does not
 * leave unjudged a check the server would answer within the longer deadline. Only one timeout: a check
 * that gave up after several silent requests (the security checks stop after 2) would wait the long
 * deadline for each of them again, for a verdict that charges nothing.
 */
export function confirmsOnDeadline(verdict: string, exchanges: readonly Exchange[]): boolean {
  if (verdict === 'blocked') return exchanges.filter((e) => e.kind === 'timeout').length === 1 && !exchanges.some((e) => e.kind === 'refused');
  return restsOnDeadline(verdict, exchanges);
}

/**
 * Charges a death found after a unit to its result: the unit fails for it, and its request becomes the
 * one after which the server went away (so the replay reproduces the death).
 */
export function chargeDeath(res: CheckResult, a: Extract<Exclude<AfterUnit, null>, { chargedTo: 'unit' }>, profile: Pick<Profile, 'baseline'>): CheckResult {
  const out: CheckResult = { ...res, verdict: 'fail', failures: Math.max(1, res.failures), cause: Scheduler.died(a) };
  const sent = a.culprit?.request;
  if (sent) {
    out.request = { plan: sent.plan, methods: sent.methods };
    delete out.setup;
    delete out.expectation;
    // Under a profile that routes by Host, a death on a request with the plain `Host: localhost` (no
    // route) is the bug robustness.unrouted-host.server-survives judges; when that check fails too,
    // this one follows from it.
    if (routesInHost(profile) && /^localhost(:\d+)?$/i.test(requestField(sent.plan.bytes, 'host') ?? '')) {
      out.because = { check: UNROUTED_HOST_ID, finding: 'died-on-unrouted-host' };
    }
  }
  if (a.culprit && !out.exchanges) out.exchanges = [a.culprit];
  return out;
}

/** What a death found after a unit does to its result (see Scheduler.after). */
export function applyAfter(res: CheckResult, a: Exclude<AfterUnit, null>, profile: Pick<Profile, 'baseline'>): CheckResult {
  if (a.chargedTo === 'none') return res;
  if (a.chargedTo === 'unit') return chargeDeath(res, a, profile);
  if (a.judged || res.verdict === 'pass' || res.verdict === 'warn') return res;
  return { ...res, verdict: 'blocked', failures: 0, cause: { kind: 'blocked', by: { kind: 'left-after-serving', down: a.down } } };
}

/**
 * A death that was a clean exit (code 0, no signal) is the program ending by itself, not a crash on the
 * request: when robustness.server.keeps-serving fails too, it follows from that one root cause (a server
 * that exits after a client, seen here by a check whose other clients were cut off).
 */
function exitedCleanly(res: CheckResult): CheckResult {
  const c = res.cause;
  if (res.verdict !== 'fail' || res.because || c?.kind !== 'died' || c.down.kind !== 'exited' || c.down.code !== 0 || c.down.signal !== null) return res;
  return { ...res, because: { check: KEEPS_SERVING_ID, finding: 'exited-cleanly' } };
}

/** The result of KEEPS_SERVING_ID once the server was seen to exit after serving correctly. */
export function chargeExitsAfterServing(res: CheckResult, s: Scheduler): CheckResult {
  const e = s.exitsAfterServing;
  if (!e || res.id !== KEEPS_SERVING_ID) return res;
  return { ...res, verdict: 'fail', failures: 1, cause: { kind: 'exits-after-serving', times: e.times, firstAfter: e.firstAfter, down: e.down } };
}

/**
 * Runs one check under the scheduler: gating, the run, a confirmation of a verdict that rests on a
 * deadline (confirmsOnDeadline: the same check again with a longer deadline, confirmDeadline: a loaded
 * machine must not fail a server, nor leave a check unjudged), and the liveness watch afterwards.
 */
async function runCheckUnit(check: Check, opts: RunOptions, s: Scheduler, tag: string, memos: Map<string, Promise<unknown>>, strict: boolean): Promise<CheckResult> {
  if (!opts.unwatched) await s.before(check);
  const c0 = performance.now();
  let firstDeath: Extract<AfterUnit, { chargedTo: 'unit' }> | undefined;
  for (let attempt = 0; ; attempt++) {
    const block = s.blockCause(check, firstDeath !== undefined);
    if (block) return notRun(check, opts.profile, 'blocked', '', block);
    let run: CheckRun;
    const revival: Revival = { revived: false };
    try {
      run = await check.run(makeContext(opts, check.id, attempt === 0 ? tag : `${tag}r${attempt}`, memos, s, revival));
      if (confirmsOnDeadline(run.verdict, run.exchanges) && !opts.control?.exited() && s.shouldConfirm()) {
        const first = run.verdict;
        const longer = { ...opts, timeoutMs: confirmDeadline(opts.timeoutMs) };
        run = await check.run(makeContext(longer, check.id, `${tag}c${attempt}`, new Map(), s, revival));
        s.confirmed(run.verdict === first);
      }
    } catch (err) {
      return notRun(check, opts.profile, 'error', `the check itself failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    let res = toResult(check, opts.profile, run, levelled(check, opts.profile, run, strict), Math.round(performance.now() - c0));
    // Its requests met a server started again in between (it exits after each client): a pass stands,
    // but a failure may be only what the first process lost, so it is not judged.
    const exit = s.exitsAfterServing;
    if (revival.revived && res.verdict === 'fail' && exit) res = { ...res, verdict: 'blocked', failures: 0, cause: { kind: 'blocked', by: { kind: 'left-after-serving', down: exit.down } } };
    if (opts.unwatched) return res;
    const a = await s.after(check, run.exchanges);
    if (a) opts.onEvent?.({ type: 'server-down', afterCheck: check.id, restarted: a.restarted });
    // The server was gone before this check reached it: once it is back, the check runs again.
    if (a?.chargedTo === 'keeps-serving' && a.preceded && a.restarted && attempt === 0) {
      memos.clear(); // what was gathered from the gone server (the wire samples) is gathered again
      continue;
    }
    // A death is confirmed before it counts: the same check again on the restarted server must take it
    // down again. If it does not, the first death was not this check's.
    if (a?.chargedTo === 'unit' && a.restarted && attempt === 0) {
      firstDeath = a;
      continue;
    }
    if (firstDeath && a?.chargedTo !== 'unit') s.unconfirmed(firstDeath.record, check.family);
    return a ? applyAfter(res, a, opts.profile) : res;
  }
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
  const env = { oracle: opts.oracle, canRestart: opts.control !== undefined, canary: opts.canary };
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
  if (!opts.scheduler) finish(result, s, opts.checks);
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

/** Applies what only the end of a run knows: the root cause of a server that exits after serving, and where the run stopped. */
export function finish(result: RunResult, s: Scheduler, units: ReadonlyArray<Pick<Check, 'id' | 'follows'>>): void {
  result.checks = linkRootCauses(result.checks.map((c) => exitedCleanly(chargeExitsAfterServing(c, s))), followRulesOf(units));
  if (s.stopped) result.stopped = s.stopped;
}

export { unreachableFrom };
