/**
 * The loop one unit goes through, whatever kind it is (a catalogue check, a property, a regression-corpus
 * entry): the scheduler's gate, the run, the confirmation of a verdict that rests on a deadline, the
 * liveness watch afterwards, and, when the server died and was started again, the unit once more: a
 * death counts only when the same unit takes the restarted server down again, and a unit that met a
 * server already gone runs again on the new one. Each kind says only how it runs once (UnitRun); the
 * policy is here and in the scheduler. Returns data; never prints.
 */
import type { Exchange } from '../client/exchange.js';
import type { BlockCause } from './causes.js';
import { answeredWithin, confirmDeadline, largeSilence, outsideClass, restsOnDeadline, restsOnShortIdle, unwitnessedSilence } from './deadlines.js';
import type { AfterUnit, Scheduler, ServerControl, Unit } from './scheduler.js';

/** How one kind of unit runs once, and what the loop reads of its outcome. */
export interface UnitRun<R> {
  /**
   * Runs the unit once. `attempt` counts the runs after a restart (0 first), and `rerun` says why it runs
   * again: the server was gone before the unit reached it (`preceded`), or to confirm a death (`death`).
   * `timeoutMs` is the deadline (a confirmation's is longer, or the run's own when only the short idle
   * end of a body is in question: `confirming` says it confirms, and its bodies are then read with the
   * full idle end, ContextOptions.confirming). `provisional`: a first run read with the quiet window before
   * the class (UnitRun.cutByWindow); `rerun` is then `full` for the same run read again with
   * the whole deadline (its own records: it must not meet the first one's).
   */
  run(attempt: number, timeoutMs: number, confirming: boolean, rerun?: 'preceded' | 'death' | 'full', provisional?: boolean): Promise<R>;
  /**
   * Given, its first run may be read provisionally (Scheduler.readsFirstProvisionally): with the quiet
   * window before the server's silences are a class; it says whether the window ended any exchange of a
   * run, reported in its outcome or not (a memo's too: ContextOptions.cuts). A catalogue check (a
   * property's cases already get the window while it shrinks, and its failure is confirmed).
   */
  cutByWindow?(r: R): boolean;
  /** The verdict, in the words of a check's run (`fail` is a failure). */
  verdict(r: R): string;
  exchanges(r: R): readonly Exchange[];
  /** The unit saw every answer it asked for before the server went (a property's cases that held). */
  answeredBefore?(r: R): boolean;
  /** An outcome that ends the loop as it is, unwatched (the unit itself threw: an error of ours, not the server's). */
  settled?(r: R): boolean;
  /** An outcome whose confirmation decides its own verdict only, outside the class of silences (a property's provisional failure). */
  outsideClass?(r: R): boolean;
}

export interface UnitLoopOptions<R = unknown> {
  timeoutMs: number;
  control?: ServerControl;
  /** Gate and watch the server around the unit (false: a unit replayed inside another one). */
  watched: boolean;
  /** The server went down after this unit (restarted or not), as soon as it is known. */
  onDown?: (a: Exclude<AfterUnit, null>) => void;
  /**
   * The unit's first outcome (and its confirmation's), already run side by side with others while the
   * server was seen to stay up (side-by-side.ts): the loop takes them instead of running the unit again,
   * and, when nothing else ran, does not ask again whether the server is there.
   */
  pre?: Prerun<R>;
}

/** A unit's outcomes run ahead of the loop (see UnitLoopOptions.pre). */
export interface Prerun<R> {
  first: R;
  /** The confirmation with the longer deadline, when the first outcome rested on a deadline. */
  confirm?: R;
  /** The server was not seen there after it (parked.ts: the death to charge to it): the loop asks, as after a unit it ran. */
  unseenAfter?: true;
  /**
   * A verdict that rests on a deadline, met while the server's silences were not yet a class, that the
   * confirmations of its batch (CONFIRMED_CLASS, all the same failure, counted by the loop as it takes
   * them) stand behind as the class does (parked.ts, side-by-side.ts): taken as it is, as it would be once
   * they are counted, unless a confirmation has flipped a verdict by then (Scheduler.classHolds).
   */
  covered?: true;
}

/** How the loop ended: the unit was not run (its typed cause), or its last outcome and what the watch found after it. */
export type UnitLoopEnd<R> = { blocked: BlockCause } | { outcome: R; after: AfterUnit };

/** A unit whose run needs confirming: a verdict that rests on a deadline, while the server is still there. */
function needsConfirming<R>(unit: Unit, u: UnitRun<R>, r: R, o: UnitLoopOptions<R>, s: Scheduler): boolean {
  return !o.control?.exited() && s.needsConfirming(u.verdict(r), u.exchanges(r), unit.atOnce === true);
}

/**
 * A failure on a silence that a standing silence of the same case covers (Scheduler.coveredBySameCase): taken without a
 * confirmation of its own, whether its silence was read with the whole deadline or a window (a shrink's,
 * or a provisional first run's). Not one that rests on a large request's silence, on the short idle end
 * of a body, or on many requests sent at once, nor one whose witness could not stand behind its silence
 * (the server answered no later request either: at that moment the machine, not the server, may have
 * been slow, which the root's confirmation, earlier, says nothing of): those are confirmed as any other.
 */
function coveredFailure<R>(unit: Unit, u: UnitRun<R>, r: R, s: Scheduler): boolean {
  const verdict = u.verdict(r);
  const exchanges = u.exchanges(r);
  return unit.atOnce !== true && restsOnDeadline(verdict, exchanges) && !largeSilence(exchanges) && !restsOnShortIdle(verdict, exchanges) && !unwitnessedSilence(verdict, exchanges) && s.coveredBySameCase(unit);
}

/** Runs one unit through the loop (see the file's header). */
export async function runUnit<R>(unit: Unit, s: Scheduler, u: UnitRun<R>, o: UnitLoopOptions<R>): Promise<UnitLoopEnd<R>> {
  if (o.watched) await s.before(unit);
  let firstDeath: Extract<AfterUnit, { chargedTo: 'unit' }> | undefined;
  let rerun: 'preceded' | 'death' | undefined;
  for (let attempt = 0; ; attempt++) {
    const block = s.blockCause(unit, firstDeath !== undefined);
    if (block) return { blocked: block };
    // Outcomes run side by side are taken as they are; the server was there after them.
    const pre = attempt === 0 ? o.pre : undefined;
    let ranHere = pre === undefined;
    // A first run read with the quiet window before the class (Scheduler.readsFirstProvisionally): a
    // failure on a silence is confirmed with the long deadline anyway, and waits the window, not the run's
    // whole deadline, before that confirmation. Not a unit that sends many requests at once (its answers
    // are slow because they come together).
    const provisional = pre === undefined && attempt === 0 && u.cutByWindow !== undefined && unit.atOnce !== true && s.readsFirstProvisionally();
    let r = pre ? pre.first : await u.run(attempt, o.timeoutMs, false, rerun, provisional);
    if (u.settled?.(r)) return { outcome: r, after: null };
    // Cut short by the window and not to be confirmed (a silence that passes, a check blocked after two
    // silent requests): read again with the whole deadline, as it would have been read; its verdict is
    // taken from there. A server that exited meanwhile is not asked again here: the watch finds the death.
    let cutFirst = provisional && u.cutByWindow?.(r) === true;
    if (cutFirst && !o.control?.exited() && !needsConfirming(unit, u, r, o, s)) {
      r = await u.run(attempt, o.timeoutMs, false, 'full', false);
      cutFirst = false;
      if (u.settled?.(r)) return { outcome: r, after: null };
    }
    if (!(pre?.covered === true && s.classHolds()) && !(pre === undefined && coveredFailure(unit, u, r, s)) && needsConfirming(unit, u, r, o, s)) {
      const first = u.verdict(r);
      // A large request's silence, a body cut by the short idle end, one of many requests sent at once, or
      // a property's failure read with a shrink's provisional window, is outside the class of silences
      // (deadlines.ts outsideClass, Check.atOnce, UnitRun.outsideClass): its confirmation decides its own
      // verdict only.
      const inClass = !outsideClass(u.exchanges(r)) && unit.atOnce !== true && u.outsideClass?.(r) !== true;
      const shortIdle = restsOnShortIdle(u.verdict(r), u.exchanges(r));
      if (pre?.confirm === undefined) ranHere = true;
      // The long deadline, or the run's own when only the short idle end of a body is in question
      // (Scheduler.confirmationDeadline); a confirmation so run that rests on a deadline itself is confirmed
      // with the long one.
      const deadline = pre?.confirm === undefined ? s.confirmationDeadline(u.verdict(r), u.exchanges(r), unit.atOnce === true) : confirmDeadline(o.timeoutMs);
      r = pre?.confirm ?? (await u.run(attempt, deadline, true, rerun));
      if (u.settled?.(r)) return { outcome: r, after: null };
      if (deadline < confirmDeadline(o.timeoutMs) && needsConfirming(unit, u, r, o, s)) {
        r = await u.run(attempt, confirmDeadline(o.timeoutMs), true, rerun);
        if (u.settled?.(r)) return { outcome: r, after: null };
      }
      // A first reading the window cut, that its confirmation does not stand behind, with every answer of
      // the confirmation within the run's own deadline: the whole deadline would have taken those answers
      // without a confirmation, so this says nothing of the class (neither counts nor flips). A flip there
      // would turn confirmations on for good, whose other record names a server that hangs on some request
      // lengths answers (recv-8-until-short lost reviewed failures so under load in session 20).
      const same = u.verdict(r) === first;
      if (inClass && (same || !(cutFirst && answeredWithin(u.exchanges(r), o.timeoutMs)))) s.confirmed(same);
      if (shortIdle) s.idleEndConfirmed(u.verdict(r) === first);
    }
    if (!o.watched) return { outcome: r, after: null };
    const a = await s.after(unit, u.exchanges(r), u.answeredBefore?.(r) ?? false, !ranHere && pre?.unseenAfter !== true);
    if (a) o.onDown?.(a);
    // A failure on a silence, confirmed or taken by the run's rules, with the server still there after it.
    else s.stood(unit, u.verdict(r), u.exchanges(r));
    // The server was gone before this unit reached it: once it is back, the unit runs again.
    if (a?.chargedTo === 'keeps-serving' && a.preceded && a.restarted && attempt === 0) {
      rerun = 'preceded';
      continue;
    }
    // A death is confirmed before it counts: the same unit again on the restarted server must take it
    // down again. If it does not, the first death was not this unit's.
    if (a?.chargedTo === 'unit' && a.restarted && attempt === 0) {
      firstDeath = a;
      rerun = 'death';
      continue;
    }
    if (firstDeath && a?.chargedTo !== 'unit') s.unconfirmed(firstDeath.record, unit.family);
    return { outcome: r, after: a };
  }
}
