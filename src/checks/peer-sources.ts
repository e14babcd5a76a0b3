import type { CheckDecl } from './group.js';

/**
 * The RFC sentences the framing, smuggling and peer-suite checks test, word for word, with their
 * section: each check's `source` (`{ rfc, quote }`). The wording matches the catalogue's shared list of
 * sentences where one exists (branch issue-12, src/checks/rfc.ts), so the two can be merged into one.
 */
export interface PeerSource {
  rfc: string;
  quote: string;
}
const s = (rfc: string, quote: string): PeerSource => ({ rfc, quote });

export const PEER = {
  clAndTe: s('RFC 9112 §6.1', 'A server MAY reject a request that contains both Content-Length and Transfer-Encoding or process such a request in accordance with the Transfer-Encoding alone. Regardless, the server MUST close the connection after responding to such a request to avoid the potential attacks.'),
  chunkedOnce: s('RFC 9112 §6.1', 'A sender MUST NOT apply the chunked transfer coding more than once to a message body (i.e., chunking an already chunked message is not allowed).'),
  chunkedNotLast: s('RFC 9112 §6.3', 'If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection.'),
  invalidContentLength: s('RFC 9112 §6.3', 'If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad Request) status code and then close the connection.'),
  bodyLength: s('RFC 9112 §6.3', 'If a valid Content-Length header field is present without Transfer-Encoding, its decimal value defines the expected message body length in octets.'),
  chunkedMust: s('RFC 9112 §7.1', 'A recipient MUST be able to parse and decode the chunked transfer coding.'),
  chunkExtIgnored: s('RFC 9112 §7.1.1', 'A recipient MUST ignore unrecognized chunk extensions.'),
  grammar400: s('RFC 9112 §2.2', 'When a server listening only for HTTP request messages, or processing what appears from the start-line to be an HTTP request message, receives a sequence of octets that does not match the HTTP-message grammar aside from the robustness exceptions listed above, the server SHOULD respond with a 400 (Bad Request) response and close the connection.'),
  bareCr: s('RFC 9112 §2.2', 'A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before processing the element or forwarding the message.'),
  trailerMerge: s('RFC 9110 §6.5.1', 'A recipient MUST NOT merge a trailer field into a header section unless the recipient understands the corresponding header field definition and that definition explicitly permits and defines how trailer field values can be safely merged.'),
  emptyListElements: s('RFC 9110 §5.6.1.2', 'A recipient MUST parse and ignore a reasonable number of empty list elements: enough to handle common mistakes by senders that merge values, but not so much that they could be used as a denial-of-service mechanism.'),
  unknownFieldsIgnored: s('RFC 9110 §5.1', 'Other recipients SHOULD ignore unrecognized header and trailer fields.'),
  spaceBeforeColon: s('RFC 9112 §5.1', 'A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon.'),
  obsFold: s('RFC 9112 §5.2', 'A server that receives an obs-fold in a request message that is not within a "message/http" container MUST either reject the message by sending a 400 (Bad Request), preferably with a representation explaining that obsolete line folding is unacceptable, or replace each received obs-fold with one or more SP octets prior to interpreting the field value or forwarding the message downstream.'),
  fieldValueCrLfNul: s('RFC 9110 §5.5', 'a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each of those characters with SP before further processing or forwarding of that message.'),
  wsVersion: s('RFC 6455 §4.4', "If the server doesn't support the requested version, it MUST respond with a |Sec-WebSocket-Version| header field (or multiple |Sec-WebSocket-Version| header fields) containing all versions it is willing to use."),
  wsHandshake: s('RFC 6455 §4.2.1', "If the server, while reading the handshake, finds that the client did not send a handshake that matches the description below (note that as per [RFC2616], the order of the header fields is not important), including but not limited to any violations of the ABNF grammar specified for the components of the handshake, the server MUST stop processing the client's handshake and return an HTTP response with an appropriate error code (such as 400 Bad Request)."),
  upgradeMayIgnore: s('RFC 9110 §7.8', 'A server MAY ignore a received Upgrade header field if it wishes to continue using the current protocol on that connection.'),
  upgrade101Header: s('RFC 9110 §7.8', 'A server that sends a 101 (Switching Protocols) response MUST send an Upgrade header field to indicate the new protocol(s) to which the connection is being switched'),
  upgradeHttp10: s('RFC 9110 §7.8', 'A server MUST ignore an Upgrade header field that is received in an HTTP/1.0 request.'),
  upgradeConnection: s('RFC 9110 §7.8', 'When Upgrade is sent, the sender MUST also send a Connection header field (Section 7.6.1) that contains an "upgrade" connection option, in order to prevent Upgrade from being accidentally forwarded by intermediaries that might not implement the listed protocols.'),
  upgradeNotAsked: s('RFC 9110 §7.8', "A server MUST NOT switch to a protocol that was not indicated by the client in the corresponding request's Upgrade header field."),
  no1xxTo10: s('RFC 9110 §15.2', 'a server MUST NOT send a 1xx response to an HTTP/1.0 client.'),
  expectUnknown: s('RFC 9110 §10.1.1', 'A server that receives an Expect field value containing a member other than 100-continue MAY respond with a 417 (Expectation Failed) status code to indicate that the unexpected expectation cannot be met.'),
  expectContinue: s('RFC 9110 §10.1.1', 'A server MAY omit sending a 100 (Continue) response if it has already received some or all of the content for the corresponding request, or if the framing indicates that there is no content.'),
  invalidRequestLine: s('RFC 9112 §3', 'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded.'),
  requestLine8000: s('RFC 9112 §3', 'It is RECOMMENDED that all HTTP senders and recipients support, at a minimum, request-line lengths of 8000 octets.'),
  optionsAsterisk: s('RFC 9110 §9.3.7', 'An OPTIONS request with an asterisk ("*") as the request-target (Section 7.1) applies to the server in general rather than to a specific resource.'),
  host400: s('RFC 9112 §3.2', 'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value.'),
  fieldNameCaseInsensitive: s('RFC 9110 §5.1', 'Field names are case-insensitive and ought to be registered within the "Hypertext Transfer Protocol (HTTP) Field Name Registry".'),
  fieldValueEmpty: s('RFC 9110 §5.5', 'field-value = *field-content'),
  imfFixdate: s('RFC 9110 §5.6.7', 'When a sender generates a field that contains one or more timestamps defined as HTTP-date, the sender MUST generate those timestamps in the IMF-fixdate format.'),
  closeNoFurther: s('RFC 9112 §9.6', 'A server that receives a "close" connection option MUST initiate closure of the connection (see below) after it sends the final response to the request that contained the "close" connection option. The server SHOULD send a "close" connection option in its final response on that connection. The server MUST NOT process any further requests received on that connection.'),
  connectionOptionsCase: s('RFC 9110 §7.6.1', 'Connection options are case-insensitive.'),
} as const;

/** Attaches a check's source (the field the catalogue's Check type carries as `source`). */
export function withSource<C extends CheckDecl>(check: C, source: PeerSource): C & { source: PeerSource } {
  return Object.assign(check, { source });
}
