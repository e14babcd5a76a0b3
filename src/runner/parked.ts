/**
 * Checks side by side against a server the runner does not own (`fuzz --target`, issue 22). Without its
 * process, a server that dies cannot be started again to find which check killed it, so every action a
 * check takes on the server (a connection opened, bytes sent, a connection closed) is still taken one
 * check at a time, and after each check the server is asked whether it is there (as one at a time): the
 * check whose turn it was when it went is the one charged, as one at a time. What runs side by side is
 * only the waiting: a request that has been sent whole and met silence for a moment (`parkAfterMs`) gives
 * up its turn once the server has answered another client meanwhile (the park probe: so it is not stuck
 * on that request, and has room for one more client), and waits out its own deadline or quiet window
 * beside the next checks; it takes its turn back to close its connection. A check waits exactly as long,
 * and reads exactly what it would one at a time; a server that does not answer the park probe in time is
 * not given more waiting clients than it had then (one at a time, when it had none). Returns data; never
 * prints.
 */
import type { Exchange, ParkHook } from '../client/exchange.js';
import type { Profile } from '../model/profile.js';
import { setTimeout as sleepAbortable } from 'node:timers/promises';
import type { Endpoint } from '../wire/types.js';
import type { DownCause } from './causes.js';
import { CONFIRMED_CLASS, confirmDeadline, outsideClass } from './deadlines.js';
import { probeOnce, type ProbeOutcome } from './liveness.js';
import { servedFully, SILENCE_FACTOR, type Scheduler } from './scheduler.js';
import type { Prerun } from './unit-loop.js';

/** A batch starts up to this many checks (each batch ends with its slowest wait) … */
export const PARKED_BATCH = 64;
/**
 * … and up to this many while the confirmations the class of silences waits for are still out (the batch
 * ends with them anyway: the checks that start meanwhile cost no time of their own).
 */
export const PARKED_BATCH_BEFORE_CLASS = 192;
/** At most this many requests wait for their answers at once. */
export const PARKED_MAX = 48;
/** How long the park probe may take to be answered (it ends as soon as it is). */
export const PARK_PROBE_MS = 250;

/**
 * Before the class of silences, a request still unanswered for earlyConfirmAfterMs after it parked has
 * its check's confirmation (the longer deadline) start at once, beside it, rather than once its deadline
 * has passed: the class's first confirmations then end 1.9 s sooner. A confirmation started for a request
 * that is answered after all is waited for and set aside. The wait is SILENCE_FACTOR times the server's
 * pace (a correct server answers within it), at least EARLY_CONFIRM_FLOOR_MS, and
 * EARLY_CONFIRM_BEFORE_PACE_MS while the pace is not known; the class needs CONFIRMED_CLASS
 * confirmations, so no more than that run early at once.
 */
export const EARLY_CONFIRM_FLOOR_MS = 100;
export const EARLY_CONFIRM_BEFORE_PACE_MS = 500;

/** See EARLY_CONFIRM_FLOOR_MS: how long after it parked a request unanswered has its confirmation start early. */
export function earlyConfirmAfterMs(paceMs: number | undefined): number {
  return paceMs === undefined ? EARLY_CONFIRM_BEFORE_PACE_MS : Math.max(EARLY_CONFIRM_FLOOR_MS, Math.ceil(SILENCE_FACTOR * paceMs));
}

/** See parkAfterMs. */
export const PARK_FACTOR = 4;
/**
 * The least a request waits before it parks, once the pace is known. A park costs a probe (a millisecond or
 * two on a server that answers in one); a request that waited this long for nothing on such a server
 * was a silence in nine cases out of ten. A lower floor changes only when the next check acts.
 */
export const PARK_FLOOR_MS = 5;

/**
 * How long a request waits with no byte sent or received before it gives up its turn: PARK_FACTOR times the
 * server's pace (the slowest of its recent answers), at least PARK_FLOOR_MS, and PARK_PROBE_MS before the
 * pace is known. Only when the others act changes, never how long this request is waited on, so it need not
 * be long; a request parked that then gets its answer has cost one probe.
 */
export function parkAfterMs(paceMs: number | undefined): number {
  return paceMs === undefined ? PARK_PROBE_MS : Math.ceil(Math.max(PARK_FLOOR_MS, PARK_FACTOR * paceMs));
}

/** The turn: one check at a time acts on the server. Checks taking their turn back go before new ones. */
class Gate {
  private held = true;
  private readonly back: Array<() => void> = [];
  private readonly fresh: Array<() => void> = [];

  acquire(returning: boolean): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => (returning ? this.back : this.fresh).push(resolve));
  }

  release(): void {
    const next = this.back.shift() ?? this.fresh.shift();
    if (next) next();
    else this.held = false;
  }
}

/** What the checks of one batch share. */
interface Lot {
  gate: Gate;
  /** Requests waiting now with their turn given up, and the most there may be. */
  parked: number;
  maxParked: number;
  /** Requests that gave up their turn waiting for an answer (not watching a connection after one), in all. */
  silences: number;
  peak: number;
  /** No more parking and no more checks: a check threw, or the server was not there after one. */
  stop: boolean;
  /** Park probes that were not answered in time: each is waited for to its end before the batch ends. */
  strays: Promise<ProbeOutcome>[];
  /** Woken when a parked request takes its turn back (a place to wait is free again). */
  freed: Array<() => void>;
  parkAfterMs: number;
  probe(): Promise<ProbeOutcome>;
}

/**
 * A check's turn, as its context sees it (context.ts): held before every action, given up only by an
 * exchange that parks (ParkHook).
 */
export class Turn {
  private holds = true;
  /** The turn was given up by a request that waits on the server (counted in Lot.parked), not by a wait on another check. */
  private parked = false;
  private active = 0;
  /** How long it waited to take its turn back behind other checks (not the check's own time). */
  queuedMs = 0;

  /** `onSilence`: called when a request of this attempt parks waiting for its answer. */
  constructor(
    private readonly lot: Lot,
    private readonly onSilence?: () => void,
  ) {}

  /** Before an action: takes the turn back if it was given up. */
  async hold(): Promise<void> {
    if (this.holds) return;
    const t = performance.now();
    await this.lot.gate.acquire(true);
    this.queuedMs += performance.now() - t;
    this.holds = true;
    if (this.parked) {
      this.lot.parked--;
      this.lot.freed.splice(0).forEach((wake) => wake());
    }
    this.parked = false;
  }

  /**
   * Waits for what another check is doing (a shared answer it is still asking the server: CheckContext.memo)
   * with the turn given up, so that check can take it to go on; then takes it back.
   */
  async during<T>(p: Promise<T>): Promise<T> {
    if (!this.holds) return p;
    this.holds = false;
    this.lot.gate.release();
    try {
      return await p;
    } finally {
      await this.hold();
    }
  }

  /** The hook for an exchange (on a fresh connection or a kept one). */
  hook(): ParkHook {
    return { afterMs: this.lot.parkAfterMs, park: (awaiting, ended) => this.park(awaiting, ended), resume: () => this.hold() };
  }

  /** An exchange starts (begin) or ends (end): a check with two at once never parks. */
  begin(): void {
    this.active++;
  }

  end(): void {
    this.active--;
  }

  private async park(awaitingAnswer: boolean, ended: AbortSignal): Promise<boolean> {
    const lot = this.lot;
    if (ended.aborted || !this.holds || this.active !== 1 || lot.stop || lot.parked >= lot.maxParked) return false;
    const probe = lot.probe();
    // The exchange ending first (its answer came) ends the question: it goes on holding the turn, and the
    // probe is waited for to its end with the batch.
    const endedFirst = new Promise<'ended'>((resolve) => ended.addEventListener('abort', () => resolve('ended'), { once: true }));
    // The window for its answer; its timer is cleared as soon as the question is decided.
    const window = new AbortController();
    const late = sleepAbortable(PARK_PROBE_MS, 'late' as const, { signal: window.signal }).catch(() => 'late' as const);
    const first = await Promise.race([probe, late, endedFirst]);
    window.abort();
    if (first === 'ended' || first === 'late') lot.strays.push(probe);
    if (first === 'ended') return false;
    if (first === 'answered' && !lot.stop) {
      this.holds = false;
      this.parked = true;
      lot.parked++;
      if (awaitingAnswer) lot.silences++;
      lot.peak = Math.max(lot.peak, lot.parked);
      lot.gate.release();
      if (awaitingAnswer) this.onSilence?.();
      return true;
    }
    // Not answered in time: no more waiting clients than now (the probe's own end is waited for).
    lot.maxParked = Math.min(lot.maxParked, lot.parked);
    return false;
  }
}

/** An attempt's liveness asked after it (runParked), with what it read. */
interface Asked {
  i: number;
  down: DownCause | null;
  verdict: string;
  exchanges: readonly Exchange[];
}

/**
 * Whom a death found after a batch's checks is charged to: `downs` are the attempts after each of which the
 * server was found gone (since it was last found there), in the order they were asked. The first check
 * (in the batch's order, the order their requests were sent) whose connection the server ended without a
 * complete answer, where that did not pass it (a close is an answer some checks accept: a death there says
 * nothing against them); the first asked only when there is none. A request parked only once the server
 * had answered the park probe, but a crash does not always come as the request's bytes are read: a thread
 * that takes a moment to die (a traceback printed, a machine too loaded to run it) lets the park probe be
 * answered, and the next check acts, is answered, and is asked first (the zoo's crash-no-colon in a CI
 * run: its death was charged to robustness.server.keeps-serving as a server that left after serving the
 * next check, and no-colon was blocked). One at a time meets the first such request first, and would have
 * charged it.
 */
export function deathCulprit(downs: readonly Asked[]): number {
  const cut = downs.filter((a) => a.verdict !== 'pass' && a.exchanges.some((x) => (x.kind === 'closed-without-response' || x.kind === 'reset') && !servedFully(x)));
  return cut.length > 0 ? Math.min(...cut.map((a) => a.i)) : downs[0]!.i;
}

/** How a batch's checks run once, with their turn (side-by-side.ts's BatchRun, with a Turn). */
export interface ParkedRun<R> {
  run(i: number, timeoutMs: number, confirming: boolean, turn: Turn): Promise<R>;
  verdict(r: R): string;
  exchanges(r: R): readonly Exchange[];
  settled(r: R): boolean;
}

export interface ParkedEnv {
  s: Scheduler;
  target: Endpoint;
  profile: Profile;
  timeoutMs: number;
  /** The run's stop (a wall limit, a signal): no check of the batch starts once it is aborted. */
  signal?: AbortSignal;
  /** How the server is asked (tests script it): the park probe, and whether it is gone after a unit (Scheduler.gone). */
  ask?: { probe(): Promise<ProbeOutcome>; gone(exchanges: readonly Exchange[]): Promise<DownCause | null> };
}

export interface ParkedEnd<R> {
  /** The outcomes to go through the loop: those of the checks after each of whose attempts the server answered. */
  kept: Array<Prerun<R> | undefined>;
  /**
   * The server was not there after check `culprit` (the first so found after the last found there), and
   * still is not once every check of the batch has ended: its outcome is kept too, for the loop to charge.
   */
  gone?: { culprit: number; down: DownCause };
  /** It was not there after a check, but answered once all had ended (too many clients at once): side by side stops. */
  faltered?: number;
  /** How many requests waited at once, at most. */
  peak: number;
  /** How many checks started. */
  started: number;
}

/**
 * Runs up to `n` checks, in order, one at a time but for their waits (see the file's header), each first
 * attempt followed by the confirmation the loop would ask for now. Until the server's silences are a class,
 * the first CONFIRMED_CLASS silences of the batch that the class counts are confirmed (their deadlines and
 * confirmations waited side by side), and checks go on starting meanwhile: a later such silence waits for
 * those confirmations, with its turn given up. All found the same failure: the class stands behind it as
 * it will once the loop has counted them (Prerun.covered), and it is not confirmed on its own; one did not:
 * it is confirmed on its own, as one at a time.
 */
export async function runParked<R>(n: number, u: ParkedRun<R>, env: ParkedEnv): Promise<ParkedEnd<R>> {
  const { s } = env;
  const lot: Lot = {
    gate: new Gate(),
    parked: 0,
    maxParked: PARKED_MAX,
    silences: 0,
    peak: 0,
    stop: false,
    strays: [],
    freed: [],
    parkAfterMs: parkAfterMs(s.paceMs()),
    probe: env.ask?.probe ?? (() => probeOnce(env.target, env.profile, env.timeoutMs, s.probeCloseMs())),
  };
  const gone = env.ask?.gone ?? ((x: readonly Exchange[]) => s.gone(x));
  const kept: Array<Prerun<R> | undefined> = [];
  const verified: boolean[] = [];
  // Each attempt's liveness, in the order they were asked.
  const asked: Asked[] = [];
  // The batch's confirmations that count toward the class of silences (the first CONFIRMED_CLASS): each
  // resolves with whether it found the same failure.
  const votes: Promise<boolean>[] = [];
  let votesIn = 0;

  // Called with the turn held, before an attempt starts: every place to wait is taken, so it waits (its turn
  // given up) until a waiting one has taken its turn back. Started now, a silence it met could not park, and
  // it would hold the turn through its whole wait while the waits that had ended could not take theirs back
  // to close (every later check one at a time).
  const room = async (): Promise<void> => {
    while (lot.parked > 0 && lot.parked >= lot.maxParked && !lot.stop) {
      const freed = new Promise<void>((wake) => lot.freed.push(wake));
      lot.gate.release();
      await freed;
      await lot.gate.acquire(false);
    }
  };
  // Confirmations started early (see earlyConfirmAfterMs), in flight or taken, and all of them started.
  let earlyOut = 0;
  const earlies: Promise<unknown>[] = [];

  const attempt = async (i: number, timeoutMs: number, confirming: boolean, onSilence?: () => void): Promise<{ r: R; there: boolean }> => {
    const turn = new Turn(lot, onSilence);
    const r = await u.run(i, timeoutMs, confirming, turn);
    await turn.hold();
    if (u.settled(r)) {
      lot.stop = true;
      return { r, there: false };
    }
    const exchanges = u.exchanges(r);
    const down = await gone(exchanges);
    asked.push({ i, down, verdict: u.verdict(r), exchanges });
    if (down) lot.stop = true;
    return { r, there: down === null };
  };
  // Called with the turn held; gives it up at the end.
  const one = async (i: number): Promise<void> => {
    let holding = true;
    // Before the class, a request still unanswered earlyConfirmAfterMs after it parked starts this
    // check's confirmation at once, beside it (at most CONFIRMED_CLASS such at a time).
    let earlyConfirm: Promise<{ r: R; there: boolean }> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const startEarly = (): void => {
      if (earlyConfirm || timer || !s.shouldConfirm()) return;
      timer = setTimeout(() => {
        if (earlyConfirm || lot.stop || earlyOut >= CONFIRMED_CLASS || !s.shouldConfirm()) return;
        earlyOut++;
        earlyConfirm = (async () => {
          await lot.gate.acquire(false);
          try {
            await room();
            return await attempt(i, confirmDeadline(env.timeoutMs), true);
          } finally {
            lot.gate.release();
          }
        })();
        earlies.push(earlyConfirm.catch(() => undefined));
      }, earlyConfirmAfterMs(s.paceMs()));
    };
    try {
      const first = await attempt(i, env.timeoutMs, false, startEarly);
      clearTimeout(timer);
      const p: Prerun<R> = { first: first.r };
      kept[i] = p;
      if (!first.there) return;
      if (!s.needsConfirming(u.verdict(first.r), u.exchanges(first.r))) {
        // A confirmation started early for nothing: its place goes to another silence.
        if (earlyConfirm) earlyOut--;
        verified[i] = true;
        return;
      }
      // A silence the class would count (see the function's header).
      const counted = s.shouldConfirm() && !outsideClass(u.exchanges(first.r));
      if (counted && votes.length >= CONFIRMED_CLASS && !earlyConfirm) {
        lot.gate.release();
        holding = false;
        const covered = (await Promise.all(votes.slice(0, CONFIRMED_CLASS))).every(Boolean);
        if (covered) {
          p.covered = true;
          verified[i] = true;
          return;
        }
        // Not covered, and nothing more is done in this batch: the loop confirms it (or blocks it) in its turn.
        if (lot.stop) return;
        await lot.gate.acquire(true);
        holding = true;
      }
      let vote: ((same: boolean) => void) | undefined;
      if (counted && votes.length < CONFIRMED_CLASS) {
        votes.push(new Promise<boolean>((resolve) => (vote = resolve)));
        void votes.at(-1)!.then(() => votesIn++);
      }
      try {
        let confirm: { r: R; there: boolean };
        if (earlyConfirm) {
          // Started early, beside the first attempt: it acts in turns of its own.
          lot.gate.release();
          holding = false;
          confirm = await earlyConfirm;
        } else {
          await room();
          confirm = await attempt(i, confirmDeadline(env.timeoutMs), true);
        }
        p.confirm = confirm.r;
        verified[i] = confirm.there;
        vote?.(confirm.there && u.verdict(confirm.r) === u.verdict(first.r));
      } finally {
        // (A confirmation that threw counts as not the same; a vote resolves once.)
        vote?.(false);
      }
    } finally {
      clearTimeout(timer);
      if (holding) lot.gate.release();
    }
  };

  const running: Promise<void>[] = [];
  let started = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) await lot.gate.acquire(false);
    await room();
    // Past PARKED_BATCH only before the class, once a request has parked waiting for its answer (it may be a
    // silence, its deadline and confirmation ahead; a slow answer counts too, and only makes the batch
    // longer) and until the class's confirmations are in (see PARKED_BATCH_BEFORE_CLASS).
    const classAhead = s.shouldConfirm() && lot.silences > 0 && (votes.length === 0 || votesIn < votes.length);
    const full = i >= PARKED_BATCH && !classAhead;
    if (lot.stop || full || env.signal?.aborted === true) {
      lot.gate.release();
      break;
    }
    started++;
    running.push(one(i));
  }
  await Promise.all(running);
  await Promise.allSettled(earlies);
  await Promise.allSettled(lot.strays);

  const end: ParkedEnd<R> = { kept: kept.map((p, i) => (verified[i] ? p : undefined)), peak: lot.peak, started };
  if (!asked.some((a) => a.down !== null)) return end;
  // Asked again now that every check of the batch has ended and closed its connections.
  const now = await gone([]);
  const lastThere = asked.map((a) => a.down === null).lastIndexOf(true);
  const culprit = deathCulprit(asked.slice(lastThere + 1).filter((a) => a.down !== null));
  if (now === null) return { ...end, faltered: culprit };
  end.kept[culprit] = kept[culprit];
  return { ...end, gone: { culprit, down: now } };
}
