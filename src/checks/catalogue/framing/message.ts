import { caseCheck, fill, write, type CaseSpec } from '../../case.js';
import { RFC } from '../../rfc.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { describeExchange, result, statusMatches, type Accept } from '../../verify.js';
import { checkGroup, withImpact, type CheckDecl } from '../../group.js';
import { withKnownHost } from '../../../model/profile-policy.js';
import { FOLLOW_UP_WINDOW_MS, window } from '../../windows.js';

const BODY = '{"a":1}';
const INVALID_CL = 'A Content-Length that is not a valid non-negative decimal (or several different ones) makes the framing invalid: the server MUST respond 400 and then close the connection.';
const CL_AND_TE = 'A request with both Content-Length and Transfer-Encoding MUST be closed after the response; the reference protocol answers 400.';

function post(lines: readonly string[], body = BODY, raw = true): string {
  return write('POST', '/{name}', body, lines, { raw });
}

function chunk(s: string): string {
  return `${Buffer.byteLength(s, 'latin1').toString(16)}\r\n${s}\r\n`;
}

const CHUNKED = chunk(BODY) + '0\r\n\r\n';

/**
 * How a framing case is judged on a server that is not the reference store (`any`, the course
 * profiles), by what matters on the wire: the request is sent to the known path with a plain GET
 * pipelined behind it on the same connection.
 * - `unrecoverable`: the framing is invalid (RFC 9112 §6.3): the server MUST refuse it and close, so the
 *   GET behind is never answered. Refused with another status than the RFC names (a 405 or 501 sent
 *   before the body was looked at) and closed: a warning. Served (2xx/3xx) when the error is in the head,
 *   or the GET behind answered (the connection kept going after the error): a failure. An error in the
 *   body (chunk syntax) may come after an answer sent before the body was read: only the close counts.
 * - `close-after`: the server MAY process it but MUST close after responding (Content-Length with
 *   Transfer-Encoding, RFC 9112 §6.1): the GET behind is never answered.
 * - `readable`: the framing is valid: whatever the server answers the request (200, 405, 411…), the GET
 *   behind is answered as itself (or the server closes after the first answer). A GET answered as
 *   something else, extra answers, or a server still waiting for body bytes is a desync: a failure.
 */
type Judgement = 'unrecoverable' | 'close-after' | 'readable';

interface FramingSpec extends Omit<CaseSpec, 'needs'> {
  judge: Judgement;
  /** What the RFC names for a refusal (`unrecoverable`): another refusal that closes only warns. */
  statuses?: readonly Accept[];
  /** The request under test for the known path, when not the reference one (default: POST {known} with the same head and body). */
  anyRequest?: string;
  /**
   * The error is in the body (chunk syntax), not the head: a server may answer the request before it
   * reads the body (a 405 to a POST on a static file); then closing on the broken body is all it owes.
   */
  inBody?: boolean;
}

/** The request of a reference-store case, sent instead to the profile's known path. */
function toKnown(request: string): string {
  return request.replace(/^(\S+) \/\{name\}/, '$1 {known}');
}

async function judgeOnWire(ctx: CheckContext, spec: FramingSpec): Promise<CheckRun> {
  const text = fill(spec.anyRequest ?? toKnown(spec.request), ctx);
  const followUp = withKnownHost(`GET ${ctx.profile.knownPath} HTTP/1.1\r\nHost: localhost\r\n\r\n`, ctx.profile);
  const method = spec.method ?? text.split(' ')[0] ?? 'POST';
  const request: SentRequest = { plan: { bytes: Buffer.from(text + followUp, 'latin1') }, methods: [method, 'GET'] };
  const ok = ctx.profile.baselineStatuses;
  // Valid framing owes no close: its settle watches only for a third answer. Invalid framing owes one.
  const ex = await ctx.send(request, { settleMs: window(FOLLOW_UP_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: spec.judge === 'readable' });
  const [first, second] = ex.finals;
  const named = (spec.statuses ?? [400]).map(String).join(' or ');
  const expected =
    spec.judge === 'readable'
      ? [`any answer, then the GET pipelined behind answered ${ok.join(' or ')} as itself (or the connection closed after the first answer)`]
      : spec.judge === 'close-after'
        ? ['an answer, then the connection closed (the GET pipelined behind never answered)']
        : [`${named}, then the connection closed (the GET pipelined behind never answered)`];
  const closed = ex.connection !== 'open';
  if (!first) {
    if (ex.kind === 'timeout') return result('fail', `no answer within ${ex.elapsedMs} ms: the server is still waiting for bytes the framing does not announce (${describeExchange(ex)})`, expected, ex, request);
    if (spec.judge === 'readable') return result('warn', `a request with valid framing was refused by closing the connection without an answer (${describeExchange(ex)})`, expected, ex, request);
    return result('warn', `refused by closing without an answer (the RFC names ${named})`, expected, ex, request);
  }
  if (ex.finals.length > 2) return result('fail', `the two requests got ${ex.finals.length} answers (${describeExchange(ex)}): bytes of the body were taken for another request`, expected, ex, request);
  if (spec.judge !== 'readable') {
    // The first answer may come before the body was looked at (a 405 to a POST on a static file), and
    // the refusal of the broken framing after it: what matters is that the GET behind is never answered
    // as itself and the connection closes.
    const statuses = ex.finals.map((r) => r.status);
    const after = spec.judge === 'close-after' ? 'such a request the server MUST close the connection' : 'a framing error the server MUST close the connection';
    if (ex.finals.slice(1).some((r) => r.status !== null && ok.includes(r.status))) return result('fail', `the GET pipelined behind was answered as itself (${describeExchange(ex)}): after ${after}`, expected, ex, request);
    if (!closed) return result('fail', `answered ${describeExchange(ex)} but kept the connection open: after ${after}`, expected, ex, request);
    if (spec.judge === 'unrecoverable') {
      const last = statuses[statuses.length - 1] ?? null;
      if (!spec.inBody && last !== null && last < 400) return result('fail', `a request whose framing is invalid was served (${describeExchange(ex)})`, expected, ex, request);
      if (!spec.inBody && !statuses.some((st) => st !== null && (spec.statuses ?? [400]).some((a) => statusMatches(st, a)))) return result('warn', `refused with ${describeExchange(ex)} (the RFC names ${named}); nothing behind it was read as a request`, expected, ex, request);
    }
    return result('pass', describeExchange(ex), expected, ex, request);
  }
  if (!second) {
    if (closed) return result('pass', `answered ${first.status}, then closed the connection`, expected, ex, request);
    return result('fail', `answered ${first.status}, then no answer to the GET pipelined behind: the server took it for body bytes (${describeExchange(ex)})`, expected, ex, request);
  }
  if (second.status !== null && ok.includes(second.status)) return result('pass', `answered ${first.status}, then the GET behind ${second.status}`, expected, ex, request);
  return result('fail', `answered ${first.status}, then the GET pipelined behind got ${describeExchange(ex)}: bytes of the body were read as a request (desync)`, expected, ex, request);
}

/**
 * A framing check on every profile: on the reference store, the case as the reference protocol asks it
 * (POST /{name}, exact statuses); elsewhere judged on the wire (judgeOnWire).
 */
function framingCheck(spec: FramingSpec): CheckDecl {
  const { judge: _j, statuses: _s, anyRequest: _a, ...caseSpec } = spec;
  const byReference = caseCheck(caseSpec);
  return {
    ...byReference,
    profileRule: { rules: 'reference', note: 'the reference store is sent the case as POST /{name} and answers the statuses of SPEC.md' },
    run: (ctx) => (ctx.profile.capabilities.includes('reference') ? byReference.run(ctx) : judgeOnWire(ctx, spec)),
  };
}

/** An invalid Content-Length (RFC 9112 §6.3): the server MUST refuse it (400) and close. */
function invalidContentLength(c: { id: string; lines: readonly string[] }): CheckDecl {
  return framingCheck({
    id: c.id,
    requirement: INVALID_CL,
    source: RFC.invalidContentLength,
    judge: 'unrecoverable',
    request: post(c.lines),
    method: 'POST',
    accept: [400],
    warn: ['close'],
    mustClose: true,
  });
}

/** Message framing: Content-Length, Transfer-Encoding, chunked, bodies shorter and longer than declared. */
export const framingChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'desync', sideBySide: true }, [
  // --- Content-Length ---------------------------------------------------------------------------
  withImpact('security', invalidContentLength({ id: 'framing.content-length.conflicting-is-400', lines: ['Content-Length: 7', 'Content-Length: 8'] })),
  withImpact('security', invalidContentLength({ id: 'framing.content-length.conflicting-list-is-400', lines: ['Content-Length: 7, 8'] })),
  invalidContentLength({ id: 'framing.content-length.non-numeric-is-400', lines: ['Content-Length: abc'] }),
  invalidContentLength({ id: 'framing.content-length.negative-is-400', lines: ['Content-Length: -7'] }),
  invalidContentLength({ id: 'framing.content-length.plus-sign-is-400', lines: ['Content-Length: +7'] }),
  invalidContentLength({ id: 'framing.content-length.hex-is-400', lines: ['Content-Length: 0x7'] }),
  invalidContentLength({ id: 'framing.content-length.decimal-point-is-400', lines: ['Content-Length: 7.0'] }),
  invalidContentLength({ id: 'framing.content-length.empty-is-400', lines: ['Content-Length: '] }),
  invalidContentLength({ id: 'framing.content-length.inner-space-is-400', lines: ['Content-Length: 7 7'] }),
  framingCheck({
    id: 'framing.content-length.overflow-is-400',
    requirement: 'A Content-Length too large for any integer type (20 digits) MUST be treated as invalid: 400 (or 413), then close.',
    source: RFC.invalidContentLength,
    judge: 'unrecoverable',
    statuses: [400, 413],
    request: post(['Content-Length: 99999999999999999999']),
    method: 'POST',
    accept: [400, 413],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.content-length.identical-duplicates-accepted',
    requirement: 'Several Content-Length fields with the same value MAY be accepted as one (or rejected with 400); either way the next request on the connection is read as itself.',
    source: RFC.clSameValues,
    judge: 'readable',
    request: post(['Content-Length: 7', 'Content-Length: 7']),
    method: 'POST',
    accept: ['2xx', 400],
  }),
  framingCheck({
    id: 'framing.content-length.leading-zeros-accepted',
    requirement: 'Content-Length is 1*DIGIT: "007" is a valid length of 7 (the body is read as 7 bytes, and the next request as itself).',
    source: RFC.contentLengthDigits,
    judge: 'readable',
    request: post(['Content-Length: 007']),
    method: 'POST',
    accept: ['2xx'],
    warn: [400],
  }),
  framingCheck({
    id: 'framing.content-length.trailing-whitespace-accepted',
    requirement: 'Whitespace around a field value is not part of it: "Content-Length: 7 " is a length of 7 (the body is read as 7 bytes, and the next request as itself).',
    source: RFC.ows,
    judge: 'readable',
    request: post(['Content-Length:7 ']),
    method: 'POST',
    accept: ['2xx'],
  }),
  caseCheck({
    id: 'framing.content-length.larger-than-limit-is-413',
    requirement: 'A declared body larger than the server accepts (2 GiB) is answered 413 Content Too Large before it is read, then the connection closed.',
    source: { profile: 'reference', note: 'the reference protocol answers 413 before reading a body over its limit, then closes (RFC 9110 §15.5.14)' },
    needs: 'reference',
    request: post(['Content-Length: 2147483648']),
    method: 'POST',
    accept: [413],
    warn: [400, 'close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.content-length.body-longer-than-declared',
    requirement: 'Bytes after the declared body are the next message: the request is answered, and a request right after its Content-Length bytes is answered as itself.',
    source: RFC.bodyLength,
    judge: 'readable',
    request: post(['Content-Length: 7'], BODY + 'XYZ'),
    anyRequest: post(['Content-Length: 7'], BODY).replace('/{name}', '{known}'),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.body.post-without-body-is-400',
    requirement: 'A request with neither Content-Length nor Transfer-Encoding has no body: the next request on the connection is answered as itself (the reference store answers the empty body 400, 411 tolerated).',
    source: RFC.noBodyNoLength,
    judge: 'readable',
    request: 'POST /{name} HTTP/1.1\r\nHost: localhost\r\n\r\n',
    method: 'POST',
    accept: [400],
    warn: [411],
  }),
  framingCheck({
    id: 'framing.body.zero-length-is-400',
    requirement: 'A request with Content-Length: 0 has an empty body: the next request on the connection is answered as itself (the reference store answers the empty body 400).',
    source: RFC.bodyLength,
    judge: 'readable',
    request: post(['Content-Length: 0'], ''),
    method: 'POST',
    accept: [400],
    warn: [411],
  }),
  // --- Transfer-Encoding ------------------------------------------------------------------------
  framingCheck({
    id: 'framing.transfer-encoding.with-content-length-is-400',
    impact: 'security',
    requirement: CL_AND_TE,
    source: RFC.clAndTe,
    judge: 'close-after',
    request: post(['Content-Length: 7', 'Transfer-Encoding: chunked'], CHUNKED),
    method: 'POST',
    accept: [400],
    warn: ['2xx'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.transfer-encoding.chunked-accepted',
    requirement: 'A server MUST be able to parse the chunked transfer coding: a chunked POST body is read and stored (a 2xx).',
    source: RFC.chunkedMust,
    judge: 'readable',
    request: post(['Transfer-Encoding: chunked'], CHUNKED),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.transfer-encoding.chunked-many-small-chunks',
    requirement: 'A chunked body cut into one-byte chunks is reassembled (a 2xx).',
    source: RFC.chunkedMust,
    judge: 'readable',
    request: post(['Transfer-Encoding: chunked'], [...BODY].map(chunk).join('') + '0\r\n\r\n'),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.transfer-encoding.chunk-extension-ignored',
    requirement: 'A recipient MUST ignore unrecognized chunk extensions: the body is read (a 2xx).',
    source: RFC.chunkExtIgnored,
    judge: 'readable',
    request: post(['Transfer-Encoding: chunked'], `7;ext=1;q="x"\r\n${BODY}\r\n0\r\n\r\n`),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.transfer-encoding.trailer-fields-accepted',
    requirement: 'Trailer fields after the last chunk are read (and may be discarded): the body is stored (a 2xx).',
    source: RFC.chunkedMust,
    judge: 'readable',
    request: post(['Transfer-Encoding: chunked'], `${chunk(BODY)}0\r\nX-Trailer: 1\r\n\r\n`),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.transfer-encoding.uppercase-chunked-accepted',
    requirement: 'Transfer-coding names are case-insensitive: "Chunked" is chunked (a 2xx).',
    source: RFC.chunkedMust,
    judge: 'readable',
    request: post(['Transfer-Encoding: Chunked'], CHUNKED),
    method: 'POST',
    accept: ['2xx'],
  }),
  framingCheck({
    id: 'framing.transfer-encoding.unknown-coding-is-501',
    requirement: 'A request whose only transfer coding is one the server does not understand (gzip) has no length it can read: 501 (Not Implemented, RFC 9112 §6.1) or 400 (chunked is not the final coding, §6.3), then close.',
    source: RFC.chunkedNotLast,
    judge: 'unrecoverable',
    statuses: [501, 400],
    request: post(['Transfer-Encoding: gzip'], BODY),
    method: 'POST',
    accept: [501],
    warn: [400, 'close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.transfer-encoding.chunked-not-last-rejected',
    requirement: 'If chunked is not the final transfer coding of a request, the server MUST respond 400 and close (RFC 9112 §6.3); the final coding here, gzip, is one a server need not understand, and such a coding SHOULD get 501 (RFC 9112 §6.1): both name an answer for these bytes, so 400 or 501, then close, passes (another refusal that closes only warns: nothing of the body is read as a request).',
    source: RFC.chunkedNotLast,
    cite: 'RFC 9112 §6.3, §6.1',
    judge: 'unrecoverable',
    statuses: [400, 501],
    request: post(['Transfer-Encoding: chunked, gzip'], CHUNKED),
    method: 'POST',
    accept: [400, 501],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.transfer-encoding.http1-0-rejected',
    requirement: 'An HTTP/1.0 message with Transfer-Encoding MUST be treated as faulty framing, and the connection closed after processing it (the reference protocol answers 400).',
    source: RFC.teOnHttp10,
    judge: 'close-after',
    request: `POST /{name} HTTP/1.0\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${CHUNKED}`,
    method: 'POST',
    accept: [400],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.chunked.bad-size-is-400',
    requirement: 'A chunk size that is not hex ("zz") is invalid framing: 400, then close.',
    source: RFC.chunkSyntax,
    judge: 'unrecoverable',
    inBody: true,
    request: post(['Transfer-Encoding: chunked'], `zz\r\n${BODY}\r\n0\r\n\r\n`),
    method: 'POST',
    accept: [400],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.chunked.size-overflow-rejected',
    requirement: 'A chunk size that overflows any integer (20 hex digits) MUST be rejected: 400 or 413, then close.',
    source: RFC.chunkSizeOverflow,
    judge: 'unrecoverable',
    inBody: true,
    statuses: [400, 413],
    request: post(['Transfer-Encoding: chunked'], `ffffffffffffffffffff\r\n${BODY}\r\n0\r\n\r\n`),
    method: 'POST',
    accept: [400, 413],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.chunked.missing-crlf-after-data-is-400',
    requirement: 'Chunk data not followed by CRLF is invalid framing: 400, then close.',
    source: RFC.chunkSyntax,
    judge: 'unrecoverable',
    inBody: true,
    request: post(['Transfer-Encoding: chunked'], `7\r\n${BODY}XX0\r\n\r\n`),
    method: 'POST',
    accept: [400],
    warn: ['close'],
    mustClose: true,
  }),
  framingCheck({
    id: 'framing.chunked.negative-size-is-400',
    requirement: 'A negative chunk size ("-7") is invalid framing: 400, then close.',
    source: RFC.chunkSyntax,
    judge: 'unrecoverable',
    inBody: true,
    request: post(['Transfer-Encoding: chunked'], `-7\r\n${BODY}\r\n0\r\n\r\n`),
    method: 'POST',
    accept: [400],
    warn: ['close'],
    mustClose: true,
  }),
  // --- Expect -----------------------------------------------------------------------------------
  caseCheck({
    id: 'framing.expect.100-continue-then-final',
    requirement: 'A request with Expect: 100-continue gets a final 2xx response, with or without an interim 100 Continue first.',
    source: { profile: 'reference', note: 'the reference store answers Expect: 100-continue with a final 2xx (RFC 9110 §10.1.1 lets it send 100 first or not)' },
    needs: 'reference',
    request: post(['Expect: 100-continue', `Content-Length: ${BODY.length}`]),
    method: 'POST',
    accept: ['2xx'],
  }),
]);
