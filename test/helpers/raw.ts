/**
 * A tiny raw-socket HTTP/1.1 client for the zoo tests: send bytes exactly as given, read until close,
 * a deadline, or N complete responses, and parse what came back leniently (bare LF, missing reason
 * phrases, missing Content-Length are all accepted). Independent of src/ on purpose: it tests the zoo,
 * which in turn tests src/.
 */
import net from 'node:net';

export interface RawResponse {
  /** The first line as received (without its line end). */
  statusLine: string;
  version: string;
  status: number;
  reason: string | undefined;
  headers: Array<[string, string]>;
  /** The header section as received, status line included, without the empty line. */
  head: string;
  body: Buffer;
  /** False when the body was cut short (connection closed or still waiting). */
  complete: boolean;
}

/** The first value of a header field, by case-insensitive name. */
export function header(res: RawResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return res.headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}

export function bodyText(res: RawResponse): string {
  return res.body.toString('utf8');
}

export function bodyJson(res: RawResponse): unknown {
  return JSON.parse(bodyText(res));
}

const HEAD_END = /\r?\n\r?\n/;

/**
 * Parse as many responses as `buf` holds. `head[i]` says whether response i answers a HEAD (then it
 * has no body). With `closed`, a response framed by the close is complete. Returns the responses and
 * the number of bytes they used (`ends[i]`: the offset just after response i).
 */
export function parseResponses(
  buf: Buffer,
  opts: { head?: boolean | boolean[]; closed?: boolean } = {},
): { responses: RawResponse[]; used: number; ends: number[] } {
  const responses: RawResponse[] = [];
  const ends: number[] = [];
  let pos = 0;
  for (;;) {
    const text = buf.toString('latin1', pos);
    const m = HEAD_END.exec(text);
    if (!m) break;
    const head = text.slice(0, m.index);
    const lines = head.split(/\r?\n/);
    const statusLine = lines[0] ?? '';
    const sm = /^(\S+) (\d{3})(?: (.*))?$/.exec(statusLine);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const res: RawResponse = {
      statusLine,
      version: sm?.[1] ?? '',
      status: sm ? Number(sm[2]) : NaN,
      reason: sm?.[3],
      headers,
      head,
      body: Buffer.alloc(0),
      complete: true,
    };
    const bodyStart = pos + m.index + m[0].length;
    const isHead = Array.isArray(opts.head) ? (opts.head[responses.length] ?? false) : (opts.head ?? false);
    const cl = header(res, 'content-length');
    const te = header(res, 'transfer-encoding');
    if (isHead || (res.status >= 100 && res.status < 200) || res.status === 204 || res.status === 304) {
      pos = bodyStart;
    } else if (te && /chunked/i.test(te)) {
      const chunks: Buffer[] = [];
      let p = bodyStart;
      let done = false;
      for (;;) {
        const lineEnd = buf.indexOf('\n', p);
        if (lineEnd < 0) break;
        const size = parseInt(buf.toString('latin1', p, lineEnd).trim(), 16);
        if (!Number.isFinite(size)) break;
        if (size === 0) {
          const end = buf.indexOf('\n', lineEnd + 1); // the empty line after the last chunk (no trailers)
          if (end < 0) break;
          p = end + 1;
          done = true;
          break;
        }
        if (buf.length < lineEnd + 1 + size) break;
        chunks.push(buf.subarray(lineEnd + 1, lineEnd + 1 + size));
        const after = buf.indexOf('\n', lineEnd + 1 + size);
        if (after < 0) break;
        p = after + 1;
      }
      res.body = Buffer.concat(chunks);
      res.complete = done;
      pos = done ? p : buf.length;
    } else if (cl !== undefined && /^\d+$/.test(cl)) {
      const n = Number(cl);
      res.body = buf.subarray(bodyStart, Math.min(buf.length, bodyStart + n));
      res.complete = res.body.length === n;
      pos = Math.min(buf.length, bodyStart + n);
    } else {
      // No framing: the body runs to the close.
      res.body = buf.subarray(bodyStart);
      res.complete = opts.closed ?? false;
      pos = buf.length;
    }
    responses.push(res);
    ends.push(pos);
    if (!res.complete || pos >= buf.length) break;
  }
  return { responses, used: pos, ends };
}

export type RawEnd = 'closed' | 'reset' | 'timeout' | 'complete' | 'overflow' | 'refused';

export interface RawReply {
  bytes: Buffer;
  /** The bytes as latin1 text. */
  text: string;
  end: RawEnd;
  /** Error code when the connection failed (ECONNRESET, ECONNREFUSED, ...). */
  error?: string;
  responses: RawResponse[];
  elapsedMs: number;
}

export interface RawOptions {
  host?: string;
  /** Deadline for the whole exchange (default 2000 ms). */
  timeoutMs?: number;
  /** Stop once this many complete responses have arrived; by default read until close. */
  responses?: number;
  /** Whether each response answers a HEAD (see parseResponses). */
  head?: boolean | boolean[];
  /** Pause between the pieces when `payload` is an array (default 50 ms). */
  pauseMs?: number;
  /** Stop reading after this many bytes (default 4 MiB). */
  maxBytes?: number;
  /** Half-close (send FIN) after the last piece. */
  endAfterSend?: boolean;
}

/**
 * Open a connection, send `payload` (an array is sent piece by piece with pauses), read, close.
 * Never throws for anything the server does.
 */
export function rawRequest(port: number, payload: string | Buffer | Array<string | Buffer>, opts: RawOptions = {}): Promise<RawReply> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  const pieces = (Array.isArray(payload) ? payload : [payload]).map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: opts.host ?? '127.0.0.1' });
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let connected = false;
    const finish = (end: RawEnd, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      const closed = end === 'closed' || end === 'reset';
      resolve({
        bytes,
        text: bytes.toString('latin1'),
        end,
        ...(error ? { error } : {}),
        responses: parseResponses(bytes, { head: opts.head, closed }).responses,
        elapsedMs: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => {
      connected = true;
      void (async () => {
        for (let i = 0; i < pieces.length; i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, opts.pauseMs ?? 50));
          if (settled || socket.destroyed) return;
          socket.write(pieces[i]!);
        }
        if (opts.endAfterSend) socket.end();
      })();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) return finish('overflow');
      if (opts.responses !== undefined) {
        const { responses } = parseResponses(Buffer.concat(chunks), { head: opts.head });
        if (responses.length >= opts.responses && responses.slice(0, opts.responses).every((r) => r.complete)) finish('complete');
      }
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) return finish('refused', err.code);
      finish(err.code === 'ECONNRESET' ? 'reset' : 'closed', err.code);
    });
  });
}

/** A kept-open raw connection, for conversations of several requests. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters = new Set<() => void>();
  closed = false;
  error: string | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.notify();
    });
    const onClose = (): void => {
      this.closed = true;
      this.notify();
    };
    socket.on('end', onClose);
    socket.on('close', onClose);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err.code;
      onClose();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Wait until cond() holds or the deadline passes; returns cond(). */
  private async waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond()) return true;
    return new Promise((resolve) => {
      const check = (): void => {
        if (cond()) done(true);
      };
      const done = (v: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => done(cond()), timeoutMs);
      this.waiters.add(check);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The bytes received and not yet consumed by readResponse. */
  pending(): Buffer {
    return this.buf;
  }

  /** The next complete response, or null if none arrives (complete) before the deadline or close. */
  async readResponse(opts: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse | null> {
    let found: RawResponse | null = null;
    let used = 0;
    const cond = (): boolean => {
      const { responses, ends } = parseResponses(this.buf, { head: opts.head ?? false, closed: this.closed });
      const first = responses[0];
      if (first && first.complete) {
        found = first;
        used = ends[0] ?? 0;
        return true;
      }
      return this.closed;
    };
    await this.waitFor(cond, opts.timeoutMs ?? 2000);
    if (found) this.buf = this.buf.subarray(used);
    return found;
  }

  /** Resolves true if the server closes within timeoutMs. */
  waitForClose(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.closed, timeoutMs);
  }

  /** Resolves true once at least n bytes are pending. */
  waitForBytes(n: number, timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.buf.length >= n, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Abort with a TCP reset (SO_LINGER 0). */
  reset(): void {
    this.socket.resetAndDestroy();
  }
}
