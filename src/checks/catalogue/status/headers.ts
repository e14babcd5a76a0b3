import { caseCheck, get } from '../../case.js';
import { RFC } from '../../rfc.js';
import type { Check, Source } from '../../types.js';
import { checkGroup, withImpact, type CheckDecl } from '../../group.js';

const HOST_400 = 'A server MUST respond with 400 (Bad Request) to any HTTP/1.1 request that lacks a Host header field, has more than one, or has one with an invalid value.';
const REJECT_OR_CLEAN = 'A field value containing CR, LF or NUL is invalid: the recipient MUST reject the message (400) or replace each such character with SP.';

function headerCase(id: string, requirement: string, source: Source, lines: readonly string[], extra: Partial<Parameters<typeof caseCheck>[0]> = {}): CheckDecl {
  return caseCheck({ id, requirement, source, request: get(lines), accept: [400], warn: ['close'], ...extra });
}

/**
 * A field line the RFC calls invalid but sets no MUST for (RFC 9110 §2.4: a recipient MAY recover):
 * 400, a close, or the line ignored and the request served all pass. The reference protocol answers 400.
 */
function recoverable(id: string, requirement: string, lines: readonly string[]): CheckDecl {
  return headerCase(id, `${requirement} The server answers 400, or MAY recover (ignore the line and serve the request).`, RFC.recover, lines, {
    level: 'MAY',
    accept: [400, 'ok', 'close'],
    warn: [],
    rule: { note: 'the reference protocol answers 400 to every invalid field line (a close warned)', accept: [400], warn: ['close'] },
  });
}

/** A limit the RFC leaves to the server (RFC 9110 §5.4): served, or refused with any 4xx or a close. */
const LIMIT = { accept: ['ok', '4xx', 'close'] as const, source: RFC.fieldLimits };

/** Header-field syntax: Host, names, values, folding, whitespace, control characters, sizes. */
export const headerChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', sideBySide: true }, [
  caseCheck({
    id: 'status.header.missing-host-is-400',
    requirement: HOST_400,
    source: RFC.host400,
    request: 'GET {known} HTTP/1.1\r\nAccept: */*\r\n\r\n',
    accept: [400],
  }),
  withImpact('security', headerCase('status.header.duplicate-host-is-400', HOST_400, RFC.host400, ['Host: other'], { accept: [400] })),
  caseCheck({
    id: 'status.header.host-with-space-is-400',
    requirement: HOST_400,
    source: RFC.host400,
    request: 'GET {known} HTTP/1.1\r\nHost: local host\r\n\r\n',
    accept: [400],
  }),
  caseCheck({
    id: 'status.header.host-with-port-served',
    requirement: 'Host may carry a port ("localhost:8080"); the request is served.',
    source: RFC.hostPort,
    request: 'GET {known} HTTP/1.1\r\nHost: localhost:8080\r\n\r\n',
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.header.empty-host-served-or-400',
    requirement: 'An empty Host (allowed when the target URI has no authority) is served or rejected with 400, never fatal.',
    source: RFC.emptyHost,
    request: 'GET {known} HTTP/1.1\r\nHost:\r\n\r\n',
    accept: ['ok', 400],
  }),
  caseCheck({
    id: 'status.header.http1-0-without-host-served',
    requirement: 'Host is required only in HTTP/1.1: an HTTP/1.0 request without it is served.',
    source: { profile: 'any', note: 'RFC 9112 §3.2 requires Host of HTTP/1.1 requests only; serving HTTP/1.0 at all is a SHOULD (see status.version.http1-0-served)' },
    level: 'SHOULD',
    request: 'GET {known} HTTP/1.0\r\nAccept: */*\r\n\r\n',
    accept: ['ok'],
    rule: { note: 'the reference protocol serves HTTP/1.0 requests without Host', accept: ['ok'] },
  }),
  recoverable('status.header.no-colon-is-400', 'A header line without a colon is not a field line (RFC 9112 §5).', ['NoColonHere']),
  headerCase('status.header.space-before-colon-is-400', 'A server MUST reject, with 400, a request that has whitespace between a field name and the colon.', RFC.spaceBeforeColon, ['X-Test : value'], { accept: [400] }),
  headerCase('status.header.tab-before-colon-is-400', 'A server MUST reject, with 400, a request that has whitespace between a field name and the colon.', RFC.spaceBeforeColon, ['X-Test\t: value'], { accept: [400] }),
  recoverable('status.header.empty-name-is-400', 'A field line with an empty name (": value") is invalid (RFC 9112 §5).', [': value']),
  recoverable('status.header.space-in-name-is-400', 'A field name is a token; "X Test" is invalid (RFC 9110 §5.1).', ['X Test: value']),
  recoverable('status.header.separator-in-name-is-400', 'A field name is a token; "X(Test)" is invalid (RFC 9110 §5.1).', ['X(Test): value']),
  recoverable('status.header.non-ascii-name-is-400', 'A field name is a token; a byte over 0x7F in it is invalid (RFC 9110 §5.1).', ['X-T\xe9st: value']),
  caseCheck({
    id: 'status.header.obs-fold-rejected-or-unfolded',
    impact: 'security',
    requirement: 'A server that receives obs-fold in a request MUST either reject it with 400 or replace each obs-fold with SP before use.',
    source: RFC.obsFold,
    request: get(['X-Test: a', ' b']),
    accept: [400, 'ok'],
    warn: ['close'],
  }),
  caseCheck({
    id: 'status.header.whitespace-before-first-header-rejected',
    requirement: 'Whitespace between the start-line and the first field line MUST make the server reject the message (400) or ignore that line (the request, whose Host comes after, is served).',
    source: RFC.whitespaceBeforeFirstField,
    request: 'GET {known} HTTP/1.1\r\n X-Junk: a\r\nHost: localhost\r\n\r\n',
    accept: [400, 'ok'],
    warn: ['close'],
    rule: { note: 'the reference protocol rejects it with 400 (a close warned)', accept: [400], warn: ['close'] },
  }),
  caseCheck({
    id: 'status.header.nul-in-value-rejected',
    impact: 'security',
    requirement: REJECT_OR_CLEAN,
    source: RFC.fieldValueCrLfNul,
    request: get(['X-Test: a\x00b']),
    accept: ['4xx', 'close', 'ok'],
    rule: { note: 'the reference protocol rejects it with 400 (replacing it and serving, or a close, warned)', accept: [400], warn: ['ok', 'close'] },
  }),
  caseCheck({
    id: 'status.header.bare-cr-in-value-rejected',
    impact: 'security',
    requirement: 'A bare CR inside a field value is invalid: the server MUST reject the message (400) or replace the CR with SP.',
    source: RFC.fieldValueCrLfNul,
    request: get(['X-Test: a\rb']),
    accept: ['4xx', 'close', 'ok'],
    rule: { note: 'the reference protocol rejects it with 400 (replacing it and serving, or a close, warned)', accept: [400], warn: ['ok', 'close'] },
  }),
  caseCheck({
    id: 'status.header.control-char-in-value-rejected',
    requirement: 'A control character (0x01) in a field value is invalid, but a recipient MAY retain it: 400, a close, or the request served all pass.',
    source: RFC.fieldValueOtherCtl,
    level: 'MAY',
    request: get(['X-Test: a\x01b']),
    accept: [400, 'close', 'ok'],
    rule: { note: 'the reference protocol rejects it with 400 (serving it, or a close, warned)', accept: [400], warn: ['ok', 'close'] },
  }),
  caseCheck({
    id: 'status.header.bare-cr-line-end-rejected',
    impact: 'security',
    requirement: 'A bare CR is not a line end: the recipient MUST consider the element invalid or replace the CR with SP, and either way the Host line ("localhost X-Test: a") is then invalid: 400 (or another 4xx, or a close), never served.',
    source: RFC.bareCr,
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\rX-Test: a\r\n\r\n',
    accept: ['4xx', 'close'],
    rule: { note: 'the reference protocol answers 400 (serving it, or a close, warned)', accept: [400], warn: ['ok', 'close'] },
  }),
  caseCheck({
    id: 'status.header.bare-lf-line-ends-accepted',
    requirement: 'A recipient MAY recognize a single LF as a line terminator: a request with bare-LF line ends is served, or refused with 400 (or a close).',
    source: RFC.bareLf,
    level: 'MAY',
    request: 'GET {known} HTTP/1.1\nHost: localhost\n\n',
    accept: ['ok', 400, 'close'],
    rule: { note: 'the reference protocol requires bare-LF requests to be served', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.header.mixed-line-ends-accepted',
    requirement: 'CRLF and bare LF mixed in one head: a recipient MAY recognize the bare LFs as line ends (served) or refuse the request (400, or a close).',
    source: RFC.bareLf,
    level: 'MAY',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\nAccept: */*\r\n\n',
    accept: ['ok', 400, 'close'],
    rule: { note: 'the reference protocol requires bare-LF requests to be served', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.header.value-with-extra-ows-served',
    requirement: 'Leading and trailing whitespace (OWS) around a field value is not part of it: the request is served.',
    source: RFC.ows,
    request: 'GET {known} HTTP/1.1\r\nHost:   localhost  \r\nAccept:\t*/*\t\r\n\r\n',
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.header.lowercase-names-served',
    requirement: 'Field names are case-insensitive: "host:" works like "Host:".',
    source: RFC.fieldNameCaseInsensitive,
    request: 'GET {known} HTTP/1.1\r\nhost: localhost\r\naccept: */*\r\n\r\n',
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.header.unknown-header-ignored',
    requirement: 'A recipient SHOULD ignore unrecognized header fields: the request is served.',
    source: RFC.unknownFieldsIgnored,
    level: 'SHOULD',
    request: get(['X-Unknown-Field: 1', 'X-Another: two words']),
    accept: ['ok'],
    rule: { note: 'the reference protocol ignores unknown fields', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.header.long-value-served',
    requirement: 'A 4 KiB header value is read whole and served, or, when it is larger than the server wishes to process, refused with a 4xx (or a close); never a 5xx or silence.',
    source: LIMIT.source,
    request: get(['X-Long: ' + 'v'.repeat(4096)]),
    accept: LIMIT.accept,
    rule: { note: 'the reference protocol serves heads up to 8 KiB', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.header.100-headers-served',
    requirement: '100 short header fields (about 2 KiB) are read whole and the request is served, or, when the server will not process that many, refused with a 4xx (or a close); never a 5xx or silence.',
    source: LIMIT.source,
    request: get(Array.from({ length: 100 }, (_, i) => `X-H${i}: ${i}`)),
    accept: LIMIT.accept,
    rule: { note: 'the reference protocol serves heads up to 8 KiB', accept: ['ok'] },
  }),
  caseCheck({
    id: 'status.header.oversized-value-is-431',
    requirement: 'A header section over the server\'s limit (one 16 KiB field) is answered 431 Request Header Fields Too Large (400 tolerated).',
    source: { profile: 'reference', note: 'the reference protocol answers 431 over its 8 KiB head limit (RFC 9110 §5.4 asks only for a 4xx)' },
    needs: 'reference',
    request: get(['X-Big: ' + 'b'.repeat(16 * 1024)]),
    accept: [431],
    warn: [400, 413, 'close'],
  }),
  caseCheck({
    id: 'status.header.too-many-fields-is-431',
    requirement: 'A header section of 2,000 fields (over the limit) is answered 431 (400 tolerated).',
    source: { profile: 'reference', note: 'the reference protocol answers 431 over its 8 KiB head limit (RFC 9110 §5.4 asks only for a 4xx)' },
    needs: 'reference',
    request: get(Array.from({ length: 2000 }, (_, i) => `X-F${i}: x`)),
    accept: [431],
    warn: [400, 413, 'close'],
  }),
]);
