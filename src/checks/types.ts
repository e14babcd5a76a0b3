import type { Endpoint, SendPlan } from '../wire/types.js';
import type { Exchange, ExchangeOptions, KeepAliveConnection } from '../client/exchange.js';
import type { Profile } from '../model/profile.js';
import type { FindingCode } from '../http1/findings.js';

/**
 * An acceptable outcome: a status code, a status class, or `close` (the server closed or reset the
 * connection without sending any byte of a response).
 */
export type Accept = number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'close' | 'ok';

export interface StatusExpectation {
  accept: readonly Accept[];
  /** Outcomes that are tolerated with a warning (the RFC allows them, the assignment prefers `accept`). */
  warn?: readonly Accept[];
  /** After the response, the server MUST close the connection. */
  mustClose?: boolean;
}

/**
 * What a failure of a check costs beyond the sentence it breaks: `security` (a request smuggled past a
 * proxy, a file read or written outside the server's folder, a command run), at any level;
 * `denial-of-service` (one idle or slow client blocks everyone) and `desync` (the framing of messages: a
 * client can get another request's answer) for a failed MUST.
 */
export type Impact = 'security' | 'denial-of-service' | 'desync';

/**
 * What a failure must show to follow from its root:
 * - `closed-unannounced`: the server closed the connection after an HTTP/1.1 answer that did not say
 *   "Connection: close", before the answers this check asked for on that connection (the root judges
 *   exactly that: RFC 9112 §9.3);
 * - `same-case`: the two checks send the same malformation or the same way of sending, so a
 *   failure of both is one bug by construction (a property and the catalogue check of its case; a
 *   smuggling check and the framing check of the length or coding it hides behind);
 * - `same-crash`: the server crashed (a non-zero exit or a signal) after this check's connection ended,
 *   as it did after the root's, with the same last words (a traceback's last line): a crash on
 *   disconnect is one bug, whichever way the client closed.
 */
export type RootFinding = 'closed-unannounced' | 'same-case' | 'same-crash';

export interface FollowRule {
  /** The check whose failure this one follows from (its id, written in full). */
  root: string;
  when: RootFinding;
}

/**
 * What a check is about; each id prefix belongs to one family (README, "Where each check lives"):
 * `framing` is how a request's body is delimited (Content-Length, Transfer-Encoding, chunked, trailers,
 * smuggling); `connection` is persistence, closing and pipelining; `assignment` the rules of a course
 * assignment's own protocol (the `byo`, `text`, `dialogue` and `kv` prefixes).
 */
export const FAMILIES = ['robustness', 'metamorphic', 'wire', 'status', 'framing', 'connection', 'store', 'assignment', 'differential', 'security'] as const;
/** One of FAMILIES, whose order is the order reports list families in. */
export type Family = (typeof FAMILIES)[number];
/**
 * The keyword of the sentence a check tests. MUST: a broken one is a `fail`. SHOULD: a `warn` (a `fail`
 * only with --strict). MAY: the RFC lets the server choose, so every answer it allows passes; what is
 * left to fail (no answer at all, an answer the RFC allows for none of the choices) is judged like a
 * SHOULD.
 */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/**
 * Where a check's requirement comes from, as data (reporters and `wiregrade list` show it):
 * - `{ rfc, quote }`: the RFC section (`RFC 9112 §3`) and its sentence, word for word; the check's level
 *   is that sentence's keyword.
 * - `{ profile, note }`: what only a profile asks, not the RFC: `profile` names the rule set
 *   (`reference`: the reference protocol of SPEC.md; an assignment profile's name), `note` says what it
 *   asks and, where there is one, which RFC choice it narrows.
 * A check of the RFC may also carry a `profileRule`: the stricter answer a rule set prefers among those
 * the RFC allows (405 over 501, 505 for HTTP/2, bare LF served, Content-Length on every body). Under a
 * profile that adopts that rule set (`Profile.rules`), the check is judged by the rule, at level MUST.
 */
export type Source = { rfc: string; quote: string } | { profile: string; note: string };

/** Named sets of stricter answers a profile can adopt (`Profile.rules`); `reference` is the reference protocol's. */
export type RuleSet = 'reference';

export interface ProfileRule {
  rules: RuleSet;
  /** The level the rule is judged at (default MUST; SHOULD for a preference the rule set only warns about). */
  level?: Level;
  /** What the rule set asks beyond the RFC, in words. */
  note: string;
}

/** `RFC 9112 §3`, or `profile reference`: the short form of a source, for one line of a report. */
export function citeOf(source: Source | undefined, fallback?: string): string | undefined {
  if (!source) return fallback;
  return 'rfc' in source ? source.rfc : profileDoc(source.profile);
}

/** Where the docs describe what a profile (or a capability of one) asks: a cite a student can follow. */
const PROFILE_DOCS: Readonly<Record<string, string>> = {
  any: 'docs/checks.md#the-any-profile',
  reference: 'docs/reference-protocol.md#requests-and-answers',
  persistent: 'docs/reference-protocol.md#durability',
  'byo-http': 'docs/checks.md#the-byo-http-assignment',
  'text-file': 'docs/checks.md#the-text-file-assignment',
  'record-dialogue': 'docs/checks.md#the-record-dialogue-assignment',
  'key-value': 'docs/checks.md#the-key-value-assignment',
  operations: 'docs/checks.md#operations-from-a-profile-file',
  oracle: 'docs/checks.md#differential',
};

/** The docs heading for a profile's rules (`docs/checks.md#profiles` for one the docs do not name). */
export function profileDoc(profile: string): string {
  return PROFILE_DOCS[profile] ?? 'docs/checks.md#profiles';
}
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
  /**
   * A setup step whose connection stays open while the requests after it are sent (an idle or stalled
   * client): a replay must hold it open too, not send it and close.
   */
  held?: true;
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
  expectation?: StatusExpectation;
  /** false when sending the bytes again does not reproduce the failure (it took a reset or a half-close). */
  byteReplay?: false;
  /**
   * The failure follows from another check's: the answer broke the rule that check judges (the
   * `finding` it looks for), and nothing else was seen. When that check fails too, the failure is
   * counted once, there (see src/runner/root-causes.ts).
   */
  because?: { check: string; finding: FindingCode | RunnerFinding };
  /** What the rest of the run learns from this check: the baseline's status (see `learnsBaseline`). */
  learned?: { baselineStatus: number };
  /**
   * A failure that breaks a sentence other than the check's own, at that sentence's level: an answer
   * with no status line to a versioned request line breaks RFC 9110 §2.2 (MUST) whatever the check's
   * level for the status code (src/checks/answer-grammar.ts). The result then carries this level and source.
   */
  breaks?: { level: Level; source: Source };
  exchanges: Exchange[];
}

/**
 * What the runner (not the answer's bytes) saw that a failure follows from:
 * `died-on-unrouted-host`: the server died on a request whose Host carries none of the profile's routes
 * (see `robustness.unrouted-host.server-survives`).
 */
export type RunnerFinding = 'died-on-unrouted-host' | 'exited-cleanly' | RootFinding;

/** A death a check's bug explains: `finding` names it; `when` tells it from the rest by its request and how the server went down. */
export interface DeathRule {
  finding: Extract<RunnerFinding, 'died-on-unrouted-host' | 'exited-cleanly'>;
  when: (death: { request?: SentRequest; down: { kind: string; code?: number | null; signal?: string | null } }, profile: Profile) => boolean;
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
  openConnection(): Promise<KeepAliveConnection | null>;
  /**
   * The slowest of the server's recent answer times (ms), once the run has measured enough of them;
   * undefined before, and where no run measures (a check replayed on its own).
   */
  paceMs?(): number | undefined;
  /**
   * The security canary (grading only; absent otherwise): a file wiregrade planted beside the
   * submission's scratch copy, outside the folder the server runs in, for the `security.*` checks.
   */
  readonly canary?: Canary;
}

/**
 * A folder wiregrade owns around the server's own: `dir` holds the server's folder (`serverDir`) and a
 * planted file (`readName`, holding `content`). Nothing the server does through HTTP should read that
 * file or create anything in `dir` outside `serverDir`.
 */
export interface Canary {
  /** The absolute, real path of the folder that holds the server's folder and the canary file. */
  readonly dir: string;
  /** The absolute, real path of the folder the server runs in (inside `dir`). */
  readonly serverDir: string;
  /** The canary file's name (in `dir`). */
  readonly readName: string;
  /** Its content: a secret no server can produce unless it read the file. */
  readonly content: string;
  /** The names in `dir` now (the server's folder and the canary included). */
  entries(): Promise<string[]>;
  /** The first bytes of a file in `dir` (empty when it is not a readable file). */
  head(name: string, bytes: number): Promise<Uint8Array>;
  /** Removes an entry of `dir` the server made (never the server's folder or the canary). */
  remove(name: string): Promise<void>;
}

export interface Check {
  /** Stable slug id, e.g. `status.version.http2-is-505`. Never a position. */
  id: string;
  family: Family;
  level: Level;
  /** The requirement in RFC words. */
  requirement: string;
  /** Where the requirement comes from (see Source). Every catalogue check has one (a test asserts it). */
  source?: Source;
  /** The stricter answer a rule set asks for, when a profile adopts it (see Source). */
  profileRule?: ProfileRule;
  /** Where the requirement comes from, in short (`RFC 9112 §3.2`): `citeOf(source)` when absent. */
  cite?: string;
  /** Does not need the baseline to pass (robustness checks that only need a listening socket). */
  independent?: boolean;
  /**
   * The check's connection ends the way a client may always end one (it closes, resets, stalls): a crash
   * of the server right after it (a non-zero exit, a signal) is this check's failure, even when every
   * answer had come (a crash on disconnect), not the exit after serving of robustness.server.keeps-serving.
   */
  survival?: true;
  /**
   * Sends many requests at once and judges their answers (twenty clients): the server's time for the last
   * of them is not its pace, so a failure of this check that rests on a deadline is confirmed with the
   * longer deadline even once the server's silences are a class (runner/deadlines.ts: as a large
   * request's is), and that confirmation decides its own verdict only.
   */
  atOnce?: true;
  /** Applies only to profiles with this capability (the reference record store), or with an oracle. */
  needs?: import('../model/profile.js').Need;
  /**
   * For a check that is one request and a set of acceptable statuses (caseCheck): those statuses under a
   * profile, as data, so a property case of the same malformation is judged by them, at this check's
   * level (the same bytes get the same level everywhere).
   */
  expectation?: (profile: Profile) => StatusExpectation;
  /** The failures this one can follow from (one bug, one deduction): see src/checks/follows.ts. */
  follows?: readonly FollowRule[];
  /**
   * What a failure costs beyond the broken sentence, so reports list it first (see Impact). Declared on
   * the check, or once for its group (CheckGroup.impact).
   */
  impact?: Impact;
  /**
   * Deaths this check's bug explains (one bug, one deduction, for deaths): when the server died after
   * another unit's request and `when` holds for that death, that unit's failure is listed under this
   * check when this one fails too (see src/runner/root-causes.ts).
   */
  explainsDeaths?: DeathRule;
  /** Runs right after the baseline, before every check about something else (src/checks/catalogue/index.ts). */
  runsEarly?: boolean;
  /**
   * May run beside other such checks, each on connections of its own, when the graded server has shown it
   * serves a second client while one stalls (src/runner/side-by-side.ts): its requests change no state
   * another check reads (no listing, no shared record, no restart), it judges only the answers on its own
   * connections, and no request is large enough to keep the server busy for others (over 64 KiB). Declared
   * on the check, or once for its group (CheckGroup.sideBySide); `false` on a check overrides its group.
   */
  sideBySide?: boolean;
  /**
   * Its pass shows that the server answers a client while another one's request waits unanswered: against
   * a server the runner does not own (`fuzz --target`), checks wait side by side (src/runner/parked.ts) only
   * once it has passed, and there it runs right after the baseline.
   */
  showsSideBySide?: true;
  run(ctx: CheckContext): Promise<CheckRun>;
}
