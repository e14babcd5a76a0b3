"""The text-file assignment, the way a careful student would write it.

One text resource, /index.txt (index.txt in the cwd, which starts as "hello\n"), and the ones POST
creates (/{name}.txt, name made of letters, digits, _ and -):
    GET|HEAD /{name}.txt   200 text/plain with the content; 404 for anything else
    PUT /{name}.txt        replace the content: 200 + the new content (404 if it does not exist)
    PATCH /{name}.txt      append the body: 200 + the new content (404 if it does not exist)
    POST /{name}.txt       create it with the body: 201 + Location (409 if it exists already)
    a write with an empty body     204, nothing changes
    any other method               405 + Allow
    any version but HTTP/1.1       505 (and close)

Every server of this profile subclasses TextServer and overrides ONE method, where its bug lives.
The HTTP plumbing (reading requests, keep-alive, writing responses) is HttpServer, in ../_common.
Run: python3 server.py PORT
"""
import os
import re
import sys
import threading

# The shared HTTP plumbing lives in _common beside _lib: ../_common in a scratch copy (or in a
# submission folder holding both), ../../_common in the repository.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_common') for d in ('..', '../..')]
from http_plumbing import REASONS, HttpError, HttpServer, run  # noqa: E402

RESOURCE_RE = re.compile(r'/([A-Za-z0-9_-]{1,64}\.txt)')
METHODS = ('GET', 'HEAD', 'PUT', 'PATCH', 'POST')


class TextServer(HttpServer):
    REASONS = {**REASONS, 409: 'Conflict'}

    def __init__(self, port):
        super().__init__(port)
        self.dir = os.path.abspath('.')  # the .txt resources are files in the cwd

    def error_answer(self, status, message):
        return text(message, status)

    def parse_version(self, version):
        """Kept as sent: 400 unless it starts with HTTP/, then check_version decides."""
        if not version.startswith('HTTP/'):
            raise HttpError(400, 'malformed HTTP version')
        self.check_version(version)
        return version

    def check_version(self, version):
        """The assignment: this server speaks HTTP/1.1 and nothing else."""
        if version != 'HTTP/1.1':
            raise HttpError(505, 'only HTTP/1.1 is supported')

    # ---- the resources -------------------------------------------------------------------------

    def route(self, req):
        """(status, headers, body) for a request."""
        if req.method not in METHODS:
            return 405, {'Allow': ', '.join(METHODS)}, b''
        name = self.resource_name(req.path)
        if name is None:
            return not_found()
        with self.lock:  # one request at a time touches the files
            if req.method in ('GET', 'HEAD'):
                return self.do_GET(name)
            return self.do_write(req.method, name, req.body)

    def resource_name(self, path):
        """The file a target names (/{name}.txt gives {name}.txt), or None."""
        m = RESOURCE_RE.fullmatch(path)
        return m.group(1) if m else None

    def do_GET(self, name):
        content = self.load(name)
        if content is None:
            return not_found()
        return 200, {'Content-Type': 'text/plain'}, content

    def do_write(self, method, name, body):
        old = self.load(name)
        if method == 'POST':
            if self.no_data(body):
                return 204, {}, b''
            if old is not None:
                return 409, {'Content-Type': 'text/plain'}, f'{name} already exists\n'.encode()
            self.save(name, body)
            return 201, {'Content-Type': 'text/plain', 'Location': '/' + name}, body
        if old is None:
            return not_found()
        if self.no_data(body):
            return 204, {}, b''
        new = body if method == 'PUT' else self.append(old, body)
        self.save(name, new)
        return 200, {'Content-Type': 'text/plain'}, new

    def no_data(self, body):
        """A write without data changes nothing (answered 204)."""
        return len(body) == 0

    def append(self, old, data):
        return old + data

    def load(self, name):
        try:
            with open(os.path.join(self.dir, name), 'rb') as f:
                return f.read()
        except (OSError, ValueError):  # missing, a folder, a name the file system refuses
            return None

    def save(self, name, content):
        path = os.path.join(self.dir, name)
        tmp = f'{path}.{threading.get_ident()}.tmp'
        with open(tmp, 'wb') as f:
            f.write(content)
        os.replace(tmp, path)


def text(s, status=200):
    """A text/plain answer."""
    return status, {'Content-Type': 'text/plain'}, (s + '\n').encode('latin-1')


def not_found():
    return text('not found', 404)


def main(server_class=TextServer):
    run(server_class, 8080)
