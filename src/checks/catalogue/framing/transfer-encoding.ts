/**
 * Transfer-Encoding look-alikes, without Content-Length: values a lenient parser reads as chunked and
 * a strict one does not, or the other way round. Each request carries a chunked body holding another
 * request (src/checks/pipeline.ts), with a plain GET pipelined behind it.
 */
import { framingCheck, postKnown } from '../../pipeline.js';
import { PEER } from '../../peer-sources.js';
import type { Check } from '../../types.js';
import { checkGroup } from '../../group.js';

const NOT_FINAL =
  'RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection." (RFC 9112 §6.1: a coding the server does not understand SHOULD get 501.)';
const IS_CHUNKED =
  'RFC 9112 §7.1: "A recipient MUST be able to parse and decode the chunked transfer coding."; this value names chunked as the final coding, so the body is read as chunked and the pipelined request answered as itself (or the request refused with 400, then close).';
const NOT_FINAL_UNKNOWN =
  'RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection." The final coding here (gzip) is one a server need not understand, and RFC 9112 §6.1 says "A server that receives a request message with a transfer coding it does not understand SHOULD respond with 501 (Not Implemented)": both sentences name an answer for the same bytes, so 400 or 501, then close, passes; another refusal that closes only warns.';
const EMPTY_VALUE =
  'RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection." An empty Transfer-Encoding is present and names no coding, so no coding is one the server "does not understand" (RFC 9112 §6.1\'s 501 does not apply): 400, then close; another refusal that closes (501, or 411 from a server that ignored the field and wants a length) only warns.';
const EMPTY_ELEMENTS =
  'RFC 9110 §5.6.1: "a recipient MUST parse and ignore a reasonable number of empty list elements"; the value is chunked, the body is read as chunked and the pipelined request answered as itself.';
const NOT_A_FIELD =
  'RFC 9112 §6.3: "If a valid Content-Length header field is present without Transfer-Encoding, its decimal value defines the expected message body length in octets." "Transfer_Encoding" is not Transfer-Encoding (RFC 9110 §5.1: unrecognized fields SHOULD be ignored): the body is framed by Content-Length, and the request in it is never answered.';

const BODY = '{smuggled-chunk}0\r\n\r\n';

export const transferEncodingChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'desync', sideBySide: true }, [
  // --- chunked is not the final coding: 400 (or 501), then close --------------------------------
  framingCheck({
    id: 'framing.te-lookalike.xchunked-refused',
    source: PEER.chunkedNotLast,
    requirement: NOT_FINAL,
    cite: 'RFC 9112 §6.3, §6.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: xchunked'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.chunked-then-gzip-is-400',
    source: PEER.chunkedNotLast,
    requirement: NOT_FINAL_UNKNOWN,
    cite: 'RFC 9112 §6.3, §6.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked, gzip'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.identity-refused',
    source: PEER.chunkedNotLast,
    requirement: NOT_FINAL + ' ("identity" is no longer a registered transfer coding.)',
    cite: 'RFC 9112 §6.3, §6.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: identity'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.empty-value-refused',
    source: PEER.chunkedNotLast,
    requirement: EMPTY_VALUE,
    cite: 'RFC 9112 §6.3',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: '], BODY),
    refuse: [400],
    refuseWarn: [501, '4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.vertical-tab-before-chunked-refused',
    source: PEER.chunkedNotLast,
    requirement: NOT_FINAL + ' A vertical tab is not whitespace in a field value: "\\x0bchunked" is not chunked.',
    cite: 'RFC 9112 §6.3, RFC 9110 §5.5',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: \x0bchunked'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.form-feed-before-chunked-refused',
    source: PEER.chunkedNotLast,
    requirement: NOT_FINAL + ' A form feed is not whitespace in a field value: "\\x0cchunked" is not chunked.',
    cite: 'RFC 9112 §6.3, RFC 9110 §5.5',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: \x0cchunked'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    serve: 'no',
  }),
  framingCheck({
    id: 'framing.te-lookalike.space-before-colon-is-400',
    source: PEER.spaceBeforeColon,
    requirement: 'RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon."',
    cite: 'RFC 9112 §5.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding : chunked'], BODY),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'no',
  }),
  // --- the value is chunked after all: read as chunked (or refused, then close) -----------------
  framingCheck({
    id: 'framing.te-lookalike.trailing-comma-read-as-chunked',
    source: PEER.emptyListElements,
    requirement: EMPTY_ELEMENTS,
    cite: 'RFC 9110 §5.6.1, RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked,'], BODY),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.leading-comma-read-as-chunked',
    source: PEER.emptyListElements,
    requirement: EMPTY_ELEMENTS,
    cite: 'RFC 9110 §5.6.1, RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: , chunked'], BODY),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.tab-before-value-read-as-chunked',
    source: PEER.chunkedMust,
    requirement: IS_CHUNKED + ' A tab is optional whitespace (RFC 9112 §5.1).',
    cite: 'RFC 9112 §5.1, §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding:\tchunked'], BODY),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.trailing-space-read-as-chunked',
    source: PEER.chunkedMust,
    requirement: IS_CHUNKED + ' Trailing whitespace is not part of the value (RFC 9112 §5.1).',
    cite: 'RFC 9112 §5.1, §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked  '], BODY),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.uppercase-name-and-value-read-as-chunked',
    source: PEER.chunkedMust,
    requirement: IS_CHUNKED + ' Field names and transfer-coding names are case-insensitive (RFC 9110 §5.1, RFC 9112 §7).',
    cite: 'RFC 9112 §7, RFC 9110 §5.1',
    level: 'MUST',
    request: postKnown(['TRANSFER-ENCODING: CHUNKED'], BODY),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.obs-fold-rejected-or-unfolded',
    source: PEER.obsFold,
    requirement:
      'RFC 9112 §5.2: "A server that receives an obs-fold in a request message ... MUST either reject the message by sending a 400 (Bad Request) ... or replace each received obs-fold with one or more SP octets prior to interpreting the field value"; unfolded, the value is chunked.',
    cite: 'RFC 9112 §5.2, §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding:', ' chunked'], BODY),
    refuse: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.nul-after-chunked-rejected-or-replaced',
    source: PEER.fieldValueCrLfNul,
    requirement:
      'RFC 9110 §5.5: "Field values containing CR, LF, or NUL characters are invalid and dangerous ... a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each of those characters with SP before further processing"; replaced, the value is chunked.',
    cite: 'RFC 9110 §5.5, RFC 9112 §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked\x00'], BODY),
    refuse: [400],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.chunked-twice-not-desynced',
    source: PEER.chunkedOnce,
    requirement:
      'RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding more than once to a message body"; a server may refuse "chunked, chunked" (400/501, then close), or read the body as chunked: the request after it is answered as itself.',
    cite: 'RFC 9112 §6.1, §6.3',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked, chunked'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.two-chunked-lines-not-desynced',
    source: PEER.chunkedOnce,
    requirement:
      'RFC 9110 §5.3: two Transfer-Encoding lines are one list, "chunked, chunked", which a sender MUST NOT generate (RFC 9112 §6.1); a server may refuse it (400/501, then close) or read the body as chunked: the request after it is answered as itself.',
    cite: 'RFC 9110 §5.3, RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.chunked-with-parameter-not-desynced',
    source: PEER.chunkedMust,
    requirement:
      'RFC 9112 §7: a transfer coding may carry parameters ("chunked;ext=1"); chunked defines none, so a server may refuse it (400/501, then close) or read the body as chunked: the request after it is answered as itself.',
    cite: 'RFC 9112 §7, §6.3',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked;ext=1'], BODY),
    refuse: [400, 501],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.te-lookalike.underscore-name-not-applied',
    // Transfer_Encoding is no Transfer-Encoding: the body's length is the Content-Length's (its sentence is
    // a definition; the MUST is that of the framing rules, RFC 9112 §6.3). Unknown fields SHOULD be ignored.
    source: PEER.bodyLength,
    requirement: NOT_A_FIELD,
    cite: 'RFC 9110 §5.1, RFC 9112 §6.3',
    level: 'MUST',
    // Framed by Content-Length, the whole body is read; read as chunked, the request after the last chunk is answered.
    // GET: on every profile a plain HTTP request (a POST may start an assignment's own dialogue).
    request: postKnown(['Transfer_Encoding: chunked', 'Content-Length: {length}'], '0\r\n\r\n{smuggled}', 'GET'),
    refuse: [],
    refuseWarn: [400],
    close: 'warn',
    serve: 'yes',
  }),
]);
