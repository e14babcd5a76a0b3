import { caseCheck, get, write } from '../../case.js';
import { RFC } from '../../rfc.js';
import type { Check } from '../../types.js';
import type { Accept } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const BAD_REQUEST_LINE = 'A request line that is not method SP request-target SP HTTP-version is invalid: the server SHOULD answer 400 (Bad Request).';

/** The reference protocol keeps today's strict answer for an invalid request line: 400 (a close warned). */
const REF_400 = { note: 'the reference protocol answers every invalid request line 400', accept: [400], warn: ['close'] as Accept[] };

const RECOVER_AS_GET = '; a server may also recover it as GET (RFC 9110 §2.4)';

/** A method the server does not implement: 501 or 405 (the reference protocol: 405). `also`: what else the RFC allows for it. */
function unimplementedMethod(c: { id: string; method: string; also?: string; alsoAccept?: readonly Accept[] }): CheckDecl {
  return caseCheck({
    id: c.id,
    requirement: `A method the server does not implement (${c.method}; methods are case-sensitive) SHOULD be answered 501 Not Implemented, or 405 Method Not Allowed when it is known but not allowed here${c.also ?? ''}.`,
    source: RFC.methodNotImplemented,
    level: 'SHOULD',
    request: get([], { method: c.method }),
    method: c.method,
    accept: [501, 405, ...(c.alsoAccept ?? [])],
    rule: { note: 'the reference protocol answers 405 to every method it does not implement (501 warned)', accept: [405], warn: [501] },
  });
}

/** A method that is not a token: the request line is invalid (400). */
function notATokenMethod(c: { id: string; method: string }): CheckDecl {
  return caseCheck({
    id: c.id,
    requirement: `A method that is not a token (${JSON.stringify(c.method)}) makes the request line invalid: the server SHOULD answer 400 Bad Request.`,
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: get([], { method: c.method }),
    method: 'GET',
    accept: [400],
    rule: { note: 'the reference protocol answers 400 (a close, 405 or 501 warned)', accept: [400], warn: ['close', 405, 501] },
  });
}

/**
 * A major version other than 1. With a minor version ("HTTP/2.0") it is a valid HTTP-version the server
 * MAY refuse with 505; without one ("HTTP/2") the request line is invalid (400, 505 tolerated).
 */
function otherMajorVersion(c: { id: string; version: string }): CheckDecl {
  const v = c.version;
  return caseCheck({
    id: c.id,
    requirement: v.includes('.')
      ? `A request in a major version the server does not implement (${v}) MAY be refused with 505 HTTP Version Not Supported, or answered 400, or served.`
      : `"${v}" has no minor version, so it does not match HTTP-version: the request line is invalid and the server SHOULD answer 400 (505 is the answer for an unsupported major version).`,
    source: v.includes('.') ? RFC.majorRefused : RFC.invalidRequestLine,
    level: v.includes('.') ? 'MAY' : 'SHOULD',
    request: get([], { version: v }),
    accept: v.includes('.') ? [505, 400, 'ok'] : [400, 505],
    rule: { note: 'the reference protocol answers 505 to every other major version', accept: [505], warn: v.includes('.') ? ['close'] : ['close', 400] },
  });
}

/** An HTTP-version that does not match "HTTP/" DIGIT "." DIGIT: the request line is invalid (400). */
function invalidVersion(c: { id: string; version: string }): CheckDecl {
  return caseCheck({
    id: c.id,
    requirement: `HTTP-version is case-sensitive "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); with "${c.version}" the request line is invalid and the server SHOULD answer 400 (505 also refuses it).`,
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: get([], { version: c.version }),
    accept: [400, 505],
    rule: { note: 'the reference protocol answers 400 (a close or 505 warned)', accept: [400], warn: ['close', 505] },
  });
}

/**
 * A rare method that is a valid token (llhttp's method cases): the request line is valid, so the answer
 * is the server's choice for a method (served, 501, 405, 404…) but never 400 (Bad Request) or silence,
 * which say the request line is broken. RFC 9110 §9.1 names 501 or 405 for a method not implemented.
 */
function validRareMethod(c: { id: string; method: string; lines?: readonly string[]; body?: string; target?: string }): CheckDecl {
  const body = c.body ?? '';
  const lines = [...(c.lines ?? []), ...(body ? [`Content-Length: ${body.length}`] : [])];
  return caseCheck({
    id: c.id,
    requirement: `"${c.method}" is a valid method token (method = token, RFC 9110 §9.1): a server that does not implement it SHOULD answer 501 (or 405 when it knows it); whatever it answers, it is not 400 (the request line is valid) and not a close without an answer.`,
    source: RFC.methodNotImplemented,
    level: 'SHOULD',
    request: get(lines, { method: c.method, ...(c.target ? { target: c.target } : {}) }).replace(/\r\n\r\n$/, '\r\n\r\n' + body),
    method: c.method,
    accept: ['2xx', '3xx', 401, 403, 404, 405, 406, 409, 410, 411, 413, 415, 422, '5xx'],
    rule: { note: 'the reference protocol answers 405 to every method it does not implement (501 warned)', accept: [405], warn: [501] },
  });
}

/** Request-line syntax: methods, targets, versions (Http11Probe's COMP/RFC request-line cases, our ids). */
export const requestLineChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', sideBySide: true }, [
  // --- methods -----------------------------------------------------------------------------------
  unimplementedMethod({ id: 'status.method.unknown-token-is-405', method: 'FOO' }),
  unimplementedMethod({ id: 'status.method.options-is-405', method: 'OPTIONS', also: '; a server that implements OPTIONS answers it 2xx', alsoAccept: ['2xx'] }),
  unimplementedMethod({ id: 'status.method.trace-is-405', method: 'TRACE', also: '; a server that implements TRACE answers it 2xx', alsoAccept: ['2xx'] }),
  unimplementedMethod({ id: 'status.method.propfind-is-405', method: 'PROPFIND', also: '; a WebDAV server answers it 207', alsoAccept: [207] }),
  unimplementedMethod({ id: 'status.method.lowercase-get-is-405', method: 'get', also: RECOVER_AS_GET, alsoAccept: ['ok'] }),
  unimplementedMethod({ id: 'status.method.mixed-case-get-is-405', method: 'Get', also: RECOVER_AS_GET, alsoAccept: ['ok'] }),
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
    rule: { note: 'the reference protocol answers 405 to every method it does not implement, a long one too (501 warned)', accept: [405], warn: [501] },
  }),
  validRareMethod({ id: 'status.method.hyphenated-token-not-400', method: 'M-SEARCH', lines: ['MAN: "ssdp:discover"'] }),
  validRareMethod({ id: 'status.method.purge-not-400', method: 'PURGE' }),
  validRareMethod({ id: 'status.method.query-with-body-not-400', method: 'QUERY', lines: ['Content-Type: text/plain'], body: 'select surname' }),
  validRareMethod({ id: 'status.method.report-not-400', method: 'REPORT' }),
  validRareMethod({ id: 'status.method.link-not-400', method: 'LINK', lines: ['Link: <http://example.com/profiles/joe>; rel="tag"'] }),
  validRareMethod({ id: 'status.method.source-not-400', method: 'SOURCE' }),
  notATokenMethod({ id: 'status.method.control-character-is-400', method: 'G\x01ET' }),
  notATokenMethod({ id: 'status.method.nul-byte-is-400', method: 'GE\x00T' }),
  notATokenMethod({ id: 'status.method.separator-in-token-is-400', method: 'GE(T' }),
  notATokenMethod({ id: 'status.method.non-ascii-is-400', method: 'G\xc9T' }),
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
    id: 'status.request-line.lf-before-version-is-400',
    requirement: 'A bare LF between the target and the version ("GET /<LF>HTTP/1.1", HTTP Garden #9) is no SP: read with LF as a line end it is a version-less line and a field line without a colon; either way the request line is invalid and the server SHOULD answer 400 (a close, or 505, also refuses it), not serve it as HTTP/1.1.',
    source: RFC.invalidRequestLine,
    level: 'SHOULD',
    request: 'GET {known}\nHTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [400, 'close', 505],
    rule: REF_400,
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
    impact: 'security',
    requirement: 'A name that does not match the record pattern ("/../x") is answered 400 (404 tolerated), never served from outside the store.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 3986 §5.2.4',
    needs: 'reference',
    request: get([], { target: '/../etc/passwd' }),
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.dot-dot-write-rejected',
    impact: 'security',
    requirement: 'A write to a name with dot-dot segments ("POST /../../x") is answered 400 (or 404): a server must never store outside its own folder.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 3986 §5.2.4',
    needs: 'reference',
    request: write('POST', '/../../{name}', '{"escaped":true}'),
    method: 'POST',
    accept: [400, 404],
  }),
  caseCheck({
    id: 'status.target.percent-nul-rejected',
    impact: 'security',
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
    // The target's authority is the profile's (a Host-routed profile's host without its route), so it
    // agrees with the Host line the profile sends.
    request: 'GET http://{authority}{known} HTTP/1.1\r\nHost: localhost\r\n\r\n',
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
  otherMajorVersion({ id: 'status.version.http2-is-505', version: 'HTTP/2' }),
  otherMajorVersion({ id: 'status.version.http2-0-is-505', version: 'HTTP/2.0' }),
  otherMajorVersion({ id: 'status.version.http3-is-505', version: 'HTTP/3' }),
  otherMajorVersion({ id: 'status.version.http3-0-is-505', version: 'HTTP/3.0' }),
  otherMajorVersion({ id: 'status.version.http9-9-is-505', version: 'HTTP/9.9' }),
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
  invalidVersion({ id: 'status.version.lowercase-is-400', version: 'http/1.1' }),
  invalidVersion({ id: 'status.version.no-minor-is-400', version: 'HTTP/1' }),
  invalidVersion({ id: 'status.version.three-parts-is-400', version: 'HTTP/1.1.1' }),
  invalidVersion({ id: 'status.version.leading-zero-is-400', version: 'HTTP/01.1' }),
  invalidVersion({ id: 'status.version.two-digit-minor-is-400', version: 'HTTP/1.10' }),
  invalidVersion({ id: 'status.version.https-scheme-is-400', version: 'HTTPS/1.1' }),
  invalidVersion({ id: 'status.version.garbage-is-400', version: 'FOO/1.1' }),
  invalidVersion({ id: 'status.version.letters-is-400', version: 'HTTP/A.B' }),
]);
