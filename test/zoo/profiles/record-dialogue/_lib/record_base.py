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
The HTTP plumbing (reading requests, keep-alive, writing responses) is HttpServer, in ../_common.
Run: python3 server.py PORT
"""
import json
import os
import re
import socket
import sys
import traceback

# The shared HTTP plumbing lives in _common beside _lib: ../_common in a scratch copy (or in a
# submission folder holding both), ../../_common in the repository.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_common') for d in ('..', '../..')]
from http_plumbing import REASONS, ClientGone, HttpError, HttpServer, run  # noqa: E402

NAME_RE = re.compile(r'[A-Za-z0-9_-]{1,64}')
DATA_FILE = 'records.json'
FIELDS = ('age', 'city', 'job')
MAX_LINE = 8 * 1024


class RecordServer(HttpServer):
    REASONS = {**REASONS, 300: 'Multiple Choices'}

    def __init__(self, port):
        super().__init__(port)
        self.data_file = os.path.abspath(DATA_FILE)
        self.records = self.load()  # name -> {field: value}; None while there is no records.json

    def error_answer(self, status, message):
        return text(message, status)

    def answer(self, conn, req, keep):
        """(answer, keep) for a request. POST, PUT and DELETE read from conn in their route: a client
        that left ends the connection, a dialogue step that went wrong (HttpError) is answered."""
        try:
            return self.route(conn, req), keep
        except (OSError, ClientGone):
            raise
        except HttpError as e:  # the dialogue's second step went wrong
            return self.error_answer(e.status, e.message), False
        except Exception:
            traceback.print_exc()
            return self.error_answer(500, 'internal error'), False

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


class StudentsFileServer(RecordServer):
    """The course's variant: the store is students.json and every request names that file in its
    target, as the course's client sends it, without the leading slash (`GET students.json HTTP/1.1`,
    `POST students.json HTTP/1.1`; `/students.json` works too). GET of the file answers the whole
    store; there is no GET of one record. Any other target: 404."""

    FILE_NAME = 'students.json'

    def __init__(self, port):
        super().__init__(port)
        self.data_file = os.path.abspath(self.FILE_NAME)
        self.records = self.load()

    def route(self, conn, req):
        if req.method in ('GET', 'HEAD', 'POST', 'PUT', 'DELETE') and req.path.lstrip('/') != self.FILE_NAME:
            return text(f'no file {req.path}', 404)
        return super().route(conn, req)

    def do_GET(self, req):
        with self.lock:
            if self.records is None:
                return text(f'no {self.FILE_NAME}', 404)
        # The whole store: the base answers it for an empty name.
        req.path = '/'
        return super().do_GET(req)


def text(s, status=200):
    """A one-line text/plain answer."""
    return status, {'Content-Type': 'text/plain'}, (s + '\n').encode('utf-8')


def json_answer(status, obj, headers=None, indent=None):
    body = json.dumps(obj, indent=indent) + ('\n' if indent else '')
    return status, {'Content-Type': 'application/json', **(headers or {})}, body.encode('utf-8')


def main(server_class=RecordServer):
    run(server_class, 8080)
