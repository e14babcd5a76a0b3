/**
 * A raw-socket client for the reference server's tests: send exact bytes (whole, in pieces, with pauses),
 * read exact bytes back, and parse answers strictly (CRLF line ends, Content-Length framing). It shares
 * nothing with the server or with src/.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawResponse {
  readonly statusLine: string;
  readonly status: number;
  /** Header fields in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** The bytes of the whole response. */
  readonly raw: Buffer;
  /** The value of the one header named `name` (any case); throws if it occurs more than once. */
  header(name: string): string | undefined;
  headerCount(name: string): number;
  text(): string;
  json(): unknown;
}

const open = new Set<RawClient>();

/** Destroys every client still open (call from afterEach). */
export function closeAllClients(): void {
  for (const client of open) client.destroy();
  open.clear();
}

export class RawClient {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, allowHalfOpen: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new RawClient(socket);
        open.add(client);
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  /** Whether the server has closed its side (or the connection is gone). */
  get closed(): boolean {
    return this.ended;
  }

  /** Bytes received and not yet parsed as a response. */
  get pending(): Buffer {
    return this.buffer;
  }

  async send(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (this.socket.destroyed || this.socket.writableEnded) return;
    await new Promise<void>((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Sends the pieces one by one, pausing `pauseMs` after each but the last. */
  async sendPieces(pieces: ReadonlyArray<string | Buffer>, pauseMs: number): Promise<void> {
    for (let i = 0; i < pieces.length; i++) {
      await this.send(pieces[i] as string | Buffer);
      if (i < pieces.length - 1 && pauseMs > 0) await sleep(pauseMs);
    }
  }

  /** Shuts our side (FIN), keeping the connection readable. */
  shutdown(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    open.delete(this);
  }

  /**
   * The next response. `head`: it answers a HEAD request, so it has no body whatever its headers say.
   * Rejects if the connection closes first or `timeoutMs` passes.
   */
  async next(options: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 3000);
    for (;;) {
      const parsed = parseResponse(this.buffer, options.head ?? false, this.ended);
      if (parsed !== null) {
        this.buffer = this.buffer.subarray(parsed.raw.length);
        return parsed;
      }
      if (this.ended) {
        throw new Error(`connection closed before a complete response; unparsed: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      }
      if (!(await this.waitForBytes(deadline))) {
        throw new Error(`no complete response in time; unparsed: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      }
    }
  }

  /** Resolves true once the server closes the connection, false if `timeoutMs` passes first. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (!(await this.waitForBytes(deadline))) return this.ended;
    }
    return true;
  }

  private waitForBytes(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(false);
      }, left);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(true);
      };
    });
  }

  private notify(): void {
    this.wake?.();
  }
}

export interface ExchangeOptions {
  /** Final (non-1xx) responses to read; default 1. */
  responses?: number;
  /** Indexes (among final responses) of those that answer HEAD requests. */
  headAt?: readonly number[];
  /** Pause between pieces, in ms; default 0. */
  pauseMs?: number;
  timeoutMs?: number;
}

export interface Exchange {
  /** Final responses, in order. */
  readonly responses: RawResponse[];
  /** 1xx responses, in order. */
  readonly interim: RawResponse[];
  /**
   * Whether the server closed the connection after the responses: after reading them, the client sends
   * a probe (`HEAD /`); an answer means the connection was kept, end-of-stream means it was closed.
   */
  readonly closed: boolean;
  /** Bytes after the last response (there should be none). */
  readonly extra: Buffer;
}

/** One connection: send `request` (one piece or several), read the answers, see whether it closes. */
export async function exchange(
  port: number,
  request: string | Buffer | ReadonlyArray<string | Buffer>,
  options: ExchangeOptions = {},
): Promise<Exchange> {
  const client = await RawClient.connect(port);
  try {
    const pieces = typeof request === 'string' || Buffer.isBuffer(request) ? [request] : request;
    const sending = client.sendPieces(pieces, options.pauseMs ?? 0);
    const responses: RawResponse[] = [];
    const interim: RawResponse[] = [];
    const wanted = options.responses ?? 1;
    while (responses.length < wanted) {
      const response = await client.next({
        head: options.headAt?.includes(responses.length) ?? false,
        timeoutMs: options.timeoutMs ?? 3000,
      });
      if (response.status < 200) interim.push(response);
      else responses.push(response);
    }
    await sending;
    const extra = client.pending;
    const closed = await probeClosed(client);
    return { responses, interim, closed, extra };
  } finally {
    client.destroy();
  }
}

/**
 * Whether the server has closed (or is closing) the connection: sends `HEAD /` and sees whether an answer
 * or end-of-stream comes back. Throws if neither comes within `timeoutMs`.
 */
export async function probeClosed(client: RawClient, timeoutMs = 2000): Promise<boolean> {
  if (client.closed) return true;
  await client.send('HEAD / HTTP/1.1\r\nHost: probe\r\n\r\n');
  try {
    await client.next({ head: true, timeoutMs });
    return false;
  } catch (error) {
    if (client.closed) return true;
    throw error;
  }
}

/** One request, one response: the common case. */
export async function request(port: number, bytes: string | Buffer, options: ExchangeOptions = {}): Promise<RawResponse & { closed: boolean }> {
  const result = await exchange(port, bytes, options);
  const response = result.responses[0] as RawResponse;
  if (result.extra.length > 0) throw new Error(`bytes after the response: ${JSON.stringify(result.extra.toString('latin1'))}`);
  return { ...response, closed: result.closed };
}

/**
 * Parses one response from the front of `buffer`, strictly: every line ends with CRLF (a bare CR or LF is
 * an error), the body is framed by Content-Length (none for 1xx, 204, 304 and HEAD answers). Returns null
 * when more bytes are needed.
 */
export function parseResponse(buffer: Buffer, head: boolean, ended: boolean): RawResponse | null {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) {
    if (buffer.length > 0 && !ended) return null;
    if (buffer.length > 0) throw new Error(`incomplete response head: ${JSON.stringify(buffer.toString('latin1'))}`);
    return null;
  }
  const headText = buffer.toString('latin1', 0, headEnd);
  const lines = headText.split('\r\n');
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new Error(`bare CR or LF in the response head: ${JSON.stringify(headText)}`);
  }
  const statusLine = lines[0] as string;
  const match = /^HTTP\/1\.1 (\d{3}) ([^\r\n]*)$/.exec(statusLine);
  if (match === null) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
  const status = Number(match[1]);
  const headers = lines.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const values = (name: string): string[] =>
    headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value);

  let bodyLength = 0;
  const bodyless = head || status < 200 || status === 204 || status === 304;
  if (!bodyless) {
    const lengths = values('content-length');
    if (lengths.length !== 1 || !/^\d+$/.test(lengths[0] as string)) {
      throw new Error(`response without exactly one valid Content-Length: ${JSON.stringify(headText)}`);
    }
    bodyLength = Number(lengths[0]);
  }
  const total = headEnd + 4 + bodyLength;
  if (buffer.length < total) {
    if (ended) throw new Error(`response body cut short: ${JSON.stringify(buffer.toString('latin1'))}`);
    return null;
  }
  const raw = Buffer.from(buffer.subarray(0, total));
  const body = raw.subarray(headEnd + 4);
  return {
    statusLine,
    status,
    headers,
    body,
    raw,
    header(name) {
      const found = values(name);
      if (found.length > 1) throw new Error(`${name} occurs ${found.length} times`);
      return found[0];
    },
    headerCount: (name) => values(name).length,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

/**
 * A request as a byte string (one character per byte, sent as latin1): the request line, `Host: t`, the
 * given headers, and a body with its Content-Length. `body` is text, encoded as UTF-8; `bodyBytes` is a
 * byte string sent as is.
 */
export function http(
  method: string,
  target: string,
  options: { body?: string; bodyBytes?: string; headers?: string[]; version?: string; host?: boolean } = {},
): string {
  const lines = [`${method} ${target} ${options.version ?? 'HTTP/1.1'}`];
  if (options.host !== false) lines.push('Host: t');
  lines.push(...(options.headers ?? []));
  const body = options.bodyBytes ?? (options.body === undefined ? undefined : utf8Bytes(options.body));
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** Text as a byte string of its UTF-8 encoding. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
