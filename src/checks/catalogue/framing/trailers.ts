/**
 * Trailer fields after the last chunk (RFC 9112 §7.1.2, RFC 9110 §6.5): read as part of the chunked
 * body, never as the next request, and never applied to the message's framing or routing. Each request
 * is sent with a plain GET pipelined behind it (src/checks/pipeline.ts).
 */
import { framingCheck, postKnown } from '../../pipeline.js';
import { PEER } from '../../peer-sources.js';
import type { Check } from '../../types.js';
import { checkGroup } from '../../group.js';

const SECTION =
  'RFC 9112 §7.1: chunked-body = *chunk last-chunk trailer-section CRLF, and "A recipient MUST be able to parse and decode the chunked transfer coding": the trailer section is part of the body, not the next request.';
const NOT_MERGED =
  'RFC 9110 §6.5.1: "A recipient MUST NOT merge a trailer field into a header section unless the recipient understands the corresponding header field definition and that definition explicitly permits and defines how trailer field values can be safely merged." Framing and routing fields in trailers change nothing: the request after the body is answered as itself.';

const DATA = '7\r\n{"a":1}\r\n';

export const trailerChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'desync', sideBySide: true }, [
  framingCheck({
    id: 'framing.trailers.field-not-read-as-next-request',
    source: PEER.chunkedMust,
    requirement: SECTION,
    cite: 'RFC 9112 §7.1, §7.1.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\r\nX-Trailer: 1\r\n\r\n`),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.several-fields-not-read-as-next-request',
    source: PEER.chunkedMust,
    requirement: SECTION,
    cite: 'RFC 9112 §7.1, §7.1.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked', 'Trailer: X-A, X-B'], `${DATA}0\r\nX-A: 1\r\nX-B: two words\r\n\r\n`),
    refuse: [],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.content-length-not-applied',
    source: PEER.trailerMerge,
    requirement: NOT_MERGED,
    cite: 'RFC 9110 §6.5.1, RFC 9112 §7.1.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\r\nContent-Length: 40\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.transfer-encoding-not-applied',
    source: PEER.trailerMerge,
    requirement: NOT_MERGED,
    cite: 'RFC 9110 §6.5.1, RFC 9112 §7.1.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\r\nTransfer-Encoding: chunked\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.host-not-applied',
    source: PEER.trailerMerge,
    requirement: NOT_MERGED,
    cite: 'RFC 9110 §6.5.1, §7.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\r\nHost: other.example\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.authorization-and-content-type-not-applied',
    source: PEER.trailerMerge,
    requirement: NOT_MERGED,
    cite: 'RFC 9110 §6.5.1',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\r\nAuthorization: Basic Zm9vOmJhcg==\r\nContent-Type: text/plain\r\n\r\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
  framingCheck({
    id: 'framing.trailers.bare-lf-end-not-desynced',
    source: PEER.chunkedMust,
    requirement: SECTION + ' A bare LF ending the trailer section may be accepted (RFC 9112 §2.2) or refused (400, then close).',
    cite: 'RFC 9112 §7.1, §2.2',
    level: 'MUST',
    request: postKnown(['Transfer-Encoding: chunked'], `${DATA}0\nX-Trailer: 1\n\n`),
    refuse: [400],
    close: 'pass',
    serve: 'yes',
  }),
]);
