/**
 * How long a server took to answer an exchange, read from its transcript: what the runner's pace is
 * measured from (Scheduler.paceMs), and what a check that paces its own bytes (a split request) reads
 * from the exchange it has just made.
 */
import { QUIET_WINDOW_MAX_REQUEST_BYTES, type Exchange } from './exchange.js';

/**
 * How long the server took to answer: from the last byte sent before its first byte back to that first
 * byte (null for an exchange with no answer, or one sent in paused pieces, whose time is the pauses').
 * Null too for a request over QUIET_WINDOW_MAX_REQUEST_BYTES: such a request never gets the quiet window,
 * and its answer time is the server's time to read it (a 1 MiB body read 8 bytes at a time: 300 ms),
 * not the pace of the small answers the window is for; in the pace, it turned the window off for the
 * next 20 answers. Null for an answer that came only once the check released the client holding the
 * server (Exchange.releasedAtMs): its time is that client's, not the server's pace.
 */
export function firstByteMs(x: Exchange): number | null {
  if (x.kind === 'refused' || x.releasedAtMs !== undefined || (x.request?.plan.pausesMs ?? []).some((p) => p > 0)) return null;
  if ((x.request?.plan.bytes.length ?? 0) > QUIET_WINDOW_MAX_REQUEST_BYTES) return null;
  let lastSent: number | null = null;
  for (const e of x.transcript) {
    if (e.dir === 'sent') lastSent = e.atMs;
    else return lastSent === null ? null : Math.max(0, e.atMs - lastSent);
  }
  return null;
}
