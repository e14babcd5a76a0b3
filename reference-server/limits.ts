/** The limits that keep one client from taking the server down, with their defaults. */
export interface Limits {
  /** Largest request body accepted; a larger one gets 413 and the connection is closed. */
  maxBodyBytes: number;
  /** Largest header section (request line, header lines, line ends); a larger one gets 431, then close. */
  maxHeaderBytes: number;
  /** Time from the first byte of a request to the end of its header section; then 408, then close. */
  headerTimeoutMs: number;
  /**
   * Time a connection may sit between requests before it is closed without a word. The same time bounds
   * a stalled body (no byte for this long: 408, then close), a peer that does not read our answers, and
   * how long a closing connection waits for the peer to read its last answer.
   */
  idleTimeoutMs: number;
  /** Open connections at most; Node accepts and at once closes any connection beyond this. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 8 * 1024,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  maxConnections: 1_000,
});

/** The defaults with `overrides` applied; throws a RangeError naming the first value that is not a positive integer. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`limits.${key} must be a positive integer, not ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
