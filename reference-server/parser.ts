/**
 * An incremental HTTP/1.1 request parser (RFC 9112), written for this server and sharing nothing with the
 * grader's parser.
 *
 * Bytes go in with `push()` as they arrive, in pieces of any size (one byte at a time works). `next()`
 * then says what the bytes so far amount to:
 *
 *   - `incomplete`: wait for more bytes;
 *   - `head`: a header section is complete (the connection may now send `100 Continue`);
 *   - `request`: a whole request, body included; the parser is ready for the next (pipelined) one;
 *   - `error`: the bytes break the protocol; the answer is `error.status`, and the connection must close,
 *     because after a framing or syntax error nobody can tell where the next request would start.
 *
 * Nothing is buffered without a bound: a header section may hold `maxHeaderBytes` (then 431), a body
 * `maxBodyBytes` (then 413), a chunk-size line `MAX_CHUNK_LINE_BYTES` (then 400).
 *
 * Strictness, rule by rule (RFC 9112 section in brackets):
 *   - a line ends with CRLF or a bare LF [§2.2]; a CR anywhere else is a control character: 400;
 *   - empty lines before the request line are skipped [§2.2];
 *   - request line: METHOD SP TARGET SP VERSION with single spaces [§3]; method a token; target visible
 *     ASCII; version `HTTP/1.x` (x any digit, served as HTTP/1.1 [§2.3]); `HTTP/d` or `HTTP/d.d` with a
 *     major version other than 1 gets 505; anything else (`http/1.1`, `HTTP/1`, `HTTP/1.1.1`) gets 400;
 *   - header line: a token, a colon with no space before it [§5.1], a value of visible characters, spaces,
 *     tabs and obs-text; a line starting with whitespace (obs-fold) gets 400 [§5.2];
 *   - exactly one Host in HTTP/1.1, at most one in HTTP/1.0 [RFC 9110 §7.2];
 *   - framing [§6.3]: Transfer-Encoding with Content-Length, in HTTP/1.0, or with `chunked` not exactly
 *     once and last: 400; a coding other than chunked: 501; Content-Length values must be decimal and
 *     agree (`5, 5` is accepted as 5 [RFC 9110 §8.6]).
 */
import type { Limits } from './limits.js';

/** A header field: the name in lower case, the value with surrounding whitespace removed. */
export type Header = readonly [name: string, value: string];

export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** The minor version: 0 for HTTP/1.0; 1 or more is served as HTTP/1.1. */
  readonly minor: number;
  readonly headers: readonly Header[];
  readonly framing: BodyFraming;
  /** Whether the connection may carry another request after this one. */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` on an HTTP/1.1 request that has a body to send. */
  readonly expectsContinue: boolean;
}

export interface ParsedRequest extends RequestHead {
  /** The body, decoded from chunks if need be; empty when the request has none. */
  readonly body: Buffer;
}

/** The request breaks the protocol: answer `status` with `message`, then close. */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The method, when the request line was read: the answer to a HEAD request has no body. */
    public method?: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export type ParseEvent =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'head'; readonly head: RequestHead }
  | { readonly kind: 'request'; readonly request: ParsedRequest }
  | { readonly kind: 'error'; readonly error: ProtocolError };

/** A chunk-size line (size and extensions) longer than this is not worth reading: 400. */
export const MAX_CHUNK_LINE_BYTES = 4096;

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'failed';

const EMPTY = Buffer.alloc(0);
const INCOMPLETE: ParseEvent = Object.freeze({ kind: 'incomplete' });
const LF = 0x0a;
const CR = 0x0d;

export class RequestParser {
  private buffer: Buffer = EMPTY;
  /** How much of `buffer` has already been searched for a line feed. */
  private scanned = 0;
  private state: State = 'head';

  // The request being read.
  private headBytes = 0;
  private requestLine: RequestLine | null = null;
  private headers: Header[] = [];
  private head: RequestHead | null = null;
  private bodyParts: Buffer[] = [];
  private bodyBytes = 0;
  /** Body bytes still to come: of the whole body (Content-Length) or of the current chunk. */
  private remaining = 0;
  private trailerBytes = 0;

  constructor(private readonly limits: Pick<Limits, 'maxHeaderBytes' | 'maxBodyBytes'>) {}

  push(chunk: Buffer): void {
    if (this.state === 'failed' || chunk.length === 0) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /**
   * What the connection is waiting for: `idle` before the first byte of a request, `head` while the header
   * section arrives, `body` after it.
   */
  get phase(): 'idle' | 'head' | 'body' {
    if (this.state !== 'head') return 'body';
    return this.headBytes === 0 && this.buffer.length === 0 ? 'idle' : 'head';
  }

  /** The method of the request being read, once its request line is in. */
  get currentMethod(): string | undefined {
    return this.requestLine?.method;
  }

  /** The request line of the request being read (or the one that failed), once it is in; for logs. */
  get currentRequestLine(): string | undefined {
    const line = this.requestLine;
    return line === null ? undefined : `${line.method} ${line.target} HTTP/1.${line.minor}`;
  }

  next(): ParseEvent {
    try {
      switch (this.state) {
        case 'head':
          return this.readHead();
        case 'body':
          return this.readSizedBody();
        case 'chunk-size':
        case 'chunk-data':
        case 'chunk-data-end':
        case 'trailers':
          return this.readChunkedBody();
        case 'failed':
          return INCOMPLETE;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      error.method ??= this.requestLine?.method;
      this.state = 'failed';
      this.buffer = EMPTY;
      return { kind: 'error', error };
    }
  }

  private readHead(): ParseEvent {
    for (;;) {
      const budget = this.limits.maxHeaderBytes - this.headBytes;
      const line = this.takeLine(budget, () => {
        // RFC 9112 §3: a request-target longer than the server will parse gets 414; the rest of the head 431.
        const inRequestLine = this.requestLine === null && this.buffer[0] !== CR && this.buffer[0] !== LF;
        if (inRequestLine) throw new ProtocolError(414, `the request line is longer than ${this.limits.maxHeaderBytes} bytes`);
        throw new ProtocolError(431, `the header section is larger than ${this.limits.maxHeaderBytes} bytes`);
      });
      if (line === null) return INCOMPLETE;
      this.headBytes += line.bytes;

      if (this.requestLine === null) {
        if (line.text !== '') this.requestLine = parseRequestLine(line.text);
        continue; // an empty line before the request line is skipped
      }
      if (line.text !== '') {
        this.headers.push(parseFieldLine(line.text));
        continue;
      }

      // The empty line: the header section is complete.
      const head = buildHead(this.requestLine, this.headers, this.limits.maxBodyBytes);
      this.head = head;
      if (head.framing.kind === 'chunked') {
        this.state = 'chunk-size';
      } else {
        this.state = 'body';
        this.remaining = head.framing.kind === 'length' ? head.framing.length : 0;
      }
      return { kind: 'head', head };
    }
  }

  private readSizedBody(): ParseEvent {
    this.takeBody();
    return this.remaining > 0 ? INCOMPLETE : this.complete();
  }

  private readChunkedBody(): ParseEvent {
    for (;;) {
      switch (this.state) {
        case 'chunk-size': {
          const line = this.takeLine(MAX_CHUNK_LINE_BYTES, () => {
            throw new ProtocolError(400, `a chunk-size line is longer than ${MAX_CHUNK_LINE_BYTES} bytes`);
          });
          if (line === null) return INCOMPLETE;
          const size = parseChunkSize(line.text);
          if (size === 0) {
            this.state = 'trailers';
          } else {
            if (this.bodyBytes + size > this.limits.maxBodyBytes) throw bodyTooLarge(this.limits.maxBodyBytes);
            this.remaining = size;
            this.state = 'chunk-data';
          }
          break;
        }
        case 'chunk-data':
          this.takeBody();
          if (this.remaining > 0) return INCOMPLETE;
          this.state = 'chunk-data-end';
          break;
        case 'chunk-data-end': {
          // The chunk's data must be followed by CRLF (or a bare LF).
          if (this.buffer.length === 0) return INCOMPLETE;
          if (this.buffer[0] === LF) {
            this.consume(1);
          } else if (this.buffer[0] === CR) {
            if (this.buffer.length < 2) return INCOMPLETE;
            if (this.buffer[1] !== LF) throw new ProtocolError(400, 'chunk data is not followed by CRLF');
            this.consume(2);
          } else {
            throw new ProtocolError(400, 'chunk data is longer than its chunk size says');
          }
          this.state = 'chunk-size';
          break;
        }
        case 'trailers': {
          const budget = this.limits.maxHeaderBytes - this.trailerBytes;
          const line = this.takeLine(budget, () => {
            throw new ProtocolError(431, `the trailer section is larger than ${this.limits.maxHeaderBytes} bytes`);
          });
          if (line === null) return INCOMPLETE;
          this.trailerBytes += line.bytes;
          if (line.text === '') return this.complete();
          parseFieldLine(line.text); // checked for syntax, then dropped: no trailer means anything here
          break;
        }
        default:
          throw new Error(`readChunkedBody called in state ${this.state}`);
      }
    }
  }

  /** Moves up to `remaining` body bytes from the buffer into the body. */
  private takeBody(): void {
    const count = Math.min(this.remaining, this.buffer.length);
    if (count === 0) return;
    this.bodyParts.push(this.buffer.subarray(0, count));
    this.bodyBytes += count;
    this.remaining -= count;
    this.consume(count);
  }

  private complete(): ParseEvent {
    const head = this.head;
    if (head === null) throw new Error('complete() without a head');
    const body = this.bodyParts.length === 1 ? (this.bodyParts[0] as Buffer) : Buffer.concat(this.bodyParts);
    this.reset();
    const { method, target, minor, headers, framing, keepAlive, expectsContinue } = head;
    return { kind: 'request', request: { method, target, minor, headers, framing, keepAlive, expectsContinue, body } };
  }

  private reset(): void {
    this.state = 'head';
    this.headBytes = 0;
    this.requestLine = null;
    this.headers = [];
    this.head = null;
    this.bodyParts = [];
    this.bodyBytes = 0;
    this.remaining = 0;
    this.trailerBytes = 0;
  }

  /**
   * Takes one line off the buffer: its text (latin1, so each byte is one character) without the LF and
   * one CR before it, and its length in bytes, line end included. Returns null if no line end has
   * arrived yet. A line longer than `budget` bytes calls `tooLong` (which throws). A CR followed by
   * anything but LF is an error at once: a client ending lines with bare CRs would otherwise wait for
   * a line feed that never comes.
   */
  private takeLine(budget: number, tooLong: () => never): { text: string; bytes: number } | null {
    const end = this.buffer.indexOf(LF, this.scanned);
    if (end === -1) {
      const cr = this.buffer.indexOf(CR, this.scanned);
      if (cr !== -1 && cr < this.buffer.length - 1) throw new ProtocolError(400, 'a CR is not followed by LF');
      // A CR at the very end may yet be followed by LF: look at it again when more bytes arrive.
      this.scanned = cr === -1 ? this.buffer.length : cr;
      if (this.buffer.length >= budget) tooLong();
      return null;
    }
    const bytes = end + 1;
    if (bytes > budget) tooLong();
    const textEnd = end > 0 && this.buffer[end - 1] === CR ? end - 1 : end;
    const text = this.buffer.toString('latin1', 0, textEnd);
    this.consume(bytes);
    return { text, bytes };
  }

  private consume(count: number): void {
    this.buffer = count >= this.buffer.length ? EMPTY : this.buffer.subarray(count);
    this.scanned = 0;
  }
}

// ---------------------------------------------------------------------------------------------------
// The request line and header lines

interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly minor: number;
}

const HTTP_VERSION = /^HTTP\/(\d)(?:\.(\d))?$/;

function parseRequestLine(line: string): RequestLine {
  const parts = line.split(' ');
  if (parts.length !== 3) {
    throw new ProtocolError(400, 'the request line must be METHOD SP TARGET SP HTTP-VERSION, with single spaces');
  }
  const [method, target, version] = parts as [string, string, string];
  if (!isToken(method)) throw new ProtocolError(400, 'the method is not a token');
  if (!isVisible(target)) {
    throw new ProtocolError(400, 'the request target is empty or holds a control character', method);
  }
  const match = HTTP_VERSION.exec(version);
  if (match === null) throw new ProtocolError(400, 'the HTTP version must look like HTTP/1.1', method);
  if (match[1] !== '1') {
    throw new ProtocolError(505, `HTTP/${match[1]} is not supported; this server speaks HTTP/1.1`, method);
  }
  if (match[2] === undefined) throw new ProtocolError(400, 'the HTTP version must look like HTTP/1.1', method);
  return { method, target, minor: Number(match[2]) };
}

function parseFieldLine(line: string): Header {
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09) {
    throw new ProtocolError(400, 'a header line starts with whitespace (obsolete line folding is not accepted)');
  }
  const colon = line.indexOf(':');
  if (colon === -1) throw new ProtocolError(400, 'a header line has no colon');
  const name = line.slice(0, colon);
  if (!isToken(name)) {
    const last = name.charCodeAt(name.length - 1);
    const reason =
      name.length === 0
        ? 'a header line has an empty name'
        : last === 0x20 || last === 0x09
          ? 'a header name is followed by whitespace before the colon'
          : 'a header name holds a character that is not allowed';
    throw new ProtocolError(400, reason);
  }
  const value = trimWhitespace(line.slice(colon + 1));
  if (!isFieldValue(value)) throw new ProtocolError(400, 'a header value holds a control character');
  return [name.toLowerCase(), value];
}

// ---------------------------------------------------------------------------------------------------
// What the header section means: Host, framing, persistence, Expect

/** uri-host (reg-name, IPv4 or IP-literal) with an optional port; an empty Host is allowed. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::\d*)?$/;

function buildHead(line: RequestLine, headers: readonly Header[], maxBodyBytes: number): RequestHead {
  const hosts = valuesOf(headers, 'host');
  if (hosts.length > 1) throw new ProtocolError(400, 'the request has more than one Host header');
  if (hosts.length === 0 && line.minor >= 1) throw new ProtocolError(400, 'an HTTP/1.1 request needs a Host header');
  if (hosts.length === 1 && !HOST_VALUE.test(hosts[0] as string)) {
    throw new ProtocolError(400, 'the Host header is not a valid host[:port]');
  }

  const framing = bodyFraming(headers, line.minor, maxBodyBytes);
  const connection = listElements(valuesOf(headers, 'connection'));
  const keepAlive =
    !connection.includes('close') && (line.minor >= 1 || connection.includes('keep-alive'));
  const hasBody = framing.kind === 'chunked' || (framing.kind === 'length' && framing.length > 0);
  const expectsContinue =
    hasBody && line.minor >= 1 && listElements(valuesOf(headers, 'expect')).includes('100-continue');

  return { method: line.method, target: line.target, minor: line.minor, headers, framing, keepAlive, expectsContinue };
}

function bodyFraming(headers: readonly Header[], minor: number, maxBodyBytes: number): BodyFraming {
  const transferEncodings = valuesOf(headers, 'transfer-encoding');
  const contentLengths = valuesOf(headers, 'content-length');

  if (transferEncodings.length > 0) {
    if (contentLengths.length > 0) {
      throw new ProtocolError(400, 'a request must not have both Content-Length and Transfer-Encoding');
    }
    if (minor === 0) throw new ProtocolError(400, 'an HTTP/1.0 request must not use Transfer-Encoding');
    const codings = listElements(transferEncodings).map((coding) => trimWhitespace(coding.split(';')[0] ?? ''));
    // §6.3: chunked named but not last leaves the body length unknown: 400 (before §6.1's 501 for codings).
    if (codings.includes('chunked') && codings[codings.length - 1] !== 'chunked') {
      throw new ProtocolError(400, 'chunked must be the last transfer coding');
    }
    const unknown = codings.find((coding) => coding !== 'chunked');
    if (unknown !== undefined) {
      throw new ProtocolError(501, `the transfer coding "${unknown}" is not implemented; only chunked is`);
    }
    if (codings.length !== 1) throw new ProtocolError(400, 'Transfer-Encoding must name chunked exactly once');
    return { kind: 'chunked' };
  }

  if (contentLengths.length > 0) {
    const values = contentLengths.flatMap((value) => value.split(',')).map(trimWhitespace);
    if (!values.every((value) => /^\d+$/.test(value))) {
      throw new ProtocolError(400, 'Content-Length must be a decimal number');
    }
    const distinct = new Set(values.map((value) => value.replace(/^0+(?=\d)/, '')));
    if (distinct.size !== 1) throw new ProtocolError(400, 'the request has conflicting Content-Length values');
    const digits = [...distinct][0] as string;
    const length = digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
    if (length > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
    return { kind: 'length', length };
  }

  return { kind: 'none' };
}

function bodyTooLarge(maxBodyBytes: number): ProtocolError {
  return new ProtocolError(413, `the body is larger than the limit of ${maxBodyBytes} bytes`);
}

// ---------------------------------------------------------------------------------------------------
// Chunk sizes: chunk-size [ chunk-ext ], where
//   chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] ), ext-value = token / quoted-string

const TOKEN = String.raw`[!#$%&'*+.^_\x60|~0-9A-Za-z-]+`;
const QUOTED_STRING = String.raw`"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"`;
const CHUNK_EXT = String.raw`[ \t]*;[ \t]*${TOKEN}(?:[ \t]*=[ \t]*(?:${TOKEN}|${QUOTED_STRING}))?`;
const CHUNK_SIZE_LINE = new RegExp(`^([0-9A-Fa-f]+)(?:${CHUNK_EXT})*$`);

function parseChunkSize(line: string): number {
  const match = CHUNK_SIZE_LINE.exec(line);
  if (match === null) throw new ProtocolError(400, 'a chunk-size line is not a hexadecimal size with optional extensions');
  const digits = (match[1] as string).replace(/^0+/, '');
  // More than 8 hex digits is at least 4 GiB: over any body limit, and past what parseInt keeps exact.
  return digits.length > 8 ? Number.POSITIVE_INFINITY : digits === '' ? 0 : parseInt(digits, 16);
}

// ---------------------------------------------------------------------------------------------------
// Character classes (RFC 9110 §5.6.2 tchar, §5.5 field-vchar)

const TCHAR = new Uint8Array(256);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[char.charCodeAt(0)] = 1;
}

function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** One or more visible ASCII characters (no space, no control character). */
function isVisible(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** Visible characters, spaces, tabs and obs-text (0x80-0xFF); no other control character. */
function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return text.slice(start, end);
}

function valuesOf(headers: readonly Header[], name: string): string[] {
  const values: string[] = [];
  for (const [headerName, value] of headers) if (headerName === name) values.push(value);
  return values;
}

/** The elements of comma-separated list headers, trimmed, lower-cased, empty ones dropped (RFC 9110 §5.6.1). */
function listElements(values: readonly string[]): string[] {
  if (values.length === 0) return [];
  return values
    .flatMap((value) => value.split(','))
    .map((element) => trimWhitespace(element).toLowerCase())
    .filter((element) => element !== '');
}
