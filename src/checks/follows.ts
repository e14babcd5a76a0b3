/**
 * One bug, one deduction, as data. A check (or property) declares the failures of other checks its own
 * failure can follow from (`Check.follows`); the runner links a failure to its root when the root failed
 * in the same run and the failure shows that root's bug (src/runner/root-causes.ts). A linked failure
 * stays a failure, listed under its root in every report, and is deducted once, at the root.
 */
import type { Exchange } from '../client/exchange.js';
import type { FollowRule, RootFinding } from './types.js';
import { answered, closes } from './verify.js';

// The rule's types are declared with the check's (src/checks/types.ts), so that file imports nothing back.
export type { FollowRule, RootFinding } from './types.js';

/** What a rule looks at in a result: its exchanges, and what the runner added (a death, an exit after serving). */
export interface Judged {
  exchanges?: readonly Exchange[];
  cause?: { kind: string; down?: { kind: string; code?: number | null; signal?: string | null; said?: string } };
}

/** The crash (non-zero exit, or a signal) the runner charged to a result, if any: its last words. */
function crashOf(r: Judged): string | null {
  const c = r.cause;
  const d = c && (c.kind === 'died' || c.kind === 'exits-after-serving') ? c.down : undefined;
  if (!d || d.kind !== 'exited' || ((d.code ?? 0) === 0 && !d.signal)) return null;
  return `${d.code ?? ''}|${d.signal ?? ''}|${d.said ?? ''}`;
}

/** Did a failure (`dep`) show `finding`, the root's bug? */
export function shows(finding: RootFinding, dep: Judged, root: Judged): boolean {
  if (finding === 'same-case') return true;
  if (finding === 'same-crash') {
    const a = crashOf(dep);
    return a !== null && a === crashOf(root);
  }
  const exchanges = dep.exchanges ?? [];
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
export const EMPTY_CONNECTION = 'robustness.empty-connection.server-survives';

/** The failures that follow from a crash when a client closes (the empty connection is the first to show it). */
export const AFTER_CRASH_ON_CLOSE: readonly FollowRule[] = [{ root: EMPTY_CONNECTION, when: 'same-crash' }];

/** The failures that follow from a close without "Connection: close": a kept connection found closed. */
export const AFTER_UNANNOUNCED_CLOSE: readonly FollowRule[] = [{ root: CLOSE_ANNOUNCED, when: 'closed-unannounced' }];
/** The failures that follow from a server blocked by one idle client. */
export const AFTER_IDLE_BLOCKS: readonly FollowRule[] = [{ root: IDLE_CLIENT, when: 'same-case' }];
/** The failures that follow from a request split in two not being read as one. */
export const AFTER_SPLIT: readonly FollowRule[] = [{ root: SPLIT_TWO_PIECES, when: 'same-case' }];
