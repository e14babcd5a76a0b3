import type { Source } from './types.js';

/**
 * The RFC sentences the catalogue tests, word for word, each with its section: a check's `source`.
 * One constant per sentence, shared by every check that tests it. The keyword of the sentence is the
 * check's level (MUST → fail, SHOULD → warn, MAY → every answer it allows passes).
 */
const s = (rfc: string, quote: string): Source => ({ rfc, quote });

export const RFC = {
  // --- RFC 9110: semantics ----------------------------------------------------------------------
  senderGrammar: s('RFC 9110 §2.2', 'A sender MUST NOT generate protocol elements that do not match the grammar defined by the corresponding ABNF rules.'),
  recover: s('RFC 9110 §2.4', 'Unless noted otherwise, a recipient MAY attempt to recover a usable protocol element from an invalid construct.'),
  higherMinor: s('RFC 9110 §2.5', 'A recipient that receives a message with a major version number that it implements and a minor version number higher than what it implements SHOULD process the message as if it were in the highest minor version within that major version to which the recipient is conformant.'),
  majorRefused: s('RFC 9110 §2.5', "A server can send a 505 (HTTP Version Not Supported) response if it wishes, for any reason, to refuse service of the client's major protocol version."),
  obsTextOpaque: s('RFC 9110 §5.5', 'A recipient SHOULD treat other allowed octets in field content (i.e., obs-text) as opaque data.'),
  connectionOptionsCase: s('RFC 9110 §7.6.1', 'Connection options are case-insensitive.'),
  unknownFieldsIgnored: s('RFC 9110 §5.1', 'Other recipients SHOULD ignore unrecognized header and trailer fields.'),
  fieldNameCaseInsensitive: s('RFC 9110 §5.1', 'Field names are case-insensitive and ought to be registered within the "Hypertext Transfer Protocol (HTTP) Field Name Registry".'),
  fieldOrder: s('RFC 9110 §5.3', 'The order in which field lines with differing field names are received in a section is not significant.'),
  fieldLimits: s('RFC 9110 §5.4', 'A server that receives a request header field line, field value, or set of fields larger than it wishes to process MUST respond with an appropriate 4xx (Client Error) status code.'),
  fieldValueCrLfNul: s('RFC 9110 §5.5', 'a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each of those characters with SP before further processing or forwarding of that message.'),
  fieldValueOtherCtl: s('RFC 9110 §5.5', 'Field values containing other CTL characters are also invalid; however, recipients MAY retain such characters for the sake of robustness when they appear within a safe context (e.g., an application-specific quoted string that will not be processed by any downstream HTTP parser).'),
  imfFixdate: s('RFC 9110 §5.6.7', 'When a sender generates a field that contains one or more timestamps defined as HTTP-date, the sender MUST generate those timestamps in the IMF-fixdate format.'),
  responseVersion: s('RFC 9110 §6.2', 'A server SHOULD send a response version equal to the highest version to which the server is conformant that has a major version less than or equal to the one received in the request. A server MUST NOT send a version to which it is not conformant.'),
  dateRequired: s('RFC 9110 §6.6.1', 'An origin server with a clock (as defined in Section 5.6.7) MUST generate a Date header field in all 2xx (Successful), 3xx (Redirection), and 4xx (Client Error) responses.'),
  hostPort: s('RFC 9110 §7.2', 'Host = uri-host [ ":" port ]'),
  emptyHost: s('RFC 9110 §7.2', 'If the target URI includes an authority component, then a client MUST send a field value for Host that is identical to that authority component … If the authority component is missing or undefined for the target URI, then a client MUST send a Host header field with an empty field value.'),
  contentLengthForbidden: s('RFC 9110 §8.6', 'A server MUST NOT send a Content-Length header field in any response with a status code of 1xx (Informational) or 204 (No Content).'),
  contentLengthRepeated: s('RFC 9110 §8.6', 'a recipient of a Content-Length header field value consisting of the same decimal value repeated as a comma-separated list (e.g, "Content-Length: 42, 42") MAY either reject the message as invalid or replace that invalid field value with a single instance of the decimal value'),
  contentLengthDigits: s('RFC 9110 §8.6', 'Content-Length = 1*DIGIT'),
  contentLengthWithTe: s('RFC 9110 §8.6', 'A sender MUST NOT send a Content-Length header field in any message that contains a Transfer-Encoding header field.'),
  methodNotImplemented: s('RFC 9110 §9.1', 'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the 501 (Not Implemented) status code. An origin server that receives a request method that is recognized and implemented, but not allowed for the target resource, SHOULD respond with the 405 (Method Not Allowed) status code.'),
  getSafe: s('RFC 9110 §9.2.1', 'Request methods are considered "safe" if their defined semantics are essentially read-only.'),
  headSameAsGet: s('RFC 9110 §9.3.2', 'The HEAD method is identical to GET except that the server MUST NOT send content in the response. … The server SHOULD send the same header fields in response to a HEAD request as it would have sent if the request method had been GET.'),
  headNoContent: s('RFC 9110 §9.3.2', 'The HEAD method is identical to GET except that the server MUST NOT send content in the response.'),
  expectContinue: s('RFC 9110 §10.1.1', 'A server that receives a 100-continue expectation in an HTTP/1.1 (or later) request … MAY omit sending a 100 (Continue) response if it has already received some or all of the content for the corresponding request'),
  notFound: s('RFC 9110 §15.5.5', 'The 404 (Not Found) status code indicates that the origin server did not find a current representation for the target resource or is not willing to disclose that one exists.'),
  allowOn405: s('RFC 9110 §15.5.6', 'The origin server MUST generate an Allow header field in a 405 response containing a list of the target resource\'s currently supported methods.'),
  noContent204: s('RFC 9110 §15.3.5', 'A 204 response is terminated by the end of the header section; it cannot contain content or trailers.'),
  tooLarge413: s('RFC 9110 §15.5.14', 'The 413 (Content Too Large) status code indicates that the server is refusing to process a request because the request content is larger than the server is willing or able to process.'),

  // --- RFC 9112: HTTP/1.1 messages --------------------------------------------------------------
  messageFormat: s('RFC 9112 §2.1', 'HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]'),
  bareCr: s('RFC 9112 §2.2', 'A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before processing the element or forwarding the message.'),
  bareLf: s('RFC 9112 §2.2', 'Although the line terminator for the start-line and fields is the sequence CRLF, a recipient MAY recognize a single LF as a line terminator and ignore any preceding CR.'),
  leadingCrlf: s('RFC 9112 §2.2', 'In the interest of robustness, a server that is expecting to receive and parse a request-line SHOULD ignore at least one empty line (CRLF) received prior to the request-line.'),
  whitespaceBeforeFirstField: s('RFC 9112 §2.2', 'A recipient that receives whitespace between the start-line and the first header field MUST either reject the message as invalid or consume each whitespace-preceded line without further processing of it'),
  versionSyntax: s('RFC 9112 §2.3', 'HTTP-version = HTTP-name "/" DIGIT "." DIGIT … HTTP-name = %s"HTTP"'),
  invalidRequestLine: s('RFC 9112 §3', 'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded.'),
  longMethod: s('RFC 9112 §3', 'A server that receives a method longer than any that it implements SHOULD respond with a 501 (Not Implemented) status code.'),
  longTarget: s('RFC 9112 §3', 'A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long) status code (see Section 15.5.15 of [HTTP]).'),
  whitespaceParsing: s('RFC 9112 §3', 'recipients MAY instead parse on whitespace-delimited word boundaries and, aside from the CRLF terminator, treat any form of whitespace as the SP separator while ignoring preceding or trailing whitespace'),
  host400: s('RFC 9112 §3.2', 'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value.'),
  originForm: s('RFC 9112 §3.2.1', 'origin-form = absolute-path [ "?" query ]'),
  absoluteForm: s('RFC 9112 §3.2.2', 'A server MUST accept the absolute-form in requests even though most HTTP/1.1 clients will only send the absolute-form to a proxy.'),
  asteriskForm: s('RFC 9112 §3.2.4', 'The asterisk-form of request-target is only used for a server-wide OPTIONS request (Section 9.3.7 of [HTTP]).'),
  statusLine: s('RFC 9112 §4', 'status-line = HTTP-version SP status-code SP [ reason-phrase ]'),
  fieldLine: s('RFC 9112 §5', 'field-line = field-name ":" OWS field-value OWS'),
  spaceBeforeColon: s('RFC 9112 §5.1', 'A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon.'),
  ows: s('RFC 9112 §5.1', 'A field line value might be preceded and/or followed by optional whitespace (OWS); … the field line value does not include that whitespace.'),
  obsFold: s('RFC 9112 §5.2', 'A server that receives an obs-fold in a request message that is not within a "message/http" container MUST either reject the message by sending a 400 (Bad Request), preferably with a representation explaining that obsolete line folding is unacceptable, or replace each received obs-fold with one or more SP octets prior to interpreting the field value or forwarding the message downstream.'),
  unknownTransferCoding: s('RFC 9112 §6.1', 'A server that receives a request message with a transfer coding it does not understand SHOULD respond with 501 (Not Implemented).'),
  clAndTe: s('RFC 9112 §6.1', 'A server MAY reject a request that contains both Content-Length and Transfer-Encoding or process such a request in accordance with the Transfer-Encoding alone. Regardless, the server MUST close the connection after responding to such a request to avoid the potential attacks.'),
  teOnHttp10: s('RFC 9112 §6.1', 'A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header field MUST treat the message as if the framing is faulty, even if a Content-Length is present, and close the connection after processing the message.'),
  chunkedNotLast: s('RFC 9112 §6.3', 'If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad Request) status code and then close the connection.'),
  invalidContentLength: s('RFC 9112 §6.3', 'If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad Request) status code and then close the connection.'),
  clSameValues: s('RFC 9112 §6.3', 'If a message is received without Transfer-Encoding and with an invalid Content-Length header field, then the message framing is invalid and the recipient MUST treat it as an unrecoverable error, unless the field value can be successfully parsed as a comma-separated list (Section 5.6.1 of [HTTP]), all values in the list are valid, and all values in the list are the same (in which case, the message is processed with that single value used as the Content-Length field value).'),
  bodyLength: s('RFC 9112 §6.3', 'If a valid Content-Length header field is present without Transfer-Encoding, its decimal value defines the expected message body length in octets.'),
  noBodyNoLength: s('RFC 9112 §6.3', 'If this is a request message and none of the above are true, then the message body length is zero (no message body is present).'),
  closeDelimited: s('RFC 9112 §6.3', 'Otherwise, this is a response message without a declared message body length, so the message body length is determined by the number of octets received prior to the server closing the connection.'),
  chunkedMust: s('RFC 9112 §7.1', 'A recipient MUST be able to parse and decode the chunked transfer coding.'),
  chunkSizeOverflow: s('RFC 9112 §7.1', 'Recipients MUST anticipate potentially large hexadecimal numerals and prevent parsing errors due to integer conversion overflows or precision loss due to integer representation.'),
  chunkSyntax: s('RFC 9112 §7.1', 'chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; chunk-size = 1*HEXDIG'),
  chunkExtIgnored: s('RFC 9112 §7.1.1', 'A recipient MUST ignore unrecognized chunk extensions.'),
  trailers: s('RFC 9112 §7.1.2', 'A recipient that removes the chunked coding from a message MAY selectively retain or discard the received trailer fields.'),
  persistence: s('RFC 9112 §9.3', 'If the received protocol is HTTP/1.1 (or later), the connection will persist after the current response'),
  http10Close: s('RFC 9112 §9.3', 'If the received protocol is HTTP/1.0, the "keep-alive" connection option is present, either the recipient is not a proxy or the message is a response, and the recipient wishes to honor the HTTP/1.0 "keep-alive" mechanism, the connection will persist after the current response; otherwise, the connection will close after the current response.'),
  pipelineOrder: s('RFC 9112 §9.3.2', 'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods, but it MUST send the corresponding responses in the same order that the requests were received.'),
  closeOption: s('RFC 9112 §9.6', 'A server that receives a "close" connection option MUST initiate closure of the connection after it sends the final response to the request that contained the "close" connection option.'),
  closeNoFurther: s('RFC 9112 §9.6', 'A server that receives a "close" connection option MUST initiate closure of the connection (see below) after it sends the final response to the request that contained the "close" connection option. The server SHOULD send a "close" connection option in its final response on that connection. The server MUST NOT process any further requests received on that connection.'),
  announceClose: s('RFC 9112 §9.6', 'A server that does not support persistent connections MUST send the "close" connection option in every response message that does not have a 1xx (Informational) status code.'),
  http2Preface: s('RFC 9113 §3.4', 'The server connection preface consists of a potentially empty SETTINGS frame (Section 6.5) that MUST be the first frame the server sends in the HTTP/2 connection.'),
} as const;

/** Robustness and metamorphic checks test what RFC 9112 defines a message to be: a byte stream, not reads. */
export const STREAM = s('RFC 9112 §2.2', 'A recipient MUST parse an HTTP message as a sequence of octets in an encoding that is a superset of US-ASCII [USASCII].');

/** What no RFC sentence states, but every HTTP server owes its clients: it answers, and stays up. */
export const SERVES = (note: string): Source => ({ profile: 'any', note });
