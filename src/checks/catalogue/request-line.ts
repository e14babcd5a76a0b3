import { caseCheck, get, write } from '../case.js';
import { RFC } from '../rfc.js';
import type { Check } from '../types.js';
import type { Accept } from '../verify.js';

const BAD_REQUEST_LINE = 'A request line that is not method SP request-target SP HTTP-version is invalid: the server SHOULD answer 400 (Bad Request).';

/** The reference protocol keeps today's strict answer for an invalid request line: 400 (a close warned). */
const REF_400 = { note: 'the reference protocol answers every invalid request line 400', accept: [400], warn: ['close'] as Accept[] };

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
      requirement: `A method the server does not implement (${m}; methods are case-sensitive) SHOULD be answered 501 Not Implemented, or 405 Method Not Allowed when it is known but not allowed here${slug === 'options' || slug === 'trace' ? `; a server that implements ${m} answers it 2xx` : slug.endsWith('get') ? '; a server may also recover it as GET (RFC 9110 §2.4)' : slug === 'propfind' ? '; a WebDAV server answers it 207' : ''}.`,
      source: RFC.methodNotImplemented,
      level: 'SHOULD',
      request: get([], { method: m }),
      method: m,
      accept: [501, 405, ...((slug === 'options' || slug === 'trace' ? ['2xx'] : slug.endsWith('get') ? ['ok'] : slug === 'propfind' ? [207] : []) as Accept[])],
      rule: { note: 'the reference protocol answers 405 to every method it does not implement (501 warned)', accept: [405], warn: [501] },
    }),
  ),
  caseCheck({
    id: 'status.method.connect-is-405',
    requirement: 'CONNECT to an origin server that is not a proxy SHOULD be answered 501 or 405 (400 for its authority-form target is the invalid-request-line answer).',
    source: RFC.methodNotImplemented,
    level: 'SHOULD',
    request: 'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n',
    method: 'CONNECT',
    accept: [501, 405, 400],
    rule: { note: 'the reference protocol answers CONNECT 405', accept: [405], warn: [501, 400, 404] },
  }),
  caseCheck({
    id: 'status.method.long-token-rejected',
    requirement: 'A server that receives a method longer than any it implements (1,000 characters) SHOULD answer 501 Not Implemented (405 tolerated as the other not-implemented answer).',
    source: RFC.longMethod,
    level: 'SHOULD',
    request: get([], { method: 'A'.repeat(1000) }),
    method: 'GET',
    accept: [501, 405],
    rule: { note: 'the reference protocol rejects a long method with 405, 501, 400 or 414', accept: [405, 501, 400, 414] },
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
      requirement: `A method that is not a token (${JSON.stringify(m)}) makes the request line invalid: the server SHOULD answer 400 Bad Request.`,
      source: RFC.invalidRequestLine,
      level: 'SHOULD',
      request: get([], { method: m }),
      method: 'GET',
      accept: [400],
      rule: { note: 'the reference protocol answers 400 (a close, 405 or 501 warned)', accept: [400], warn: ['close', 405, 501] },
    }),
  ),
  caseCheck({
    id: 'status.request-line.empty-method-is-400',
    requirement: BAD_REQUEST_LINE,
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    rule: REF_400,
    request: ' / HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
  }),
  caseCheck({
    id: 'status.request-line.missing-target-is-400',
    requirement: BAD_REQUEST_LINE,
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    rule: REF_400,
    request: 'GET HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
  }),
  caseCheck({
    id: 'status.request-line.method-only-is-400',
    requirement: BAD_REQUEST_LINE,
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    rule: REF_400,
    request: 'GET\r\nHost: localhost\r\n\r\n',
    accept: [400],
  }),
  caseCheck({
    id: 'status.request-line.space-in-target-is-400',
    requirement: 'A request line with more than three parts (a space inside the target) is invalid: the server SHOULD answer 400.',
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: 'GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400],
    rule: { note: 'the reference protocol answers 400 (a close or 404 warned)', accept: [400], warn: ['close', 404] },
  }),
  caseCheck({
    id: 'status.request-line.trailing-space-is-400',
    requirement: 'A space after the HTTP-version makes the request line invalid (400), but a recipient MAY parse on whitespace and ignore trailing whitespace (the request served).',
    source: RFC.whitespaceParsing,
    level: 'MAY',
    request: 'GET {known} HTTP/1.1 \r\nHost: localhost\r\n\r\n',
    accept: [400, 'ok'],
    rule: { note: 'the reference protocol prefers 400 (serving it, or a close, warned)', accept: [400], warn: ['ok', 'close'], level: 'SHOULD' },
  }),
  caseCheck({
    id: 'status.request-line.tab-separator-is-400',
    requirement: 'A tab between request-line parts is not SP: a recipient MAY parse on whitespace (the request served) or answer 400.',
    source: RFC.whitespaceParsing,
    level: 'MAY',
    request: 'GET\t{known}\tHTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400, 'ok'],
  }),
  caseCheck({
    id: 'status.request-line.leading-crlf-ignored',
    requirement: 'A server that is receiving a request SHOULD ignore at least one empty line (CRLF) received before the request line.',
    source: RFC.leadingCrlf,
    level: 'SHOULD',
    request: '\r\n' + get(),
    accept: ['ok'],
    warn: [400],
  }),
  // --- targets -----------------------------------------------------------------------------------
  caseCheck({
    id: 'status.target.unknown-path-is-404',
    requirement: 'A request for a resource the server does not have is refused with a 4xx (404 Not Found says so); no RFC sentence requires 404, so a 2xx only warns.',
    source: { profile: 'any', note: 'RFC 9110 §15.5.5 defines 404 for a target with no current representation; serving a missing resource as found is wrong, but no sentence makes a status a MUST' },
    level: 'SHOULD',
    request: get([], { target: '/{name}' }),
    accept: ['4xx'],
    rule: { note: 'the reference protocol answers 404 for a record that does not exist (400 warned)', accept: [404], warn: [400] },
  }),
  caseCheck({
    id: 'status.target.no-leading-slash-is-400',
    requirement: 'An origin-form target starts with "/": a target such as "x" makes the request line invalid, and the server SHOULD answer 400 (or redirect it, 301).',
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: get([], { target: 'x' }),
    accept: [400, 301],
    rule: { note: 'the reference protocol answers 400 (404 warned)', accept: [400], warn: [404] },
  }),
  caseCheck({
    id: 'status.target.dot-dot-segment-rejected',
    requirement: 'A name that does not match the record pattern ("/../x") is answered 400 (404 tolerated), never served from outside the store.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 3986 §5.2.4',
    needs: 'reference',
    request: get([], { target: '/../etc/passwd' }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.dot-dot-write-rejected',
    requirement: 'A write to a name with dot-dot segments ("POST /../../x") is answered 400 (or 404): a server must never store outside its own folder.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 3986 §5.2.4',
    needs: 'reference',
    request: write('POST', '/../../{name}', '{"escaped":true}'),
    method: 'POST',
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.percent-nul-rejected',
    requirement: 'A name with an encoded NUL ("/%00") does not match the record pattern: 400 (or 404).',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    needs: 'reference',
    request: get([], { target: '/%00' }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.two-segments-is-404',
    requirement: 'A path with two segments ("/a/b") names no record: 404 (or 400).',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    needs: 'reference',
    request: get([], { target: '/a/b' }),
    accept: [404, 400],
  }),
  caseCheck({
    id: 'status.target.name-too-long-is-400',
    requirement: 'A name longer than 64 characters does not match the record pattern: 400 (or 404).',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    needs: 'reference',
    request: get([], { target: '/' + 'n'.repeat(65) }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.absolute-form-accepted',
    requirement: 'A server MUST accept the absolute-form of the request target (GET http://localhost/ HTTP/1.1): it is served as the origin-form would be.',
    source: RFC.absoluteForm,
    request: 'GET http://localhost{known} HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.target.fragment-rejected',
    requirement: 'A fragment ("#x") is not part of any request-target form: the server answers 400, or MAY recover the target by ignoring the fragment.',
    source: RFC.recover,
    level: 'MAY',
    request: get([], { target: '{known}#frag' }),
    accept: [400, 'ok', 404],
  }),
  caseCheck({
    id: 'status.target.very-long-is-rejected',
    requirement: 'A server that will not parse a 16 KiB request target MUST answer 414 URI Too Long; one that parses it answers as it would any target (served, 404, 403, even 500), but never refuses it as a header section (431) or as bad syntax (400).',
    source: RFC.longTarget,
    request: get([], { target: '/' + 'a'.repeat(16 * 1024) }),
    accept: [414, '2xx', '3xx', 404, 403, 410, 500],
    warn: ['close'],
    rule: { note: 'the reference protocol refuses a long target with 414 (431, 400 or 404 accepted until the reference server sends 414)', accept: [414, 431, 400, 404], warn: ['close'] },
  }),
  caseCheck({
    id: 'status.target.asterisk-with-get-is-400',
    requirement: 'The asterisk-form is only used for a server-wide OPTIONS: "GET * HTTP/1.1" is an invalid request line, and the server SHOULD answer 400.',
    source: RFC.asteriskForm,
    level: 'SHOULD',
    request: get([], { target: '*' }),
    accept: [400],
    rule: { note: 'the reference protocol answers 400 (404, 405 or 501 warned)', accept: [400], warn: [404, 405, 501] },
  }),
  // --- versions ----------------------------------------------------------------------------------
  ...(['HTTP/2', 'HTTP/2.0', 'HTTP/3', 'HTTP/3.0', 'HTTP/9.9'] as const).map((v) =>
    caseCheck({
      id: `status.version.${v.toLowerCase().replace('/', '').replace('.', '-')}-is-505`,
      requirement: v.includes('.')
        ? `A request in a major version the server does not implement (${v}) MAY be refused with 505 HTTP Version Not Supported, or answered 400, or served.`
        : `"${v}" has no minor version, so it does not match HTTP-version: the request line is invalid and the server SHOULD answer 400 (505 is the answer for an unsupported major version).`,
      source: v.includes('.') ? RFC.majorRefused : RFC.invalidRequestLine,
      level: v.includes('.') ? 'MAY' : 'SHOULD',
      request: get([], { version: v }),
      accept: v.includes('.') ? [505, 400, 'ok'] : [400, 505],
      rule: { note: 'the reference protocol answers 505 to every other major version', accept: [505], warn: v.includes('.') ? ['close'] : ['close', 400] },
    }),
  ),
  caseCheck({
    id: 'status.version.http1-2-served-as-1-1',
    requirement: 'A request with a higher minor version (HTTP/1.2) SHOULD be processed as if it were HTTP/1.1.',
    source: RFC.higherMinor,
    level: 'SHOULD',
    request: get([], { version: 'HTTP/1.2' }),
    accept: ['ok'],
    warn: [505, 400],
  }),
  caseCheck({
    id: 'status.version.http1-0-served',
    requirement: 'An HTTP/1.0 request (no Host needed) is served: HTTP/1.0 and HTTP/1.1 share a major version.',
    source: { profile: 'any', note: 'RFC 9110 §2.5 lets a server refuse a major version (505); HTTP/1.0 is the same major version, but no sentence makes serving it a MUST' },
    level: 'SHOULD',
    request: 'GET {known} HTTP/1.0\r\n\r\n',
    accept: ['ok'],
    rule: { note: 'the reference protocol serves HTTP/1.0 requests', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.version.http0-9-rejected',
    requirement: 'A request line with no version (HTTP/0.9 style) is an invalid HTTP/1.1 request line: the server SHOULD answer 400 (a close, or 505, also refuses it).',
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: 'GET {known}\r\n\r\n',
    accept: [400, 'close', 505],
    rule: { note: 'the reference protocol answers 400 or closes (505 warned)', accept: [400, 'close'], warn: [505] },
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
      requirement: `HTTP-version is case-sensitive "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); with "${v}" the request line is invalid and the server SHOULD answer 400 (505 also refuses it).`,
      source: RFC.invalidRequestLine,
      level: 'SHOULD',
      request: get([], { version: v }),
      accept: [400, 505],
      rule: { note: 'the reference protocol answers 400 (a close or 505 warned)', accept: [400], warn: ['close', 505] },
    }),
  ),
];
