/**
 * The fixed windows the checks wait in, named once. Each is a number of milliseconds, never more than the
 * run's deadline (`--timeout-ms`): `window(CLOSE_WINDOW_MS, ctx.timeoutMs)`. A window is how long a check
 * watches for something that may or may not come (a close, a second answer, a crash); the deadline is how
 * long it waits for an answer it needs.
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

/** A window capped by the run's deadline. */
export function window(ms: number, timeoutMs: number): number {
  return Math.min(ms, timeoutMs);
}
