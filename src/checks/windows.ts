/**
 * The fixed windows the checks wait in, named once. Each is a number of milliseconds, never more than the
 * run's deadline (`--timeout-ms`): `window(CLOSE_WINDOW_MS, ctx.timeoutMs)`. A window is how long a check
 * watches for something that may or may not come (a close, a second answer, a crash); the deadline is how
 * long it waits for an answer it needs. A check that says its window watches only for a fault (an answer
 * more, a close it did not announce: ExchangeOptions.settleWatchesFaults, answerOptional) has it cut to the
 * server's pace by the runner (Scheduler.watchMs); a window for a close the answers oblige is never cut.
 */

/** Watch for the close after an answer the server MUST (or SHOULD) close after. */
export const CLOSE_WINDOW_MS = 1000;
/** Watch for an answer to bytes that follow a response that ends the exchange (after a 101, a second answer to a TE byte case, a framing follow-up). */
export const EXTRA_ANSWER_WINDOW_MS = 200;
/** Watch for the follow-up GET's answer behind a request whose framing is questionable (RFC-only judging on the wire). */
export const FOLLOW_UP_WINDOW_MS = 500;
/** Watch for an answer to the request behind a hidden Content-Length, or for the close after a pipelined invalid request. */
export const BEHIND_WINDOW_MS = 300;
/** Watch for bytes after an answer's declared end (a compressed body sent past its Content-Length). */
export const EXTRA_BODY_WINDOW_MS = 300;
/** Wait for any answer to bytes that are not a request (garbage, a TLS hello): silence is a pass there. */
export const GARBAGE_ANSWER_WINDOW_MS = 500;
/** Wait for an answer to the HTTP/2 preface, or the first byte of an answer before a client resets. */
export const FIRST_ANSWER_WINDOW_MS = 1000;
/** Give a server a moment to trip over a client's half-close before the next client is tried. */
export const AFTER_HALF_CLOSE_MS = 500;
/**
 * Wait for an answer that did not come while another client held the server, once that client has gone
 * (ExchangeOptions.release): a server that serves one client at a time answers the next at once (0–4 ms
 * beside two busy loops). Short, so that a correct server's answer that was only late does not land in it
 * by chance and pass for one held back; one that misses it is judged on its silence, and confirmed.
 */
export const RELEASED_ANSWER_MS = 100;
/**
 * How long a second request is held unanswered (ExchangeOptions.release) before it counts as held again:
 * this many times the server's slowest recent answer, at least HELD_AGAIN_MIN_MS, at most the deadline.
 */
export const HELD_AGAIN_FACTOR = 20;
export const HELD_AGAIN_MIN_MS = 250;

/** See HELD_AGAIN_FACTOR. */
export function heldAgainMs(paceMs: number | undefined, timeoutMs: number): number {
  return Math.round(Math.min(timeoutMs, Math.max(HELD_AGAIN_MIN_MS, HELD_AGAIN_FACTOR * (paceMs ?? 0))));
}

/**
 * The pause between the pieces of a split request: long enough that the server reads the first piece
 * alone before the second arrives (a server that takes a short read for the whole request goes wrong
 * only then). SPLIT_PAUSE_MS on a server that answers in milliseconds; SPLIT_PAUSE_FACTOR times its
 * slowest recent answer when that is more (a loaded machine also makes the server's thread late to read:
 * a pause of 100 ms let recv-8-until-short read both pieces in one late read, once in some fourteen
 * whole test-suite runs); at most a third of the deadline, which the pauses count in.
 */
export const SPLIT_PAUSE_MS = 100;
export const SPLIT_PAUSE_FACTOR = 10;

/** The split pause for a server whose slowest recent answer took `paceMs` (see SPLIT_PAUSE_MS). */
export function splitPauseMs(paceMs: number | undefined, timeoutMs: number): number {
  return Math.round(Math.max(SPLIT_PAUSE_MS, Math.min(SPLIT_PAUSE_FACTOR * (paceMs ?? 0), timeoutMs / 3)));
}

/** A window capped by the run's deadline. */
export function window(ms: number, timeoutMs: number): number {
  return Math.min(ms, timeoutMs);
}
