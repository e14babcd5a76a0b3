/**
 * One bug, one deduction, as data. A check (or property) declares the failures of other checks its own
 * failure can follow from (`Check.follows`); the runner links a failure to its root when the root failed
 * in the same run and the failure shows that root's bug (src/runner/root-causes.ts). A linked failure
 * stays a failure, listed under its root in every report, and is deducted once, at the root.
 */
import type { Exchange } from '../client/exchange.js';
import { answered, closes } from './verify.js';

/**
 * What a failure must show to follow from its root:
 * - `closed-unannounced`: the server closed the connection after an HTTP/1.1 answer that did not say
 *   "Connection: close", before the answers this check asked for on that connection (the root judges
 *   exactly that: RFC 9112 §9.3);
 * - `same-case`: the two checks send the same malformation or the same way of sending, so a
 *   failure of both is one bug by construction (a property and the catalogue check of its case; a
 *   smuggling check and the framing check of the length or coding it hides behind).
 */
export type RootFinding = 'closed-unannounced' | 'same-case';

export interface FollowRule {
  /** The check whose failure this one follows from (its id, written in full). */
  root: string;
  when: RootFinding;
}

/** Did the exchanges of a failure show `finding`? */
export function shows(finding: RootFinding, exchanges: readonly Exchange[]): boolean {
  if (finding === 'same-case') return true;
  return exchanges.some((x, i) => {
    // Pipelined: some answers, no "close" in the last, then the connection closed before the rest.
    if (x.finals.length > 0 && x.kind !== 'response' && x.connection !== 'open' && !closes(x)) return true;
    // One after another on a kept connection: the previous answer did not say "close", this request got nothing.
    const prev = exchanges[i - 1];
    const gone = (x.kind === 'closed-without-response' || x.kind === 'reset' || x.kind === 'refused') && x.finals.length === 0 && x.receivedBytes === 0;
    return gone && prev !== undefined && answered(prev) && !closes(prev);
  });
}

/** A declaration with its rules of one bug, one deduction (for checks made by a shared builder). */
export function following<T extends object>(follows: readonly FollowRule[], decl: T): T & { follows: readonly FollowRule[] } {
  return { ...decl, follows };
}

/** The ids of the roots the catalogue's rules name (written in full where they are declared). */
export const CLOSE_ANNOUNCED = 'connection.close.announced-before-closing';
export const IDLE_CLIENT = 'robustness.idle-client.does-not-block-others';
export const SPLIT_TWO_PIECES = 'metamorphic.split.two-pieces-same-answer';

/** The failures that follow from a close without "Connection: close": a kept connection found closed. */
export const AFTER_UNANNOUNCED_CLOSE: readonly FollowRule[] = [{ root: CLOSE_ANNOUNCED, when: 'closed-unannounced' }];
/** The failures that follow from a server blocked by one idle client. */
export const AFTER_IDLE_BLOCKS: readonly FollowRule[] = [{ root: IDLE_CLIENT, when: 'same-case' }];
/** The failures that follow from a request split in two not being read as one. */
export const AFTER_SPLIT: readonly FollowRule[] = [{ root: SPLIT_TWO_PIECES, when: 'same-case' }];
