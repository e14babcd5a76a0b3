import { citeOf, type Canary, type Check, type CheckRun, type Verdict } from '../checks/types.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { allChecks } from '../checks/catalogue/index.js';
import { statusOf } from '../checks/verify.js';
import type { Endpoint } from '../wire/types.js';
import type { Profile } from '../model/profile.js';
import { applies, learnedProfile, pointsFor, skipReason } from '../model/profile-policy.js';
import type { CheckResult, RunEvent, RunResult, SideBySide } from './types.js';
import type { Unreachable } from './causes.js';
import { explainDeaths, followRulesOf, linkRootCauses } from './root-causes.js';
import { levelled, notRun, unitEnv, unitMeta } from './plan.js';
import { runUnit } from './unit-loop.js';
import { confirmationOptions, makeContext, type Revival } from './context.js';
import { applyAfter, chargeExitsAfterServing } from './charges.js';
import { EXIT_GRACE_MS, exitWithin, Scheduler, type ServerControl } from './scheduler.js';
import { BATCH_WIDTHS, keptStands, readWith, runBatch, sideBySideWidth, type ReadWith } from './side-by-side.js';
import type { Prerun } from './unit-loop.js';
import type { Exchange } from '../client/exchange.js';
import type { BlockCause } from './causes.js';
import { earlyConfirmAfterMs, PARKED_BATCH, PARKED_BATCH_BEFORE_CLASS, runParked, type Turn } from './parked.js';

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
  /** One check at a time, never side by side (`--serial`; see side-by-side.ts). */
  serial?: boolean;
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
type CheckAttempt = { run: CheckRun; revived: boolean; cut?: true; error?: undefined } | { error: string };

/** Runs a check once (a first attempt, a rerun or a confirmation), in a context of its own. */
async function attemptCheck(check: Check, opts: RunOptions, s: Scheduler, memos: Map<string, Promise<unknown>>, ctxTag: string, timeoutMs: number, confirming: boolean, turn?: Turn, waiting?: () => void, provisional = false): Promise<CheckAttempt> {
  // Whether the server was started again during the attempt (it exits after each client).
  const revival: Revival = { revived: false };
  try {
    const onWait = waiting ? { onWait: { afterMs: earlyConfirmAfterMs(s.paceMs()), waiting } } : {};
    // A provisional first run (unit-loop.ts) reads with the quiet window: what it gathers (a memo) is shared
    // only when the window ended none of its exchanges (reported or not), so no other check judges what the
    // window may have cut; what was gathered before is read.
    const own = provisional ? new Map(memos) : memos;
    const cuts = { n: 0 };
    const run = await check.run(makeContext({ ...opts, timeoutMs, ...(confirming ? confirmationOptions(check) : {}), ...(turn ? { turn } : {}), ...onWait, ...(provisional ? { provisional: () => true, cuts } : {}) }, check.id, ctxTag, own, s, revival));
    if (provisional && cuts.n === 0) for (const [k, v] of own) if (!memos.has(k)) memos.set(k, v);
    return { run, revived: revival.revived, ...(cuts.n > 0 ? { cut: true as const } : {}) };
  } catch (err) {
    return { error: `the check itself failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The tag of an attempt's context: a first run, a rerun after a restart, or a confirmation; a first run
 * read again with the whole deadline after a provisional one (`full`): records of its own, with names of
 * the same length (the tag's last character changed; retag changes the first).
 */
function attemptTag(tag: string, attempt: number, confirming: boolean, full = false): string {
  if (full && !confirming && attempt === 0) return `${tag.slice(0, -1)}${tag.endsWith('z') ? 'y' : 'z'}`;
  return confirming ? `${tag}c${attempt}` : attempt === 0 ? tag : `${tag}r${attempt}`;
}

/**
 * The tag of a check's run after it already ran `before` times in a batch whose attempt was not taken (it
 * did not stand, or the batch was not kept): records of its own (the batch's POST /{name} exists, and the
 * same name again would be answered 409), and names of the same length (a server that reads in pieces of
 * 8 bytes hangs on a request whose length is a multiple of 8: the length must not change with how the run
 * went). The tag with its first character changed.
 */
export function retag(tag: string, before: number): string {
  if (before === 0) return tag;
  const chars = [...'0123456789abcdefghijklmnopqrstuvwxyz'].filter((c) => c !== tag[0]);
  return `${chars[(before - 1) % chars.length]}${tag.slice(1)}`;
}

const attemptVerdict = (a: CheckAttempt): string => (a.error !== undefined ? 'error' : a.run.verdict);
const attemptExchanges = (a: CheckAttempt): Exchange[] => (a.error !== undefined ? [] : a.run.exchanges);
const attemptSettled = (a: CheckAttempt): boolean => a.error !== undefined;
const revivedIn = (a: CheckAttempt): boolean => a.error === undefined && a.revived;

/**
 * Runs one check through the unit loop (unit-loop.ts: the gate, a deadline verdict confirmed with the
 * longer deadline, the watch, a death confirmed by running it again), then makes its result: the level
 * under the profile, a failure not judged when its requests met a server started again in between, and
 * what the watch found. `pre`: its outcomes already run side by side (see side-by-side.ts), and
 * `startedAt` then when its own time started.
 */
async function runCheckUnit(check: Check, opts: RunOptions, s: Scheduler, tag: string, memos: Map<string, Promise<unknown>>, strict: boolean, pre?: Prerun<CheckAttempt>, startedAt = performance.now()): Promise<CheckResult> {
  const c0 = startedAt;
  // Whether the server was started again during the attempt the verdict comes from (or the first run it confirms).
  let revived = pre ? revivedIn(pre.first) : false;
  const end = await runUnit<CheckAttempt>(check, s, {
    run: async (attempt, timeoutMs, confirming, rerun, provisional) => {
      // What was gathered from a server that was gone (the wire samples) is gathered again.
      if (rerun === 'preceded' && !confirming) memos.clear();
      const a = await attemptCheck(check, opts, s, confirming ? new Map() : memos, attemptTag(tag, attempt, confirming, rerun === 'full'), timeoutMs, confirming, undefined, undefined, provisional === true);
      // The revival of a first run counts for the confirmation that follows it, as before.
      revived = (confirming && revived) || revivedIn(a);
      return a;
    },
    verdict: attemptVerdict,
    exchanges: attemptExchanges,
    settled: attemptSettled,
    cutByWindow: (a) => a.error === undefined && a.cut === true,
  }, { timeoutMs: opts.timeoutMs, watched: true, ...(opts.control ? { control: opts.control } : {}), ...(pre ? { pre } : {}), onDown: (a) => opts.onEvent?.({ type: 'server-down', afterCheck: check.id, restarted: a.restarted }) });
  if ('blocked' in end) return notRun(check, opts.profile, 'blocked', '', end.blocked);
  const attempt = end.outcome;
  if (attempt.error !== undefined) return notRun(check, opts.profile, 'error', attempt.error);
  if (pre?.confirm !== undefined && attempt === pre.confirm) revived ||= revivedIn(pre.confirm);
  let res = toResult(check, opts.profile, attempt.run, levelled(check, opts.profile, attempt.run, strict), Math.round(performance.now() - c0));
  // Its requests met a server started again in between (it exits after each client): a pass stands,
  // but a failure may be only what the first process lost, so it is not judged.
  const exit = s.exitsAfterServing;
  if (revived && res.verdict === 'fail' && exit) res = { ...res, verdict: 'blocked', failures: 0, cause: { kind: 'blocked', by: { kind: 'left-after-serving', down: exit.down } } };
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
 * must not have one check's connection blamed on another), or, when grading a server seen to serve several
 * clients at once, the checks that declare `sideBySide` in batches (side-by-side.ts), each outcome then
 * taken in catalogue order; returns the data. Never prints.
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
  // Against a server we do not own, requests wait side by side once a check has shown it answers a client
  // while another waits (Check.showsSideBySide; parked.ts): that check then runs right after the baseline.
  const shows = (c: Check): boolean => c.showsSideBySide === true;
  const waitsAside = !opts.control && opts.serial !== true && opts.checks.some(shows);
  // The baseline runs first; the rest keep their catalogue order.
  const rank = (c: Check): number => (c.id === BASELINE_ID ? 0 : waitsAside && shows(c) ? 1 : 2);
  const ordered = [...opts.checks].sort((a, b) => rank(a) - rank(b));
  opts.onEvent?.({ type: 'start', total: ordered.length });
  const env = unitEnv(opts);
  const memos = new Map<string, Promise<unknown>>();
  // Side by side (side-by-side.ts): only with a server we own; asked of the server before the first batch.
  let side: SideBySide | 'not-asked' | 'not-owned' | 'not-shown' = opts.serial ? { mode: 'serial', why: 'asked' } : !opts.control ? (waitsAside ? 'not-shown' : 'not-owned') : 'not-asked';
  // The outcomes of the current batch, by index into `ordered`, and the checks that ran in a batch.
  let batch: Batch = new Map();
  const ranInBatch = new Map<number, number>();
  // Each member's tag in its batch (retag: a second run in a batch gets records of its own), counted.
  const tagsFor = (members: number[]): string[] =>
    members.map((k) => {
      const before = ranInBatch.get(k) ?? 0;
      ranInBatch.set(k, before + 1);
      return retag(tag, before);
    });

  for (let i = 0; i < ordered.length; i++) {
    const check = ordered[i]!;
    if (batch.size === 0 && opts.control && (side === 'not-asked' || (typeof side === 'object' && side.mode === 'side-by-side' && !side.fellBack))) {
      const runs = (c: Check): boolean => applies(c, opts.profile, env) && s.blockCause(c) === null && s.baselineFailed === null && s.exitsAfterServing === null;
      // A server on its way out after the last unit's client is not asked: its exit is the loop's to see and
      // charge (Scheduler.before), and then nothing runs side by side (it exits after serving).
      if (side === 'not-asked' && batchFrom(ordered, i, 2, runs).length >= 2 && !(await exitWithin(opts.control, EXIT_GRACE_MS))) {
        const width = await sideBySideWidth(opts.target, opts.profile, opts.timeoutMs);
        side = width > 1 ? { mode: 'side-by-side', width, ran: 0, batches: 0 } : { mode: 'serial', why: 'one-client-at-a-time' };
        s.servesOthers = width > 1;
        // It was there a moment before: if it goes now (watched as after a check), the question itself, clients
        // that stalled and closed, took it down. It is started again, uncharged (robustness.slow-client.
        // does-not-block-others asks it again, and is charged with it).
        if (await exitWithin(opts.control, EXIT_GRACE_MS)) {
          await s.restartUncharged(check.id);
          side = { mode: 'serial', why: 'one-client-at-a-time' };
          s.servesOthers = false;
        }
      }
      if (typeof side === 'object' && side.mode === 'side-by-side') {
        const members = batchFrom(ordered, i, side.width * BATCH_WIDTHS, runs);
        if (members.length >= 2) batch = await runSideBySide(members.map((k) => ordered[k]!), members, opts, s, tagsFor(members), memos, side);
      }
    }
    if (batch.size === 0 && typeof side === 'object' && side.mode === 'waits-side-by-side' && !side.fellBack) {
      const runs = (c: Check): boolean => applies(c, opts.profile, env) && s.blockCause(c) === null && s.baselineFailed === null;
      // As many as a batch may start (parked.ts says how many it does; the rest start the next batch).
      const members = batchFrom(ordered, i, s.shouldConfirm() ? PARKED_BATCH_BEFORE_CLASS : PARKED_BATCH, runs);
      if (members.length >= 2) batch = await runWaitsSideBySide(members.map((k) => ordered[k]!), members, opts, s, tagsFor(members), memos, side);
    }
    const stale = batch.get(i);
    if (stale && 'pre' in stale && !stillHolds(stale, s, opts.timeoutMs) && typeof side === 'object' && (side.mode === 'side-by-side' || side.mode === 'waits-side-by-side') && !side.fellBack) {
      // The batch's outcomes read with rules the run has learned since (an idle end of a body left open, a
      // cap, a shorter quiet window) do not stand: they run again side by side, as they first did, not one
      // at a time (a server that leaves its close-delimited bodies open: 30 checks, 18 s one at a time).
      const runs = (c: Check): boolean => applies(c, opts.profile, env) && s.blockCause(c) === null && s.baselineFailed === null;
      const again = [...batch.entries()]
        .filter(([k, e]) => k >= i && 'pre' in e && !stillHolds(e, s, opts.timeoutMs) && runs(ordered[k]!))
        .map(([k]) => k)
        .sort((a, b) => a - b);
      if (again.length >= 2) {
        for (const k of again) batch.delete(k);
        side.ran -= again.length;
        const checks = again.map((k) => ordered[k]!);
        const rerun = side.mode === 'side-by-side' ? await runSideBySide(checks, again, opts, s, tagsFor(again), memos, side) : await runWaitsSideBySide(checks, again, opts, s, tagsFor(again), memos, side);
        for (const [k, e] of rerun) batch.set(k, e);
      }
    }
    opts.onEvent?.({ type: 'check-start', id: check.id, index: i });
    let res: CheckResult;
    const blocked = batch.get(i);
    if (blocked && 'blocked' in blocked) {
      // It waited beside the check after which the server was found gone, and was not seen answered before.
      batch.delete(i);
      res = notRun(check, opts.profile, 'blocked', '', blocked.blocked);
    } else if (!applies(check, opts.profile, env)) {
      res = notRun(check, opts.profile, 'skip', skipReason(check, opts.profile, env));
    } else {
      const kept = batch.get(i) as Exclude<BatchEntry, { blocked: BlockCause }> | undefined;
      batch.delete(i);
      const pre = kept && stillHolds(kept, s, opts.timeoutMs) ? kept : undefined;
      // A check that ran in a batch whose attempt is not taken runs again with records of its own.
      const ownTag = pre === undefined ? retag(tag, ranInBatch.get(i) ?? 0) : tag;
      // A check's time is its own attempts', not the batch's nor the wait for its turn.
      res = await runCheckUnit(check, opts, s, ownTag, memos, strict, pre?.pre, pre ? performance.now() - pre.tookMs : undefined);
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
    if (side === 'not-shown' && shows(check)) {
      side = res.verdict === 'pass' && s.stopped === null ? { mode: 'waits-side-by-side', ran: 0, batches: 0, peak: 0 } : { mode: 'serial', why: 'not-shown', check: check.id, verdict: res.verdict };
      s.servesOthers = side.mode === 'waits-side-by-side';
    }
    const weight = pointsFor(opts.profile, check.id);
    if (weight !== 1) res.weight = weight;
    result.checks.push(res);
    opts.onEvent?.({ type: 'check-end', result: res, index: i });
  }
  if (typeof side === 'object') result.sideBySide = side;
  else if (side === 'not-shown') result.sideBySide = { mode: 'serial', why: 'not-shown', check: ordered.find(shows)!.id };
  // A --target run of checks that could wait side by side, without the one that shows it may (--checks): say so.
  else if (side === 'not-owned' && !opts.serial && opts.checks.filter((c) => c.sideBySide === true).length >= 2) {
    const shower = allChecks.find(shows);
    if (shower) result.sideBySide = { mode: 'serial', why: 'not-shown', check: shower.id };
  }
  // Never asked: say why, when it is the server's doing (a catalogue without two such checks says nothing).
  else if (side === 'not-asked' && s.exitsAfterServing) result.sideBySide = { mode: 'serial', why: 'exits-after-serving' };
  else if (side === 'not-asked' && s.baselineFailed !== null && opts.checks.some((c) => c.sideBySide)) result.sideBySide = { mode: 'serial', why: 'baseline-failed' };
  if (!opts.scheduler) finish(result, s, opts.checks, opts.profile);
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

/**
 * The batch that starts at `i`: the indices of the next checks, in order, that may run side by side and
 * will run (`runs`), at most `width` of them; checks that will not run in between are passed
 * over, and the first that may not run side by side ends it.
 */
function batchFrom(ordered: readonly Check[], i: number, width: number, runs: (c: Check) => boolean): number[] {
  const members: number[] = [];
  for (let k = i; k < ordered.length && members.length < width; k++) {
    const c = ordered[k]!;
    if (c.sideBySide !== true) break;
    if (runs(c)) members.push(k);
  }
  return members;
}

/**
 * A batch's kept outcomes by index into the run's order, each with its own time and what its exchanges were
 * read with; or, for a check that waited beside the one after which the server went (parked.ts), why it is
 * not judged.
 */
type BatchEntry = { pre: Prerun<CheckAttempt>; tookMs: number; readWith: ReadWith } | { blocked: BlockCause };
type Batch = Map<number, BatchEntry>;

/** Does a kept outcome stand as if the check ran now (see keptStands)? */
function stillHolds(kept: { pre: Prerun<CheckAttempt>; readWith: ReadWith }, s: Scheduler, timeoutMs: number): boolean {
  const confirmed = kept.pre.confirm === undefined ? null : attemptExchanges(kept.pre.confirm);
  return keptStands(attemptExchanges(kept.pre.first), confirmed, kept.readWith, readWith(s, timeoutMs));
}

/**
 * Runs a batch's first attempts (and the confirmations they call for) side by side; returns them by index,
 * to go through the loop in order, or nothing when the batch was not kept (then side by side is off).
 */
async function runSideBySide(checks: Check[], indices: number[], opts: RunOptions, s: Scheduler, tags: string[], memos: Map<string, Promise<unknown>>, side: Extract<SideBySide, { mode: 'side-by-side' }>): Promise<Batch> {
  const took = checks.map(() => 0);
  const readWithThen = readWith(s, opts.timeoutMs);
  const end = await runBatch<CheckAttempt>(checks.length, {
    run: async (k, timeoutMs, confirming, waiting) => {
      const t = performance.now();
      const a = await attemptCheck(checks[k]!, opts, s, confirming ? new Map() : memos, attemptTag(tags[k]!, 0, confirming), timeoutMs, confirming, undefined, waiting);
      took[k]! += performance.now() - t;
      return a;
    },
    verdict: attemptVerdict,
    exchanges: attemptExchanges,
    settled: attemptSettled,
  }, { s, first: checks[0]!.id, control: opts.control!, target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, width: side.width, earlyConfirmations: true });
  const out: Batch = new Map();
  if ('dropped' in end) {
    side.fellBack = { after: checks[0]!.id, why: end.dropped };
    return out;
  }
  side.batches++;
  side.ran += end.kept.length;
  end.kept.forEach((pre, k) => out.set(indices[k]!, { pre, tookMs: took[k]!, readWith: readWithThen }));
  return out;
}

/**
 * Runs a batch against a server we do not own, its checks acting one at a time and waiting side by side
 * (parked.ts); returns the outcomes to go through the loop in order. The server gone after a check: that
 * check's outcome is kept for the loop to charge (it asks again, as after a check it ran), the checks
 * before it that waited beside it unanswered are blocked by that death, and the rest are blocked by the
 * loop when it gets there. The server not answering while requests waited, but answering once they had
 * ended: the checks not seen answered run again one at a time, and so does the rest of the run.
 */
async function runWaitsSideBySide(checks: Check[], indices: number[], opts: RunOptions, s: Scheduler, tags: string[], memos: Map<string, Promise<unknown>>, side: Extract<SideBySide, { mode: 'waits-side-by-side' }>): Promise<Batch> {
  const took = checks.map(() => 0);
  const readWithThen = readWith(s, opts.timeoutMs);
  const end = await runParked<CheckAttempt>(checks.length, {
    run: async (k, timeoutMs, confirming, turn) => {
      const t = performance.now();
      const a = await attemptCheck(checks[k]!, opts, s, confirming ? new Map() : memos, attemptTag(tags[k]!, 0, confirming), timeoutMs, confirming, turn);
      // Its own time: not the time it waited for its turn behind other checks.
      took[k]! += performance.now() - t - turn.queuedMs;
      return a;
    },
    verdict: attemptVerdict,
    exchanges: attemptExchanges,
    settled: attemptSettled,
  }, { s, target: opts.target, profile: opts.profile, timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
  const out: Batch = new Map();
  side.batches++;
  side.peak = Math.max(side.peak, end.peak);
  end.kept.forEach((pre, k) => {
    if (pre === undefined) return;
    out.set(indices[k]!, { pre: end.gone?.culprit === k ? { ...pre, unseenAfter: true } : pre, tookMs: took[k]!, readWith: readWithThen });
    if (end.gone?.culprit !== k) side.ran++;
  });
  if (end.gone) {
    const cause: BlockCause = { kind: 'server-down', after: checks[end.gone.culprit]!.id, down: end.gone.down };
    for (let k = 0; k < end.gone.culprit; k++) if (end.kept[k] === undefined) out.set(indices[k]!, { blocked: cause });
  }
  if (end.faltered !== undefined) side.fellBack = { after: checks[end.faltered]!.id, why: 'hung' };
  return out;
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
