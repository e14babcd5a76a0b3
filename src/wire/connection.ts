import net from 'node:net';
import { Deadline, sleep } from './deadline.js';
import { splitBytes } from './bytes.js';
import type { Endpoint, SendPlan, TranscriptEvent, WaitEnd } from './types.js';

export const DEFAULT_CAP_BYTES = 4 * 1024 * 1024;

export interface OpenOptions {
  connectTimeoutMs: number;
  /** Stop reading (and report `overflow`) once this many bytes have arrived. */
  capBytes?: number;
}

export type SendResult = { ok: true; sentBytes: number } | { ok: false; sentBytes: number; error: 'closed' | 'reset' };

/** How opening a connection ended. */
export type OpenResult =
  | { ok: true; conn: Connection }
  /** `code`: the error's errno code (`ECONNRESET`: the server reset the connection as it was made). */
  | { ok: false; kind: 'refused' | 'timeout' | 'error'; message: string; code?: string };

/**
 * One TCP connection to a server that may be broken in any way. Every byte received is kept (up to the
 * cap) even when the connection is then reset; nothing here throws on the server's behaviour: outcomes
 * are states and return values.
 */
export class Connection {
  readonly transcript: TranscriptEvent[] = [];
  state: 'open' | 'closed' | 'reset' = 'open';
  /** The peer has sent FIN (we may still write). */
  peerEnded = false;
  overflowed = false;
  receivedBytes = 0;
  sentBytes = 0;
  /** When (performance.now()) a byte was last sent or received: the connection is quiet since. */
  lastActivityAt = performance.now();
  private readonly listeners = new Set<() => void>();
  private readonly dataSinks = new Set<(chunk: Uint8Array) => void>();
  private readonly openedAt = performance.now();

  private constructor(
    private readonly socket: net.Socket,
    private readonly capBytes: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.peerEnded = true;
      if (this.state === 'open') this.state = 'closed';
      // The socket is half-open (allowHalfOpen): our side stays open until close(), which then resets
      // it, so that the server's side of a connection it closed first never sits in TIME_WAIT.
      this.notify();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.state === 'open') this.state = err.code === 'EPIPE' && this.peerEnded ? 'closed' : 'reset';
      this.notify();
    });
    socket.on('close', () => {
      if (this.state === 'open') this.state = 'closed';
      this.notify();
    });
  }

  static open(endpoint: Endpoint, opts: OpenOptions): Promise<OpenResult> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: endpoint.host, port: endpoint.port, allowHalfOpen: true });
      let settled = false;
      const finish = (r: OpenResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeListener('error', onError);
        socket.removeListener('connect', onConnect);
        resolve(r);
      };
      const onError = (err: NodeJS.ErrnoException): void => {
        socket.destroy();
        finish({
          ok: false,
          kind: err.code === 'ECONNREFUSED' ? 'refused' : 'error',
          message: `${err.code ?? 'error'}: ${err.message}`,
          ...(err.code ? { code: err.code } : {}),
        });
      };
      const onConnect = (): void => finish({ ok: true, conn: new Connection(socket, opts.capBytes ?? DEFAULT_CAP_BYTES) });
      // (as in waitFor: a connection made while the loop was held up is taken before the timeout)
      const timer = setTimeout(() => setImmediate(() => {
        if (settled) return;
        socket.destroy();
        finish({ ok: false, kind: 'timeout', message: `no TCP connection within ${opts.connectTimeoutMs} ms` });
      }), opts.connectTimeoutMs);
      socket.once('error', onError);
      socket.once('connect', onConnect);
    });
  }

  /** Milliseconds since the connection opened: the transcript's clock (atMs). */
  now(): number {
    return Math.round((performance.now() - this.openedAt) * 1000) / 1000;
  }

  private onData(chunk: Buffer): void {
    if (this.overflowed) return;
    let bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const room = this.capBytes - this.receivedBytes;
    if (bytes.length > room) {
      bytes = bytes.subarray(0, room);
      this.overflowed = true;
      // Stop reading: a flooding server must not grow our memory.
      this.socket.pause();
    }
    // A chunk that owns its whole memory (what a socket read gives) is kept as it is; a slice of a larger
    // buffer is copied, so that keeping it does not keep the rest of that buffer alive.
    const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.from(bytes);
    this.receivedBytes += copy.length;
    this.lastActivityAt = performance.now();
    this.transcript.push({ dir: 'received', atMs: this.now(), bytes: copy });
    for (const sink of this.dataSinks) sink(copy);
    this.notify();
  }

  /** Wakes every waitFor to look at its condition again (something outside the socket changed). */
  wake(): void {
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Every chunk received from now on is also passed to `sink`. */
  onChunk(sink: (chunk: Uint8Array) => void): () => void {
    this.dataSinks.add(sink);
    return () => this.dataSinks.delete(sink);
  }

  /** All bytes received so far, in order. */
  received(): Uint8Array {
    return Buffer.concat(this.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes));
  }

  /** All bytes sent so far, in order. */
  sent(): Uint8Array {
    return Buffer.concat(this.transcript.filter((e) => e.dir === 'sent').map((e) => e.bytes));
  }

  private writeAll(bytes: Uint8Array): Promise<boolean> {
    if (this.state !== 'open' || this.socket.destroyed || !this.socket.writable) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => resolve(!err));
    });
  }

  /**
   * Sends the plan's pieces with their pauses. The pauses are bounded by `deadline` (a pause is cut
   * short when the deadline passes; the rest is then sent at once).
   */
  async send(plan: SendPlan, deadline?: Deadline): Promise<SendResult> {
    const pieces = splitBytes(plan.bytes, plan.splits ?? []);
    let sent = 0;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i > 0) {
        const pause = plan.pausesMs?.[i - 1] ?? 0;
        if (pause > 0) await sleep(deadline ? Math.min(pause, deadline.remaining()) : pause);
      }
      if (piece.length === 0) continue;
      this.transcript.push({ dir: 'sent', atMs: this.now(), bytes: piece });
      const ok = await this.writeAll(piece);
      if (!ok) {
        this.transcript.pop();
        return { ok: false, sentBytes: sent, error: this.state === 'reset' ? 'reset' : 'closed' };
      }
      sent += piece.length;
      this.sentBytes += piece.length;
      this.lastActivityAt = performance.now();
    }
    return { ok: true, sentBytes: sent };
  }

  /**
   * Waits until `done()` is true (checked after every event), the peer closes or resets, the cap is
   * reached, or the deadline passes, whichever comes first.
   */
  waitFor(done: () => boolean, deadline: Deadline): Promise<WaitEnd> {
    return new Promise((resolve) => {
      const check = (): WaitEnd | null => {
        if (done()) return 'done';
        if (this.overflowed) return 'overflow';
        if (this.state === 'reset') return 'reset';
        if (this.state === 'closed' || this.peerEnded) return 'closed';
        return null;
      };
      const first = check();
      if (first) {
        resolve(first);
        return;
      }
      const listener = (): void => {
        const r = check();
        if (r) finish(r);
      };
      let settled = false;
      const finish = (r: WaitEnd): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(r);
      };
      // At the deadline, the events that came in meanwhile are handled first (setImmediate runs after the
      // loop's I/O phase): a loop held up by other work wakes with its timer before it reads an answer that
      // came in time.
      const timer = setTimeout(() => setImmediate(() => finish(check() ?? 'timeout')), deadline.remaining());
      this.listeners.add(listener);
    });
  }

  /**
   * Watches for the peer closing over a window (never one short look: a server may answer, then close a
   * moment later). Returns the state at the end of the window, or as soon as it is closed or reset.
   */
  async watchClose(windowMs: number): Promise<'closed' | 'reset' | 'open'> {
    const end = await this.waitFor(() => false, new Deadline(windowMs));
    if (end === 'reset') return 'reset';
    if (end === 'closed') return 'closed';
    return 'open';
  }

  /** We have sent our FIN (endWrite or close). */
  private ended = false;

  /** Closes our side politely (FIN), keeping the socket readable. */
  endWrite(): void {
    this.ended = true;
    if (!this.socket.destroyed) this.socket.end();
  }

  /**
   * Closes the connection without harming the server:
   * - when the server closed first (its FIN came before ours; with `expectPeerClose`, we wait up to
   *   `peerCloseMs` for it), with a reset: its side of the connection
   *   then ends at once instead of waiting in TIME_WAIT for a minute, which would keep a server without
   *   SO_REUSEADDR from binding its port again after a restart. The server has closed its socket, so
   *   the reset reaches no reader;
   * - otherwise politely: our FIN, then reading (and dropping) what the server still sends until it
   *   closes too, for at most `graceMs`; only then the socket is destroyed. Destroying a socket with
   *   unread bytes makes the kernel send a RST, which some servers take as a crash of the client (and
   *   some die of); the grader must not cause what it is judging.
   * Returns, with `expectPeerClose`: whether the server kept the connection open through the whole wait
   * (`true`: it did not close as it said or was asked to; `false`: it closed, before or during the
   * wait); otherwise undefined.
   */
  async close(graceMs = 100, expectPeerClose = false, peerCloseMs = graceMs): Promise<boolean | undefined> {
    if (this.socket.destroyed) {
      this.destroy();
      return undefined;
    }
    let keptOpen: boolean | undefined;
    if (expectPeerClose) {
      // The server said (or was asked) it would close: let it go first (up to `peerCloseMs`), so its
      // side ends with our reset rather than in TIME_WAIT. A server that keeps its word closes within
      // milliseconds; the wait is only long for one that does not, or on a loaded machine.
      if (!this.peerEnded && this.state === 'open') await this.waitFor(() => this.peerEnded, new Deadline(peerCloseMs));
      keptOpen = !this.peerEnded && this.state === 'open';
    }
    if (this.peerEnded && !this.ended) {
      this.reset();
      return keptOpen;
    }
    this.ended = true;
    this.socket.end();
    this.socket.resume();
    if (this.state === 'open') await this.waitFor(() => false, new Deadline(graceMs));
    this.destroy();
    return keptOpen;
  }

  /** Aborts the connection with a TCP RST (as a crashing client would). */
  reset(): void {
    this.socket.resetAndDestroy();
    this.listeners.clear();
    this.dataSinks.clear();
  }

  destroy(): void {
    this.socket.destroy();
    this.listeners.clear();
    this.dataSinks.clear();
  }
}
