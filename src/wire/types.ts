/** Where a server under test listens. */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * Bytes to send, whole or in pieces. `splits` are offsets into `bytes` (strictly increasing, inside
 * (0, bytes.length)); `pausesMs[i]` is the pause before piece i+1. Splits at a TCP level are only a
 * best effort (the kernel may merge), which is why pauses exist: a pause of ≥ 1 ms with Nagle off
 * reliably makes a separate segment on loopback.
 */
export interface SendPlan {
  bytes: Uint8Array;
  splits?: readonly number[];
  pausesMs?: readonly number[];
}

export interface TranscriptEvent {
  dir: 'sent' | 'received';
  /** Milliseconds since the connection was opened. */
  atMs: number;
  bytes: Uint8Array;
}

/** How a wait on a connection ended. */
export type WaitEnd = 'done' | 'closed' | 'reset' | 'timeout' | 'overflow';

