import type { Endpoint, SendPlan } from '../wire/types.js';
import type { Exchange, ExchangeOptions, Session } from '../client/exchange.js';
import type { Profile } from '../model/profile.js';

export type Family = 'robustness' | 'metamorphic' | 'wire' | 'status' | 'store' | 'differential';
export type Level = 'MUST' | 'SHOULD';
/** Final verdicts, after the runner has applied levels, baseline gating and liveness. */
export type Verdict = 'pass' | 'fail' | 'warn' | 'blocked' | 'skip' | 'error';
/**
 * What a check's own run can say. `blocked` is for a check whose setup (e.g. creating the record it
 * then reads) did not succeed: that failure belongs to the check that tests the setup, not this one.
 * `error` is the runner's to give.
 */
export type RunVerdict = 'pass' | 'fail' | 'warn' | 'skip' | 'blocked';

/** A request as sent: the exact bytes and how they were cut, and the methods (for response framing). */
export interface SentRequest {
  plan: SendPlan;
  methods: readonly string[];
}

export interface CheckRun {
  verdict: RunVerdict;
  /** One sentence: why this verdict (for a pass, what was seen). */
  reason: string;
  /** The acceptable outcomes, in words. */
  expected: string[];
  /** What came back, in words. */
  actual: string;
  /** The request that shows the failure (the last one sent, for sequences). */
  request?: SentRequest;
  /** Earlier requests of a sequence, in order, when the failure needs them. */
  setup?: SentRequest[];
  /**
   * When the verdict rests on the status of `request` alone (after `setup`, each on its own connection),
   * the outcomes it accepts: a corpus entry can then be replayed from its bytes, without the check.
   */
  expectation?: import('./verify.js').StatusExpectation;
  /** false when sending the bytes again does not reproduce the failure (it took a reset or a half-close). */
  byteReplay?: false;
  exchanges: Exchange[];
}

export interface CheckContext {
  readonly target: Endpoint;
  /** Per-exchange deadline. */
  readonly timeoutMs: number;
  readonly profile: Profile;
  /** The oracle server (`--oracle`): the teacher's solution, asked the same requests. */
  readonly oracle?: Endpoint;
  /** A record name unique to this run and check (`label` keeps several apart within one check). */
  name(label?: string): string;
  /** Sends a request on a fresh connection and reads the answer; never throws on server behaviour. */
  send(req: SentRequest, opts?: Partial<ExchangeOptions>): Promise<Exchange>;
  /**
   * Runs `make` once per run and key and shares its result between checks (the wire-syntax checks judge
   * one shared sample of responses instead of each sending its own).
   */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
  /**
   * Kills the server with SIGKILL and starts it again (grading only; absent otherwise). Resolves true
   * once it listens again.
   */
  restartServer?: () => Promise<boolean>;
  /** Opens a connection for several exchanges; `null` when the server refused it. */
  session(): Promise<Session | null>;
}

export interface Check {
  /** Stable slug id, e.g. `status.version.http2-is-505`. Never a position. */
  id: string;
  family: Family;
  level: Level;
  /** The requirement in RFC words. */
  requirement: string;
  /** Where the requirement comes from, e.g. `RFC 9112 §3.2`. */
  cite?: string;
  /** Does not need the baseline to pass (robustness checks that only need a listening socket). */
  independent?: boolean;
  /** Applies only to profiles with this capability (the reference record store), or with an oracle. */
  needs?: import('../model/profile.js').Need;
  run(ctx: CheckContext): Promise<CheckRun>;
}
