/**
 * Deadline verdicts: which verdicts rest on a deadline, and the longer deadline that confirms one before
 * it counts (a loaded machine must not fail a server). Every kind of unit confirms the same way
 * (unit-loop.ts).
 */
import { QUIET_WINDOW_MAX_REQUEST_BYTES, type Exchange } from '../client/exchange.js';

/** A confirmation of a verdict that rests on a deadline uses this many times the deadline … */
export const CONFIRM_FACTOR = 2;
/** … and at least this long: on a machine loaded enough, a correct server can take more than 2 s. */
export const CONFIRM_MIN_MS = 5000;

/** Confirmations in a row that found the same failure, after which a server's silences are a class (taken as they are). */
export const CONFIRMED_CLASS = 3;

/** The deadline a confirmation runs with. */
export function confirmDeadline(timeoutMs: number): number {
  return Math.max(timeoutMs * CONFIRM_FACTOR, CONFIRM_MIN_MS);
}

/** A verdict that rests on a deadline: it failed and one of its exchanges ran out of time. */
export function restsOnDeadline(verdict: string, exchanges: readonly Exchange[]): boolean {
  return verdict === 'fail' && exchanges.some((e) => e.kind === 'timeout') && !exchanges.some((e) => e.kind === 'refused');
}

/**
 * A verdict a confirmation (the unit again with confirmDeadline) must stand behind before the run takes
 * it: a failure that rests on a deadline (restsOnDeadline), and a unit that could not judge because one
 * exchange ran out of time (`blocked` with exactly one timeout, no refusal). Such a `blocked` is no
 * charge, but it is a silence of the server as much as a failure's is: confirmed, it is one of the
 * CONFIRMED_CLASS silences after which the quiet window applies, and a loaded machine does not leave
 * unjudged a unit the server would answer within the longer deadline. Only one timeout: a check that gave
 * up after several silent requests (the security checks stop after 2) would wait the long deadline for
 * each of them again, for a verdict that charges nothing.
 */
export function confirmsOnDeadline(verdict: string, exchanges: readonly Exchange[]): boolean {
  if (verdict === 'blocked') return exchanges.filter((e) => e.kind === 'timeout').length === 1 && !exchanges.some((e) => e.kind === 'refused');
  return restsOnDeadline(verdict, exchanges);
}

/**
 * A failure the class of confirmed silences (CONFIRMED_CLASS) does not cover: one that rests on a
 * deadline (restsOnDeadline) with a timeout on a request over QUIET_WINDOW_MAX_REQUEST_BYTES. The
 * server's time to read a large request is not the time it takes to not answer a small one: a server
 * reading a 1 MiB request line 8 bytes at a time answers in 150 ms idle and in more than a second beside a
 * loaded suite. Such a failure is confirmed whatever the class says, and its confirmation neither counts
 * toward the class nor breaks it: it decides its own verdict only. (A `blocked` one charges nothing and is
 * taken as it is once the class stands, as a small one is.)
 */
export function confirmsOutsideClass(verdict: string, exchanges: readonly Exchange[]): boolean {
  return restsOnDeadline(verdict, exchanges) && largeSilence(exchanges);
}

/** A timeout on a request over QUIET_WINDOW_MAX_REQUEST_BYTES (see confirmsOutsideClass). */
export function largeSilence(exchanges: readonly Exchange[]): boolean {
  return exchanges.some((e) => e.kind === 'timeout' && (e.request?.plan.bytes.length ?? 0) > QUIET_WINDOW_MAX_REQUEST_BYTES);
}

/**
 * The idle end of a body framed by a close that does not come, at the run's deadline (Scheduler
 * closeIdleFor): once such bodies were seen, nothing more for this long ends one. A server sends its
 * answer in one go; this short end is only for the first reading: a failure that rests on it
 * (restsOnShortIdle) is confirmed with the full CLOSE_IDLE_MS (Scheduler.confirmationDeadline: at the
 * run's own deadline when nothing else is in question, else with the long one).
 */
export const SHORT_IDLE_END_MS = 5;

/** A body taken as ended after SHORT_IDLE_END_MS or less (Exchange.idleEndMs): it may have been cut. */
function shortIdleEnd(exchanges: readonly Exchange[]): boolean {
  return exchanges.some((e) => e.idleEndMs !== undefined && e.idleEndMs <= SHORT_IDLE_END_MS);
}

/** A failure with a body the short idle end may have cut (shortIdleEnd). */
export function restsOnShortIdle(verdict: string, exchanges: readonly Exchange[]): boolean {
  return verdict === 'fail' && shortIdleEnd(exchanges);
}

/**
 * A verdict whose confirmation decides its own verdict only, outside the class of silences (it neither
 * counts toward the class nor breaks it): a silence on a large request (largeSilence), or a failure that
 * rests on a short idle end (a body cut, not a silence: restsOnShortIdle's exchanges).
 */
export function outsideClass(exchanges: readonly Exchange[]): boolean {
  return largeSilence(exchanges) || shortIdleEnd(exchanges);
}

/**
 * How long the witness to a silence (ExchangeOptions.witness) waits for the server's answer to its own
 * request. Unanswered in that time, the silence it was asked about is not witnessed, and the failure
 * that rests on it is confirmed with the long deadline (unwitnessedSilence).
 */
export const WITNESS_PROBE_MS = 250;

/**
 * A failure taken once the server's silences are a class, whose silence a witness was asked about and
 * could not stand behind (Exchange.witnessed false): the server did not answer a request sent after ours
 * either, or ours got something meanwhile. The machine, not the server, may have been slow: the failure is
 * confirmed with the long deadline, as before the class, and its confirmation counts toward the class (a
 * flip turns confirmations on for good). A silence nobody was asked about is taken as the class says.
 */
export function unwitnessedSilence(verdict: string, exchanges: readonly Exchange[]): boolean {
  return restsOnDeadline(verdict, exchanges) && exchanges.some((e) => e.kind === 'timeout' && e.witnessed === false);
}

/** Every exchange got its answer (no timeout, no refusal) within `timeoutMs` (a confirmation's answers, read against the run's own deadline). */
export function answeredWithin(exchanges: readonly Exchange[], timeoutMs: number): boolean {
  return exchanges.every((e) => e.kind !== 'timeout' && e.kind !== 'refused' && e.elapsedMs < timeoutMs);
}
