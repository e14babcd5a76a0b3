import { setTimeout as sleepAbortable } from 'node:timers/promises';
import { Connection, DEFAULT_CAP_BYTES } from '../wire/connection.js';
import { Deadline } from '../wire/deadline.js';
import type { Endpoint, SendPlan, TranscriptEvent, WaitEnd } from '../wire/types.js';
import { header, ResponseParser, type ParsedResponse } from '../http1/response-parser.js';

/**
 * What happened when we sent a request: data, never an exception.
 * - response: every expected final response arrived complete;
 * - closed-without-response: the server closed before a complete final response (bytes may have come);
 * - reset: the connection was reset before a complete final response;
 * - timeout: the deadline passed with nothing, or only part of a response;
 * - refused: no TCP connection could be made;
 * - overflow: the server sent more than the byte cap.
 */
export type OutcomeKind = 'response' | 'closed-without-response' | 'reset' | 'timeout' | 'refused' | 'overflow';

export interface Exchange {
  kind: OutcomeKind;
  /** Complete responses received, interim (1xx) ones included, in order. */
  responses: ParsedResponse[];
  /** Final (non-1xx) complete responses. */
  finals: ParsedResponse[];
  /** A response that started but did not complete. */
  partial: ParsedResponse | null;
  /** The connection's state when we stopped watching it. */
  connection: 'open' | 'closed' | 'reset';
  sentBytes: number;
  receivedBytes: number;
  elapsedMs: number;
  transcript: TranscriptEvent[];
  /** Why the send stopped early, if it did. */
  sendError?: string;
  /** Connect failure detail for `refused`: the system's words, and what kind of failure it was. */
  message?: string;
  connectFailure?: 'refused' | 'timeout' | 'error';
  /** What was sent (or, for `refused`, would have been): a death can then be replayed from its request. */
  request?: { plan: SendPlan; methods: readonly string[] };
  /** Received bytes dropped from `transcript` once the exchange was judged (see retain): only their count is kept. */
  droppedBytes?: number;
  /**
   * On a fresh connection whose server was asked (or said) it would close: whether it kept the
   * connection open through the whole wait for that close (ExchangeOptions.peerCloseMs); false when it
   * closed, before or during the wait. Undefined when no close was asked for or announced.
   */
  closeIgnored?: boolean;
  /**
   * When the answers already decided the caller's verdict (ExchangeOptions.decided) and the settle after
   * them was watched: whether the server kept the connection open through that whole watch (false: it
   * closed or reset it during the watch). Undefined otherwise.
   */
  keptOpenAfterDecided?: boolean;
  /**
   * For an exchange that ran out of time with a witness to ask (ExchangeOptions.witness): whether the
   * server answered the witness's request, sent after ours, while ours stayed unanswered (true), or not
   * (false: the witness went unanswered, or something came on ours meanwhile). Undefined when none was asked.
   */
  witnessed?: boolean;
  /**
   * A body framed by the connection's close, on a connection left open, was taken as ended after this
   * long with nothing more (ExchangeOptions.closeIdleMs). Undefined when no body ended that way.
   */
  idleEndMs?: number;
  /**
   * A `timeout` ended by the quiet window (ExchangeOptions.silenceMs): nothing came for this long after the
   * request's last byte, before its deadline. Undefined when the deadline itself ran out (or no window).
   */
  silenceCutMs?: number;
  /**
   * A `timeout` ended once a witness stood behind its silence (ExchangeOptions.witnessAfterMs): nothing came
   * for this long after the request's last byte, and the server then answered the witness. Undefined
   * otherwise (the deadline ran out, or the quiet window ended it).
   */
  witnessCutMs?: number;
  /**
   * The exchange's release was called (ExchangeOptions.release): nothing had come when it ran out of
   * time, and the check let the server go on. When, on the transcript's clock (atMs). A `response` with
   * it set was answered only after that, within the release's grace.
   */
  releasedAtMs?: number;
}

/**
 * How many received bytes an exchange keeps once it has been judged and is held in a result (evidence
 * for the reports, which show a few hundred of them). Every read is capped while it runs (the
 * connection's DEFAULT_CAP_BYTES); this caps what a run keeps: a server that floods every answer (an
 * endless body after a valid head) would otherwise leave megabytes in each of a hundred failed results.
 */
export const RETAINED_RECEIVED_BYTES = 64 * 1024;

/**
 * Trims a judged exchange, in place, to what a result keeps: the first RETAINED_RECEIVED_BYTES of what
 * was received (the count of the rest in `droppedBytes`), and bodies to the same size. Called by the
 * runner after a unit's verdict is made, never before: no check judges trimmed bytes.
 */
export function retain(ex: Exchange): void {
  let kept = 0;
  let dropped = 0;
  const out: TranscriptEvent[] = [];
  for (const e of ex.transcript) {
    if (e.dir !== 'received') out.push(e);
    else if (kept >= RETAINED_RECEIVED_BYTES) dropped += e.bytes.length;
    else if (kept + e.bytes.length <= RETAINED_RECEIVED_BYTES) {
      out.push(e);
      kept += e.bytes.length;
    } else {
      const take = RETAINED_RECEIVED_BYTES - kept;
      out.push({ ...e, bytes: Uint8Array.from(e.bytes.subarray(0, take)) });
      dropped += e.bytes.length - take;
      kept += take;
    }
  }
  if (dropped > 0) {
    ex.transcript = out;
    ex.droppedBytes = (ex.droppedBytes ?? 0) + dropped;
  }
  for (const r of [...ex.responses, ...(ex.partial ? [ex.partial] : [])]) {
    if (r.body.length > RETAINED_RECEIVED_BYTES) r.body = Uint8Array.from(r.body.subarray(0, RETAINED_RECEIVED_BYTES));
  }
}

export interface ExchangeOptions {
  /** Methods of the requests in `plan`, in order: one response is expected per entry. */
  methods: readonly string[];
  /** Overall deadline for the exchange: connect, send, and read. */
  timeoutMs: number;
  capBytes?: number;
  /**
   * After the expected responses: watch this long for extra bytes or for the server closing. Checks
   * that judge "closes the connection" or "sends nothing more" need it; others leave it at 0.
   */
  settleMs?: number;
  /**
   * The caller judges only the status and headers: when the last expected response's body is delimited
   * by the connection closing, the exchange is done once its head has arrived. A server whose bodies
   * have no length on a kept-open connection is then judged on that by the wire checks alone, not timed
   * out by every status check.
   */
  headOnly?: boolean;
  /**
   * A response whose body is delimited by the connection closing, on a connection the server keeps
   * open, never ends. With this set, such a body is taken as ended once nothing more arrived for this
   * long (the response is then `bodyEndedBy: 'idle'`) instead of waiting out the whole deadline. The
   * runner sets it once a check has judged that finding with the full deadline.
   */
  closeIdleMs?: number;
  /**
   * The quiet window: once the whole request is sent, if no byte arrived for this long while an answer
   * is still expected (none yet, or the next of a pipelined batch, or the rest of one), the exchange ends
   * as a `timeout` (instead of waiting out `timeoutMs`). A server that keeps sending is read until the
   * deadline as always. The runner sets it only for a server whose silences have been confirmed with the
   * long deadline, from the server's measured pace (Scheduler.silenceMs).
   */
  silenceMs?: number;
  /**
   * How long the closing of a fresh connection waits for the server to close first, when it was asked
   * (or said) it would (ANNOUNCED_CLOSE_WAIT_MS unless set). The runner shortens it for a server seen
   * ignoring `Connection: close` (Scheduler.peerCloseMs).
   */
  peerCloseMs?: number;
  /**
   * The answers so far already decide the caller's verdict whatever the connection does next (a status
   * that fails by itself). The settle after them (`settleMs`) is then only a courtesy, letting a server
   * that closes after an answer close first; with `decidedSettleMs` set, it is cut to that.
   */
  decided?: (finals: readonly ParsedResponse[]) => boolean;
  /**
   * The settle after answers that decided the verdict (see `decided`). The runner sets it for a server
   * seen keeping the connection open through such settles several times in a row
   * (Scheduler.decidedSettleMs): it does not close after such answers.
   */
  decidedSettleMs?: number;
  /**
   * The settle after the answers (`settleMs`) watches only for what a correct server never sends (an
   * answer more, a close it did not announce, bytes past a body's end), not for a close the answers
   * oblige: `true`, or a function of the final answers that says so. Such a watch is cut to `watchMs`
   * when that is set. A watch for an owed close is never cut: a correct server ends it itself by closing,
   * and a late close cut short would be a failure of a correct server.
   */
  settleWatchesFaults?: boolean | ((finals: readonly ParsedResponse[]) => boolean);
  /**
   * The request is bytes that are not one (garbage, a TLS hello): no answer at all is as good as any
   * refusal, and the deadline is only how long to watch for a wrong one. It is cut to `watchMs` when that
   * is set.
   */
  answerOptional?: boolean;
  /**
   * How long a watch for what a correct server never sends lasts (see settleWatchesFaults,
   * answerOptional), from the server's measured pace: a server sends what it wrongly sends at the pace it
   * answers. The runner sets it (Scheduler.watchMs); unset, such watches last their whole window.
   */
  watchMs?: number;
  /**
   * What the check does to let the server go on when nothing came for the whole deadline (or quiet
   * window): `release()` is called once (it closes a client the check holds stalled), and the answer is
   * waited for `graceMs` more. Answered then, the exchange is a `response` with `releasedAtMs` set: the
   * server answered only once the other client had gone. Else it is the `timeout` it was.
   */
  release?: { graceMs: number; release(): void };
  /**
   * The runner's offer to wait for this exchange's answer beside other work (side by side against a
   * server it does not own: see runner/parked.ts). An exchange on a fresh connection (exchange()) takes
   * it; one on a kept connection through parkable().
   */
  park?: ParkHook;
  /**
   * A witness to a silence: asked once when the exchange runs out of time (and its answer was not
   * optional), while this connection stays open: a request of its own, on a fresh connection, and whether
   * the server answered it. Its outcome is the exchange's `witnessed`; what the exchange judged (its kind,
   * its bytes) is never changed by it. The runner sets it once the server's silences are taken as they are
   * (Scheduler.witnessing).
   */
  witness?: Witness;
  /**
   * With `witness`: ask it once nothing has arrived for this long after the request's last byte while an
   * answer is still expected, before the deadline; if it stands behind the silence (`witnessed`), the
   * exchange ends there as a `timeout` (Exchange.witnessCutMs), else it reads on to the deadline and the
   * witness is not asked again. Not for a request over QUIET_WINDOW_MAX_REQUEST_BYTES, nor one whose answer
   * is optional. The runner sets it for a confirmation's long deadline (Scheduler.witnessing).
   */
  witnessAfterMs?: number;
}

/** A witness to an exchange's silence, and when to ask it (ExchangeOptions.witness, witnessAfterMs). */
export interface Witnessing {
  witness: Witness;
  afterMs?: number;
}

/** The exchange options that ask `w` (none when undefined). */
export function witnessOptions(w: Witnessing | undefined): Pick<ExchangeOptions, 'witness' | 'witnessAfterMs'> {
  if (!w) return {};
  return w.afterMs !== undefined ? { witness: w.witness, witnessAfterMs: w.afterMs } : { witness: w.witness };
}

/**
 * Asks the server something on a fresh connection, sent at or after `quietSince` (performance.now() of
 * the silent exchange's last byte sent or received; a request already asked since then may serve): when
 * it was sent and when it was answered (within the witness's own bound), or null when it was not.
 */
export type Witness = (quietSince: number) => Promise<WitnessAnswer | null>;
export interface WitnessAnswer {
  sentAt: number;
  answeredAt: number;
}

/**
 * After the witness's answer, the silent exchange must stay silent this long more (or as long as the
 * witness took to be answered, if longer): a server that was held up answers the earlier request first,
 * and a moment after the later one at worst.
 */
export const WITNESS_GRACE_MS = 5;

/**
 * A way for a request that met silence to give up its turn. Once the whole request has been sent and no
 * byte came for `afterMs` (none at all, or none more), the exchange calls `park()` once (it may say no);
 * if it said yes, the exchange calls `resume()` before it closes its connection or returns on a kept one
 * (the close, or the next request, is an action the server sees, and the runner takes its turn back for
 * it). Only the time at which others act changes, never how long this exchange waits or what it reads.
 */
export interface ParkHook {
  afterMs: number;
  /**
   * `awaitingAnswer`: an answer asked for has not come whole (false: they all came, and the connection is
   * watched). `ended` aborts when the exchange ends: a decision not made by then is no (the exchange does
   * not wait for it).
   */
  park(awaitingAnswer: boolean, ended: AbortSignal): Promise<boolean>;
  resume(): Promise<void>;
}

/**
 * The largest request the quiet window applies to. A 1 MiB request line is in the kernel's buffers
 * within milliseconds, and a student server reading it 8 bytes at a time answers 200 ms later idle, a
 * second or more on a loaded machine: its silence then says nothing about the server's pace.
 */
export const QUIET_WINDOW_MAX_REQUEST_BYTES = 64 * 1024;

/**
 * The quiet window (ExchangeOptions.silenceMs) for an exchange with deadline `timeoutMs`, or undefined
 * for the whole deadline: what the runner has learned of the server (Scheduler.silenceMs).
 */
export type QuietWindow = (timeoutMs: number) => number | undefined;

/**
 * How long a connection whose server announced its close waits for that close before sending its own
 * FIN. 100 ms was too short beside a loaded suite: our FIN crossed the server's, its side waited in
 * TIME_WAIT, and a server without SO_REUSEADDR took 63 s to bind its port again after a restart.
 */
export const ANNOUNCED_CLOSE_WAIT_MS = 1000;

/** A connection on which requests are exchanged one after another (keep-alive, pipelining, dialogues). */
export class KeepAliveConnection {
  private readonly parser = new ResponseParser();
  private readonly started = performance.now();
  private sawEnd = false;
  /** The final answers the exchange under way waits for, counted over the connection. */
  private want = 0;
  /** The last exchange ran out of time (its deadline, or the quiet window): see close(). */
  private lastTimedOut = false;

  private constructor(
    readonly conn: Connection,
    private readonly quiet?: QuietWindow,
    private readonly witnessFor?: (timeoutMs: number) => Witnessing | undefined,
  ) {
    conn.onChunk((c) => this.parser.feed(c));
  }

  /**
   * `quiet`: the run's quiet window for an exchange with a given deadline (Scheduler.silenceMs), asked at
   * each exchange that does not set `silenceMs` itself, as a fresh connection's exchange gets it;
   * `witnessFor` likewise for the witness to a silence (ExchangeOptions.witness).
   */
  static async open(
    endpoint: Endpoint,
    timeoutMs: number,
    capBytes = DEFAULT_CAP_BYTES,
    quiet?: QuietWindow,
    witnessFor?: (timeoutMs: number) => Witnessing | undefined,
  ): Promise<KeepAliveConnection | { refused: string; how: 'refused' | 'timeout' | 'error' }> {
    const r = await Connection.open(endpoint, { connectTimeoutMs: timeoutMs, capBytes });
    if (!r.ok) return { refused: r.message, how: r.kind };
    return new KeepAliveConnection(r.conn, quiet, witnessFor);
  }

  private syncEnd(): void {
    if (!this.sawEnd && this.conn.state !== 'open') {
      this.sawEnd = true;
      this.parser.end();
    }
  }

  /** Sends `plan`, then reads until `methods.length` more final responses, a close, or the deadline. */
  async exchange(plan: SendPlan, opts: ExchangeOptions): Promise<Exchange> {
    // Bytes whose answer is optional are watched for an answer only as long as the server's pace says.
    if (opts.answerOptional === true && opts.watchMs !== undefined && opts.watchMs < opts.timeoutMs) opts = { ...opts, timeoutMs: opts.watchMs };
    if (opts.silenceMs === undefined && this.quiet) {
      const silenceMs = this.quiet(opts.timeoutMs);
      if (silenceMs !== undefined) opts = { ...opts, silenceMs };
    }
    if (opts.witness === undefined && this.witnessFor) {
      opts = { ...opts, ...witnessOptions(this.witnessFor(opts.timeoutMs)) };
    }
    const t0 = performance.now();
    const deadline = new Deadline(opts.timeoutMs);
    const before = this.parser.done.length;
    const finalsBefore = this.parser.finals;
    const want = finalsBefore + opts.methods.length;
    this.want = want;
    for (const m of opts.methods) this.parser.expect(m);
    const sentBefore = this.conn.sentBytes;
    const recvBefore = this.conn.receivedBytes;
    // Read while sending: a server may answer (or close) before the request is complete.
    let sendDone = false;
    const sending = this.conn.send(plan, deadline).then((r) => {
      sendDone = true;
      this.conn.wake();
      return r;
    });
    const headArrived = (): boolean => {
      const p = this.parser.partial;
      // Only a close-delimited body is not waited for: a length-delimited one ends by itself.
      return opts.headOnly === true && this.parser.finals === want - 1 && p !== null && p.status !== null && !p.interim && p.headEnd > p.start && p.framing === 'close';
    };
    const done = (): boolean => this.parser.finals >= want || headArrived();
    // A close-delimited body on a connection left open: idle for closeIdleMs ends it.
    const idleEndable = (): boolean => {
      const p = this.parser.partial;
      return this.parser.finals === want - 1 && p !== null && p.status !== null && !p.interim && p.headEnd > p.start && p.framing === 'close';
    };
    let end: WaitEnd | undefined;
    let idleEndMs: number | undefined;
    let silenceCut: number | undefined;
    let witnessCut: number | undefined;
    // The quiet window (silenceMs) counts from the request's last byte: wait for the send to finish first.
    // A request over QUIET_WINDOW_MAX_REQUEST_BYTES gets the whole deadline: "sent" only means handed to
    // the kernel, and the server's time to read it is not in the pace of its small answers. So does the
    // witness asked before the deadline (witnessAfterMs).
    const small = plan.bytes.length <= QUIET_WINDOW_MAX_REQUEST_BYTES;
    const quietMs = opts.silenceMs !== undefined && opts.silenceMs < deadline.remaining() && small ? opts.silenceMs : undefined;
    const witnessAfterMs =
      opts.witness && opts.witnessAfterMs !== undefined && opts.answerOptional !== true && opts.witnessAfterMs < deadline.remaining() && small && quietMs === undefined ? opts.witnessAfterMs : undefined;
    // Its outcome, once asked (it is asked once).
    let early: boolean | undefined;
    if (quietMs !== undefined || witnessAfterMs !== undefined) {
      const first = await this.conn.waitFor(() => done() || sendDone, deadline);
      if (first !== 'done' || done()) end = first;
    }
    if (end !== undefined) {
      // ended (answered, closed, reset, overflowed, out of time) before the request was all sent
    } else if (opts.closeIdleMs === undefined && quietMs === undefined && witnessAfterMs === undefined) {
      end = await this.conn.waitFor(done, deadline);
    } else {
      let lastByteAt = performance.now();
      for (;;) {
        const seen = this.conn.receivedBytes;
        // Wait until the next moment one of them is due, not a whole window more: on a busy event loop a
        // timer fires up to a few milliseconds early by performance.now() (libuv's cached clock), and a
        // second whole window then doubled the silence (16 cases side by side: a fifth of them at 1 s for
        // a 500 ms window, until session 23). Once past its time, an idle end that cannot apply (no body
        // open) waits for bytes, which end the wait anyway.
        const quiet = performance.now() - lastByteAt;
        const due = (ms: number | undefined): number => (ms !== undefined && ms > quiet ? ms - quiet : Infinity);
        const waitMs = Math.min(due(opts.closeIdleMs), due(quietMs), early === undefined ? due(witnessAfterMs) : Infinity, deadline.remaining());
        end = await this.conn.waitFor(() => done() || this.conn.receivedBytes !== seen, new Deadline(Math.max(1, waitMs)));
        if (end === 'done' && !done()) {
          lastByteAt = performance.now();
          continue; // more bytes came: keep reading
        }
        if (end === 'timeout' && deadline.remaining() > 0) {
          const quietFor = performance.now() - lastByteAt;
          if (opts.closeIdleMs !== undefined && quietFor >= opts.closeIdleMs - 1 && idleEndable()) {
            // Nothing more can follow a close-delimited body on this connection: end the parse here, so
            // the response is complete with the body that came.
            const open = this.parser.partial;
            this.sawEnd = true;
            this.parser.end();
            if (open) open.bodyEndedBy = 'idle';
            idleEndMs = opts.closeIdleMs;
            end = 'done';
            break;
          }
          // Nothing for the whole quiet window: judged as a deadline that passed.
          if (quietMs !== undefined && quietFor >= quietMs - 1) {
            silenceCut = quietMs;
            break;
          }
          // Nothing for witnessAfterMs: a witness that stands behind the silence ends it as the deadline would.
          if (witnessAfterMs !== undefined && early === undefined && quietFor >= witnessAfterMs - 1 && !done()) {
            early = await this.witnessSilence(opts.witness!);
            if (early) {
              witnessCut = witnessAfterMs;
              end = 'timeout';
              break;
            }
          }
          continue;
        }
        break;
      }
    }
    const sent = await sending;
    if (end !== 'done' && done()) end = 'done';
    // Nothing came at all: the check lets the server go on, and waits a moment for the answer (release).
    let releasedAtMs: number | undefined;
    if (opts.release && end === 'timeout' && this.conn.receivedBytes === recvBefore && this.conn.state === 'open') {
      releasedAtMs = this.conn.now();
      opts.release.release();
      if ((await this.conn.waitFor(done, new Deadline(opts.release.graceMs))) === 'done' || done()) {
        end = 'done';
        silenceCut = undefined;
        witnessCut = undefined;
      }
    }
    const headOnlyPartial = end === 'done' && this.parser.finals < want ? this.parser.partial : null;
    this.syncEnd();
    if (end !== 'done' && this.parser.finals >= want) end = 'done';
    let connection: Exchange['connection'] = this.conn.state;
    let keptOpenAfterDecided: boolean | undefined;
    if (end === 'done' && (opts.settleMs ?? 0) > 0) {
      let settleMs = opts.settleMs ?? 0;
      const finals = this.parser.done.slice(before).filter((r) => !r.interim);
      const decided = opts.decided?.(finals) === true;
      const watchesFaults = typeof opts.settleWatchesFaults === 'function' ? opts.settleWatchesFaults(finals) : opts.settleWatchesFaults === true;
      if (watchesFaults && opts.watchMs !== undefined) settleMs = Math.min(settleMs, opts.watchMs);
      if (decided && opts.decidedSettleMs !== undefined) settleMs = Math.min(settleMs, opts.decidedSettleMs);
      connection = await this.conn.watchClose(Math.min(settleMs, Math.max(deadline.remaining(), 50)));
      this.syncEnd();
      if (decided) keptOpenAfterDecided = connection === 'open';
    }
    const responses = this.parser.done.slice(before);
    if (headOnlyPartial && !responses.includes(headOnlyPartial)) responses.push(headOnlyPartial);
    const kind: OutcomeKind =
      end === 'done'
        ? 'response'
        : end === 'overflow'
          ? 'overflow'
          : end === 'reset'
            ? 'reset'
            : end === 'closed'
              ? 'closed-without-response'
              : 'timeout';
    const ex: Exchange = {
      kind,
      responses,
      finals: responses.filter((r) => !r.interim),
      partial: headOnlyPartial ? null : this.parser.partial,
      connection,
      sentBytes: this.conn.sentBytes - sentBefore,
      receivedBytes: this.conn.receivedBytes - recvBefore,
      elapsedMs: Math.round(performance.now() - t0),
      transcript: this.conn.transcript.filter((e) => e.atMs >= t0 - this.started - 1),
      request: { plan, methods: opts.methods },
    };
    if (!sent.ok) ex.sendError = `the server ${sent.error === 'reset' ? 'reset' : 'closed'} the connection after ${sent.sentBytes} of ${plan.bytes.length} request bytes`;
    if (keptOpenAfterDecided !== undefined) ex.keptOpenAfterDecided = keptOpenAfterDecided;
    if (idleEndMs !== undefined) ex.idleEndMs = idleEndMs;
    if (kind === 'timeout' && silenceCut !== undefined) ex.silenceCutMs = silenceCut;
    if (kind === 'timeout' && witnessCut !== undefined) ex.witnessCutMs = witnessCut;
    if (releasedAtMs !== undefined) ex.releasedAtMs = releasedAtMs;
    this.lastTimedOut = kind === 'timeout';
    if (kind === 'timeout' && early !== undefined) ex.witnessed = early;
    else if (kind === 'timeout' && opts.witness && opts.answerOptional !== true) ex.witnessed = await this.witnessSilence(opts.witness);
    return ex;
  }

  /**
   * Asks `witness` while this connection, whose exchange ran out of time, stays open: true when the server
   * answered the witness's request, sent after this connection went quiet, and then, for WITNESS_GRACE_MS
   * more (or as long as the witness took), sent nothing on this connection and did not close it. Its
   * silence is then the server's own, not a machine too loaded to let it answer: it answered a request
   * sent after ours.
   */
  private async witnessSilence(witness: Witness): Promise<boolean> {
    const seen = this.conn.receivedBytes;
    const unchanged = (): boolean => this.conn.receivedBytes === seen && this.conn.state === 'open';
    const w = await witness(this.conn.lastActivityAt).catch(() => null);
    if (!w || !unchanged()) return false;
    // Silent since before the witness was sent, and still: through its answer and the grace after it.
    const rest = w.answeredAt + Math.max(WITNESS_GRACE_MS, w.answeredAt - w.sentAt) - performance.now();
    if (rest <= 0) return true;
    const end = await this.conn.waitFor(() => this.conn.receivedBytes !== seen, new Deadline(rest));
    return end === 'timeout' && unchanged();
  }

  /** Is an exchange under way still waiting for an answer it asked for (not only watching the connection)? */
  awaitingAnswer(): boolean {
    return this.parser.finals < this.want;
  }

  /** Watches the connection for a close over `windowMs`. */
  async watchClose(windowMs: number): Promise<'open' | 'closed' | 'reset'> {
    const r = await this.conn.watchClose(windowMs);
    this.syncEnd();
    return r;
  }

  /**
   * Closes the connection (see Connection.close). When the last answer said the server would close
   * (`Connection: close`, or HTTP/1.0 without keep-alive), or our last request asked it to and was
   * answered, the server is let to close first. A request it left unanswered (out of time, the quiet
   * window) gives it no reason to close now: our FIN goes first (its side then closes second, and waits in
   * no TIME_WAIT), and nothing is learned of how it keeps its word (Exchange.closeIgnored). Until session
   * 22 such a close waited up to ANNOUNCED_CLOSE_WAIT_MS for a server still busy elsewhere: a second per
   * silent probe of single-thread-blocking's checks.
   */
  close(peerCloseMs: number = ANNOUNCED_CLOSE_WAIT_MS): Promise<boolean | undefined> {
    return this.conn.close(100, this.expectsServerClose(), peerCloseMs);
  }

  private expectsServerClose(): boolean {
    const last = this.parser.done.filter((r) => !r.interim).at(-1);
    if (last) {
      const conn = (header(last, 'connection') ?? '').toLowerCase();
      if (/\bclose\b/.test(conn) || (last.version === 'HTTP/1.0' && !/\bkeep-alive\b/.test(conn))) return true;
    }
    if (this.lastTimedOut) return false;
    const sent = Buffer.from(this.conn.sent()).toString('latin1');
    return /\r\nconnection:[ \t]*close[ \t]*\r\n/i.test(sent.slice(-4096));
  }
}

/**
 * Runs `go`, an exchange of `plan` on `s`, under the runner's offer to park (ParkHook): if it parked, the
 * turn is taken back before this returns, so what the caller does next on the connection (its close,
 * another request on a kept connection) is taken in turn.
 */
export async function parkable<T>(s: KeepAliveConnection, plan: SendPlan, park: ParkHook | undefined, go: () => Promise<T>): Promise<T> {
  const watch = park ? watchToPark(s, plan, park) : null;
  try {
    return await go();
  } finally {
    if (watch && (await watch.stop())) await park!.resume();
  }
}

/**
 * Watches an exchange on `s` for the moment to offer `hook.park()`: the whole of `plan` sent, and no
 * byte sent or received for `hook.afterMs` (looked at every quarter of it; a server that answered part, or
 * all, and then waits is waited on as one that said nothing). `stop()` ends the watch when the
 * exchange ends, and says whether it parked (waiting for a park() already asked).
 */
function watchToPark(s: KeepAliveConnection, plan: SendPlan, hook: ParkHook): { stop(): Promise<boolean> } {
  const conn = s.conn;
  // A kept connection counts what it sent before this exchange too.
  const sentBefore = conn.sentBytes;
  const abort = new AbortController();
  const step = Math.max(1, Math.ceil(hook.afterMs / 4));
  let asked: Promise<boolean> | null = null;
  const run = async (): Promise<void> => {
    // Since when nothing was sent or received.
    let quietSince: number | null = null;
    let seen = conn.receivedBytes;
    // Bounded by the exchange: stop() aborts the sleep once it has ended.
    while (!abort.signal.aborted) {
      await sleepAbortable(step, undefined, { signal: abort.signal }).catch(() => undefined);
      if (abort.signal.aborted || conn.state !== 'open') return;
      if (conn.sentBytes - sentBefore < plan.bytes.length || conn.receivedBytes !== seen) {
        seen = conn.receivedBytes;
        quietSince = null;
        continue;
      }
      quietSince ??= performance.now();
      if (performance.now() - quietSince >= hook.afterMs - step) {
        asked = hook.park(s.awaitingAnswer(), abort.signal);
        return;
      }
    }
  };
  const running = run();
  return {
    stop: async () => {
      abort.abort();
      await running;
      return asked ? await asked : false;
    },
  };
}

/** One request (or a pipelined batch) on a fresh connection, which is closed afterwards. */
export async function exchange(endpoint: Endpoint, plan: SendPlan, opts: ExchangeOptions): Promise<Exchange> {
  const t0 = performance.now();
  const s = await KeepAliveConnection.open(endpoint, opts.timeoutMs, opts.capBytes);
  if ('refused' in s) {
    return {
      kind: 'refused',
      responses: [],
      finals: [],
      partial: null,
      connection: 'closed',
      sentBytes: 0,
      receivedBytes: 0,
      elapsedMs: Math.round(performance.now() - t0),
      transcript: [],
      message: s.refused,
      connectFailure: s.how,
      request: { plan, methods: opts.methods },
    };
  }
  let ex: Exchange;
  try {
    ex = await parkable(s, plan, opts.park, () => s.exchange(plan, { ...opts, timeoutMs: Math.max(1, opts.timeoutMs - (performance.now() - t0)) }));
  } catch (err) {
    await s.close(opts.peerCloseMs);
    throw err;
  }
  const closeIgnored = await s.close(opts.peerCloseMs);
  return closeIgnored === undefined ? ex : { ...ex, closeIgnored };
}
