/**
 * Request smuggling: requests whose body holds another request, framed so that a server reading
 * Content-Length where it must read Transfer-Encoding (or the other way round, or reading no body at
 * all) answers the embedded request. Each is sent with a plain GET pipelined behind it (src/checks/
 * pipeline.ts): the embedded request must never be answered.
 */
import { framingCheck, postKnown } from '../../pipeline.js';
import { PEER } from '../../peer-sources.js';
import type { Check } from '../../types.js';
import { checkGroup } from '../../group.js';
import { following } from '../../follows.js';

const CL_TE =
  'RFC 9112 §6.1: "A server MAY reject a request that contains both Content-Length and Transfer-Encoding or process such a request in accordance with the Transfer-Encoding alone. Regardless, the server MUST close the connection after responding to such a request to avoid the potential attacks."';
const INVALID_CL =
  'RFC 9112 §6.3: "If a message is received without Transfer-Encoding and with an invalid Content-Length header field, then the message framing is invalid and the recipient MUST treat it as an unrecoverable error ... the server MUST respond with a 400 (Bad Request) status code and then close the connection." The request embedded in the body is never answered.';
const BODY_ON_ANY_METHOD =
  'RFC 9112 §6.3: the message body length is determined by Content-Length whatever the method; RFC 9110 §9.3.1 lets a server reject a GET with content and close. Either way the request embedded in the body is never answered, and the pipelined request is answered as itself.';

/** CL.TE: Content-Length covers the whole body; chunked ends at the last-chunk, before the smuggled request. */
function clte(te: string): string {
  return postKnown(['Content-Length: {length}', te], '0\r\n\r\n{smuggled}');
}

export const smugglingChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'security', sideBySide: true }, [
  // --- CL.TE: Content-Length and Transfer-Encoding together ---------------------------------------
  framingCheck({
    id: 'framing.smuggling.cl-te-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: chunked'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.te-cl-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    // Transfer-Encoding first; Content-Length covers only the first chunk-size line, so a server reading
    // Content-Length takes the smuggled request inside the chunk for the next request.
    request: postKnown(['Transfer-Encoding: chunked', 'Content-Length: 4'], '{smuggled-chunk}0\r\n\r\n'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-embedded-head-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}', 'Transfer-Encoding: chunked'], '0\r\n\r\nHEAD /{name}-smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-reversed-order-closes',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked', 'Content-Length: {length}'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // CL.TE with a Transfer-Encoding a lenient parser reads as chunked and a strict one may not: whatever the
  // reading, both fields are present, so the server closes after its one response.
  framingCheck({
    id: 'framing.smuggling.cl-te-xchunked-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1, §6.3',
    level: 'MUST',
    request: clte('Transfer-Encoding: xchunked'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // smuggler's "quoted": a coding in double quotes is no coding a parser should unquote, but a Transfer-Encoding is present all the same.
  framingCheck({
    id: 'framing.smuggling.cl-te-quoted-chunked-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: "chunked"'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // smuggler's "aposed".
  framingCheck({
    id: 'framing.smuggling.cl-te-apostrophe-chunked-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte("Transfer-Encoding: 'chunked'"),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // smuggler's "lazygrep": a prefix test ("chunk" in value) reads it as chunked.
  framingCheck({
    id: 'framing.smuggling.cl-te-truncated-chunk-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: chunk'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // smuggler's "cowComma": chunked is final, so the body is chunked, and Content-Length is there too.
  framingCheck({
    id: 'framing.smuggling.cl-te-unknown-then-chunked-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: cow, chunked'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // HTTP Garden #12 and #46: a parser that strips \xa0 (or any byte over 0x80) reads chunked.
  framingCheck({
    id: 'framing.smuggling.cl-te-nbsp-around-chunked-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: \xa0chunked\xa0'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // llhttp's three empty Transfer-Encoding lines with Content-Length: the field is present, empty.
  framingCheck({
    id: 'framing.smuggling.cl-three-empty-te-lines-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}', 'Transfer-Encoding:', 'Transfer-Encoding:', 'Transfer-Encoding:'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-trailing-space-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: chunked '),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-leading-comma-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: clte('Transfer-Encoding: , chunked'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-case-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['CONTENT-LENGTH: {length}', 'TRANSFER-ENCODING: CHUNKED'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-obs-fold-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE + ' RFC 9112 §5.2: obs-fold is rejected with 400 or replaced with SP.',
    cite: 'RFC 9112 §6.1, §5.2',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}', 'Transfer-Encoding:', ' chunked'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.cl-te-two-te-lines-embedded-get-not-answered',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}', 'Transfer-Encoding: chunked', 'Transfer-Encoding: identity'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'framing.smuggling.te-cl-chunked-ends-before-length-closes',
    source: PEER.clAndTe,
    requirement: CL_TE,
    cite: 'RFC 9112 §6.1',
    level: 'MUST',
    // The chunked body ends early; Content-Length runs on into the smuggled request's first bytes.
    request: postKnown(['Transfer-Encoding: chunked', 'Content-Length: 12'], '0\r\n\r\n{smuggled}'),
    refuse: [400, '4xx', '5xx'],
    close: 'pass',
    serve: 'close-after',
  }),
  // --- CL.CL and invalid Content-Length with an embedded request ------------------------------------
  following([{ root: 'framing.content-length.conflicting-is-400', when: 'same-case' }], framingCheck({
    id: 'framing.smuggling.two-lengths-embedded-get-not-answered',
    source: PEER.invalidContentLength,
    requirement: INVALID_CL,
    cite: 'RFC 9112 §6.3',
    level: 'MUST',
    request: postKnown(['Content-Length: 0', 'Content-Length: {length}'], '{smuggled}'),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'no',
  })),
  following([{ root: 'framing.content-length.plus-sign-is-400', when: 'same-case' }], framingCheck({
    id: 'framing.smuggling.plus-length-embedded-get-not-answered',
    source: PEER.invalidContentLength,
    requirement: INVALID_CL,
    cite: 'RFC 9112 §6.3',
    level: 'MUST',
    request: postKnown(['Content-Length: +{length}'], '{smuggled}'),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'no',
  })),
  following([{ root: 'framing.content-length.non-numeric-is-400', when: 'same-case' }], framingCheck({
    id: 'framing.smuggling.non-numeric-length-embedded-get-not-answered',
    source: PEER.invalidContentLength,
    requirement: INVALID_CL,
    cite: 'RFC 9112 §6.3',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}x'], '{smuggled}'),
    refuse: [400],
    refuseWarn: ['4xx', '5xx'],
    close: 'warn',
    serve: 'no',
  })),
  // --- A body on a method that does not expect one ------------------------------------------------
  framingCheck({
    id: 'framing.smuggling.get-body-not-answered',
    source: PEER.bodyLength,
    requirement: BODY_ON_ANY_METHOD,
    cite: 'RFC 9112 §6.3, RFC 9110 §9.3.1',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}'], '{smuggled}', 'GET'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.smuggling.get-body-prefix-not-completed',
    source: PEER.bodyLength,
    requirement: BODY_ON_ANY_METHOD + ' A body that holds only the start of a request is not completed by the request after it.',
    cite: 'RFC 9112 §6.3',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}'], 'GET /{name}-smuggled HTTP/1.1\r\nX-Ignore: ', 'GET'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.smuggling.head-body-not-answered',
    source: PEER.bodyLength,
    requirement: BODY_ON_ANY_METHOD,
    cite: 'RFC 9112 §6.3, RFC 9110 §9.3.2',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}'], '{smuggled}', 'HEAD'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.smuggling.options-body-not-answered',
    source: PEER.bodyLength,
    requirement: BODY_ON_ANY_METHOD,
    cite: 'RFC 9112 §6.3, RFC 9110 §9.3.7',
    level: 'MUST',
    request: postKnown(['Content-Length: {length}'], '{smuggled}', 'OPTIONS'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.smuggling.get-chunked-body-not-answered',
    source: PEER.chunkedMust,
    requirement: BODY_ON_ANY_METHOD + ' RFC 9112 §7.1: "A recipient MUST be able to parse and decode the chunked transfer coding."',
    cite: 'RFC 9112 §6.3, §7.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], '{smuggled-chunk}0\r\n\r\n', 'GET'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.smuggling.expect-continue-body-sent-at-once-read',
    source: PEER.bodyLength,
    requirement:
      'RFC 9112 §6.3: "If a valid Content-Length header field is present without Transfer-Encoding, its decimal value defines the expected message body length in octets." RFC 9110 §10.1.1: a client that sends 100-continue need not wait for the 100 before sending the content; the server reads it (or refuses, e.g. 417, and closes). The request in the body is never answered.',
    cite: 'RFC 9110 §10.1.1, RFC 9112 §6.3',
    level: 'MUST',
    // GET: on every profile a plain HTTP request (a POST may start an assignment's own dialogue).
    request: postKnown(['Expect: 100-continue', 'Content-Length: {length}'], '{smuggled}', 'GET'),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
]);
