"""The HTTP/1.1 plumbing the four profile zoo bases share, the way a careful student would write it.

A thread per connection; requests reassembled from any number of segments (bare LF accepted, blank
lines before a request ignored); Content-Length bodies only (Transfer-Encoding: 501), with
`Expect: 100-continue` honoured; keep-alive unless `Connection: close` (HTTP/1.0: close unless
`keep-alive`); every response `HTTP/1.1 <code> <reason>` + Date, Content-Length except on 204, CRLF;
HEAD answered without the body. A request refused while it is read (HttpError) is answered with that
status, then the connection is closed.

A base subclasses HttpServer and supplies what is specific to its assignment:
    route(req)                      -> (status, headers, body); an exception there is a 500 + close
    error_answer(status, message)   -> the (status, headers, body) of an error (its `text` helper)
and, where its assignment needs it, overrides REASONS (extra statuses), parse_version (which
versions it accepts) or answer (how a routed request is turned into a response).

The bases find this module in `_common` beside their `_lib` folder (see the README).
"""
import re
import socket
import sys
import threading
import time
import traceback
from email.utils import formatdate

REASONS = {
    100: 'Continue', 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request',
    404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Content Too Large',
    431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented',
    505: 'HTTP Version Not Supported',
}
TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
VERSION_RE = re.compile(r'HTTP/([0-9])\.([0-9])')
HEAD_END_RE = re.compile(rb'\r?\n\r?\n')


class HttpError(Exception):
    """A request we refuse: answer with this status, then close the connection."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class ClientGone(Exception):
    pass


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # list of (name, value), as sent
        self.body = b''
        path = re.sub(r'^https?://[^/]*', '', target, flags=re.IGNORECASE) or '/'
        self.path = path.split('?', 1)[0]

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_values(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


class Conn:
    """A client socket and the bytes read from it that no request has used yet."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def recv_more(self, timeout, size=65536):
        self.sock.settimeout(timeout)
        data = self.sock.recv(size)
        self.buf += data
        return data

    def take(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data


class HttpServer:
    IDLE_TIMEOUT = 15.0  # a kept-alive connection with no new request is closed
    READ_TIMEOUT = 10.0  # a request, once started, must keep coming
    MAX_HEAD = 16 * 1024
    MAX_BODY = 16 * 1024 * 1024
    REASONS = REASONS

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()

    def serve_forever(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(128)
        print(f'listening on 127.0.0.1:{self.port}', flush=True)
        while True:
            sock, _ = listener.accept()
            threading.Thread(target=self.handle_connection, args=(sock,), daemon=True).start()

    def handle_connection(self, sock):
        conn = Conn(sock)
        try:
            while self.serve_one(conn):
                pass
            close_gracefully(sock)
        except (OSError, ClientGone):
            pass
        except Exception:
            traceback.print_exc()
        finally:
            sock.close()

    def serve_one(self, conn):
        """Read and answer one request. True: keep the connection open for the next one."""
        try:
            req = self.read_request(conn)
        except HttpError as e:
            self.send_response(conn, None, self.error_answer(e.status, e.message), keep=False)
            return False
        if req is None:
            return False
        answer, keep = self.answer(conn, req, self.keep_alive(req))
        self.send_response(conn, req, answer, keep)
        return keep

    def answer(self, conn, req, keep):
        """(answer, keep) for a request: its route's answer, or a 500 (and close) if the route failed."""
        try:
            return self.route(req), keep
        except Exception:
            traceback.print_exc()
            return self.error_answer(500, 'internal error'), False

    def keep_alive(self, req):
        tokens = [t.strip().lower() for v in req.header_values('connection') for t in v.split(',')]
        if 'close' in tokens:
            return False
        return req.version == 'HTTP/1.1' or 'keep-alive' in tokens

    # ---- what a base supplies --------------------------------------------------------------------

    def route(self, req):
        """(status, headers, body) for a request."""
        raise NotImplementedError

    def error_answer(self, status, message):
        """(status, headers, body) for a refused request or a failed route."""
        raise NotImplementedError

    # ---- reading a request -----------------------------------------------------------------------

    def read_request(self, conn):
        head = self.read_head(conn)
        if head is None:
            return None
        lines = [line.rstrip('\r') for line in head.decode('latin-1').split('\n')]
        method, target, version = self.parse_request_line(lines[0])
        req = Request(method, target, version, [self.parse_header(line) for line in lines[1:]])
        req.body = self.read_body(conn, req)
        return req

    def read_head(self, conn):
        """The request line and headers (without the blank line), or None if the client left or idled."""
        started = None
        while True:
            while conn.buf[:1] in (b'\r', b'\n'):  # blank lines before a request are ignored
                del conn.buf[:1]
            m = HEAD_END_RE.search(conn.buf)
            if m:
                head = conn.take(m.start())
                del conn.buf[:m.end() - m.start()]
                return head
            if len(conn.buf) > self.MAX_HEAD:
                raise HttpError(431, 'request header section too large')
            if conn.buf and started is None:
                started = time.monotonic()
            if started is None:
                timeout = self.IDLE_TIMEOUT
            else:
                timeout = self.READ_TIMEOUT - (time.monotonic() - started)
            try:
                if timeout <= 0:
                    raise socket.timeout()
                data = conn.recv_more(timeout)
            except socket.timeout:
                if conn.buf:
                    raise HttpError(408, 'request took too long')
                return None
            if not data:
                return None

    def parse_request_line(self, line):
        parts = line.split(' ')
        if len(parts) != 3 or not TOKEN_RE.fullmatch(parts[0]):
            raise HttpError(400, 'malformed request line')
        method, target, version = parts
        if not target or any(ch <= ' ' or ch >= '\x7f' for ch in target):
            raise HttpError(400, 'malformed request target')
        return method, target, self.parse_version(version)

    def parse_version(self, version):
        """The request's version as the server treats it: HTTP/1.0 or HTTP/1.1 (any other 1.x)."""
        m = VERSION_RE.fullmatch(version)
        if not m:
            raise HttpError(400, 'malformed HTTP version')
        if m.group(1) != '1':
            raise HttpError(505, 'only HTTP/1.x is supported')
        return 'HTTP/1.0' if version == 'HTTP/1.0' else 'HTTP/1.1'

    def parse_header(self, line):
        name, colon, value = line.partition(':')
        if not colon or not TOKEN_RE.fullmatch(name):
            raise HttpError(400, 'malformed header line')
        return name, value.strip(' \t')

    def read_body(self, conn, req):
        if req.header('transfer-encoding') is not None:
            raise HttpError(501, 'Transfer-Encoding is not supported, send Content-Length')
        lengths = {v.strip() for v in req.header_values('content-length')}
        if not lengths:
            return b''
        if len(lengths) > 1 or not re.fullmatch(r'[0-9]{1,12}', next(iter(lengths))):
            raise HttpError(400, 'bad Content-Length')
        length = int(lengths.pop())
        if length > self.MAX_BODY:
            raise HttpError(413, 'body too large')
        if length > len(conn.buf) and (req.header('expect') or '').lower() == '100-continue':
            conn.sock.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
        return self.receive_body(conn, length)

    def receive_body(self, conn, length):
        """Exactly `length` bytes of body: what is buffered already, then recv until complete."""
        while len(conn.buf) < length:
            try:
                data = conn.recv_more(self.READ_TIMEOUT)
            except socket.timeout:
                raise HttpError(408, 'body took too long')
            if not data:
                raise ClientGone()
        return conn.take(length)

    # ---- writing a response ----------------------------------------------------------------------

    def send_response(self, conn, req, answer, keep):
        """answer: (status, headers, body). No body for HEAD; Content-Length on everything but 204."""
        status, headers, body = answer
        lines = [f'HTTP/1.1 {status} {self.REASONS[status]}', 'Date: ' + formatdate(usegmt=True)]
        lines += [f'{k}: {v}' for k, v in headers.items()]
        if status != 204:
            lines.append(f'Content-Length: {len(body)}')
        if not keep:
            lines.append('Connection: close')
        elif req is not None and req.version == 'HTTP/1.0':
            lines.append('Connection: keep-alive')
        data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        if req is None or req.method != 'HEAD':
            data += body
        conn.sock.settimeout(self.READ_TIMEOUT)
        conn.sock.sendall(data)


def close_gracefully(sock):
    """Send FIN, then drop what the client still sends for a moment, so it is not reset."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and sock.recv(65536):
            pass
    except OSError:
        pass


def run(server_class, default_port):
    """`python3 server.py PORT`: serve on 127.0.0.1:PORT (default_port without an argument) until ^C."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else default_port
    try:
        server_class(port).serve_forever()
    except KeyboardInterrupt:
        pass
