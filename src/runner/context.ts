/**
 * The context a unit runs in (a check, a property, a corpus entry's check): its target, deadline and
 * profile, the server's control and the run's scheduler (the quiet window, the flood cap, a revival after
 * a clean exit), the oracle and the canary, and record names no other unit or run uses.
 */
import { createHash } from 'node:crypto';
import { exchange, KeepAliveConnection, parkable, witnessOptions, type Exchange, type ExchangeOptions, type ParkHook } from '../client/exchange.js';
import type { Canary, CheckContext, SentRequest } from '../checks/types.js';
import type { Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import type { Scheduler, ServerControl } from './scheduler.js';
import type { Turn } from './parked.js';

/** What a context is made from. */
export interface ContextOptions {
  target: Endpoint;
  timeoutMs: number;
  profile: Profile;
  oracle?: Endpoint;
  control?: ServerControl;
  canary?: Canary;
  /** The unit's turn to act on the server, when it runs beside others against a server we do not own (parked.ts). */
  turn?: Turn;
  /**
   * Called once a request of the unit has waited `afterMs` for its answer, its bytes all sent (a batch
   * then may start the unit's confirmation beside it: runBatch). Only watches; never parks.
   */
  onWait?: { afterMs: number; waiting: () => void };
  /**
   * The unit's current case is provisional (a shrink's candidate: the counterexample a shrink ends with is
   * judged again before it counts, with the long deadline when it rests on one): while this says so, its
   * exchanges get the quiet window before the server's silences are a class too (Scheduler.silenceMs).
   */
  provisional?: () => boolean;
  /**
   * The attempt confirms an earlier one (Scheduler.confirmationDeadline): a body framed by a close is read
   * with the full idle end, also at the run's own deadline.
   */
  confirming?: boolean;
  /**
   * A confirmation whose silences may end once a witness stands behind them, after the run's own deadline
   * (Scheduler.witnessing): not one of a unit that sends many requests at once (Check.atOnce: the server's
   * time for the last of them is not its pace).
   */
  witnessEarly?: boolean;
  /** Counts the unit's exchanges that ran out of time, on fresh connections and kept ones (a shrink's budget: run-properties.ts). */
  silences?: { n: number };
  /**
   * Counts the unit's exchanges the quiet window ended (Exchange.silenceCutMs), reported in its outcome or
   * not (a memo's): a provisional first run so cut is judged again (unit-loop.ts).
   */
  cuts?: { n: number };
}

/** The options of a confirmation's context for a unit (ContextOptions.confirming, witnessEarly). */
export function confirmationOptions(unit: { atOnce?: true }): Pick<ContextOptions, 'confirming' | 'witnessEarly'> {
  return unit.atOnce === true ? { confirming: true } : { confirming: true, witnessEarly: true };
}

/** Memos whose making has ended (CheckContext.memo). */
const settledMemos = new WeakSet<Promise<unknown>>();

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 6);
}

/**
 * Whether a unit's server was started again in the middle of it (it exits after each client): its
 * requests then met more than one process, so a failure may be only the state the first one lost.
 */
export interface Revival {
  revived: boolean;
}

/**
 * Did this exchange meet a process that was leaving (it had served its client and was exiting)? A refused
 * connection; or, from a server known to exit after serving, a connection ended with no byte of an answer:
 * it was taken into the listening socket's queue of the process on its way out, and reset when it exited
 * (a loaded machine makes that moment longer). Either way the server is started again and the request
 * sent to it (a crash never is: Scheduler.reviveAfterServing).
 */
function metLeavingProcess(ex: Exchange, scheduler: Scheduler | undefined): boolean {
  if (ex.kind === 'refused') return true;
  return (scheduler?.exitsAfterServing ?? null) !== null && ex.receivedBytes === 0 && (ex.kind === 'reset' || ex.kind === 'closed-without-response');
}

/** A hook that tells `onWait` when a request has waited for its answer, and never parks. */
function waitHook(onWait: ContextOptions['onWait']): ParkHook | undefined {
  if (!onWait) return undefined;
  return {
    afterMs: onWait.afterMs,
    park: async (awaitingAnswer) => {
      if (awaitingAnswer) onWait.waiting();
      return false;
    },
    resume: async () => {},
  };
}

/** The context a check (or property) runs in: its target, deadline, profile and unique record names. */
export function makeContext(
  opts: ContextOptions,
  checkId: string,
  tag: string,
  memos: Map<string, Promise<unknown>>,
  scheduler?: Scheduler,
  revival: Revival = { revived: false },
): CheckContext {
  const prefix = `wg${tag}${shortHash(checkId)}`;
  const control = opts.control;
  const turn = opts.turn;
  // A refused connection after a clean exit (code 0: the program ended by itself, as one that exits
  // after each client does) is answered by starting the server again for the unit
  // (Scheduler.reviveAfterServing); a crash is never revived, the runner charges it after the unit.
  // Counts an exchange of the unit, on a fresh connection or a kept one (ContextOptions.silences, cuts).
  const tally = (ex: Exchange): void => {
    if (ex.kind === 'timeout' && opts.silences) opts.silences.n++;
    if (ex.silenceCutMs !== undefined && opts.cuts) opts.cuts.n++;
  };
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
      // Every action on the server is taken in the unit's turn; a silent request may give it up (parked.ts).
      await turn?.hold();
      const park = turn?.hook() ?? waitHook(opts.onWait);
      // What the scheduler learned of the server: idle end of an endless body, silence window (a provisional
      // case's too: ContextOptions.provisional), flood cap …
      const learned = scheduler?.exchangeDefaults(o.timeoutMs ?? opts.timeoutMs, opts.timeoutMs, { provisional: opts.provisional?.() === true, confirming: opts.confirming === true }) ?? {};
      // … and how long to wait for its close (a server that ignores Connection: close is not waited on).
      const peerCloseMs = scheduler?.peerCloseMs();
      // … and after an answer that already decided the verdict (a server that does not close after those).
      const decidedSettleMs = scheduler?.decidedSettleMs();
      // … and how long a watch for what a correct server never sends lasts (its pace).
      const watchMs = scheduler?.watchMs();
      // … and, once its silences are taken as they are (or in a confirmation), a witness to each (Scheduler.witnessing).
      const witnessing = scheduler?.witnessing(o.timeoutMs ?? opts.timeoutMs, opts.witnessEarly === true);
      const go = () =>
        exchange(opts.target, req.plan, {
          timeoutMs: opts.timeoutMs,
          ...learned,
          ...(peerCloseMs !== undefined ? { peerCloseMs } : {}),
          ...(decidedSettleMs !== undefined ? { decidedSettleMs } : {}),
          ...(watchMs !== undefined ? { watchMs } : {}),
          ...witnessOptions(witnessing),
          ...o,
          ...(park ? { park } : {}),
          methods: o.methods ?? req.methods,
        });
      turn?.begin();
      try {
        let ex = await go();
        if (metLeavingProcess(ex, scheduler) && (await revive())) ex = await go();
        scheduler?.sawExchange(ex);
        tally(ex);
        return ex;
      } finally {
        turn?.end();
      }
    },
    memo: <T>(key: string, make: () => Promise<T>): Promise<T> => {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) {
        p = make();
        memos.set(key, p);
        const made = p;
        void made.then(() => settledMemos.add(made), () => settledMemos.add(made));
        return p;
      }
      // Another unit is still asking it, in its own turn: wait with ours given up (parked.ts).
      return turn && !settledMemos.has(p) ? turn.during(p) : p;
    },
    paceMs: () => scheduler?.paceMs(),
    openConnection: async () => {
      // A connection the check keeps: opening it, each exchange on it and its close are actions taken in
      // the unit's turn; an exchange on it that meets silence may give the turn up while it waits, and
      // takes it back before it returns (parked.ts).
      await turn?.hold();
      // Its exchanges get the run's quiet window and witness as ctx.send's do (only those: an idle end of a
      // close-delimited body would end the parse of a connection its check goes on using).
      const quiet = scheduler ? (t: number) => scheduler.silenceMs(t, opts.provisional?.() === true) : undefined;
      const witnessFor = scheduler ? (t: number) => scheduler.witnessing(t, opts.witnessEarly === true) : undefined;
      const open = () => KeepAliveConnection.open(opts.target, opts.timeoutMs, scheduler?.floodCapBytes, quiet, witnessFor);
      let s = await open();
      if ('refused' in s && (await revive())) s = await open();
      if ('refused' in s) return null;
      if (turn || opts.onWait || opts.silences || opts.cuts) {
        const conn = s;
        const plain = conn.exchange.bind(conn);
        conn.exchange = async (plan, o) => {
          await turn?.hold();
          turn?.begin();
          try {
            const ex = await parkable(conn, plan, turn?.hook() ?? waitHook(opts.onWait), () => plain(plan, o));
            tally(ex);
            return ex;
          } finally {
            turn?.end();
          }
        };
      }
      return s;
    },
  };
}
