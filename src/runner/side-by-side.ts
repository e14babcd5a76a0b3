/**
 * Checks side by side (issue 22). When the runner owns the server (grading, `fuzz --cmd`, the bundled
 * server) and the server answers a client while others have each sent half a request line and stall,
 * consecutive checks that declare `sideBySide` (Check.sideBySide: their own connections, no shared state,
 * no large request) run in a batch, as many at once as the server was seen to serve at once
 * (sideBySideWidth): each check's first attempt, then the confirmation of its verdict when that rests on a
 * deadline, the next check starting as soon as one ends (runBatch). Only when the server is still there
 * afterwards (its process runs, no connection was refused, its socket answers when a check met silence)
 * are the outcomes kept: each then goes through the one loop (unit-loop.ts) in catalogue order as if it
 * had just run, with the same pace, class of confirmed silences and charges. Otherwise nothing of the
 * batch is kept: a server that is gone or hangs is started again, with no charge, and the batch runs one
 * check at a time as it would without this, which finds and charges the death; side by side is then off
 * for the rest of the run. A server that does not serve several clients at once is never run side by
 * side. Returns data; never prints.
 */
import type { Exchange } from '../client/exchange.js';
import type { Profile } from '../model/profile.js';
import { Connection } from '../wire/connection.js';
import { latin1 } from '../wire/bytes.js';
import { sleep } from '../wire/deadline.js';
import type { Endpoint } from '../wire/types.js';
import { CONFIRMED_CLASS, confirmDeadline, outsideClass } from './deadlines.js';
import { probeAlive, probeOnce } from './liveness.js';
import { servedFully, SILENCE_FLOOR_MS, type Scheduler, type ServerControl } from './scheduler.js';
import type { Prerun } from './unit-loop.js';
import type { SideBySide } from './types.js';

/**
 * The clients asked to stall, in this order, while the server is asked to answer one more: 1 first (a
 * server that serves one client at a time is found at once), then the widest first.
 */
export const STALLED_TRIED = [1, 16, 7, 3] as const;

/**
 * A batch of checks holds up to this many times the server's width, run at most the width at once
 * (runBatch): the next check starts as soon as one ends, rather than each group of `width` waiting for its
 * slowest. A death or a hang found after a batch drops the whole batch (it runs again one check at a
 * time), so a batch stays a few widths long.
 */
export const BATCH_WIDTHS = 4;

/**
 * How many checks may run side by side: the most clients of STALLED_TRIED (after the first) that may each
 * have sent half a request line and stall while the server still answers one more client (robustness.
 * slow-client.does-not-block-others asks it with one). A server with a pool of 8 threads then gets
 * batches of 7, not 16 whose last ones would wait in its queue and look silent. 0: one check at a time
 * (it does not answer a client while one stalls, or not while 3 do).
 */
export async function sideBySideWidth(target: Endpoint, profile: Profile, timeoutMs: number): Promise<number> {
  const [first, ...widths] = STALLED_TRIED;
  if (!(await answersWhileStalled(target, profile, timeoutMs, first))) return 0;
  for (const width of widths) {
    if (await answersWhileStalled(target, profile, timeoutMs, width)) return width;
  }
  return 0;
}

/** Does the server answer the liveness probe while `stalled` other clients have sent half a request line? */
async function answersWhileStalled(target: Endpoint, profile: Profile, timeoutMs: number, stalled: number): Promise<boolean> {
  const open: Connection[] = [];
  try {
    for (let i = 0; i < stalled; i++) {
      const r = await Connection.open(target, { connectTimeoutMs: timeoutMs });
      if (!r.ok) return false;
      open.push(r.conn);
      await r.conn.send({ bytes: latin1('GET / HTTP/1.1\r\nHost: loc') });
    }
    await sleep(50);
    return (await probeOnce(target, profile, timeoutMs)) === 'answered';
  } finally {
    await Promise.all(open.map((c) => c.close()));
  }
}

/** How a batch's units run once, and what is read of an outcome (the unit loop's UnitRun, for a batch). */
export interface BatchRun<R> {
  /**
   * Runs unit `i` of the batch once, with the given deadline (`confirming`: the longer one). `waiting`,
   * when given, is called once a request of the attempt has waited earlyConfirmAfterMs for its answer
   * (runBatch then may start the unit's confirmation beside it).
   */
  run(i: number, timeoutMs: number, confirming: boolean, waiting?: () => void): Promise<R>;
  verdict(r: R): string;
  exchanges(r: R): readonly Exchange[];
  /** An outcome the loop takes as it is (the check itself threw): a batch with one is not kept. */
  settled(r: R): boolean;
  /** An outcome after which no more units start (a property's case ahead that did not hold cleanly); the batch is still kept. */
  stops?(r: R): boolean;
}

export interface BatchEnv {
  s: Scheduler;
  /** The unit the batch starts with (where a run stops whose server cannot be started again). */
  first: string;
  control: ServerControl;
  target: Endpoint;
  profile: Profile;
  timeoutMs: number;
  /**
   * Keep places for confirmations started early before the class (the catalogue's checks: see runBatch).
   * Not for property cases ahead, which are never confirmed in a batch.
   */
  earlyConfirmations?: boolean;
  /**
   * At most this many units in flight at once (default: all of them): the server's width
   * (sideBySideWidth). A batch longer than its width starts the next unit as soon as one ends (see
   * runBatch), so one slow unit does not hold back the ones after it.
   */
  width?: number;
  /**
   * Nothing of this batch is ever confirmed (a property's cases ahead: a case is only remembered as held):
   * units go on starting whatever the class of silences, each as soon as one ends.
   */
  unjudged?: true;
}

/** A batch's outcomes to go through the loop, or why none are kept. */
export type BatchEnd<R> = { kept: Prerun<R>[] } | { dropped: NonNullable<Extract<SideBySide, { mode: 'side-by-side' }>['fellBack']>['why'] };

/**
 * Runs up to `n` units side by side, at most `env.width` at once, each unit's first attempt followed by
 * the confirmation the loop would ask for now (a verdict that rests on a deadline), and keeps their
 * outcomes only when the server is still there after them all (see the file's header). A server found
 * gone or hung is started again before this returns, with no charge.
 *
 * Units start in order, the next as soon as one ends. No more start once the batch cannot be kept (a unit
 * threw, a connection was refused, the process exited), nor past the first `width` while the server's
 * silences are not yet a class and a verdict that rests on a deadline has to be confirmed, or the batch
 * has run longer than the quiet window's floor (SILENCE_FLOOR_MS: a unit still waiting may be such a
 * silence), unless the confirmations the class waits for are out. Until the class stands, a silence costs
 * the deadline and a confirmation: the first CONFIRMED_CLASS silences the class counts are confirmed side
 * by side, units go on starting while those confirmations are out (the batch waits for them anyway), and
 * a later such silence waits for them beside the batch: all found the same failure, the class stands
 * behind it as it will once the loop has counted them (Prerun.covered); one did not, it is confirmed on
 * its own, as one at a time. Before the class, CONFIRMED_CLASS of the width are kept for confirmations
 * started early: a request of a first attempt still unanswered earlyConfirmAfterMs after it was sent has
 * its unit's confirmation start at once, beside it, in one of those places (as against a `--target`,
 * parked.ts); one started for a request answered after all is waited for and set aside.
 * The outcomes kept are those of the units started, a prefix of the `n`: the rest run in a later batch.
 */
export async function runBatch<R>(n: number, u: BatchRun<R>, env: BatchEnv): Promise<BatchEnd<R>> {
  const { s, control } = env;
  const revivals = s.exitsAfterServing?.times ?? 0;
  const width = Math.max(1, Math.min(env.width ?? n, n));
  const kept: Prerun<R>[] = [];
  let next = 0;
  let stop = false;
  let mustConfirm = false;
  const startedAt = performance.now();
  // The batch's confirmations that count toward the class of silences (the first CONFIRMED_CLASS), each
  // resolving with whether it found the same failure; the later silences that wait for them.
  const votes: Promise<boolean>[] = [];
  let votesIn = 0;
  const covering: Promise<void>[] = [];
  // Woken when a unit ends or a confirmation of the class starts (see worker).
  const wakers: Array<() => void> = [];
  const wake = (): void => wakers.splice(0).forEach((w) => w());
  let inFlight = 0;
  // Before the class, the places kept for confirmations started early (a width of at least 5 keeps 3),
  // those taken, and every one started (each waited for before the batch ends).
  const reserved = env.earlyConfirmations === true && s.shouldConfirm() && width > CONFIRMED_CLASS + 1 ? CONFIRMED_CLASS : 0;
  const firstWidth = width - reserved;
  let earlyOut = 0;
  const earlies: Promise<unknown>[] = [];
  const confirm = async (i: number, p: Prerun<R>, early?: Promise<R>): Promise<void> => {
    mustConfirm = true;
    if (early) p.confirm = await early;
    else if (!stop && !control.exited()) p.confirm = await u.run(i, confirmDeadline(env.timeoutMs), true);
  };
  const one = async (i: number): Promise<void> => {
    let early: Promise<R> | undefined;
    const waiting = (): void => {
      if (early || stop || earlyOut >= reserved || !s.shouldConfirm() || control.exited()) return;
      earlyOut++;
      early = u.run(i, confirmDeadline(env.timeoutMs), true);
      earlies.push(early.catch(() => undefined).finally(() => earlyOut--));
    };
    const first = await u.run(i, env.timeoutMs, false, reserved > 0 ? waiting : undefined);
    const p: Prerun<R> = { first };
    kept[i] = p;
    if (u.settled(first) || u.exchanges(first).some((x) => x.kind === 'refused')) {
      stop = true;
      return;
    }
    if (u.stops?.(first) === true) stop = true;
    // A confirmation started early for a request answered after all: waited for with the batch, set aside.
    if (!s.needsConfirming(u.verdict(first), u.exchanges(first))) return;
    // A silence the class would count: the first CONFIRMED_CLASS are confirmed, a later one waits for them
    // beside the batch (its worker goes on) and is covered when they all found the same failure.
    const counted = s.shouldConfirm() && !outsideClass(u.exchanges(first));
    if (counted && votes.length >= CONFIRMED_CLASS && !early) {
      covering.push(
        Promise.all(votes.slice(0, CONFIRMED_CLASS)).then(async (v) => {
          if (v.every(Boolean)) p.covered = true;
          else await confirm(i, p);
        }),
      );
      return;
    }
    let vote: ((same: boolean) => void) | undefined;
    if (counted) {
      votes.push(new Promise<boolean>((resolve) => (vote = resolve)));
      void votes.at(-1)!.then(() => votesIn++);
      wake();
    }
    try {
      await confirm(i, p, early);
      vote?.(p.confirm !== undefined && u.verdict(p.confirm) === u.verdict(first));
    } finally {
      vote?.(false);
    }
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (stop || next >= n || control.exited()) return;
      if (env.unjudged !== true && next >= firstWidth && s.shouldConfirm() && (mustConfirm || performance.now() - startedAt > SILENCE_FLOOR_MS)) {
        // Before the class, past the first `width`: units go on starting while the class's confirmations
        // are out (the batch waits for them anyway, and the silences met meanwhile are covered by them);
        // while none has started yet, a unit still running may start one.
        const classAhead = votes.length > 0 && votesIn < votes.length;
        if (!classAhead) {
          if (votes.length > 0 || inFlight === 0) return;
          await new Promise<void>((w) => wakers.push(w));
          continue;
        }
      }
      inFlight++;
      try {
        await one(next++);
      } finally {
        inFlight--;
        wake();
      }
    }
  };
  await Promise.all(Array.from({ length: firstWidth }, worker));
  await Promise.all(covering);
  await Promise.allSettled(earlies);
  const outcomes = kept.flatMap((p) => (p.confirm === undefined ? [p.first] : [p.first, p.confirm]));
  const exchanges = outcomes.flatMap((r) => [...u.exchanges(r)]);
  let why: Extract<BatchEnd<R>, { dropped: unknown }>['dropped'] | null = null;
  if (outcomes.some((r) => u.settled(r))) why = 'error';
  else if ((s.exitsAfterServing?.times ?? 0) !== revivals) why = 'revived';
  else if (exchanges.some((x) => x.kind === 'refused')) why = 'refused';
  // A connection that ended without an answer may be the process dying: a moment to see it go (the same
  // watch as after a unit, one for the whole batch: the habit's short one once the server has lived on
  // after such units; each unit of the batch that ended one counts, as it would one at a time).
  const incomplete = kept.filter((p) => (p.confirm === undefined ? [p.first] : [p.first, p.confirm]).some((r) => u.exchanges(r).some((x) => !servedFully(x)))).length;
  const exited = (await s.exitAfter(incomplete)) !== null;
  if (exited) why = 'exited';
  else if (why === null && exchanges.some((x) => x.kind === 'timeout' && x.receivedBytes === 0)) {
    // Silence: is the server still answering anyone (not hung by one of the batch's requests)?
    const probe = await probeAlive(env.target, env.profile, env.timeoutMs);
    if (probe !== null) why = control.exited() ? 'exited' : 'hung';
  }
  if (why === null) return { kept };
  if (why === 'exited' || why === 'hung') await s.restartUncharged(env.first);
  return { dropped: why };
}

/** What a run's exchanges are read with (Scheduler.exchangeDefaults), at the deadline and at a confirmation's. */
export interface ReadWith {
  at: ReturnType<Scheduler['exchangeDefaults']>;
  confirming: ReturnType<Scheduler['exchangeDefaults']>;
}

export function readWith(s: Scheduler, timeoutMs: number): ReadWith {
  return { at: s.exchangeDefaults(timeoutMs), confirming: s.exchangeDefaults(confirmDeadline(timeoutMs)) };
}

/**
 * Does an outcome kept from a batch stand as if its check ran now? The scheduler learns as units go through
 * the loop (the idle end of a body framed by a close that does not come, the flood cap, the quiet window
 * once silences are a class, re-measured from the pace), and a check that runs later is read with what was
 * learned by then. The outcome (`first`, and `confirmed` when the batch confirmed it) was read with `then`;
 * the run reads with `now`. It stands when reading it now could not have ended otherwise:
 * - what it is read with is the same; or
 * - the idle end and the cap are the same (or its exchanges could not have ended otherwise with others:
 *   sameUnderAnyIdleAndCap), and for the quiet window:
 *   - a window as long or longer now: an exchange that ended by itself ends the same; one that ran out of
 *     time did so at the same window (a longer one might have seen more);
 *   - a shorter window now: an exchange that ran out of time, or got every answer it asked for, never
 *     paused that long before a byte came (read now, it ends with the same bytes, at the window or at the
 *     deadline, or as it did: the window does not cut the watch after the answers), and one that ended
 *     otherwise (a close, a reset before its answers) took less than that window in all.
 * Otherwise the check runs again, one at a time, as it would have without side by side.
 */
export function keptStands(first: readonly Exchange[], confirmed: readonly Exchange[] | null, then: ReadWith, now: ReadWith): boolean {
  if (JSON.stringify(then) === JSON.stringify(now)) return true;
  const sameIdleAndCap = then.at.closeIdleMs === now.at.closeIdleMs && then.at.capBytes === now.at.capBytes && then.confirming.closeIdleMs === now.confirming.closeIdleMs && then.confirming.capBytes === now.confirming.capBytes;
  if (!sameIdleAndCap && !sameUnderAnyIdleAndCap(first, confirmed)) return false;
  const windowThen = then.at.silenceMs ?? Infinity;
  const windowNow = now.at.silenceMs ?? Infinity;
  if (windowNow >= windowThen) return first.every((x) => x.kind !== 'timeout' || windowNow === windowThen);
  // The quiet window cuts only a wait for an answer (ExchangeOptions.silenceMs): an exchange that got every
  // answer it asked for is read the same when no byte of it came after a pause that long (what followed its
  // answers, a watch for a close or for more, is not cut by it).
  return first.every((x) => (x.kind === 'timeout' || x.kind === 'response' ? longestPauseMs(x) : x.elapsedMs) < windowNow - 1);
}

/**
 * Would these exchanges have ended the same with any idle end of a close-framed body and any cap (see
 * keptStands)? Those that ended by themselves, with no confirmation behind them: yes, as they came. A
 * silence in which not one byte came (a timeout with nothing received) never reached a body to end or
 * bytes to cap: yes, also confirmed, as long as every exchange of the first attempt and of its
 * confirmation either is such a silence or ended by itself, not at an idle end nor a cap. Anything else (a timeout
 * after part of an answer, a body ended by an idle end that was confirmed) may have ended otherwise.
 */
function sameUnderAnyIdleAndCap(first: readonly Exchange[], confirmed: readonly Exchange[] | null): boolean {
  const silent = (x: Exchange): boolean => x.kind === 'timeout' && x.receivedBytes === 0;
  if (confirmed === null) return first.every((x) => x.kind !== 'timeout' || silent(x));
  return first.some(silent) && [...first, ...confirmed].every((x) => silent(x) || (x.kind !== 'timeout' && x.kind !== 'overflow' && x.idleEndMs === undefined));
}

/** The longest wait for bytes inside an exchange: from a byte sent or received to the next byte received. */
function longestPauseMs(x: Exchange): number {
  let longest = 0;
  let prev: number | null = null;
  for (const e of x.transcript) {
    if (e.dir === 'received' && prev !== null) longest = Math.max(longest, e.atMs - prev);
    prev = e.atMs;
  }
  return longest;
}
