/**
 * The reviewed true findings of the real-server controls (test/controls/controls.test.ts) under
 * `--profile any --path /index.html`: for each server, every check it fails, with the RFC sentence the
 * answer breaks. Each was read against the server's answer: a check here is a real departure from a
 * MUST of RFC 9110/9112, not a preference. The test asserts exactly this set, so a check that stops
 * catching one of them fails the test too.
 */
export const TRUE_FINDINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  nginx: {
    // "Host: user@localhost" is served: "@" is not part of uri-host (RFC 3986 reg-name), so the value is invalid.
    'status.host.userinfo-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
  },
  apache2: {},
  lighttpd: {
    // two identical Host lines are served.
    'status.host.identical-duplicate-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // 431 for a 16 KiB request line: lighttpd refuses the whole head as too large.
    'status.target.very-long-is-rejected':
      'RFC 9112 §3: "A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long) status code."',
  },
  'node-http': {
    // node:http does not look at Host: "localhost, localhost" is served,
    'status.host.comma-list-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // two identical Host lines,
    'status.host.identical-duplicate-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // a Host with a path,
    'status.host.path-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // and one with userinfo, all served.
    'status.host.userinfo-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // node:http refuses a head over 16 KiB with 431, the request line included.
    'status.target.very-long-is-rejected':
      'RFC 9112 §3: "A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long) status code."',
    // node:http does not look at Host: two Host lines, or "Host: local host", are served.
    'status.header.duplicate-host-is-400':
      'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    'status.header.host-with-space-is-400':
      'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains … a Host header field with an invalid field value."',
    // "Connection: close<TAB>" is answered "Connection: keep-alive" and the GET pipelined behind it too:
    // the tab is OWS, not part of the value (RFC 9112 §5.1), so the option is close.
    'connection.close.option-with-trailing-tab-honoured':
      'RFC 9112 §9.6: "A server that receives a \"close\" connection option MUST initiate closure of the connection … The server MUST NOT process any further requests received on that connection." (RFC 9112 §5.1: a field line value does not include its optional whitespace)',
    // HTTP Garden #45: "Invalid" pipelined behind a valid GET with "Connection: close" is parsed while the
    // static file is read, and the default clientError handler answers 400 and destroys the socket: the
    // valid request's 200 is lost, and bytes after a close option were processed as a request.
    'connection.pipelining.valid-answered-before-invalid':
      'RFC 9112 §9.6: "The server MUST NOT process any further requests received on that connection."',
  },
  'python-http-server': {
    // http.server never looks at Host: a comma list,
    'status.host.comma-list-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // two identical Host lines,
    'status.host.identical-duplicate-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // a Host with a path,
    'status.host.path-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // and one with userinfo are served.
    'status.host.userinfo-is-400': 'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to … any request message that contains more than one Host header field line or a Host header field with an invalid field value."',
    // "GET http://localhost/index.html" is looked up as the file "http:/localhost/index.html": 404.
    'status.target.absolute-form-accepted': 'RFC 9112 §3.2.2: "A server MUST accept the absolute-form in requests"',
    // http.server never looks at Host: a missing one, two of them, or an invalid one are all served.
    'status.header.missing-host-is-400':
      'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field"',
    'status.header.duplicate-host-is-400':
      'RFC 9112 §3.2: "… and to any request message that contains more than one Host header field line"',
    'status.header.host-with-space-is-400': 'RFC 9112 §3.2: "… or a Host header field with an invalid field value."',
    // The email-style header parser strips the space before the colon and serves the request.
    'status.header.space-before-colon-is-400':
      'RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon."',
    'status.header.tab-before-colon-is-400': 'RFC 9112 §5.1 (the same sentence, with a tab)',
    // Lines end at LF only: "Host: localhost\rX-Test: a" is one field whose value keeps the bare CR.
    'status.header.bare-cr-line-end-rejected':
      'RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before processing the element"',
    // An error found before the version is parsed (here "HTTP/2.0") is sent HTTP/0.9-style: an HTML
    // page with no status line, then a close. The same bug, seen by the fixed preface and by the
    // generated versions of the malformed-request property.
    'robustness.garbage.http2-preface-rejected':
      'RFC 9110 §2.2: "A sender MUST NOT generate protocol elements that do not match the grammar defined by the corresponding ABNF rules." (HTTP-message = start-line CRLF …, RFC 9112 §2.1)',
    'status.prop.malformed-rejected': 'RFC 9110 §2.2 (as above: an answer with no status line)',
    // The same bug on each request line whose version http.server refuses (400 for a malformed one, 505
    // for another major): its error page goes out HTTP/0.9-style, with no status line, to a request that
    // carries a version. The status code is a SHOULD; an answer that is no HTTP/1.x response is a MUST.
    'status.version.http2-is-505': 'RFC 9110 §2.2 (as above: "HTTP/2" answered with no status line)',
    'status.version.http2-0-is-505': 'RFC 9110 §2.2 (as above: "HTTP/2.0" answered with no status line)',
    'status.version.http3-is-505': 'RFC 9110 §2.2 (as above: "HTTP/3" answered with no status line)',
    'status.version.http3-0-is-505': 'RFC 9110 §2.2 (as above: "HTTP/3.0" answered with no status line)',
    'status.version.http9-9-is-505': 'RFC 9110 §2.2 (as above: "HTTP/9.9" answered with no status line)',
    'status.version.lowercase-is-400': 'RFC 9110 §2.2 (as above: "http/1.1" answered with no status line)',
    'status.version.no-minor-is-400': 'RFC 9110 §2.2 (as above: "HTTP/1" answered with no status line)',
    'status.version.three-parts-is-400': 'RFC 9110 §2.2 (as above: "HTTP/1.1.1" answered with no status line)',
    'status.version.https-scheme-is-400': 'RFC 9110 §2.2 (as above: "HTTPS/1.1" answered with no status line)',
    'status.version.garbage-is-400': 'RFC 9110 §2.2 (as above: "FOO/1.1" answered with no status line)',
    'status.version.letters-is-400': 'RFC 9110 §2.2 (as above: "HTTP/A.B" answered with no status line)',
  },
};
