"""The record-dialogue assignment, the way a careful student would write it.

records.json in the cwd holds {name: {"age": .., "city": .., "job": ..}}.
    GET|HEAD /{name}   (or "GET name", without the slash)  200 + the record as JSON, 404 if absent
    GET|HEAD /         200 + the whole file
    POST, PUT, DELETE  a dialogue on one connection: the server answers 300 Multiple Choices with a
                       one-line prompt, the client sends ONE line of space-separated values:
                         POST    "send: name age city job"  -> 201 + the record (400 if name exists)
                         PUT     "send: name field value"   -> 200 + the record (400: unknown name/field)
                         DELETE  "send: name"               -> 200 + the removed record (400: unknown)
                       A line with the wrong number of values: 400. The request target is not used.
    other methods      400
    no records.json    GET: 404 (the first POST creates the file)

Every server of this profile subclasses RecordServer and overrides ONE method, where its bug lives.
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
    100: 'Continue', 200: 'OK', 201: 'Created', 204: 'No Content', 300: 'Multiple Choices',
    400: 'Bad Request',
    404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Content Too Large',
    431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented',
    505: 'HTTP Version Not Supported',
}
TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
VERSION_RE = re.compile(r'HTTP/([0-9])\.([0-9])')
HEAD_END_RE = re.compile(rb'\r?\n\r?\n')
NAME_RE = re.compile(r'[A-Za-z0-9_-]{1,64}')
DATA_FILE = 'records.json'
FIELDS = ('age', 'city', 'job')
MAX_LINE = 8 * 1024


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


class RecordServer:
    IDLE_TIMEOUT = 15.0  # a kept-alive connection with no new request is closed
    READ_TIMEOUT = 10.0  # a request, once started, must keep coming
    MAX_HEAD = 16 * 1024
    MAX_BODY = 16 * 1024 * 1024

    def __init__(self, port):
        self.port = port
        self.data_file = os.path.abspath(DATA_FILE)
        self.records = self.load()  # name -> {field: value}; None while there is no records.json
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
            self.send_response(conn, None, text(e.message, e.status), keep=False)
            return False
        if req is None:
            return False
        keep = self.keep_alive(req)
        try:
            answer = self.route(conn, req)
        except (OSError, ClientGone):
            raise
        except HttpError as e:  # the dialogue's second step went wrong
            answer, keep = text(e.message, e.status), False
        except Exception:
            traceback.print_exc()
            answer, keep = text('internal error', 500), False
        self.send_response(conn, req, answer, keep)
        return keep

    def keep_alive(self, req):
        tokens = [t.strip().lower() for v in req.header_values('connection') for t in v.split(',')]
        if 'close' in tokens:
            return False
        return req.version == 'HTTP/1.1' or 'keep-alive' in tokens

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
        m = VERSION_RE.fullmatch(version)
        if not m:
            raise HttpError(400, 'malformed HTTP version')
        if m.group(1) != '1':
            raise HttpError(505, 'only HTTP/1.x is supported')
        return method, target, 'HTTP/1.0' if version == 'HTTP/1.0' else 'HTTP/1.1'

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

    # ---- the records -----------------------------------------------------------------------------

    def route(self, conn, req):
        """(status, headers, body) for a request; POST, PUT and DELETE talk with the client first."""
        if req.method in ('GET', 'HEAD'):
            return self.do_GET(req)
        if req.method == 'POST':
            return self.do_POST(conn, req)
        if req.method == 'PUT':
            return self.do_PUT(conn, req)
        if req.method == 'DELETE':
            return self.do_DELETE(conn, req)
        return text(f'unknown method {req.method}', 400)

    def do_GET(self, req):
        name = req.path[1:] if req.path.startswith('/') else req.path  # "GET alice" works too
        with self.lock:
            if self.records is None:
                return text(f'no {DATA_FILE}', 404)
            if name == '':
                return json_answer(200, self.records, indent=2)
            if name not in self.records:
                return text(f'no record named {name}', 404)
            return json_answer(200, self.records[name])

    def dialogue(self, conn, req, prompt):
        """Answer 300 with a prompt, then read one line of space-separated values on this connection."""
        self.send_response(conn, req, text('send: ' + prompt, 300), keep=True)
        return self.read_line(conn).split()

    def read_line(self, conn):
        while True:
            i = conn.buf.find(b'\n')
            if i >= 0:
                return conn.take(i + 1).decode('utf-8', 'replace')
            if len(conn.buf) > MAX_LINE:
                raise HttpError(400, 'line too long')
            try:
                data = conn.recv_more(self.READ_TIMEOUT)
            except socket.timeout:
                raise HttpError(408, 'no line of values came')
            if not data:
                if conn.buf:  # the last line, without its newline
                    return conn.take(len(conn.buf)).decode('utf-8', 'replace')
                raise ClientGone()

    def do_POST(self, conn, req):
        values = self.dialogue(conn, req, 'name age city job')
        if len(values) != 4 or not NAME_RE.fullmatch(values[0]):
            return text('expected: name age city job', 400)
        name, fields = values[0], dict(zip(FIELDS, values[1:]))
        with self.lock:
            records = self.records if self.records is not None else {}
            if not self.create(records, name, fields):
                return text(f'{name} exists already', 400)
            self.records = records
            self.save()
        return json_answer(201, fields, {'Location': '/' + name})

    def create(self, records, name, fields):
        """Add a new record; False if the name is taken."""
        if name in records:
            return False
        records[name] = fields
        return True

    def do_PUT(self, conn, req):
        values = self.dialogue(conn, req, 'name field value')
        if len(values) != 3:
            return text('expected: name field value', 400)
        name, field, value = values
        with self.lock:
            if self.records is None or name not in self.records:
                return text(f'no record named {name}', 400)
            if field not in FIELDS:
                return text(f'no field named {field}, the fields are {" ".join(FIELDS)}', 400)
            self.records[name][field] = value
            self.save()
            return json_answer(200, self.records[name])

    def do_DELETE(self, conn, req):
        values = self.dialogue(conn, req, 'name')
        if len(values) != 1:
            return text('expected: name', 400)
        with self.lock:
            if self.records is None or values[0] not in self.records:
                return text(f'no record named {values[0]}', 400)
            removed = self.records.pop(values[0])
            self.save()
        return json_answer(200, removed)

    def load(self):
        try:
            with open(self.data_file, encoding='utf-8') as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def save(self):
        """Rewrite records.json (a temp file, then rename: never half a file)."""
        tmp = self.data_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(json.dumps(self.records, indent=2) + '\n')
        os.replace(tmp, self.data_file)

    # ---- writing a response ----------------------------------------------------------------------

    def send_response(self, conn, req, answer, keep):
        """answer: (status, headers, body). No body for HEAD; Content-Length on everything but 204."""
        status, headers, body = answer
        lines = [f'HTTP/1.1 {status} {REASONS[status]}', 'Date: ' + formatdate(usegmt=True)]
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


def text(s, status=200):
    """A one-line text/plain answer."""
    return status, {'Content-Type': 'text/plain'}, (s + '\n').encode('utf-8')


def json_answer(status, obj, headers=None, indent=None):
    body = json.dumps(obj, indent=indent) + ('\n' if indent else '')
    return status, {'Content-Type': 'application/json', **(headers or {})}, body.encode('utf-8')


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


def main(server_class=RecordServer):
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    try:
        server_class(port).serve_forever()
    except KeyboardInterrupt:
        pass
