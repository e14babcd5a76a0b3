/**
 * Every way a response can deviate from RFC 9112, as a typed finding with a code and the byte offset in
 * the response stream where it was seen. The parser records them; checks decide which fail and which warn.
 */
export const FINDING_CODES = {
  'bare-lf': 'a line ended with LF alone, not CRLF (RFC 9112 §2.2)',
  'bare-cr': 'a CR not followed by LF inside the head (RFC 9112 §2.2)',
  'status-line-garbage': 'the status line is not HTTP-version SP 3DIGIT SP reason (RFC 9112 §4)',
  'missing-reason-phrase': 'the status line has no SP after the status code (RFC 9112 §4)',
  'wrong-version': 'the status line does not start with HTTP/1.1 (RFC 9110 §6.2: a server sends its own highest version)',
  'header-syntax': 'a header line is not field-name ":" OWS field-value OWS (RFC 9112 §5)',
  'space-before-colon': 'whitespace between a field name and the colon (RFC 9112 §5.1)',
  'obs-fold': 'a header value folded onto a continuation line (RFC 9112 §5.2)',
  'missing-content-length': 'a response body framed by closing the connection, with neither Content-Length nor chunked (RFC 9112 §6.3)',
  'invalid-content-length': 'a Content-Length that is not a non-negative decimal number (RFC 9110 §8.6)',
  'conflicting-content-length': 'several different Content-Length values (RFC 9110 §8.6)',
  'content-length-with-transfer-encoding': 'both Content-Length and Transfer-Encoding (RFC 9112 §6.2)',
  'content-length-forbidden': 'a Content-Length on a 1xx or 204 response (RFC 9110 §8.6)',
  'body-forbidden': 'body bytes after a response that must not have a body (RFC 9110 §6.4.1)',
  'body-truncated': 'the connection ended before the declared body was complete (RFC 9112 §6.3)',
  'extra-bytes': 'bytes after the end of the response that are not another response (RFC 9112 §6.3)',
  'chunked-syntax': 'a malformed chunk size line or chunk terminator (RFC 9112 §7.1)',
  'unknown-transfer-coding': 'a Transfer-Encoding other than chunked as the final coding (RFC 9112 §6.3)',
  'missing-date': 'no Date header on a 2xx/3xx/4xx response (RFC 9110 §6.6.1: an origin server with a clock MUST send one)',
  'header-section-too-long': 'the response head did not end within the parser limit',
  'head-incomplete': 'the connection ended before the header section did: no empty line after the fields (RFC 9112 §2.1)',
  'interim-response': 'an interim 1xx response before the final response',
} as const;

export type FindingCode = keyof typeof FINDING_CODES;

export interface Finding {
  code: FindingCode;
  /** Offset in the response byte stream (from the first byte received on the connection). */
  offset: number;
  detail?: string;
}

export function describeFinding(f: Finding): string {
  return `${f.code} at byte ${f.offset}${f.detail ? `: ${f.detail}` : ''}`;
}
