/**
 * Bytes a request-target cannot hold (RFC 3986 allows none of them raw), the asterisk-form, and the
 * request-line length every recipient should support.
 */
import { caseCheck, get } from '../../case.js';
import type { Check } from '../../types.js';
import { PEER, withSource } from '../../peer-sources.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const INVALID_LINE =
  'RFC 9112 §3: "Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded." A raw byte RFC 3986 does not allow in a URI makes the request-line invalid.';

function invalidTarget(id: string, target: string, what: string): CheckDecl {
  return withSource(caseCheck({
    id,
    requirement: `${INVALID_LINE} (${what})`,
    cite: 'RFC 9112 §3, §3.2; RFC 3986 §2',
    level: 'SHOULD',
    request: get([], { target }),
    accept: [400, 301],
    warn: ['4xx', 'close'],
  }), PEER.invalidRequestLine);
}

export const targetByteChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', sideBySide: true }, [
  invalidTarget('status.target-bytes.raw-nul-rejected', '/a\x00b', 'a NUL byte'),
  invalidTarget('status.target-bytes.raw-non-ascii-rejected', '/caf\xc3\xa9', 'the UTF-8 bytes of "é", not percent-encoded'),
  invalidTarget('status.target-bytes.overlong-utf8-rejected', '/\xc0\xafetc', 'an overlong UTF-8 encoding of "/"'),
  invalidTarget('status.target-bytes.backslash-rejected', '/a\\b', 'a backslash'),
  invalidTarget('status.target-bytes.raw-del-rejected', '/a\x7fb', 'a DEL byte'),
  withSource(caseCheck({
    id: 'status.target-bytes.8000-octet-request-line-served',
    requirement:
      'RFC 9112 §3: "It is RECOMMENDED that all HTTP senders and recipients support, at a minimum, request-line lengths of 8000 octets." A request-line of 8000 octets (the known path and a long query) is served.',
    cite: 'RFC 9112 §3',
    level: 'SHOULD',
    // "GET " + target + " HTTP/1.1" is 8000 octets for the reference's "/": the query pads the rest.
    request: get([], { target: '{known}?q=' + 'a'.repeat(8000 - 'GET /?q= HTTP/1.1'.length) }),
    accept: ['ok'],
  }), PEER.requestLine8000),
  withSource(caseCheck({
    id: 'status.target-bytes.options-asterisk-answered',
    requirement:
      'RFC 9110 §9.3.7: "An OPTIONS request with an asterisk ("*") as the request-target applies to the server in general rather than to a specific resource"; it is answered (2xx, with Allow), or 405/501 by a server that does not implement OPTIONS (RFC 9110 §9.1 prefers 501).',
    cite: 'RFC 9110 §9.3.7, §9.1; RFC 9112 §3.2.4',
    level: 'SHOULD',
    request: 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: ['2xx', 405, 501],
    warn: [400, 404],
  }), PEER.optionsAsterisk),
]);
