/**
 * Chunk-size and chunk-extension syntax (RFC 9112 §7.1, §7.1.1). Each chunked request is sent with a
 * plain GET pipelined behind it (src/checks/pipeline.ts).
 */
import { framingCheck, postKnown, type FramingSpec } from '../../pipeline.js';
import { PEER } from '../../peer-sources.js';
import type { Check } from '../../types.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const GRAMMAR =
  'RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, chunk-size = 1*HEXDIG. RFC 9112 §2.2: "When a server listening only for HTTP request messages ... receives a sequence of octets that does not match the HTTP-message grammar aside from the robustness exceptions listed above, the server SHOULD respond with a 400 (Bad Request) response and close the connection."';
const BARE_CR =
  'RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before processing the element"; either way the chunk-size line is invalid: the request is refused (400, then close), never read as chunks.';
const LF_TOLERATED =
  'RFC 9112 §7.1: "A recipient MUST be able to parse and decode the chunked transfer coding"; a bare LF where CRLF belongs may be accepted as a line end (RFC 9112 §2.2) or refused (400, then close), but the request after the body is answered as itself.';

const DATA = '{"a":1}';

/** An invalid chunk-size line, refused with 400 and a close as RFC 9112 §2.2 recommends. */
function invalid(id: string, firstChunk: string): CheckDecl {
  const spec: FramingSpec = {
    id,
    source: PEER.grammar400,
    requirement: GRAMMAR,
    cite: 'RFC 9112 §7.1, §2.2',
    level: 'SHOULD',
    request: postKnown(['Transfer-Encoding: chunked'], `${firstChunk}0\r\n\r\n`),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'no',
  };
  return framingCheck(spec);
}

export const chunkedChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'desync', sideBySide: true }, [
  invalid('framing.chunked-syntax.hex-prefix-0x-refused', `0x7\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.plus-sign-refused', `+7\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.underscore-in-size-refused', `0_7\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.leading-space-refused', ` 7\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.trailing-space-without-extension-refused', `7 \r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.bare-semicolon-refused', `7;\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.extension-name-not-token-refused', `7;a[b]=c\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.nul-in-extension-refused', `7;a=b\x00c\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.control-char-in-extension-refused', `7;a=b\x01c\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.empty-size-refused', `\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.data-longer-than-size-refused', `5\r\n${DATA}\r\n`),
  invalid('framing.chunked-syntax.plus-zero-last-chunk-refused', '+0\r\n\r\nX'),
  // llhttp's "Unbalanced chunk extensions quoting": a quoted-string never closed.
  invalid('framing.chunked-syntax.unbalanced-quote-in-extension-refused', `7;a="abc";b="def; ghi\r\n${DATA}\r\n`),
  // llhttp's "No semicolon before chunk extensions": words after the size without ";".
  invalid('framing.chunked-syntax.garbage-after-size-refused', `7 erfrferferf\r\n${DATA}\r\n`),
  framingCheck({
    id: 'framing.chunked-syntax.bare-cr-after-size-refused',
    source: PEER.bareCr,
    requirement: BARE_CR,
    cite: 'RFC 9112 §2.2, §7.1',
    level: 'SHOULD', // the RFC also lets a recipient replace a bare CR with SP, which a reader of the chunk cannot tell from a refusal
    request: postKnown(['Transfer-Encoding: chunked'], `7\r${DATA}\r\n0\r\n\r\n`),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'pass',
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.bare-cr-in-extension-refused',
    source: PEER.bareCr,
    requirement: BARE_CR,
    cite: 'RFC 9112 §2.2, §7.1.1',
    level: 'SHOULD', // (as above)
    request: postKnown(['Transfer-Encoding: chunked'], `7;a=b\rc\r\n${DATA}\r\n0\r\n\r\n`),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'pass',
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.bare-lf-after-size-not-desynced',
    source: PEER.chunkedMust,
    requirement: LF_TOLERATED,
    cite: 'RFC 9112 §7.1, §2.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7\n${DATA}\r\n0\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.bare-lf-after-data-not-desynced',
    source: PEER.chunkedMust,
    requirement: LF_TOLERATED,
    cite: 'RFC 9112 §7.1, §2.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7\r\n${DATA}\n0\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.bare-lf-in-extension-not-desynced',
    source: PEER.chunkedMust,
    requirement: LF_TOLERATED,
    cite: 'RFC 9112 §7.1.1, §2.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7;a=b\n${DATA}\r\n0\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  // --- valid chunked bodies: read, and the request after them answered as itself ----------------
  framingCheck({
    id: 'framing.chunked-syntax.uppercase-hex-size-read',
    source: PEER.chunkedMust,
    requirement: 'RFC 9112 §7.1: "A recipient MUST be able to parse and decode the chunked transfer coding"; HEXDIG includes "A" to "F": a chunk of size "A" is ten octets.',
    cite: 'RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `A\r\n0123456789\r\n0\r\n\r\n`),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.leading-zeros-size-read',
    source: PEER.chunkedMust,
    requirement: 'RFC 9112 §7.1: chunk-size = 1*HEXDIG; "0007" is seven octets, and "000" is the last chunk.',
    cite: 'RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `0007\r\n${DATA}\r\n000\r\n\r\n`),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.empty-body-read',
    source: PEER.chunkedMust,
    requirement: 'RFC 9112 §7.1: a chunked body may be the last-chunk alone ("0" CRLF CRLF): an empty body, read, and the request after it answered as itself.',
    cite: 'RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], '0\r\n\r\n'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.extensions-ignored',
    source: PEER.chunkExtIgnored,
    requirement: 'RFC 9112 §7.1.1: "A recipient MUST ignore unrecognized chunk extensions." Extensions with whitespace, a quoted value and no value are read and ignored.',
    cite: 'RFC 9112 §7.1.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7 ; a = "x;y" ;b\r\n${DATA}\r\n0;last\r\n\r\n`),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked-syntax.escaped-quotes-in-extension-ignored',
    source: PEER.chunkExtIgnored,
    requirement: 'RFC 9112 §7.1.1: "A recipient MUST ignore unrecognized chunk extensions." A chunk-ext-val may be a quoted-string with quoted-pairs (\\" and \\\\) and a ";" inside (llhttp\'s "Chunk extensions quoting"): read to its closing quote and ignored.',
    cite: 'RFC 9112 §7.1.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7;a="I \\"love\\"; \\\\ext\\\\";b="c";d;e=f\r\n${DATA}\r\n0\r\n\r\n`),
    refuse: [],
    refuseWarn: ['4xx', '5xx'],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.chunked.junk-after-last-chunk-not-answered',
    source: PEER.chunkedMust,
    requirement: 'RFC 9112 §7.1: "A recipient MUST be able to parse and decode the chunked transfer coding." After the last chunk ("0<CRLF>") comes the trailer section: "XXGET /… HTTP/1.1" is an invalid trailer line (refused, 400 then close, or discarded), never two bytes to skip before a request (HTTP Garden #39). The request in it is never answered.',
    cite: 'RFC 9112 §7.1, §7.1.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], '0\r\nXX{smuggled}'),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'pass',
    serve: 'yes',
  }),
  // Not side by side: reading 64 KiB of extension keeps a slow reader busy (see Check.sideBySide).
  { ...framingCheck({
    id: 'framing.chunked-syntax.64kib-extension-ignored-or-4xx',
    source: PEER.chunkExtIgnored,
    requirement:
      'RFC 9112 §7.1.1: "A recipient MUST ignore unrecognized chunk extensions. A server ought to limit the total length of chunk extensions received in a request ... and generate an appropriate 4xx (Client Error) response if that amount is exceeded."',
    cite: 'RFC 9112 §7.1.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `7;a=${'x'.repeat(65536)}\r\n${DATA}\r\n0\r\n\r\n`),
    refuse: ['4xx'],
    close: 'pass',
    serve: 'yes',
  }), sideBySide: false },
]);
