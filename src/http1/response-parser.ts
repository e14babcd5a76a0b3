import type { Finding, FindingCode } from './findings.js';

export interface HeaderField {
  name: string;
  value: string;
  offset: number;
}

export type Framing = 'content-length' | 'chunked' | 'close' | 'none';

/** One response as read off the wire, however broken. Offsets are into the connection's byte stream. */
export interface ParsedResponse {
  index: number;
  /** The request method this response answers (decides HEAD framing). */
  forMethod: string;
  start: number;
  headEnd: number;
  end: number;
  statusLine: string;
  version: string | null;
  status: number | null;
  reason: string | null;
  headers: HeaderField[];
  body: Uint8Array;
  framing: Framing;
  /** Content-Length as declared, when valid. */
  declaredLength: number | null;
  interim: boolean;
  complete: boolean;
  findings: Finding[];
  /** Set by the client when a close-delimited body was taken as ended after an idle pause (the server kept the connection open). */
  bodyEndedBy?: 'idle';
}

export interface ParserOptions {
  /** The head (status line + headers) must end within this many bytes. */
  maxHeadBytes?: number;
  /** A body is kept up to this many bytes (the rest is counted, not stored). */
  maxBodyBytes?: number;
}

const HTTP_PREFIX = 'HTTP/';
const STATUS_LINE = /^(HTTP\/\S*)(?:( +)(\S*)(?:( +)(.*))?)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function header(res: ParsedResponse, name: string): string | undefined {
  const n = name.toLowerCase();
  return res.headers.find((h) => h.name.toLowerCase() === n)?.value;
}

export function headerAll(res: ParsedResponse, name: string): string[] {
  const n = name.toLowerCase();
  return res.headers.filter((h) => h.name.toLowerCase() === n).map((h) => h.value);
}

type State =
  | { k: 'head' }
  | { k: 'cl'; remaining: number }
  | { k: 'chunk-size' }
  | { k: 'chunk-data'; remaining: number }
  | { k: 'chunk-data-end' }
  | { k: 'trailers' }
  | { k: 'close' }
  /** After a 101: the connection speaks another protocol now; its bytes are not HTTP/1.1's. */
  | { k: 'switched' }
  | { k: 'broken' };

/**
 * An incremental, lenient HTTP/1.1 response parser. It frames responses the way RFC 9112 §6.3 says
 * (Content-Length, chunked, close-delimited, no body for HEAD/1xx/204/304), keeps going where a strict
 * parser would stop, and records every deviation as a typed finding. It never throws on input.
 */
export class ResponseParser {
  private store: Buffer = Buffer.alloc(0);
  /** Where `buf` starts in `store`. */
  private storeStart = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  private base = 0;
  /** Parse position, as a stream offset. */
  private pos = 0;
  private state: State = { k: 'head' };
  private current: ParsedResponse | null = null;
  private bodyParts: Buffer[] = [];
  private bodyKept = 0;
  private readonly methods: string[] = [];
  private last: ParsedResponse | null = null;
  private count = 0;
  private ended = false;
  readonly done: ParsedResponse[] = [];
  private readonly maxHeadBytes: number;
  private readonly maxBodyBytes: number;

  constructor(opts: ParserOptions = {}) {
    this.maxHeadBytes = opts.maxHeadBytes ?? 64 * 1024;
    this.maxBodyBytes = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  /** Queues the method of the next request sent, so its response is framed right. */
  expect(method: string): void {
    this.methods.push(method);
  }

  /** The response being read, if any (incomplete). */
  get partial(): ParsedResponse | null {
    return this.current;
  }

  /** Bytes received but not part of any complete response (garbage, or an unfinished one). */
  get unconsumed(): number {
    return this.base + this.buf.length - this.pos;
  }

  /** Count of final (non-1xx) complete responses so far. */
  get finals(): number {
    return this.done.filter((r) => !r.interim).length;
  }

  feed(chunk: Uint8Array): ParsedResponse[] {
    if (chunk.length > 0) {
      // Append into spare room of a backing store that grows by doubling: a head that never ends
      // (a flooding server) costs amortised O(n) copying, not a whole new buffer per chunk.
      const len = this.buf.length;
      if (this.storeStart + len + chunk.length > this.store.length) {
        const grown = Buffer.allocUnsafe(Math.max(4096, 2 * (len + chunk.length)));
        this.buf.copy(grown, 0);
        this.store = grown;
        this.storeStart = 0;
      }
      this.store.set(chunk, this.storeStart + len);
      this.buf = this.store.subarray(this.storeStart, this.storeStart + len + chunk.length);
    }
    return this.run();
  }

  /** The peer closed: a close-delimited body ends here; anything unfinished stays incomplete. */
  end(): ParsedResponse[] {
    this.ended = true;
    const out = this.run();
    const cur = this.current;
    if (cur && this.state.k === 'close') {
      out.push(this.finish(cur, this.base + this.buf.length));
    } else if (cur) {
      if (this.state.k !== 'head' && this.state.k !== 'broken') {
        this.find(cur, 'body-truncated', this.base + this.buf.length);
      }
      cur.body = Buffer.concat(this.bodyParts);
      cur.end = this.base + this.buf.length;
    } else if (this.unconsumed > 0 && this.buf.toString('latin1', this.pos - this.base, this.pos - this.base + 5) === HTTP_PREFIX) {
      // A head cut short by the close: keep what there is of the status line as a partial response.
      const r = this.newResponse(this.pos);
      const nl = this.buf.indexOf(0x0a, this.pos - this.base);
      r.statusLine = this.buf.toString('latin1', this.pos - this.base, nl < 0 ? this.buf.length : nl).replace(/\r$/, '');
      const m = STATUS_LINE.exec(r.statusLine);
      if (m && /^\d{3}$/.test(m[3] ?? '')) r.status = Number(m[3]);
      // A cut 1xx head is still an interim one: it is not the answer to the request.
      if (r.status !== null && r.status >= 100 && r.status < 200 && r.status !== 101) r.interim = true;
      r.version = m?.[1] ?? null;
      r.end = this.base + this.buf.length;
      // What can be said of a head that never ended: where it used bare LF, and that it never ended.
      for (let i = this.pos - this.base; i < this.buf.length; i++) {
        if (this.buf[i] === 0x0a && (i === 0 || this.buf[i - 1] !== 0x0d)) {
          this.find(r, 'bare-lf', this.base + i);
          break;
        }
      }
      this.find(r, 'head-incomplete', this.base + this.buf.length);
      this.current = r;
    } else if (this.unconsumed > 0) {
      this.strayBytes(this.pos, this.base + this.buf.length);
      this.pos = this.base + this.buf.length;
    }
    return out;
  }

  private at(off: number): number {
    return this.buf[off - this.base] ?? -1;
  }

  private find(r: ParsedResponse, code: FindingCode, offset: number, detail?: string): void {
    if (r.findings.some((f) => f.code === code && f.offset === offset)) return;
    r.findings.push(detail === undefined ? { code, offset } : { code, offset, detail });
  }

  /** Reads one line from `pos`: returns [text without EOL, next offset, bareLF] or null if incomplete. */
  private line(from: number): [string, number, boolean] | null {
    const idx = this.buf.indexOf(0x0a, from - this.base);
    if (idx < 0) return null;
    const endAbs = idx + this.base;
    const crlf = idx > from - this.base && this.buf[idx - 1] === 0x0d;
    const text = this.buf.toString('latin1', from - this.base, crlf ? idx - 1 : idx);
    return [text, endAbs + 1, !crlf];
  }

  private newResponse(start: number): ParsedResponse {
    return {
      index: this.count,
      forMethod: this.methods[0] ?? 'GET',
      start,
      headEnd: start,
      end: start,
      statusLine: '',
      version: null,
      status: null,
      reason: null,
      headers: [],
      body: new Uint8Array(0),
      framing: 'none',
      declaredLength: null,
      interim: false,
      complete: false,
      findings: [],
    };
  }

  /** Bytes that are not part of any response: blamed on the response before them, if any. */
  private strayBytes(from: number, to: number): void {
    if (to <= from) return;
    const prev = this.last;
    const detail = `${to - from} byte(s)`;
    if (prev) {
      const noBody = prev.framing === 'none' && !prev.interim;
      this.find(prev, noBody ? 'body-forbidden' : 'extra-bytes', from, detail);
    } else {
      this.pendingGarbage = { from, to };
    }
  }

  private pendingGarbage: { from: number; to: number } | null = null;

  private run(): ParsedResponse[] {
    const out: ParsedResponse[] = [];
    for (let guard = 0; guard < 1_000_000; guard++) {
      const progressed = this.step(out);
      if (!progressed) break;
    }
    // Drop consumed bytes so the buffer does not grow with the stream.
    const drop = this.pos - this.base;
    if (drop > 0 && drop === this.buf.length) {
      this.storeStart = 0;
      this.buf = this.store.subarray(0, 0);
      this.base = this.pos;
    } else if (drop > 64 * 1024 && this.state.k !== 'head') {
      this.buf = this.buf.subarray(drop);
      this.storeStart += drop;
      this.base = this.pos;
    }
    return out;
  }

  private step(out: ParsedResponse[]): boolean {
    const avail = this.base + this.buf.length - this.pos;
    switch (this.state.k) {
      case 'broken':
        return false;
      case 'head':
        return this.stepHead(out, avail);
      case 'cl': {
        if (avail <= 0) return false;
        const n = Math.min(avail, this.state.remaining);
        this.keepBody(this.pos, n);
        this.pos += n;
        this.state.remaining -= n;
        if (this.state.remaining === 0) out.push(this.finish(this.current!, this.pos));
        return true;
      }
      case 'close': {
        if (avail <= 0) return false;
        this.keepBody(this.pos, avail);
        this.pos += avail;
        return true;
      }
      case 'switched': {
        if (avail <= 0) return false;
        this.pos += avail;
        return true;
      }
      case 'chunk-size': {
        const l = this.line(this.pos);
        if (!l) return this.headLimit(avail, 'chunk size line');
        const [text, next, bare] = l;
        if (bare) this.find(this.current!, 'bare-lf', next - 1);
        const m = /^([0-9A-Fa-f]+)[ \t]*(;.*)?$/.exec(text);
        if (!m) {
          this.find(this.current!, 'chunked-syntax', this.pos, JSON.stringify(text.slice(0, 40)));
          this.state = { k: 'broken' };
          return false;
        }
        const size = parseInt(m[1]!, 16);
        this.pos = next;
        this.state = size === 0 ? { k: 'trailers' } : { k: 'chunk-data', remaining: size };
        return true;
      }
      case 'chunk-data': {
        if (avail <= 0) return false;
        const n = Math.min(avail, this.state.remaining);
        this.keepBody(this.pos, n);
        this.pos += n;
        this.state.remaining -= n;
        if (this.state.remaining === 0) this.state = { k: 'chunk-data-end' };
        return true;
      }
      case 'chunk-data-end': {
        if (avail < 1) return false;
        if (this.at(this.pos) === 0x0a) {
          this.find(this.current!, 'bare-lf', this.pos);
          this.pos += 1;
        } else if (this.at(this.pos) === 0x0d) {
          if (avail < 2) return false;
          if (this.at(this.pos + 1) !== 0x0a) {
            this.find(this.current!, 'chunked-syntax', this.pos, 'chunk data not followed by CRLF');
            this.state = { k: 'broken' };
            return false;
          }
          this.pos += 2;
        } else {
          this.find(this.current!, 'chunked-syntax', this.pos, 'chunk data longer than its size');
          this.state = { k: 'broken' };
          return false;
        }
        this.state = { k: 'chunk-size' };
        return true;
      }
      case 'trailers': {
        const l = this.line(this.pos);
        if (!l) return this.headLimit(avail, 'trailer section');
        const [text, next, bare] = l;
        if (bare) this.find(this.current!, 'bare-lf', next - 1);
        this.pos = next;
        if (text === '') out.push(this.finish(this.current!, this.pos));
        return true;
      }
    }
  }

  private headLimit(avail: number, what: string): boolean {
    if (avail > this.maxHeadBytes) {
      this.find(this.current ?? this.newResponse(this.pos), 'header-section-too-long', this.pos, what);
      this.state = { k: 'broken' };
    }
    return false;
  }

  private keepBody(from: number, n: number): void {
    const room = this.maxBodyBytes - this.bodyKept;
    const take = Math.min(room, n);
    if (take > 0) {
      this.bodyParts.push(Buffer.from(this.buf.subarray(from - this.base, from - this.base + take)));
      this.bodyKept += take;
    }
  }

  private stepHead(out: ParsedResponse[], avail: number): boolean {
    if (avail <= 0) return false;
    // Find where the next response starts: "HTTP/" at a line start. Anything before it is stray.
    const rel = this.pos - this.base;
    const start = this.buf.subarray(rel, rel + HTTP_PREFIX.length).toString('latin1');
    if (!HTTP_PREFIX.startsWith(start) || (start.length < HTTP_PREFIX.length && this.ended)) {
      // Skip empty lines and garbage up to the next line that starts with HTTP/.
      const next = this.buf.indexOf('\nHTTP/', rel, 'latin1');
      if (next < 0) {
        if (this.ended) return false;
        // Wait for more bytes, but not forever.
        if (avail > this.maxHeadBytes) {
          this.strayBytes(this.pos, this.base + this.buf.length);
          this.pos = this.base + this.buf.length;
        }
        return false;
      }
      const to = next + 1 + this.base;
      const onlyBlank = /^[\r\n]*$/.test(this.buf.toString('latin1', rel, next + 1));
      if (!onlyBlank || this.last === null) this.strayBytes(this.pos, to);
      this.pos = to;
      return true;
    }
    if (start.length < HTTP_PREFIX.length) return false;
    // Need the whole head: up to an empty line.
    let p = this.pos;
    const lines: Array<[string, number, boolean]> = [];
    for (;;) {
      const l = this.line(p);
      if (!l) {
        if (avail > this.maxHeadBytes) {
          const r = this.newResponse(this.pos);
          this.find(r, 'header-section-too-long', this.pos);
          this.current = r;
          this.state = { k: 'broken' };
        }
        return false;
      }
      lines.push([l[0], p, l[2]]);
      p = l[1];
      if (l[0] === '' || l[0] === '\r') break;
      if (p - this.pos > this.maxHeadBytes) {
        const r = this.newResponse(this.pos);
        this.find(r, 'header-section-too-long', this.pos);
        this.current = r;
        this.state = { k: 'broken' };
        return false;
      }
    }
    const r = this.newResponse(this.pos);
    if (this.pendingGarbage) {
      this.find(r, 'status-line-garbage', this.pendingGarbage.from, `${this.pendingGarbage.to - this.pendingGarbage.from} stray byte(s) before the status line`);
      this.pendingGarbage = null;
    }
    r.headEnd = p;
    this.parseHead(r, lines);
    this.current = r;
    this.bodyParts = [];
    this.bodyKept = 0;
    this.pos = p;
    this.frame(r, out);
    return true;
  }

  private parseHead(r: ParsedResponse, lines: Array<[string, number, boolean]>): void {
    for (const [text, off, bare] of lines) {
      if (bare) this.find(r, 'bare-lf', off + text.length);
      if (text.includes('\r')) this.find(r, 'bare-cr', off + text.indexOf('\r'));
    }
    const [statusText, statusOff] = lines[0]!;
    r.statusLine = statusText;
    const m = STATUS_LINE.exec(statusText);
    if (!m) {
      this.find(r, 'status-line-garbage', statusOff, JSON.stringify(statusText.slice(0, 60)));
    } else {
      r.version = m[1]!;
      const code = m[3] ?? '';
      if (/^\d{3}$/.test(code)) r.status = Number(code);
      else this.find(r, 'status-line-garbage', statusOff, `status code ${JSON.stringify(code)}`);
      if (m[2] !== undefined && m[2] !== ' ') this.find(r, 'status-line-garbage', statusOff, 'more than one space after the version');
      if (m[4] === undefined) this.find(r, 'missing-reason-phrase', statusOff + statusText.length);
      r.reason = m[5] ?? null;
      if (r.version !== 'HTTP/1.1') this.find(r, 'wrong-version', statusOff, r.version);
    }
    for (let i = 1; i < lines.length; i++) {
      const [text, off] = lines[i]!;
      if (text === '' || text === '\r') break;
      if (text.startsWith(' ') || text.startsWith('\t')) {
        this.find(r, 'obs-fold', off);
        const prev = r.headers[r.headers.length - 1];
        if (prev) prev.value += ' ' + text.trim();
        continue;
      }
      const colon = text.indexOf(':');
      if (colon <= 0) {
        this.find(r, 'header-syntax', off, JSON.stringify(text.slice(0, 60)));
        continue;
      }
      let name = text.slice(0, colon);
      if (/[ \t]$/.test(name)) {
        this.find(r, 'space-before-colon', off + name.length - 1, name.trim());
        name = name.trimEnd();
      }
      if (!TOKEN.test(name)) this.find(r, 'header-syntax', off, `field name ${JSON.stringify(name)}`);
      r.headers.push({ name, value: text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''), offset: off });
    }
    if (r.status !== null) {
      if (r.status >= 100 && r.status < 200 && r.status !== 101) r.interim = true;
      if (r.status >= 200 && r.status < 500 && header(r, 'date') === undefined) this.find(r, 'missing-date', r.headEnd);
    }
  }

  /** Decides how the body is delimited (RFC 9112 §6.3) and moves to that state. */
  private frame(r: ParsedResponse, out: ParsedResponse[]): void {
    const status = r.status ?? 0;
    const te = headerAll(r, 'transfer-encoding');
    const cls = headerAll(r, 'content-length');
    if (r.interim || status === 101 || status === 204) {
      if (cls.length > 0) this.find(r, 'content-length-forbidden', r.start, cls.join(', '));
    }
    // RFC 9112 §6.3: a response to HEAD, a 1xx (101 included), a 204 or a 304 ends at its empty line.
    if (r.interim || status === 101 || r.forMethod === 'HEAD' || status === 204 || status === 304) {
      r.framing = 'none';
      this.parseContentLength(r, cls, false);
      out.push(this.finish(r, this.pos));
      // After a 101 the connection belongs to the protocol it switched to (RFC 9110 §7.8).
      if (status === 101) this.state = { k: 'switched' };
      return;
    }
    if (te.length > 0) {
      if (cls.length > 0) this.find(r, 'content-length-with-transfer-encoding', r.start);
      const codings = te.join(',').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
      if (codings[codings.length - 1] === 'chunked') {
        r.framing = 'chunked';
        this.state = { k: 'chunk-size' };
        return;
      }
      this.find(r, 'unknown-transfer-coding', r.start, te.join(', '));
      r.framing = 'close';
      this.state = { k: 'close' };
      return;
    }
    const len = this.parseContentLength(r, cls, true);
    if (len !== null) {
      r.framing = 'content-length';
      if (len === 0) {
        out.push(this.finish(r, this.pos));
        return;
      }
      this.state = { k: 'cl', remaining: len };
      return;
    }
    if (cls.length === 0) this.find(r, 'missing-content-length', r.headEnd);
    r.framing = 'close';
    this.state = { k: 'close' };
  }

  private parseContentLength(r: ParsedResponse, cls: string[], frames: boolean): number | null {
    if (cls.length === 0) return null;
    const values = cls.join(',').split(',').map((s) => s.trim());
    if (!values.every((v) => /^\d+$/.test(v))) {
      this.find(r, 'invalid-content-length', r.start, cls.join(', '));
      return null;
    }
    const nums = [...new Set(values.map((v) => Number(v)))];
    if (nums.length > 1) {
      this.find(r, 'conflicting-content-length', r.start, cls.join(', '));
      return null;
    }
    const n = nums[0]!;
    if (!Number.isSafeInteger(n)) {
      this.find(r, 'invalid-content-length', r.start, cls.join(', '));
      return null;
    }
    r.declaredLength = n;
    return frames ? n : null;
  }

  private finish(r: ParsedResponse, end: number): ParsedResponse {
    r.end = end;
    r.complete = true;
    r.body = this.bodyParts.length === 0 ? new Uint8Array(0) : Uint8Array.from(Buffer.concat(this.bodyParts));
    this.bodyParts = [];
    this.bodyKept = 0;
    this.pos = end;
    this.done.push(r);
    this.count++;
    if (!r.interim && this.methods.length > 0) this.methods.shift();
    this.last = r;
    this.current = null;
    this.state = { k: 'head' };
    return r;
  }
}
