"""The "build your own HTTP server" assignment, the way a careful student would write it.

Routes:
    GET /               200, empty body
    GET /echo/{s}       200 text/plain, body s (gzip-compressed, with Content-Encoding: gzip, when
                        the request's Accept-Encoding lists gzip)
    GET /user-agent     200 text/plain, body = the User-Agent header's value
    GET /files/{name}   200 application/octet-stream with the file's bytes, or 404
    POST /files/{name}  store the body in files/{name} byte for byte, 201
    any other path      404 (a method other than GET, HEAD, POST: 405)
HEAD is answered like GET, without the body. Files live in ./files (created at start). Connections
persist (HttpServer's keep-alive) and each has its own thread.

Every server of this profile subclasses ByoServer and overrides ONE method, where its bug lives.
The HTTP plumbing (reading requests, keep-alive, writing responses) is HttpServer, in ../_common.
Run: python3 server.py PORT
"""
import gzip
import os
import re
import sys
import threading

# The shared HTTP plumbing lives in _common beside _lib: ../_common in a scratch copy (or in a
# submission folder holding both), ../../_common in the repository.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_common') for d in ('..', '../..')]
from http_plumbing import HttpServer, run  # noqa: E402

FILE_NAME_RE = re.compile(r'[A-Za-z0-9._~-]+')


class ByoServer(HttpServer):
    def __init__(self, port):
        super().__init__(port)
        self.files_dir = os.path.abspath('files')
        os.makedirs(self.files_dir, exist_ok=True)

    def error_answer(self, status, message):
        return text(message, status)

    # ---- the routes ------------------------------------------------------------------------------

    def route(self, req):
        """(status, headers, body) for a request."""
        if req.method not in ('GET', 'HEAD', 'POST'):
            return 405, {'Allow': 'GET, HEAD, POST'}, b''
        path, reading = req.path, req.method in ('GET', 'HEAD')
        if path == '/' and reading:
            return 200, {}, b''
        if path.startswith('/echo/') and reading:
            return self.echo(req, path[len('/echo/'):])
        if path == '/user-agent' and reading:
            return text(self.user_agent(req))
        if path.startswith('/files/'):
            name = path[len('/files/'):]
            if not FILE_NAME_RE.fullmatch(name) or name in ('.', '..'):
                return self.not_found()
            if reading:
                return self.get_file(name)
            return self.post_file(name, req.body)
        return self.unknown_path(req)

    def echo(self, req, s):
        if self.accepts_gzip(req):
            return 200, {'Content-Type': 'text/plain', 'Content-Encoding': 'gzip'}, gzip.compress(s.encode('latin-1'))
        return text(s)

    def accepts_gzip(self, req):
        """Does Accept-Encoding list gzip (a list of codings, each maybe with ;q=, q=0 meaning "not this")?"""
        for value in req.header_values('accept-encoding'):
            for item in value.split(','):
                coding, _, params = item.partition(';')
                if coding.strip().lower() != 'gzip':
                    continue
                q = re.search(r'q\s*=\s*([0-9.]+)', params)
                try:
                    if q is None or float(q.group(1)) > 0:
                        return True
                except ValueError:
                    return True
        return False

    def user_agent(self, req):
        return req.header('user-agent', '')

    def get_file(self, name):
        try:
            with open(os.path.join(self.files_dir, name), 'rb') as f:
                data = f.read()
        except (FileNotFoundError, IsADirectoryError):
            return self.not_found()
        return 200, {'Content-Type': 'application/octet-stream'}, data

    def post_file(self, name, data):
        path = os.path.join(self.files_dir, name)
        with self.lock:  # temp file + rename: a reader never sees half a file
            tmp = f'{path}.{threading.get_ident()}.tmp'
            with open(tmp, 'wb') as f:
                f.write(data)
            os.replace(tmp, path)
        return 201, {}, b''

    def unknown_path(self, req):
        return self.not_found()

    def not_found(self):
        return 404, {}, b''


def text(s, status=200):
    """A text/plain answer (header values and paths are latin-1 text: this gives their bytes back)."""
    return status, {'Content-Type': 'text/plain'}, s.encode('latin-1')


def main(server_class=ByoServer):
    run(server_class, 4221)
