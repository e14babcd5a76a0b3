/**
 * Turning a reply into bytes (RFC 9112 §4, §6): the status line is always `HTTP/1.1` (RFC 9112 §2.3, even
 * to an HTTP/1.0 client), every line ends with CRLF, every answer that may carry a body carries
 * `Content-Length` (0 when empty; 204 has neither), every answer carries `Date`, and JSON bodies carry
 * `Content-Type: application/json`.
 */

export interface Reply {
  readonly status: number;
  /** A JSON value to send as the body; none when undefined. */
  readonly body?: unknown;
  /** Extra header fields such as Location or Allow. */
  readonly headers?: ReadonlyArray<readonly [name: string, value: string]>;
}

export interface SerializeOptions {
  /** The request was HEAD: send GET's status and headers (Content-Length included) and no body. */
  readonly omitBody: boolean;
  /** `close`: the connection closes after this answer; `keep-alive`: say so to an HTTP/1.0 client. */
  readonly connection: 'close' | 'keep-alive' | null;
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  300: 'Multiple Choices',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/** The interim answer to `Expect: 100-continue`. */
export const CONTINUE_RESPONSE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** An error answer: the body is `{"error": message}`. */
export function errorReply(status: number, message: string, headers?: Reply['headers']): Reply {
  return headers === undefined ? { status, body: { error: message } } : { status, body: { error: message }, headers };
}

/**
 * The answer as text to send UTF-8 encoded: the head is ASCII, the body is JSON text, and Content-Length
 * counts the body's UTF-8 bytes. (One string, written once, is cheaper than assembling Buffers.)
 */
export function serializeReply(reply: Reply, options: SerializeOptions): string {
  let head = `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Unknown'}\r\nDate: ${httpDate()}\r\n`;
  let body = '';
  if (reply.status !== 204) {
    if (reply.body !== undefined) {
      body = JSON.stringify(reply.body);
      head += 'Content-Type: application/json\r\n';
    }
    head += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n`;
  }
  for (const [name, value] of reply.headers ?? []) head += `${name}: ${value}\r\n`;
  if (options.connection === 'close') head += 'Connection: close\r\n';
  if (options.connection === 'keep-alive') head += 'Connection: keep-alive\r\n';
  head += '\r\n';
  return options.omitBody ? head : head + body;
}

let dateSecond = -1;
let dateText = '';

/** The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), recomputed once a second. */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
