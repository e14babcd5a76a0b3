"""A small record store over HTTP/1.1, the way a careful student would write it.

This is the zoo's correct threaded server (`correct-threaded` runs it unchanged). Every buggy server
in the zoo subclasses StudentServer and overrides ONE method, where its bug lives, so that it is
correct in every other way. Keep the methods small: each one is a place a bug can go.

Protocol (see SPEC.md, "The reference protocol"): records are JSON objects named by
[A-Za-z0-9._~-]{1,64}; GET / lists them (300), GET/HEAD/POST/PUT/PATCH/DELETE /{name} work on one.

Run: python3 server.py PORT
"""
import json
import os
import re
import socket
import sys
import threading
import time
import traceback
from email.utils import formatdate

REASONS = {
    100: 'Continue',
    200: 'OK',
    201: 'Created',
    204: 'No Content',
    300: 'Multiple Choices',
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    409: 'Conflict',
    413: 'Content Too Large',
    414: 'URI Too Long',
    431: 'Request Header Fields Too Large',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    505: 'HTTP Version Not Supported',
}

METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE')
ALLOW_ROOT = 'GET, HEAD'
ALLOW_RECORD = ', '.join(METHODS)

NAME_RE = re.compile(r'[A-Za-z0-9._~-]{1,64}')
TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
VERSION_RE = re.compile(r'HTTP/([0-9])(?:\.([0-9]))?')
HOST_RE = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::[0-9]*)?")
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
CHUNK_SIZE_RE = re.compile(rf'([0-9A-Fa-f]+)(?:[ \t]*;[ \t]*{_TOKEN}(?:[ \t]*=[ \t]*(?:{_TOKEN}|{_QUOTED}))?)*')
HEAD_END_RE = re.compile(rb'\n\r?\n')
ABSOLUTE_RE = re.compile(r'https?://[^/?#]*', re.IGNORECASE)


class HttpError(Exception):
    """An error answer: status, a message for the JSON body, and whether to close afterwards."""

    def __init__(self, status, message, close=False, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.close = close
        self.headers = headers or {}


class ClientGone(Exception):
    """The client closed the connection in the middle of a request."""


class Request:
    def __init__(self, method, target, version, headers, body=b''):
        self.method = method
        self.target = target
        self.version = version  # 'HTTP/1.0' or 'HTTP/1.1'
        self.headers = headers  # list of (name, value)
        self.body = body


def header_values(headers, name):
    name = name.lower()
    return [v for (k, v) in headers if k.lower() == name]


def header_tokens(headers, name):
    return [t.strip().lower() for v in header_values(headers, name) for t in v.split(',') if t.strip()]


def origin_form(target):
    """/path from an absolute-form target (http://host/path), which servers must accept; the query is
    ignored, as the reference server does."""
    m = ABSOLUTE_RE.match(target)
    path = target if not m else (target[m.end():] or '/')
    return path.split('?', 1)[0] or '/'



def crash():
    """What an uncaught exception does to a student's single-threaded server: print the traceback
    and end the process. (Our servers use threads, where an exception would only end the thread.)"""
    traceback.print_exc()
    sys.stderr.flush()
    # A test can make the way out take a moment (ZOO_CRASH_DELAY_MS), as it does on a loaded machine: the
    # other threads answer meanwhile.
    delay = os.environ.get('ZOO_CRASH_DELAY_MS')
    if delay:
        time.sleep(int(delay) / 1000)
    os._exit(1)


class Connection:
    """A client socket, plus the bytes read from it that no request has used yet."""

    def __init__(self, sock, addr):
        self.sock = sock
        self.addr = addr
        self.buf = bytearray()
        self.recvs = 0  # how many recv() calls returned
        self.requests = 0  # how many requests were read
        self.request_method = None  # of the request being answered, as sent
        self.request_version = None

    def recv_more(self, timeout):
        self.sock.settimeout(timeout)
        data = self.sock.recv(65536)
        self.recvs += 1
        self.buf += data
        return data

    def take(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data


class StudentServer:
    MAX_HEAD = 8 * 1024
    MAX_BODY = 1024 * 1024
    IDLE_TIMEOUT = 15.0  # a kept-alive connection with no new request is closed quietly
    HEAD_TIMEOUT = 5.0  # a header section, once started, must arrive within this (else 408)
    BODY_TIMEOUT = 10.0  # the longest wait for the next piece of a body (else 408)
    SEND_TIMEOUT = 10.0

    def __init__(self, port, host='127.0.0.1'):
        self.port = port
        self.host = host
        self.records = {}  # name -> the record's JSON text
        self.lock = threading.Lock()

    # ---- sockets and threads -------------------------------------------------------------------

    def serve_forever(self):
        listener = self.make_listener()
        print(f'listening on {self.host}:{self.port}', flush=True)
        while True:
            sock, addr = listener.accept()
            self.start_connection(sock, addr)

    def make_listener(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, self.port))
        s.listen(128)
        return s

    def start_connection(self, sock, addr):
        threading.Thread(target=self.handle_connection, args=(sock, addr), daemon=True).start()

    def handle_connection(self, sock, addr):
        c = Connection(sock, addr)
        try:
            self.on_connect(c)
            while self.serve_one(c):
                pass
            self.close_connection(c)
        except ClientGone:
            pass
        except Exception as exc:
            self.on_error(c, exc)
        finally:
            sock.close()

    def on_connect(self, c):
        """Called once per connection, before anything is read."""

    def on_error(self, c, exc):
        """Something unexpected went wrong on one connection: log it; the others carry on."""
        if isinstance(exc, OSError):
            print(f'connection {c.addr}: {exc!r}', file=sys.stderr, flush=True)
        else:
            traceback.print_exception(exc)

    def close_connection(self, c):
        """Close gracefully: send FIN, then read (and drop) what the client still sends for a moment,
        so that unread bytes do not make the kernel reset the connection under our last response."""
        try:
            c.sock.shutdown(socket.SHUT_WR)
            c.sock.settimeout(0.5)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline and c.sock.recv(65536):
                pass
        except OSError:
            pass

    # ---- one request, one response -------------------------------------------------------------

    def serve_one(self, c):
        """Read and answer one request. Returns True to keep the connection open."""
        c.request_method = c.request_version = None
        try:
            req = self.read_request(c)
        except HttpError as e:
            self.send_response(c, c.request_method, e.status, e.headers, self.error_body(e.message), False)
            return False
        if req is None:
            return False
        c.requests += 1
        keep = self.should_keep_alive(req)
        try:
            status, headers, body = self.handle(req.method, req.target, req.headers, req.body)
        except HttpError as e:
            status, headers, body = e.status, e.headers, self.error_body(e.message)
            keep = keep and not e.close
        except Exception as exc:
            self.on_error(c, exc)
            status, headers, body, keep = 500, {}, self.error_body('internal error'), False
        self.send_response(c, req.method, status, headers, body, keep)
        return keep

    def should_keep_alive(self, req):
        tokens = header_tokens(req.headers, 'connection')
        if 'close' in tokens:
            return False
        if req.version == 'HTTP/1.0':
            return 'keep-alive' in tokens
        return True

    # ---- reading a request ---------------------------------------------------------------------

    def request_from_bytes(self, c, data):
        """A request from bytes taken to be the whole of it: the head is what comes before the blank
        line, the body whatever follows (for servers that read a request in one go)."""
        head, _, body = data.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        parts = lines[0].split(' ')
        c.request_method = parts[0]
        c.request_version = parts[2] if len(parts) == 3 else None
        method, target, version = self.parse_request_line(lines[0])
        req = Request(method, target, version, self.parse_headers(lines[1:]))
        self.check_host(req)
        req.body = body
        return req

    def read_request(self, c):
        """The next request on the connection, or None when the client is gone or idle.
        Raises HttpError for requests that must be refused."""
        head = self.read_head(c)
        if head is None:
            return None
        lines = [line[:-1] if line.endswith(b'\r') else line for line in head.split(b'\n')]
        lines = [line.decode('latin-1') for line in lines]
        parts = lines[0].split(' ')
        c.request_method = parts[0]
        c.request_version = parts[2] if len(parts) == 3 else None
        method, target, version = self.parse_request_line(lines[0])
        req = Request(method, target, version, self.parse_headers(lines[1:]))
        self.check_host(req)
        req.body = self.read_body(c, req)
        return req

    def read_head(self, c):
        """The bytes of the request line and header fields, without the empty line that ends them.
        Bare LF line ends are accepted. None if the client closed or stayed idle."""
        started = None
        while True:
            # RFC 9112 2.2: ignore empty lines before a request line.
            while c.buf.startswith(b'\r\n') or c.buf.startswith(b'\n'):
                del c.buf[:2 if c.buf.startswith(b'\r\n') else 1]
            m = HEAD_END_RE.search(c.buf)
            if m:
                if m.start() > self.MAX_HEAD:
                    raise self.head_too_large(c)
                head = c.take(m.start())
                del c.buf[:m.end() - m.start()]
                return head
            if len(c.buf) > self.MAX_HEAD:
                raise self.head_too_large(c)
            if c.buf and started is None:
                started = time.monotonic()
            if started is None:
                timeout = self.IDLE_TIMEOUT
            else:
                timeout = self.HEAD_TIMEOUT - (time.monotonic() - started)
                if timeout <= 0:
                    raise HttpError(408, 'header section too slow', close=True)
            try:
                data = c.recv_more(timeout)
            except socket.timeout:
                if c.buf:
                    raise HttpError(408, 'header section too slow', close=True)
                return None
            if not data:
                return None

    def head_too_large(self, c):
        """RFC 9112 3: a request line longer than the server will parse gets 414; the rest of the head 431."""
        line_end = c.buf.find(b'\n', 0, self.MAX_HEAD + 1)
        if line_end == -1:
            return HttpError(414, 'request line too long', close=True)
        return HttpError(431, 'header section too large', close=True)

    def parse_request_line(self, line):
        parts = line.split(' ')
        if len(parts) != 3:
            raise HttpError(400, 'malformed request line', close=True)
        method, target, version = parts
        if not TOKEN_RE.fullmatch(method):
            raise HttpError(400, 'malformed method', close=True)
        if not target or any(not ('!' <= ch <= '~') for ch in target):
            raise HttpError(400, 'malformed request target', close=True)
        return method, target, self.check_version(version)

    def check_version(self, version):
        """'HTTP/1.0' or 'HTTP/1.1' (1.x above 1 is served as 1.1); 505 for other majors."""
        m = VERSION_RE.fullmatch(version)
        if not m:
            raise HttpError(400, 'malformed HTTP version', close=True)
        major, minor = m.group(1), m.group(2)
        if major != '1':
            raise HttpError(505, 'only HTTP/1.x is supported', close=True)
        if minor is None:
            raise HttpError(400, 'malformed HTTP version', close=True)
        return 'HTTP/1.0' if minor == '0' else 'HTTP/1.1'

    def parse_headers(self, lines):
        return [self.parse_header_line(line) for line in lines]

    def parse_header_line(self, line):
        if line[:1] in (' ', '\t'):
            raise HttpError(400, 'obsolete line folding', close=True)
        name, colon, value = line.partition(':')
        if not colon:
            raise HttpError(400, 'header line without a colon', close=True)
        if not TOKEN_RE.fullmatch(name):
            raise HttpError(400, 'malformed header name', close=True)
        value = value.strip(' \t')
        if any((ch < ' ' and ch != '\t') or ch == '\x7f' for ch in value):
            raise HttpError(400, 'control character in a header value', close=True)
        return name, value

    def check_host(self, req):
        hosts = header_values(req.headers, 'host')
        if len(hosts) > 1 or (req.version == 'HTTP/1.1' and not hosts):
            raise HttpError(400, 'HTTP/1.1 needs exactly one Host header', close=True)
        if hosts and not HOST_RE.fullmatch(hosts[0]):
            raise HttpError(400, 'malformed Host header', close=True)

    def read_body(self, c, req):
        te = header_values(req.headers, 'transfer-encoding')
        cl = header_values(req.headers, 'content-length')
        if te and cl:
            raise HttpError(400, 'Content-Length together with Transfer-Encoding', close=True)
        if te:
            if req.version == 'HTTP/1.0':
                raise HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request', close=True)
            codings = [t.split(';')[0].strip(' \t') for t in header_tokens(req.headers, 'transfer-encoding')]
            if 'chunked' in codings and codings[-1] != 'chunked':  # RFC 9112 6.3: chunked not last
                raise HttpError(400, 'chunked is not the last transfer coding', close=True)
            if any(t != 'chunked' for t in codings):
                raise HttpError(501, 'unsupported transfer coding', close=True)
            if codings != ['chunked']:
                raise HttpError(400, 'malformed Transfer-Encoding', close=True)
            self.send_continue(c, req)
            return self.read_chunked(c)
        if cl:
            values = [t.strip(' \t') for v in cl for t in v.split(',')]
            if not all(re.fullmatch(r'[0-9]+', v) for v in values):
                raise HttpError(400, 'malformed Content-Length', close=True)
            distinct = {v.lstrip('0') or '0' for v in values}
            if len(distinct) != 1:
                raise HttpError(400, 'conflicting Content-Length', close=True)
            digits = distinct.pop()
            length = int(digits) if len(digits) <= 18 else self.MAX_BODY + 1
            if length > self.MAX_BODY:
                raise HttpError(413, 'body too large', close=True)
            if length > 0:
                self.send_continue(c, req)
            return self.read_exact(c, length)
        return b''

    def send_continue(self, c, req):
        if req.version == 'HTTP/1.1' and '100-continue' in header_tokens(req.headers, 'expect'):
            c.sock.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')

    def read_exact(self, c, n):
        while len(c.buf) < n:
            try:
                data = c.recv_more(self.BODY_TIMEOUT)
            except socket.timeout:
                raise HttpError(408, 'body too slow', close=True)
            if not data:
                raise ClientGone()
        return c.take(n)

    def read_line(self, c, limit):
        while True:
            i = c.buf.find(b'\n')
            if i >= 0:
                line = c.take(i + 1)[:-1]
                return line[:-1] if line.endswith(b'\r') else line
            if len(c.buf) > limit:
                raise HttpError(400, 'line too long in chunked body', close=True)
            try:
                data = c.recv_more(self.BODY_TIMEOUT)
            except socket.timeout:
                raise HttpError(408, 'body too slow', close=True)
            if not data:
                raise ClientGone()

    def read_chunked(self, c):
        body = bytearray()
        while True:
            m = CHUNK_SIZE_RE.fullmatch(self.read_line(c, 4096).decode('latin-1'))
            if not m:
                raise HttpError(400, 'malformed chunk size line', close=True)
            size = int(m.group(1), 16)
            if len(body) + size > self.MAX_BODY:
                raise HttpError(413, 'body too large', close=True)
            if size == 0:
                break
            body += self.read_exact(c, size)
            if self.read_line(c, 2) != b'':
                raise HttpError(400, 'chunk data not followed by CRLF', close=True)
        trailer_bytes = 0
        while True:  # trailer fields are checked, then ignored
            line = self.read_line(c, self.MAX_HEAD)
            if line == b'':
                return bytes(body)
            trailer_bytes += len(line)
            if trailer_bytes > self.MAX_HEAD:
                raise HttpError(431, 'trailer section too large', close=True)
            self.parse_header_line(line.decode('latin-1'))

    # ---- routing and the store -----------------------------------------------------------------

    def handle(self, method, target, headers, body):
        """Returns (status, extra headers, body bytes)."""
        target = origin_form(target)
        if method not in METHODS:
            return self.unknown_method(method, target)
        if target == '/':
            if method in ('GET', 'HEAD'):
                return self.do_list()
            raise HttpError(405, f'{method} is not allowed on /', headers={'Allow': ALLOW_ROOT})
        name = self.parse_target(target)
        if method == 'GET':
            return self.do_GET(name)
        if method == 'HEAD':
            return self.do_HEAD(name)
        if method == 'DELETE':
            return self.do_DELETE(name)
        obj = self.parse_json_body(body)
        if method == 'POST':
            return self.do_POST(name, obj)
        if method == 'PUT':
            return self.do_PUT(name, obj)
        return self.do_PATCH(name, obj)

    def unknown_method(self, method, target):
        allow = ALLOW_ROOT if target == '/' else ALLOW_RECORD
        return 405, {'Allow': allow}, self.error_body(f'method {method} is not implemented')

    def parse_target(self, target):
        """The record name in /{name}. 400 for a segment that is not a name (. and .. never are),
        404 for a deeper path made of names (/a/b)."""
        segments = target[1:].split('/') if target.startswith('/') else ['']
        if not all(NAME_RE.fullmatch(s) and s not in ('.', '..') for s in segments):
            raise HttpError(400, 'invalid record name')
        if len(segments) > 1:
            raise HttpError(404, 'no such resource: the paths are / and /{name}')
        return segments[0]

    def parse_json_body(self, body):
        if not body:
            raise HttpError(400, 'a JSON object body is required')
        try:
            obj = json.loads(body.decode('utf-8'), parse_constant=self._reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise HttpError(400, 'the body is not valid JSON')
        if not isinstance(obj, dict):
            raise HttpError(400, 'the body must be a JSON object')
        return obj

    @staticmethod
    def _reject_constant(name):
        raise ValueError(f'{name} is not JSON')

    def do_list(self):
        with self.lock:
            names = sorted(self.records)
        return 300, {}, json.dumps(['/' + n for n in names]).encode()

    def do_GET(self, name):
        text = self.store_get(name)
        if text is None:
            return 404, {}, self.error_body(f'no record named {name}')
        return 200, {}, text.encode('utf-8')

    def do_HEAD(self, name):
        return self.do_GET(name)  # send_response leaves the body out

    def do_POST(self, name, obj):
        text = self.encode_record(obj)

        def create(records):
            if name in records:
                return None
            records[name] = text
            return text

        stored = self.update_store(create)
        if stored is None:
            return 409, {}, self.error_body(f'{name} already exists')
        return 201, {'Location': '/' + name}, stored.encode('utf-8')

    def do_PUT(self, name, obj):
        text = self.encode_record(obj)

        def put(records):
            existed = name in records
            records[name] = text
            return existed

        if self.update_store(put):
            return 200, {}, text.encode('utf-8')
        return 201, {'Location': '/' + name}, text.encode('utf-8')

    def do_PATCH(self, name, obj):
        def patch(records):
            if name not in records:
                return None
            records[name] = self.encode_record(self.merge(json.loads(records[name]), obj))
            return records[name]

        text = self.update_store(patch)
        if text is None:
            return 404, {}, self.error_body(f'no record named {name}')
        return 200, {}, text.encode('utf-8')

    def do_DELETE(self, name):
        if not self.update_store(lambda records: records.pop(name, None) is not None):
            return 404, {}, self.error_body(f'no record named {name}')
        return 204, {}, b''

    def merge(self, record, fields):
        record.update(fields)
        return record

    def encode_record(self, obj):
        return json.dumps(obj, separators=(',', ':'), ensure_ascii=False)

    def store_get(self, name):
        with self.lock:
            return self.records.get(name)

    def update_store(self, change):
        """Run change(records) with the store locked, so each request is atomic; returns its result."""
        with self.lock:
            return change(self.records)

    def error_body(self, message):
        return json.dumps({'error': message}).encode('utf-8')

    # ---- writing a response --------------------------------------------------------------------

    def send_response(self, c, method, status, headers, body, keep):
        headers = dict(headers)
        if not keep:
            headers['Connection'] = 'close'
        elif c.request_version == 'HTTP/1.0':
            headers['Connection'] = 'keep-alive'
        data = self.format_response(c.request_version, status, headers, body, self.response_has_body(method, status))
        c.sock.settimeout(self.SEND_TIMEOUT)
        c.sock.sendall(data)

    def response_has_body(self, method, status):
        return method != 'HEAD'

    def format_response(self, request_version, status, headers, body, include_body):
        lines = [self.status_line(request_version, status)] + self.header_lines(status, headers, body)
        head = '\r\n'.join(lines) + '\r\n\r\n'
        return head.encode('latin-1') + (body if include_body else b'')

    def status_line(self, request_version, status):
        return f'HTTP/1.1 {status} {REASONS[status]}'

    def header_lines(self, status, headers, body):
        lines = ['Date: ' + formatdate(usegmt=True)]
        if body:
            lines.append('Content-Type: application/json')
        if status >= 200 and status != 204:
            lines.append(f'Content-Length: {len(body)}')
        lines += [f'{k}: {v}' for k, v in headers.items()]
        return lines


def main(server_class=StudentServer):
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    try:
        server_class(port).serve_forever()
    except KeyboardInterrupt:
        pass
