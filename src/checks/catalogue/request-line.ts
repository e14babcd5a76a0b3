import { caseCheck, get } from '../case.js';
import type { Check } from '../types.js';

const R9112_3 = 'RFC 9112 §3';
const BAD_REQUEST_LINE = 'A request line that is not method SP request-target SP HTTP-version is invalid; the server responds 400 (Bad Request).';

/** Request-line syntax: methods, targets, versions (Http11Probe's COMP/RFC request-line cases, our ids). */
export const requestLineChecks: Check[] = [
  // --- methods -----------------------------------------------------------------------------------
  ...(
    [
      ['unknown-token', 'FOO'],
      ['options', 'OPTIONS'],
      ['trace', 'TRACE'],
      ['propfind', 'PROPFIND'],
      ['lowercase-get', 'get'],
      ['mixed-case-get', 'Get'],
    ] as const
  ).map(([slug, m]) =>
    caseCheck({
      id: `status.method.${slug}-is-405`,
      requirement: `A method the server does not implement (${m}; methods are case-sensitive) is answered 405 Method Not Allowed (501 Not Implemented is the RFC's alternative).`,
      cite: 'RFC 9110 §9.1, §15.5.6',
      request: get([], { method: m }),
      method: m,
      accept: [405],
      warn: [501],
    }),
  ),
  caseCheck({
    id: 'status.method.connect-is-405',
    requirement: 'CONNECT to an origin server that is not a proxy is answered 405 (or 501, or 400 for its authority-form target).',
    cite: 'RFC 9110 §9.3.6',
    request: 'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n',
    method: 'CONNECT',
    accept: [405],
    warn: [501, 400],
  }),
  caseCheck({
    id: 'status.method.long-token-rejected',
    requirement: 'A 1,000-character method token is rejected (405, 501, 400 or 414), not served and not fatal.',
    cite: 'RFC 9112 §3',
    request: get([], { method: 'A'.repeat(1000) }),
    method: 'GET',
    accept: [405, 501, 400, 414],
  }),
  ...(
    [
      ['control-character', 'G\x01ET'],
      ['nul-byte', 'GE\x00T'],
      ['separator-in-token', 'GE(T'],
      ['non-ascii', 'G\xc9T'],
    ] as const
  ).map(([slug, m]) =>
    caseCheck({
      id: `status.method.${slug}-is-400`,
      requirement: `A method that is not a token (${JSON.stringify(m)}) makes the request line invalid: 400 Bad Request.`,
      cite: 'RFC 9112 §3, RFC 9110 §5.6.2',
      request: get([], { method: m }),
      method: 'GET',
      accept: [400],
      warn: ['close', 405, 501],
    }),
  ),
  caseCheck({
    id: 'status.request-line.empty-method-is-400',
    requirement: BAD_REQUEST_LINE,
    cite: R9112_3,
    request: ' / HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.request-line.missing-target-is-400',
    requirement: BAD_REQUEST_LINE,
    cite: R9112_3,
    request: 'GET HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.request-line.method-only-is-400',
    requirement: BAD_REQUEST_LINE,
    cite: R9112_3,
    request: 'GET\r\nHost: localhost\r\n\r\n',
    accept: [400],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.request-line.space-in-target-is-400',
    requirement: 'A request line with more than three parts (a space inside the target) is invalid: 400.',
    cite: 'RFC 9112 §3.2',
    request: 'GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
    warn: ['close', 404],
  }),
  caseCheck({
    id: 'status.request-line.trailing-space-is-400',
    requirement: 'A space after the HTTP-version makes the request line invalid: 400.',
    cite: R9112_3,
    level: 'SHOULD',
    request: 'GET {known} HTTP/1.1 \r\nHost: localhost\r\n\r\n',
    accept: [400],
    warn: ['ok', 'close'],
  }),
  caseCheck({
    id: 'status.request-line.tab-separator-is-400',
    requirement: 'A tab between request-line parts is not SP; a server that does not parse on whitespace answers 400.',
    cite: R9112_3,
    level: 'SHOULD',
    request: 'GET\t{known}\tHTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400, 'ok'],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.request-line.leading-crlf-ignored',
    requirement: 'A server that is receiving a request SHOULD ignore at least one empty line (CRLF) received before the request line.',
    cite: 'RFC 9112 §2.2',
    level: 'SHOULD',
    request: '\r\n' + get(),
    accept: ['ok'],
    warn: [400],
  }),
  // --- targets -----------------------------------------------------------------------------------
  caseCheck({
    id: 'status.target.no-leading-slash-is-400',
    requirement: 'An origin-form target must start with "/": a target such as "x" is invalid (400; 404 tolerated).',
    cite: 'RFC 9112 §3.2.1',
    request: get([], { target: 'x' }),
    accept: [400],
    warn: [404],
  }),
  caseCheck({
    id: 'status.target.dot-dot-segment-rejected',
    requirement: 'A name that does not match the record pattern ("/../x") is answered 400 (404 tolerated), never served from outside the store.',
    cite: 'SPEC reference protocol; RFC 3986 §5.2.4',
    needs: 'reference',
    request: get([], { target: '/../etc/passwd' }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.percent-nul-rejected',
    requirement: 'A name with an encoded NUL ("/%00") does not match the record pattern: 400 (or 404).',
    cite: 'SPEC reference protocol',
    needs: 'reference',
    request: get([], { target: '/%00' }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.two-segments-is-404',
    requirement: 'A path with two segments ("/a/b") names no record: 404 (or 400).',
    cite: 'SPEC reference protocol',
    needs: 'reference',
    request: get([], { target: '/a/b' }),
    accept: [404, 400],
  }),
  caseCheck({
    id: 'status.target.name-too-long-is-400',
    requirement: 'A name longer than 64 characters does not match the record pattern: 400 (or 404).',
    cite: 'SPEC reference protocol',
    needs: 'reference',
    request: get([], { target: '/' + 'n'.repeat(65) }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.absolute-form-accepted',
    requirement: 'A server MUST accept the absolute-form of the request target (GET http://localhost/ HTTP/1.1).',
    cite: 'RFC 9112 §3.2.2',
    level: 'SHOULD',
    request: 'GET http://localhost{known} HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: ['ok'],
    warn: [400, 404],
  }),
  caseCheck({
    id: 'status.target.fragment-rejected',
    requirement: 'A fragment ("#x") is not part of any request-target form: 400 (or the fragment ignored).',
    cite: 'RFC 9112 §3.2',
    level: 'SHOULD',
    request: get([], { target: '{known}#frag' }),
    accept: [400, 'ok', 404],
  }),
  caseCheck({
    id: 'status.target.very-long-is-rejected',
    requirement: 'A 16 KiB request target is answered 414 URI Too Long (or 431/400), not served and not fatal.',
    cite: 'RFC 9112 §3, RFC 9110 §15.5.15',
    request: get([], { target: '/' + 'a'.repeat(16 * 1024) }),
    accept: [414, 431, 400, 404],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.target.asterisk-with-get-is-400',
    requirement: 'The asterisk-form is only for OPTIONS: "GET * HTTP/1.1" is invalid (400; 404/405 tolerated).',
    cite: 'RFC 9112 §3.2.4',
    request: get([], { target: '*' }),
    accept: [400],
    warn: [404, 405, 501],
  }),
  // --- versions ----------------------------------------------------------------------------------
  ...(['HTTP/2', 'HTTP/2.0', 'HTTP/3', 'HTTP/3.0', 'HTTP/9.9'] as const).map((v) =>
    caseCheck({
      id: `status.version.${v.toLowerCase().replace('/', '').replace('.', '-')}-is-505`,
      requirement: `A request whose major version the server does not support (${v}) is answered 505 HTTP Version Not Supported.`,
      cite: 'RFC 9110 §15.6.6, §6.2',
      request: get([], { version: v }),
      accept: [505],
      warn: ['close'],
    }),
  ),
  caseCheck({
    id: 'status.version.http1-2-served-as-1-1',
    requirement: 'A request with a higher minor version (HTTP/1.2) SHOULD be processed as if it were HTTP/1.1.',
    cite: 'RFC 9110 §2.5',
    level: 'SHOULD',
    request: get([], { version: 'HTTP/1.2' }),
    accept: ['ok'],
    warn: [505, 400],
  }),
  caseCheck({
    id: 'status.version.http1-0-served',
    requirement: 'An HTTP/1.0 request (no Host needed) is served.',
    cite: 'RFC 9110 §2.5, RFC 9112 §9.3',
    request: 'GET {known} HTTP/1.0\r\n\r\n',
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.version.http0-9-rejected',
    requirement: 'A request line with no version (HTTP/0.9 style) is not answered as HTTP/0.9: 400 or close.',
    cite: 'RFC 9112 §3, RFC 9112 Appendix C.1',
    request: 'GET {known}\r\n\r\n',
    accept: [400, 'close'],
    warn: [505],
  }),
  ...(
    [
      ['lowercase-is-400', 'http/1.1'],
      ['no-minor-is-400', 'HTTP/1'],
      ['three-parts-is-400', 'HTTP/1.1.1'],
      ['leading-zero-is-400', 'HTTP/01.1'],
      ['two-digit-minor-is-400', 'HTTP/1.10'],
      ['https-scheme-is-400', 'HTTPS/1.1'],
      ['garbage-is-400', 'FOO/1.1'],
      ['letters-is-400', 'HTTP/A.B'],
    ] as const
  ).map(([slug, v]) =>
    caseCheck({
      id: `status.version.${slug}`,
      requirement: `HTTP-version is case-sensitive "HTTP/" DIGIT "." DIGIT; "${v}" is invalid: 400 Bad Request.`,
      cite: 'RFC 9112 §2.3',
      request: get([], { version: v }),
      accept: [400],
      warn: ['close', 505],
    }),
  ),
];
