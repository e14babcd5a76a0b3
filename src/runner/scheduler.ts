/**
 * What every unit of a run (a check, a property, a regression-corpus entry) goes through, in one place:
 * whether it may run at all (baseline gating, a server that is gone, a restart budget spent, the wall
 * limit), and afterwards whether the server is still there, whom a death is charged to, and whether the
 * server is started again. Every unit goes through the one loop of unit-loop.ts, which asks all of this
 * here; the policy is here. Returns data; never prints.
 */
import { setImmediate } from 'node:timers/promises';
import { retain, type Exchange, type Witness, type WitnessAnswer, type Witnessing } from '../client/exchange.js';
import { firstByteMs } from '../client/answer-time.js';
import type { Family, FollowRule } from '../checks/types.js';
import type { Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import type { BlockCause, DownCause, LaunchFailure, ResultCause } from './causes.js';
import { probeAlive, probeOnce, PROBE_PEER_CLOSE_MS } from './liveness.js';
import { sleep } from '../wire/deadline.js';
import { closes } from '../checks/verify.js';
import { CONFIRMED_CLASS, confirmDeadline, confirmsOnDeadline, confirmsOutsideClass, restsOnDeadline, restsOnShortIdle, SHORT_IDLE_END_MS, unwitnessedSilence, WITNESS_PROBE_MS } from './deadlines.js';

/**
 * What the runner may know of, and do to, the server process. `grade` owns the process; `fuzz` has
 * none of this and knows the server only through its socket.
 */
export interface ServerControl {
  /** The process's exit, once it has exited (no network). */
  exited(): { code: number | null; signal: string | null; said?: string } | null;
  /**
   * false: the server runs inside this process (the bundled reference server under `fuzz`), so it never
   * exits apart from us, and no moment is spent watching for an exit (exitWithin).
   */
  canExit?: false;
  /** Does the server's process group still listen on its port (the kernel's table; never connects)? */
  listening?(): Promise<boolean>;
  /** Kill the whole group and start it again; resolves once it listens, or with why it does not. */
  restart(): Promise<{ ok: true } | { ok: false; failure: LaunchFailure }>;
  /** Every death the runner saw, whom it was charged to, and whether the server was started again. */
  onDeath?(d: DeathRecord): void;
  /** A death recorded before was charged to someone else after all (see Scheduler.unconfirmed). */
  onRecharge?(d: DeathRecord): void;
}

export interface DeathRecord {
  /** The unit after which the server was found gone. */
  after: string;
  /** The check charged with it: `after` itself, or KEEPS_SERVING_ID when the server went away after answering correctly. */
  chargedTo: string;
  down: DownCause;
  restarted: boolean;
}

/** The check that answers for a server that goes away after serving a client correctly. */
export const KEEPS_SERVING_ID = 'robustness.server.keeps-serving';

/** A unit, as the scheduler sees it. */
export interface Unit {
  id: string;
  family: Family;
  /** Runs even when the baseline failed (needs only a listening socket). */
  independent?: boolean;
  /** A crash right after its connection ended is its own (see Check.survival). */
  survival?: true;
  /** Sends many requests at once: a failure that rests on a deadline is always confirmed (see Check.atOnce). */
  atOnce?: true;
  /** The failures its failure follows from (Check.follows): a standing silence of either side of a `same-case` rule covers the other's (Scheduler.coveredBySameCase). */
  follows?: readonly FollowRule[];
}

/**
 * Did the server answer everything this exchange asked for, by its own terms: every response, or the
 * first ones with "Connection: close" (or as HTTP/1.0) and then a close (RFC 9112 §9.6)? One that did not
 * is followed by a watch of our process for an exit (Scheduler.exitAfter). An answer that announced its
 * close, and left a request pipelined after it unanswered as it said it would (the smuggling checks'
 * embedded request), was served: a death after it is found as after any answered exchange. Until session
 * 24 the watch followed every exchange that was not a plain `response`: 60 ms after each such check, one
 * at a time, 6 s of a grade of a server that serves one client at a time.
 */
export function servedFully(x: Exchange): boolean {
  return x.kind === 'response' || (x.kind === 'closed-without-response' && x.finals.length > 0 && x.partial === null && closes(x));
}

/** The roots `unit` declares itself the same case as (Check.follows, `same-case`), itself left out. */
function sameCaseRoots(unit: Unit): string[] {
  return (unit.follows ?? []).filter((r) => r.when === 'same-case' && r.root !== unit.id).map((r) => r.root);
}

/** A death that is a crash (a non-zero exit, a signal), not a clean exit. */
function crashed(down: DownCause): boolean {
  return down.kind === 'exited' && (down.signal !== null || (down.code !== null && down.code !== 0));
}

export interface RestartPolicy {
  /** Restarts after deaths charged to checks of one family; past it, that family's checks are blocked. */
  perFamily: number;
  /** Restarts after deaths charged to checks, all families together; past it, the run stops. */
  total: number;
  /** Restarts of a server that hangs (killed and started again). */
  hangs: number;
  /**
   * The time the run may spend starting again a server that exits after serving each client correctly
   * (one root cause, charged once to KEEPS_SERVING_ID): a time budget, not a count, so every other
   * check is still judged on a fresh process (a start costs about 100 ms); the wall limit bounds it too.
   */
  afterServingMs: number;
}

export const DEFAULT_RESTARTS: RestartPolicy = { perFamily: 20, total: 60, hangs: 2, afterServingMs: 240_000 };

export interface SchedulerOptions {
  target: Endpoint;
  profile: Profile;
  timeoutMs: number;
  control?: ServerControl;
  /** Aborted with a BlockCause as its reason (the wall limit, a signal). */
  signal?: AbortSignal;
  restarts?: RestartPolicy;
}

/** What `after` found: nothing (the server is there), or a death charged to the unit or to KEEPS_SERVING_ID. */
export type AfterUnit =
  | null
  | { chargedTo: 'unit'; down: DownCause; restarted: boolean; culprit: Exchange | null; record: DeathRecord }
  /** `judged`: the check saw every answer it asked for (its verdict stands); else it could not judge (blocked). */
  /** The server never answered anyone and answers nothing now: nothing to charge. */
  | { chargedTo: 'none'; down: DownCause; restarted: boolean }
  /** `preceded`: the server was gone before the unit reached it (run the unit again once it is back). */
  | { chargedTo: 'keeps-serving'; down: DownCause; restarted: boolean; judged: boolean; preceded: boolean };

/** How long a process whose connection just ended without an answer is watched for its exit. */
export const EXIT_GRACE_MS = 250;
/**
 * How long a process that refused a unit's connection is watched for its exit (Scheduler.reviveAfterServing):
 * a server that serves one client and then ends has closed its listener already, but an interpreter's way
 * out can take longer than EXIT_GRACE_MS on a loaded machine (a refusal then left five checks of one such
 * grade unjudged, in one CI run out of three). The wait ends at the exit; a process that refuses and
 * stays is watched this long once, and EXIT_GRACE_MS after that.
 */
export const LEAVING_EXIT_WAIT_MS = 2000;
/**
 * The watch once the server has shown, three times in a row, that it ends connections without a complete
 * answer and lives on (a habit, such as a head with no blank line): a process that crashes is seen
 * exiting within milliseconds of its socket closing, and 300 checks at 250 ms each would cost a minute
 * and more of nothing. A death noticed only later (the process found gone before the next unit) turns
 * the full watch back on for good.
 */
const HABIT_GRACE_MS = 60;
const HABIT_AFTER = 3;

/** How often exitWithin looks at the process. */
const EXIT_POLL_MS = 10;

/**
 * The process's exit, when it exits within `ms`, else null. It looks every EXIT_POLL_MS, each time after
 * the events that arrived meanwhile were handled (setImmediate runs after the loop's I/O phase), and for
 * `ms` and at least `ms / EXIT_POLL_MS` looks: a loop held up by other work (a report rendered, other
 * grades of a class) wakes with its timer before it reads the exit that came in the meantime, and a death
 * missed that way lands on the next check.
 */
export async function exitWithin(c: ServerControl, ms: number): Promise<{ code: number | null; signal: string | null } | null> {
  if (c.canExit === false) return null;
  const end = performance.now() + ms;
  const looks = Math.ceil(ms / EXIT_POLL_MS);
  for (let n = 0; ; n++) {
    const e = c.exited();
    if (e || (n >= looks && performance.now() >= end)) return e;
    await sleep(EXIT_POLL_MS);
    await setImmediate();
  }
}

/**
 * The wait for the close of a server seen ignoring `Connection: close` (Scheduler.peerCloseMs): the whole
 * ANNOUNCED_CLOSE_WAIT_MS cost a never-closing server a second per request that asked it to close.
 */
export const IGNORED_CLOSE_WAIT_MS = 100;

/**
 * How long a close-delimited body may go quiet before it is taken as ended, once the server was seen
 * leaving such a body open past the deadline (Scheduler.closeIdleMs).
 */
export const CLOSE_IDLE_MS = 300;

/** An exchange that ended (`kind`) in a body framed by the connection's close, its head whole. */
function inCloseFramedBody(e: Exchange, kind: 'timeout' | 'overflow'): boolean {
  return e.kind === kind && e.partial?.framing === 'close' && e.partial.headEnd > e.partial.start;
}

/** What an exchange reads once the server was seen flooding a close-delimited body (see Scheduler.floodCapBytes). */
export const FLOOD_CAP_BYTES = 256 * 1024;

/** The silence window is this many times the slowest recent answer … */
export const SILENCE_FACTOR = 20;
/** … and at least this long (a scheduling hiccup of a loaded machine is far shorter). */
export const SILENCE_FLOOR_MS = 500;
/**
 * A watch for what a correct server never sends (an answer more, an unannounced close: see
 * ExchangeOptions.watchMs) lasts SILENCE_FACTOR times the slowest recent answer, and at least this long.
 * Cutting such a watch short can only miss a fault, never fail a correct server; the pace it comes from
 * already widens on a loaded machine.
 */
export const WATCH_FLOOR_MS = 20;
/** How many recent answers the pace is measured over, and how many it needs at least. */
const PACE_SAMPLES = 20;
const PACE_MIN_SAMPLES = 5;

/**
 * Waits for a server's close, in a row, through which it kept the connection open (`true`), reset by one
 * it closed (`false`); nothing learned from an exchange without such a wait (undefined). After
 * CONFIRMED_CLASS in a row, such waits last IGNORED_CLOSE_WAIT_MS (Scheduler.peerCloseMs, decidedSettleMs).
 */
class KeptOpenStreak {
  private n = 0;

  saw(keptOpen: boolean | undefined): void {
    if (keptOpen === true) this.n++;
    else if (keptOpen === false) this.n = 0;
  }

  waitMs(): number | undefined {
    return this.n >= CONFIRMED_CLASS ? IGNORED_CLOSE_WAIT_MS : undefined;
  }
}

export class Scheduler {
  baselineFailed: string | null = null;
  /**
   * The baseline got no HTTP status line at all (nothing, garbage, a reset): then not even the checks
   * that need only a listening socket can judge anything (each would fail for that same reason), and
   * they are blocked too.
   */
  baselineUnanswered = false;
  /** The server went away and was not started again: everything after is blocked. */
  stopped: { afterCheck: string; cause: BlockCause } | null = null;
  /** Exits after serving a client correctly: the root cause charged once to KEEPS_SERVING_ID. */
  exitsAfterServing: { times: number; firstAfter: string; down: DownCause } | null = null;
  /**
   * Once a response framed by the connection's close was seen on a connection the server kept open
   * (judged with the full deadline), later exchanges read such bodies with this short idle deadline.
   */
  closeIdleMs: number | undefined;
  private readonly policy: RestartPolicy;
  private readonly familyRestarts = new Map<Family, number>();
  private readonly spent = new Set<Family>();
  private restarts = 0;
  private hangRestarts = 0;
  private servingRestarts = 0;
  private servingRestartMs = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.policy = o.restarts ?? DEFAULT_RESTARTS;
  }

  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  /**
   * Why `unit` may not run now, or null. `confirming`: the unit runs again to confirm a death it was
   * charged with, which its family's restart budget does not stop (that death may have spent it).
   */
  blockCause(unit: Unit, confirming = false): BlockCause | null {
    if (this.stopped) return this.stopped.cause;
    if (this.o.signal?.aborted) return (this.o.signal.reason as BlockCause | undefined) ?? { kind: 'interrupted', signal: 'abort' };
    if (this.spent.has(unit.family) && !confirming) return { kind: 'restart-budget', family: unit.family, limit: this.policy.perFamily };
    if (this.baselineFailed !== null && (!unit.independent || this.baselineUnanswered)) return { kind: 'baseline-failed', baseline: this.baselineFailed };
    return null;
  }

  /**
   * Before a unit, when we own the process: has it exited since the last unit (after answering it)? Then
   * that is the root cause of a server that leaves after serving, and it is started again first, so the
   * unit meets a running server.
   */
  async before(unit: Unit): Promise<void> {
    const c = this.o.control;
    // A run that has stopped (its wall time, an interrupt) runs no more units: no moment to wait for each.
    if (!c || this.stopped || this.o.signal?.aborted) return;
    // A server that has made a habit of exiting after a client may still be on its way out: a moment.
    const e = (this.exitsAfterServing?.times ?? 0) >= HABIT_AFTER ? await exitWithin(c, EXIT_GRACE_MS) : c.exited();
    if (!e || this.stopped) return;
    if (this.survivedInARow >= HABIT_AFTER) this.graceMissed = true;
    const down: DownCause = { kind: 'exited', ...e };
    this.exitsAfterServing ??= { times: 0, firstAfter: this.lastUnit ?? unit.id, down };
    this.exitsAfterServing.times++;
    const restarted = await this.restartAfter({ id: this.lastUnit ?? unit.id, family: unit.family }, down, true);
    c.onDeath?.({ after: this.lastUnit ?? unit.id, chargedTo: KEEPS_SERVING_ID, down, restarted });
  }

  /**
   * Inside a unit: the process exited cleanly (code 0) after serving every exchange so far, and the
   * unit's next connection was refused: a server that exits after each client. It is started again
   * (one root cause, charged once to KEEPS_SERVING_ID, within its time budget) so the unit goes on and
   * is judged on a fresh process. A crash is never revived here: after() charges it.
   */
  reviveAfterServing(unitId: string): Promise<boolean> {
    // Connections of one unit made at once (20 clients) are refused together: one restart serves them all.
    this.reviving ??= this.revive(unitId).finally(() => {
      this.reviving = null;
    });
    return this.reviving;
  }

  private reviving: Promise<boolean> | null = null;
  /** A process refused a connection and did not exit within LEAVING_EXIT_WAIT_MS: later refusals get EXIT_GRACE_MS. */
  private refusedWhileAlive = false;

  private async revive(unitId: string): Promise<boolean> {
    const c = this.o.control;
    if (!c || this.stopped) return false;
    // A refused connection can come while the process is still on its way out: give it time.
    const e = await exitWithin(c, this.refusedWhileAlive ? EXIT_GRACE_MS : LEAVING_EXIT_WAIT_MS);
    if (!e) {
      this.refusedWhileAlive = true;
      return false;
    }
    const down: DownCause = { kind: 'exited', ...e };
    if (crashed(down)) return false;
    this.exitsAfterServing ??= { times: 0, firstAfter: unitId, down };
    this.exitsAfterServing.times++;
    const restarted = await this.restartAfter({ id: unitId, family: 'robustness' }, down, true);
    c.onDeath?.({ after: unitId, chargedTo: KEEPS_SERVING_ID, down, restarted });
    return restarted;
  }

  /** Connections ended without a complete answer, in a row, after which the process lived on. */
  private survivedInARow = 0;
  /** A death was noticed only after the short watch: the full watch from then on. */
  private graceMissed = false;

  private exitGraceMs(): number {
    return this.survivedInARow >= HABIT_AFTER && !this.graceMissed ? HABIT_GRACE_MS : EXIT_GRACE_MS;
  }

  /**
   * The process's exit after units (one, or a side-by-side batch's together), `incomplete` of which
   * ended a connection without a complete answer: then it is watched for the grace (the habit's once it
   * has lived on after HABIT_AFTER such units in a row), and each of them counts toward the habit when it
   * lives on, as it would one at a time; with none, it is looked at once. Null without a process of ours.
   */
  async exitAfter(incomplete: number): Promise<{ code: number | null; signal: string | null } | null> {
    const c = this.o.control;
    if (!c) return null;
    const e = incomplete > 0 ? await exitWithin(c, this.exitGraceMs()) : c.exited();
    if (e) this.survivedInARow = 0;
    else this.survivedInARow += incomplete;
    return e;
  }

  /** Some exchange so far got bytes back: the server has answered someone. */
  private everAnswered = false;

  /** The unit that ran last (the one a death found before the next is charged after). */
  lastUnit: string | null = null;

  /**
   * Confirmations of verdicts that rest on a deadline. A server that really hangs on some requests makes
   * every such check cost its confirmation too; once three confirmations in a row found the same
   * failure (and none ever found a passing check), the timeouts are the server's, not the machine's, and
   * further ones are taken as they are. One confirmation that flips a verdict turns them on for good.
   */
  private confirmedInARow = 0;
  private flipped = false;

  shouldConfirm(): boolean {
    return this.flipped || this.confirmedInARow < CONFIRMED_CLASS;
  }

  /**
   * A unit's first run may be read provisionally (unit-loop.ts, UnitRun.cutByWindow): with the
   * quiet window before the server's silences are a class, as a shrink's candidate is (silenceMs
   * `provisional`). Before the class, a failure on a silence is confirmed with the long deadline anyway,
   * and it is that confirmation that decides: the first run's whole deadline (2 s) only delayed it. An
   * outcome the window cut that no confirmation would follow is read again with the whole deadline. Only
   * with a pace, before the class, and never once a confirmation flipped a verdict.
   */
  readsFirstProvisionally(): boolean {
    return this.silenceMs(this.o.timeoutMs) === undefined && this.silenceMs(this.o.timeoutMs, true) !== undefined;
  }

  /**
   * The units whose failure rests on a silence and stands (unit-loop.ts: its confirmation found the same,
   * or the run's rules took it as it is), by id: roots a follower's silence is covered by (coveredBySameCase).
   */
  private readonly silentUnits = new Set<string>();
  /** The roots (by id) of a `same-case` rule whose follower's failure on a silence stands: covered the other way. */
  private readonly silentFollowed = new Set<string>();

  /**
   * Records a unit's last outcome: a failure that rests on a deadline, or on an answer that came only once
   * the check released the client holding the server (Exchange.releasedAtMs: a silence shown to be the
   * server's), is a silence that stands (silentUnits, silentFollowed).
   */
  stood(unit: Unit, verdict: string, exchanges: readonly Exchange[]): void {
    if (!restsOnDeadline(verdict, exchanges) && !(verdict === 'fail' && exchanges.some((x) => x.releasedAtMs !== undefined))) return;
    this.silentUnits.add(unit.id);
    for (const r of sameCaseRoots(unit)) this.silentFollowed.add(r);
  }

  /**
   * One bug, one confirmation: whether `unit` and a unit whose failure on a silence stands in this run are
   * the same case (Check.follows, `same-case`, declared by either: a root, or a follower of `unit`), while
   * no confirmation has flipped a verdict. Its own failure on a silence is then that same bug, deducted at
   * the root, and the other's confirmation (the long deadline) stands behind its silence as the class of
   * silences does: it is taken without a confirmation of its own (unit-loop.ts), as its first reading found
   * it (with the whole deadline, or the quiet window where a first run is read provisionally). Either way
   * round, since a `same-case` rule says the two send the same case, and the order the checks run in is
   * the runner's (a --target runs the slow-client check right after the baseline, before its root). The
   * zoo's single-thread-blocking: once an idle client (or a half-sent request) is confirmed to block it,
   * the other and the idle-connections property are not each waited on 5 s more.
   */
  coveredBySameCase(unit: Unit): boolean {
    if (this.flipped) return false;
    return this.silentFollowed.has(unit.id) || sameCaseRoots(unit).some((r) => this.silentUnits.has(r));
  }

  /** No confirmation has flipped a verdict: a class of silences may still stand (Prerun.covered). */
  classHolds(): boolean {
    return !this.flipped;
  }

  /**
   * Whether a unit's outcome must be confirmed before it counts (with the deadline confirmationDeadline
   * gives): any verdict that rests on a deadline while the server's silences are not yet a class
   * (confirmsOnDeadline), and after that only a failure on a large request (confirmsOutsideClass), of a
   * unit that sends many requests at once (`atOnce`: Check.atOnce), or on a silence its witness could not
   * stand behind (unwitnessedSilence); and, class or not, a failure that rests on the short idle end of a
   * body (restsOnShortIdle).
   */
  needsConfirming(verdict: string, exchanges: readonly Exchange[], atOnce = false): boolean {
    return restsOnShortIdle(verdict, exchanges) || this.needsLongDeadline(verdict, exchanges, atOnce);
  }

  /** The deadline's part of needsConfirming: the outcome may be the machine's slowness, not the server's silence. */
  private needsLongDeadline(verdict: string, exchanges: readonly Exchange[], atOnce: boolean): boolean {
    if (this.shouldConfirm()) return confirmsOnDeadline(verdict, exchanges);
    return confirmsOutsideClass(verdict, exchanges) || (atOnce && restsOnDeadline(verdict, exchanges)) || unwitnessedSilence(verdict, exchanges);
  }

  /**
   * The deadline a confirmation of this outcome (needsConfirming) runs with: the long one (confirmDeadline)
   * when a deadline is in question; the run's own when only the short idle end of a body is (a failure that
   * rests on it, while the class of silences stands behind its silences or it met none): the confirmation
   * then reads bodies with the full idle end (ContextOptions.confirming) and its silences as the run does,
   * and no-content-length's keep-alive property is not waited on 5 s for a silence the class already stands
   * behind. A confirmation so run that rests on a deadline itself is confirmed with the long one
   * (unit-loop.ts).
   */
  confirmationDeadline(verdict: string, exchanges: readonly Exchange[], atOnce = false): number {
    return this.needsLongDeadline(verdict, exchanges, atOnce) ? confirmDeadline(this.o.timeoutMs) : this.o.timeoutMs;
  }

  /** A confirmation of a failure that rested on the short idle end gave another verdict: its bodies do not come in one go. */
  private shortIdleOff = false;

  /**
   * Records a confirmation of a failure that rested on the short idle end (restsOnShortIdle): one that
   * gave another verdict (the body went on after SHORT_IDLE_END_MS) turns the short idle end off for good.
   */
  idleEndConfirmed(same: boolean): void {
    if (!same) this.shortIdleOff = true;
  }

  /**
   * The idle end of a body framed by a close that does not come, for an exchange of a unit run with
   * deadline `unitTimeoutMs`, or undefined before such a body was seen (closeIdleMs): in a unit run at
   * the run's deadline SHORT_IDLE_END_MS (whatever the exchange's own deadline: a failure on such a body is
   * confirmed, restsOnShortIdle), in a confirmation (`confirming`, or the long deadline) the full
   * closeIdleMs; the full one everywhere once a confirmation found the short one cut a body.
   */
  closeIdleFor(unitTimeoutMs: number, confirming = false): number | undefined {
    if (this.closeIdleMs === undefined) return undefined;
    return unitTimeoutMs === this.o.timeoutMs && !confirming && !this.shortIdleOff ? Math.min(SHORT_IDLE_END_MS, this.closeIdleMs) : this.closeIdleMs;
  }

  /**
   * The server was seen serving another client while one waited (run-checks.ts: side by side, or its
   * waits side by side): a request of ours it leaves unanswered does not keep it from answering another,
   * so its silences can be witnessed (witness).
   */
  servesOthers = false;

  /**
   * The witness to a silence for an exchange with deadline `timeoutMs` (ExchangeOptions.witness), or
   * undefined; only for a server that serves others meanwhile (servesOthers: one that serves one client at
   * a time cannot answer the witness while ours is open). The witness is the liveness probe's request,
   * answered within WITNESS_PROBE_MS.
   * - Once the server's silences are a class (taken without the long deadline's confirmation), at the
   *   run's deadline: asked when the exchange runs out of time, it says whether the silence is taken as it
   *   is (unwitnessedSilence).
   * - In a confirmation (`confirmation`: ContextOptions.witnessEarly), at the long deadline, while no
   *   confirmation has flipped a verdict: asked once nothing came for the run's own deadline (`afterMs`),
   *   and if it stands behind the silence the exchange ends there. The first run met the silence, the
   *   confirmation waited the run's whole deadline on it, and the server answered a request sent after
   *   ours went quiet: what the long deadline is there to rule out, a machine too loaded to let the
   *   server answer, is ruled out as the class of silences rules it out (session 23: head-100's first
   *   three silences, 5 s confirmations each).
   */
  witnessing(timeoutMs: number, confirmation = false): Witnessing | undefined {
    if (!this.servesOthers) return undefined;
    const witness: Witness = (quietSince) => this.witnessSince(quietSince);
    if (timeoutMs === this.o.timeoutMs && !this.shouldConfirm()) return { witness };
    if (confirmation && timeoutMs === confirmDeadline(this.o.timeoutMs) && !this.flipped) return { witness, afterMs: this.o.timeoutMs };
    return undefined;
  }

  /** The last witness asked (see witnessSince). */
  private lastWitness: { sentAt: number; answer: Promise<WitnessAnswer | null> } | null = null;

  /**
   * A witness's request sent at or after `quietSince`: the last one asked, if it was (one probe serves
   * every silence that began before it: a batch's silences end at about the same time), else a new one.
   */
  private witnessSince(quietSince: number): Promise<WitnessAnswer | null> {
    const last = this.lastWitness;
    if (last && last.sentAt >= quietSince) return last.answer;
    const sentAt = performance.now();
    const answer = probeOnce(this.o.target, this.o.profile, WITNESS_PROBE_MS, this.probeCloseMs()).then(
      (o) => (o === 'answered' ? { sentAt, answeredAt: performance.now() } : null),
      () => null,
    );
    this.lastWitness = { sentAt, answer };
    return answer;
  }

  /**
   * The server's pace: how long it took to send the first byte of an answer after the last byte of a
   * request, over its last PACE_SAMPLES answers (re-measured as the run goes, so a machine that becomes
   * loaded widens the window by itself).
   */
  private readonly answerTimes: number[] = [];

  /** Records the answer times of a unit's exchanges (see firstByteMs). */
  private measure(exchanges: readonly Exchange[]): void {
    for (const x of exchanges) {
      const ms = firstByteMs(x);
      if (ms === null) continue;
      this.answerTimes.push(ms);
      if (this.answerTimes.length > PACE_SAMPLES) this.answerTimes.shift();
    }
  }

  /**
   * The silence window for this run's exchanges now, or undefined for the whole deadline. Only once the
   * server's silences are a confirmed class (CONFIRMED_CLASS confirmations in a row found the same
   * failure with the long deadline, none ever flipped): then a request it leaves unanswered is waited on
   * for SILENCE_FACTOR times the slowest of its recent answers (at least SILENCE_FLOOR_MS, at most the
   * deadline), not the whole deadline. `timeoutMs`: the deadline of the exchange (a confirmation's long
   * deadline never gets a window). `provisional`: the exchange is a shrink's candidate's
   * (ContextOptions.provisional), which gets the window before the class too: a candidate cut short only
   * steers the shrink, and the counterexample it ends with is judged again before it counts (with the long
   * deadline when it rests on one: needsConfirming, confirmCounterexample). Never once a confirmation
   * flipped a verdict (the server's timing is not what its pace says).
   */
  silenceMs(timeoutMs: number, provisional = false): number | undefined {
    if (timeoutMs !== this.o.timeoutMs || this.flipped) return undefined;
    if (this.shouldConfirm() && !provisional) return undefined;
    return this.fromPace(SILENCE_FLOOR_MS);
  }

  /** SILENCE_FACTOR times the pace (paceMs), at least `floorMs`; undefined without a pace or when not under the deadline. */
  private fromPace(floorMs: number): number | undefined {
    const pace = this.paceMs();
    if (pace === undefined) return undefined;
    const w = Math.max(floorMs, SILENCE_FACTOR * pace);
    return w < this.o.timeoutMs ? Math.ceil(w) : undefined;
  }

  /**
   * How long a watch for what a correct server never sends lasts now (ExchangeOptions.watchMs: an answer
   * more after the ones asked for, a close it did not announce, an answer to bytes that are not a
   * request), or undefined for the check's whole window: SILENCE_FACTOR times the slowest of the server's
   * recent answers, at least WATCH_FLOOR_MS. A server sends what it wrongly sends at the pace it answers.
   * Unlike the quiet window, it needs no class of confirmed silences (a watch cut short can miss a fault,
   * but never fails a correct server), only the pace; a confirmation that flipped a verdict (the server's
   * timing is not what its pace says) turns it off for good.
   */
  watchMs(): number | undefined {
    return this.flipped ? undefined : this.fromPace(WATCH_FLOOR_MS);
  }

  /** The slowest of the server's recent answer times, once at least PACE_MIN_SAMPLES are measured (CheckContext.paceMs). */
  paceMs(): number | undefined {
    return this.answerTimes.length < PACE_MIN_SAMPLES ? undefined : Math.max(...this.answerTimes);
  }

  /** Records a confirmation's outcome: did the longer deadline give the same failure? */
  confirmed(same: boolean): void {
    if (same) this.confirmedInARow++;
    else {
      this.flipped = true;
      this.confirmedInARow = 0;
    }
  }

  /**
   * Once a response framed by the connection's close overflowed the full cap (DEFAULT_CAP_BYTES: a body
   * that never ends, flooded), later exchanges read at most FLOOD_CAP_BYTES: the outcome is the same
   * overflow, and a check that opens twenty connections at once does not hold twenty full caps.
   */
  floodCapBytes: number | undefined;

  /** Fresh connections in a row whose server kept them open through the wait for its announced close. */
  private readonly closesIgnored = new KeptOpenStreak();
  /**
   * The same, counted only over exchanges the server served (every final answer under 400), as it serves
   * the liveness probe (probeCloseMs): a server that closes after its error answers but ignores
   * `Connection: close` after the others (the zoo's never-closes) does not close the probe's connection
   * either, and an error answer's close says nothing about the probe's.
   */
  private readonly servedClosesIgnored = new KeptOpenStreak();

  /**
   * How long a fresh connection's close waits for the server to close first (ExchangeOptions.peerCloseMs),
   * or undefined for the whole ANNOUNCED_CLOSE_WAIT_MS. The wait is there so that a server that closes
   * as asked closes first (its side then ends with our reset, not in TIME_WAIT). A server that kept
   * CONFIRMED_CLASS connections in a row open through the whole wait ignores `Connection: close`: its
   * connections are closed after IGNORED_CLOSE_WAIT_MS, and one that closes within that turns the whole
   * wait back on. Once the server's pace is known, no longer than a watch for what a correct server never
   * sends (watchMs), as decidedSettleMs: a server that closes as asked does so at once, and one that closes
   * later gets our FIN first and closes in reply. A server we do not own, seen ignoring it, is not waited
   * on at all, as its liveness probes are not (probeCloseMs): it is never started again on its port, and
   * a server that will not close is not one whose FIN crosses ours (never-closes' checks waited 26 s in
   * all for closes that did not come, one after another in their turns). Only the time of our close
   * changes, never what was read.
   */
  peerCloseMs(): number | undefined {
    const streak = this.closesIgnored.waitMs();
    if (streak !== undefined && !this.o.control) return 0;
    const watch = this.watchMs();
    return streak === undefined || watch === undefined ? streak : Math.min(streak, watch);
  }

  /** Settles after an answer that already decided its check's verdict, in a row, through which the server kept the connection open. */
  private readonly openAfterDecided = new KeptOpenStreak();

  /**
   * The watch for a close after an answer that already decided its check's verdict (a 201 where a 400
   * and a close were owed: ExchangeOptions.decidedSettleMs), or undefined for the whole watch. The watch
   * decides nothing there; it lets a server that closes after such an answer close first (its side then
   * does not wait in TIME_WAIT). A server that kept the connection open through CONFIRMED_CLASS such
   * watches in a row does not: later ones last IGNORED_CLOSE_WAIT_MS, and a close seen within one turns
   * the whole watch back on. Once the server's pace is known, the watch lasts no longer than a watch for
   * what a correct server never sends (watchMs: SILENCE_FACTOR times its slowest recent answer, at least
   * WATCH_FLOOR_MS): a server that closes after its answers does so at once, and one that closes later
   * than that gets our FIN first and closes in reply, so its side does not wait in TIME_WAIT either (only a
   * FIN that crosses its own does). Only the time of our close changes, never a verdict.
   */
  decidedSettleMs(): number | undefined {
    const streak = this.openAfterDecided.waitMs();
    const watch = this.watchMs();
    if (streak === undefined) return watch;
    return watch === undefined ? streak : Math.min(streak, watch);
  }

  /**
   * How long a liveness probe waits for the server's announced close (liveness.ts). A server we own keeps
   * the whole PROBE_PEER_CLOSE_MS (a crossed close leaves its port in TIME_WAIT, and it may have to be
   * started again on that port). One we do not own, asked after every check, is never started again: the
   * wait follows its pace (watchMs) once known, so a server that ignores `Connection: close` is not paid
   * 100 ms per check; and once it was seen ignoring it after answers it served, as it serves the probe
   * (servedClosesIgnored), there is no wait at all: it will not close the probe's connection either
   * (never-closes paid 20 ms per check, 5 s a run). Only the time of our close changes, never what the
   * probe found.
   */
  probeCloseMs(): number {
    if (this.o.control) return PROBE_PEER_CLOSE_MS;
    if (this.servedClosesIgnored.waitMs() !== undefined) return 0;
    const watch = this.watchMs();
    return watch === undefined ? PROBE_PEER_CLOSE_MS : Math.min(PROBE_PEER_CLOSE_MS, watch);
  }

  /**
   * What this run's exchanges are read with now (the learned idle end, silence window and cap): an
   * exchange with deadline `timeoutMs`, of a unit run with deadline `unitTimeoutMs` (a confirmation's is
   * the long one, or the run's: `confirming`, closeIdleFor); `provisional` as silenceMs's.
   */
  exchangeDefaults(timeoutMs: number, unitTimeoutMs = timeoutMs, read: { provisional?: boolean; confirming?: boolean } = {}): { closeIdleMs?: number; silenceMs?: number; capBytes?: number } {
    const provisional = read.provisional === true;
    const d: { closeIdleMs?: number; silenceMs?: number; capBytes?: number } = {};
    const idle = this.closeIdleFor(unitTimeoutMs, read.confirming === true);
    if (idle !== undefined) d.closeIdleMs = idle;
    const silence = this.silenceMs(timeoutMs, provisional);
    if (silence !== undefined) d.silenceMs = silence;
    if (this.floodCapBytes !== undefined) d.capBytes = this.floodCapBytes;
    return d;
  }

  /** Exchanges already noted (sawExchange): one sent through a context is noted as it ends and again with its unit's outcome (observe). */
  private readonly noted = new WeakSet<Exchange>();

  /**
   * Notes, as soon as an exchange ends (not only after its unit), a close-delimited body that overflowed
   * the cap: from the next exchange on, FLOOD_CAP_BYTES. Only an overflow is read differently, and it
   * stays an overflow. Each exchange counts once in the streaks of kept-open connections, however often it
   * is reported (until session 22 an exchange of a context counted twice, and a streak of CONFIRMED_CLASS
   * was reached after two).
   */
  sawExchange(e: Exchange): void {
    if (this.noted.has(e)) return;
    this.noted.add(e);
    this.closesIgnored.saw(e.closeIgnored);
    if (e.finals.length > 0 && e.finals.every((r) => r.status !== null && r.status < 400)) this.servedClosesIgnored.saw(e.closeIgnored);
    this.openAfterDecided.saw(e.keptOpenAfterDecided);
    if (this.floodCapBytes === undefined && inCloseFramedBody(e, 'overflow')) this.floodCapBytes = FLOOD_CAP_BYTES;
    // A body left open past the deadline (its idle end is learned after the unit: observe).
    if (inCloseFramedBody(e, 'timeout')) this.sawOpenBody = true;
  }

  /**
   * An exchange of the unit under way ran out of time in a body framed by a close that did not come
   * (sawExchange), reported in its outcome or not: a check blocked before it judged anything (the real
   * client's checks, whose own request to create a record met such a body) teaches it as well.
   */
  private sawOpenBody = false;

  /**
   * Notes what the exchanges of a finished unit teach about the server (a body that never ends), and what
   * the unit's other exchanges taught as they ended: from the next unit on, such bodies get their idle
   * end (the unit that met it keeps reading as it began).
   */
  observe(exchanges: readonly Exchange[]): void {
    for (const e of exchanges) this.sawExchange(e);
    if (this.closeIdleMs !== undefined) return;
    if (this.sawOpenBody) this.closeIdleMs = Math.min(CLOSE_IDLE_MS, this.o.timeoutMs);
  }

  /**
   * Is the server gone after these exchanges, asked as after() asks it (the same watch and probe), with
   * nothing recorded or charged: side by side against a server we do not own (parked.ts) asks it after
   * each unit, while that unit alone has acted since the last answer.
   */
  gone(exchanges: readonly Exchange[]): Promise<DownCause | null> {
    return this.down(exchanges);
  }

  /**
   * Is the server gone? The process when we own it, else (or when it seems stuck) the socket. `first`:
   * after the run's first unit (see below).
   */
  private async down(exchanges: readonly Exchange[], survival = false, first = false): Promise<DownCause | null> {
    const c = this.o.control;
    if (c) {
      // A connection that ended without an answer may be the process dying: give it a moment to be seen;
      // so may the end of a survival check's connection (a crash on disconnect comes just after it).
      const incomplete = survival || exchanges.some((x) => !servedFully(x));
      const e = await this.exitAfter(incomplete ? 1 : 0);
      if (e) return { kind: 'exited', ...e };
      // The process runs. Only silence makes us ask its socket (is it hung?): a probe after every check
      // would itself be a client, and some servers serve one client and exit. A refusal is asked of the
      // kernel's table of listening sockets instead.
      if (!exchanges.some((x) => x.kind === 'timeout' && x.receivedBytes === 0)) {
        if (exchanges.some((x) => x.kind === 'refused') && c.listening && !(await c.listening())) return { kind: 'stopped-listening' };
        return null;
      }
    }
    // A connection that ended with no byte of an answer may be the server dying: give it a moment, so the
    // probe does not find a process still on its way out (and the death land on the next check). So may
    // the close of the run's first connection, answered or not, against a server we cannot watch: a server
    // that dies when its first client leaves (a crash on the empty read of a closed connection, an exit
    // after one client) is a classic, and beside a loaded suite its death came after a probe that was
    // still answered, and was charged to the next check (crash-on-close in a fresh-clone CI run, session
    // 20). Once per run; a process we own is watched before the next unit instead (before()).
    if (!c && (first || exchanges.some((x) => (x.kind === 'closed-without-response' || x.kind === 'reset') && x.receivedBytes === 0))) await sleep(EXIT_GRACE_MS);
    const probe = await probeAlive(this.o.target, this.o.profile, this.o.timeoutMs, this.probeCloseMs());
    if (c) {
      const e = c.exited();
      if (e) return { kind: 'exited', ...e };
      if (probe === 'refused') return { kind: 'stopped-listening' };
    }
    if (probe === null) return null;
    return probe === 'hung' ? { kind: 'hung' } : { kind: 'refused' };
  }

  /**
   * After a unit: is the server still there? If not, whom the death is charged to, and (grading) start it
   * again within the budgets. A unit that passed with every exchange answered did not cause its server's
   * exit: the server left after serving correctly, which is one root cause (KEEPS_SERVING_ID), not a
   * failure of every check it happened after. `answeredBefore`: the unit had answers it kept no record
   * of (a property's cases that held) before the exchanges given. `knownAlive`: see below.
   */
  async after(unit: Unit, exchanges: readonly Exchange[], answeredBefore = false, knownAlive = false): Promise<AfterUnit> {
    const first = this.lastUnit === null;
    this.lastUnit = unit.id;
    this.observe(exchanges);
    this.measure(exchanges);
    // The unit's verdict is made: what its result keeps of each exchange is bounded from here on.
    for (const x of exchanges) retain(x);
    // `knownAlive`: the unit ran side by side with others, and the server was seen to be there after them
    // all (side-by-side.ts): it is not asked again.
    const down = knownAlive ? null : await this.down(exchanges, unit.survival === true, first);
    if (exchanges.some((x) => x.receivedBytes > 0)) this.everAnswered = true;
    if (down === null) return null;
    if (down.kind === 'hung' && !this.everAnswered) {
      // It never sent a byte to anyone: nothing stopped, there is nothing to charge. The unit keeps its own
      // verdict (no answer), and the rest is not run against a server that answers nothing.
      const restarted = await this.restartAfter(unit, down, false);
      this.o.control?.onDeath?.({ after: unit.id, chargedTo: unit.id, down, restarted });
      return { chargedTo: 'none', down, restarted };
    }
    // Whom to charge. The first exchange that did not get a complete answer is the request after which
    // the server went away; but if every exchange was answered, or the only trouble after answered
    // ones is that later connections were refused, the server left after serving correctly: that is
    // one root cause (KEEPS_SERVING_ID), not this check's failure.
    const firstBad = exchanges.findIndex((x) => !servedFully(x));
    // A process we own that was already gone when this unit's first connection was refused died before
    // the unit reached it: after the previous unit, which it had answered.
    const preceded = firstBad === 0 && exchanges[0]!.kind === 'refused' && down.kind === 'exited' && this.o.control !== undefined;
    // A crash right after a survival check's connection ended is that check's, answered or not.
    const crashOnClose = unit.survival === true && crashed(down);
    const leftAfterServing = !crashOnClose && (preceded || firstBad < 0 || ((firstBad > 0 || answeredBefore) && exchanges[firstBad]!.kind === 'refused'));
    if (leftAfterServing) {
      this.exitsAfterServing ??= { times: 0, firstAfter: unit.id, down };
      this.exitsAfterServing.times++;
    }
    const restarted = await this.restartAfter(unit, down, leftAfterServing);
    const record: DeathRecord = { after: unit.id, chargedTo: leftAfterServing ? KEEPS_SERVING_ID : unit.id, down, restarted };
    this.o.control?.onDeath?.(record);
    if (leftAfterServing) return { chargedTo: 'keeps-serving', down, restarted, judged: firstBad < 0, preceded };
    const culprit = firstBad >= 0 && exchanges[firstBad]!.kind !== 'refused' ? exchanges[firstBad]! : null;
    return { chargedTo: 'unit', down, restarted, culprit, record };
  }

  /**
   * A death charged to a unit that did not happen again when the unit ran again on the restarted server:
   * it was not the unit's request. It is the server leaving after serving (a process that exits after a
   * client, noticed a moment late), and is charged to KEEPS_SERVING_ID instead.
   */
  unconfirmed(record: DeathRecord, family: Family): void {
    record.chargedTo = KEEPS_SERVING_ID;
    // Its restart was counted against the unit's family and the total: it belongs to the server that
    // leaves after serving (or a family could run out of restarts for deaths that were not its own).
    if (record.restarted) {
      this.restarts = Math.max(0, this.restarts - 1);
      const n = Math.max(0, (this.familyRestarts.get(family) ?? 0) - 1);
      this.familyRestarts.set(family, n);
      if (n < this.policy.perFamily) this.spent.delete(family);
      this.servingRestarts++;
    }
    this.exitsAfterServing ??= { times: 0, firstAfter: record.after, down: record.down };
    this.exitsAfterServing.times++;
    this.o.control?.onRecharge?.(record);
  }

  /**
   * Starts the server again with no charge and outside the budgets: after side by side took it down (the
   * question of how many clients it serves, or a batch that is then run one check at a time and charges
   * the death itself; each happens at most once in a run). A start that fails stops the run, after `after`.
   */
  async restartUncharged(after: string): Promise<boolean> {
    const c = this.o.control;
    if (!c) return false;
    const r = await c.restart();
    if (!r.ok) this.stopped = { afterCheck: after, cause: { kind: 'restart-failed', after, failure: r.failure } };
    return r.ok;
  }

  private async restartAfter(unit: Unit, down: DownCause, served: boolean): Promise<boolean> {
    const c = this.o.control;
    const stop = (cause: BlockCause): false => {
      this.stopped = { afterCheck: unit.id, cause };
      return false;
    };
    if (!c) return stop({ kind: 'server-down', after: unit.id, down });
    if (this.o.signal?.aborted) return stop((this.o.signal.reason as BlockCause | undefined) ?? { kind: 'interrupted', signal: 'abort' });
    const p = this.policy;
    const spent = (limit: number, why: 'checks' | 'hangs' | 'exits-after-serving'): false => stop({ kind: 'restarts-spent', after: unit.id, down, limit, why });
    if (served) {
      if (this.servingRestartMs >= p.afterServingMs) return stop({ kind: 'restarts-spent', after: unit.id, down, limit: this.servingRestarts, why: 'exits-after-serving', budgetMs: p.afterServingMs });
      this.servingRestarts++;
      const t0 = performance.now();
      const r = await c.restart();
      this.servingRestartMs += performance.now() - t0;
      if (!r.ok) return stop({ kind: 'restart-failed', after: unit.id, failure: r.failure });
      return true;
    } else if (down.kind === 'hung') {
      if (this.hangRestarts++ >= p.hangs) return spent(p.hangs, 'hangs');
    } else {
      if (this.restarts++ >= p.total) return spent(p.total, 'checks');
      const n = (this.familyRestarts.get(unit.family) ?? 0) + 1;
      this.familyRestarts.set(unit.family, n);
      // Past its family's budget the server is still started again, for the other families' sake.
      if (n >= p.perFamily) this.spent.add(unit.family);
    }
    const r = await c.restart();
    if (!r.ok) return stop({ kind: 'restart-failed', after: unit.id, failure: r.failure });
    return true;
  }

  /** The cause to attach to a unit charged with a death. */
  static died(a: Exclude<AfterUnit, null>): ResultCause {
    return { kind: 'died', down: a.down, restarted: a.restarted };
  }
}
