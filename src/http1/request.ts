import { latin1, concatBytes } from '../wire/bytes.js';

/**
 * A request as parts. Nothing is validated on the way out: any part may hold any bytes, which is how
 * malformed requests are made. `raw` overrides everything when set.
 */
export interface RequestParts {
  method: string;
  target: string;
  /** e.g. 'HTTP/1.1'; '' omits the version (and the space before it). */
  version: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Uint8Array | string;
  /** Line ending used for the request line and headers; default CRLF. */
  eol?: string;
  /** Add `Content-Length` for the body when no such header is present; default true when a body is set. */
  autoContentLength?: boolean;
}

export function serializeRequest(r: RequestParts): Uint8Array {
  const eol = r.eol ?? '\r\n';
  const body = typeof r.body === 'string' ? latin1(r.body) : r.body;
  const headers = [...r.headers];
  const auto = r.autoContentLength ?? body !== undefined;
  if (auto && body !== undefined && !headers.some(([n]) => n.toLowerCase() === 'content-length' || n.toLowerCase() === 'transfer-encoding')) {
    headers.push(['Content-Length', String(body.length)]);
  }
  let head = r.version === '' ? `${r.method} ${r.target}${eol}` : `${r.method} ${r.target} ${r.version}${eol}`;
  for (const [n, v] of headers) head += `${n}: ${v}${eol}`;
  head += eol;
  return body ? concatBytes([latin1(head), body]) : latin1(head);
}

/** How much of a request is searched for its head (a head is never longer in what the grader sends). */
const HEAD_SEARCH_CAP = 64 * 1024;

/**
 * The value of the first `name` field in a request's head (its name matched without regard to case,
 * surrounding whitespace trimmed), or undefined when the head has none. Reads the bytes as they are:
 * the grader's own requests, malformed ones included.
 */
export function requestField(bytes: Uint8Array, name: string): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, HEAD_SEARCH_CAP)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const want = name.toLowerCase();
  for (const line of (end < 0 ? text : text.slice(0, end)).split('\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === want) return line.slice(colon + 1).replace(/\r$/, '').trim();
  }
  return undefined;
}

/** A plain, valid HTTP/1.1 request with `Host` first. */
export function request(
  method: string,
  target: string,
  opts: { host?: string; headers?: ReadonlyArray<readonly [string, string]>; body?: Uint8Array | string; version?: string } = {},
): Uint8Array {
  return serializeRequest({
    method,
    target,
    version: opts.version ?? 'HTTP/1.1',
    headers: [['Host', opts.host ?? 'localhost'], ...(opts.headers ?? [])],
    body: opts.body,
  });
}

/** Encodes a body as chunked transfer coding, cut into chunks of `size` bytes. */
export function chunked(body: Uint8Array | string, size = 16): Uint8Array {
  const b = typeof body === 'string' ? latin1(body) : body;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) {
    const c = b.subarray(i, i + size);
    parts.push(latin1(c.length.toString(16) + '\r\n'), c, latin1('\r\n'));
  }
  parts.push(latin1('0\r\n\r\n'));
  return concatBytes(parts);
}
