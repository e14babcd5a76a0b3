/**
 * One client connection: read requests, answer them in order, keep the connection or close it.
 *
 * The states, and what ends each one:
 *
 *   idle      waiting for the first byte of a request. No byte within idleTimeoutMs: close, without a
 *             word (RFC 9112 §9.5: nothing was asked, so nothing is owed).
 *   head      reading a header section. Not complete within headerTimeoutMs of its first byte: 408, close.
 *   body      reading a body. No byte for idleTimeoutMs: 408, close.
 *   busy      the store is saving this request's write; reading is paused, so the next pipelined request
 *             waits in the kernel, not in memory.
 *   draining  the peer is not reading our answers fast enough; reading is paused until it catches up (or
 *             idleTimeoutMs passes: close).
 *   closing   the last answer is written and our side is shut (FIN). Input is read and thrown away until
 *             the peer closes too, for at most idleTimeoutMs: closing with unread input would make the
 *             kernel reset the connection and the peer could lose our answer (RFC 9112 §9.6).
 *
 * Pipelined requests are parsed one after another from the same buffer, and each answer is written
 * before the next request is looked at, so answers go out in request order.
 *
 * What closes the connection: every error the parser finds (the framing can no longer be trusted),
 * `Connection: close`, HTTP/1.0 without `Connection: keep-alive`, a timeout, and the peer's FIN once
 * everything it sent has been answered. A well-framed request never closes it, whatever its status.
 *
 * Every event handler runs inside `guard`: an exception (a bug) destroys this socket and nothing else.
 */
import type { Socket } from 'node:net';
import type { Limits } from './limits.js';
import { RequestParser, type ParsedRequest, type ProtocolError } from './parser.js';
import { CONTINUE_RESPONSE, errorReply, serializeReply, type Reply } from './responses.js';
import { route } from './routes.js';
import type { RecordStore } from './store.js';

export interface ConnectionContext {
  readonly store: RecordStore;
  readonly limits: Limits;
  /** Where the one-line-per-request log goes; null for silence. */
  readonly log: ((line: string) => void) | null;
}

type Wait = 'idle' | 'head' | 'body' | 'drain' | 'closing';

export class Connection {
  private readonly parser: RequestParser;
  private readonly peer: string;
  private busy = false;
  private draining = false;
  private closing = false;
  private peerEnded = false;
  private timer: NodeJS.Timeout | undefined;
  /** What the running timer is waiting for. */
  private waitingFor: Wait | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly context: ConnectionContext,
  ) {
    this.parser = new RequestParser(context.limits);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    socket.on('end', () => this.guard(() => this.onEnd()));
    socket.on('drain', () => this.guard(() => this.onDrain()));
    // ECONNRESET, EPIPE and the like: the peer is gone, there is nobody left to answer.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.stopTimer());
    this.startTimer('idle');
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.context.log?.(`${this.peer} internal error, connection dropped: ${describe(error)}`);
      this.socket.destroy();
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return; // read and thrown away: see "closing" above
    this.parser.push(chunk);
    this.pump();
  }

  private onEnd(): void {
    this.peerEnded = true;
    if (!this.closing) this.pump();
  }

  private onDrain(): void {
    if (!this.draining) return;
    this.draining = false;
    this.stopTimer();
    this.pump();
  }

  /** Answers every complete request in the buffer, in order, until one has to wait. */
  private pump(): void {
    while (!this.busy && !this.draining && !this.closing && !this.socket.destroyed) {
      const event = this.parser.next();
      if (event.kind === 'incomplete') {
        if (this.peerEnded) this.onInputExhausted();
        else this.waitForInput();
        break;
      }
      if (event.kind === 'head') {
        if (event.head.expectsContinue) this.socket.write(CONTINUE_RESPONSE, 'utf8');
        continue;
      }
      if (event.kind === 'error') {
        this.reject(event.error);
        break;
      }
      this.answer(event.request);
    }
    this.updateFlow();
  }

  private answer(request: ParsedRequest): void {
    const started = this.context.log === null ? 0 : performance.now();
    let reply: Reply | Promise<Reply>;
    try {
      reply = route(request, this.context.store);
    } catch (error) {
      reply = this.internalError(error);
    }
    if (!(reply instanceof Promise)) {
      this.respond(request, reply, started);
      return;
    }
    // A write: wait for the store (and the disk) before answering, or reading anything more.
    this.busy = true;
    this.stopTimer();
    reply
      .catch((error: unknown) => this.internalError(error))
      .then((settled) =>
        this.guard(() => {
          this.busy = false;
          if (this.socket.destroyed) return;
          this.respond(request, settled, started);
          this.pump();
        }),
      )
      .catch(() => this.socket.destroy());
  }

  private respond(request: ParsedRequest, reply: Reply, started: number): void {
    const keepAlive = request.keepAlive;
    const answer = serializeReply(reply, {
      omitBody: request.method === 'HEAD',
      connection: !keepAlive ? 'close' : request.minor === 0 ? 'keep-alive' : null,
    });
    this.logRequest(`${request.method} ${request.target} HTTP/1.${request.minor}`, reply.status, started);
    if (!keepAlive) {
      this.closeAfter(answer);
      return;
    }
    this.stopTimer(); // the next request gets fresh deadlines
    if (!this.socket.write(answer, 'utf8')) {
      this.draining = true;
      this.startTimer('drain');
    }
  }

  /** The parser found a framing or syntax error: answer it and close. */
  private reject(error: ProtocolError): void {
    const answer = serializeReply(errorReply(error.status, error.message), {
      omitBody: error.method === 'HEAD',
      connection: 'close',
    });
    this.logRequest(this.parser.currentRequestLine ?? error.method ?? '-', error.status, null, error.message);
    this.closeAfter(answer);
  }

  /** The peer has sent its last byte (FIN) and every complete request in it has been answered. */
  private onInputExhausted(): void {
    if (this.parser.phase === 'idle') {
      this.closeAfter(null);
      return;
    }
    const error = errorReply(400, 'the connection was shut before the request was complete');
    this.logRequest(this.parser.currentRequestLine ?? '-', 400, null, 'request cut short');
    this.closeAfter(serializeReply(error, { omitBody: this.parser.currentMethod === 'HEAD', connection: 'close' }));
  }

  /** Writes the last answer (if any), shuts our side, and discards input until the peer closes. */
  private closeAfter(answer: string | null): void {
    this.closing = true;
    this.stopTimer();
    if (answer !== null) this.socket.write(answer, 'utf8');
    this.socket.end();
    this.startTimer('closing');
  }

  /** Read while there is something to do with the bytes; otherwise leave them in the kernel. */
  private updateFlow(): void {
    if (this.socket.destroyed) return;
    if (this.closing || (!this.busy && !this.draining)) this.socket.resume();
    else this.socket.pause();
  }

  /**
   * Arms the timer for what the parser waits for. The header deadline runs from the first byte of the
   * request and is not moved by later bytes; the body deadline is for inactivity, so each byte moves it.
   */
  private waitForInput(): void {
    const phase = this.parser.phase;
    if (phase === 'body' || phase !== this.waitingFor) this.startTimer(phase);
  }

  private startTimer(waitingFor: Wait): void {
    this.stopTimer();
    const { headerTimeoutMs, idleTimeoutMs } = this.context.limits;
    const delay = waitingFor === 'head' ? headerTimeoutMs : idleTimeoutMs;
    this.waitingFor = waitingFor;
    this.timer = setTimeout(() => this.guard(() => this.onTimeout(waitingFor)), delay);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.waitingFor = null;
  }

  private onTimeout(waitingFor: Wait): void {
    this.timer = undefined;
    this.waitingFor = null;
    if (waitingFor === 'idle' || waitingFor === 'drain' || waitingFor === 'closing') {
      this.socket.destroy();
      return;
    }
    const message =
      waitingFor === 'head'
        ? `the header section did not arrive within ${this.context.limits.headerTimeoutMs} ms`
        : `the body stopped arriving for ${this.context.limits.idleTimeoutMs} ms`;
    const method = this.parser.currentMethod;
    this.logRequest(this.parser.currentRequestLine ?? '-', 408, null, message);
    this.closeAfter(serializeReply(errorReply(408, message), { omitBody: method === 'HEAD', connection: 'close' }));
  }

  private internalError(error: unknown): Reply {
    this.context.log?.(`${this.peer} internal error: ${describe(error)}`);
    return errorReply(500, 'the server failed to answer this request');
  }

  private logRequest(request: string, status: number, started: number | null, note?: string): void {
    const log = this.context.log;
    if (log === null) return;
    const shown = request.length > 200 ? `${request.slice(0, 200)}…` : request;
    const time = started === null ? '' : ` ${(performance.now() - started).toFixed(1)}ms`;
    log(`${this.peer} "${shown}" ${status}${time}${note === undefined ? '' : ` (${note})`}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
