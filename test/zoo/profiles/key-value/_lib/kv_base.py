"""The key-value assignment, the way a careful student would write it.

The route is the path, or, as the course teaches, carried in the Host header after the host
(`POST / HTTP/1.1` + `Host: 127.0.0.1/create`):
    POST /create       body key:value   201 (400 when the body has no colon or no key)
    PUT /update        body key:value   200, or 400 when the key is absent
    GET|HEAD /index.html                200 text/html, the pairs as key:value lines in a <pre>
    a route with another method         405 + Allow
    any other path                      404
The pairs are kept in store.txt in the cwd (key:value lines), so they survive a restart.

Every server of this profile subclasses KeyValueServer and overrides ONE method, where its bug lives.
The HTTP plumbing (reading requests, keep-alive, writing responses) is HttpServer, in ../_common.
Run: python3 server.py PORT
"""
import html
import os
import sys
import traceback

# The shared HTTP plumbing lives in _common beside _lib: ../_common in a scratch copy (or in a
# submission folder holding both), ../../_common in the repository.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_common') for d in ('..', '../..')]
from http_plumbing import HttpServer, run  # noqa: E402

DATA_FILE = 'store.txt'
ROUTES = {'/create': 'POST', '/update': 'PUT', '/index.html': 'GET, HEAD'}


class KeyValueServer(HttpServer):
    def __init__(self, port):
        super().__init__(port)
        self.data_file = os.path.abspath(DATA_FILE)
        self.store = self.load()  # key -> value, in the order they were created

    def error_answer(self, status, message):
        return text(message, status)

    # ---- the store -------------------------------------------------------------------------------

    def route(self, req):
        """(status, headers, body) for a request."""
        path = self.route_of(req)
        if path not in ROUTES:
            return text('not found', 404)
        if req.method not in ROUTES[path].split(', '):
            return 405, {'Allow': ROUTES[path], 'Content-Type': 'text/plain'}, b'method not allowed\n'
        if path == '/index.html':
            return self.index()
        pair = self.parse_pair(req.body)
        if pair is None:
            return text('the body must be key:value', 400)
        if path == '/create':
            return self.create(*pair)
        return self.update(*pair)

    def route_of(self, req):
        """The path, or the route after the host in the Host header (`Host: 127.0.0.1/create`)."""
        host = req.header('host', '')
        if req.path == '/' and '/' in host:
            return '/' + host.split('/', 1)[1]
        return req.path

    def parse_pair(self, body):
        """(key, value) from a `key:value` body, or None when it is not one."""
        line = body.decode('utf-8', 'replace').strip()
        key, colon, value = line.partition(':')
        key, value = key.strip(), value.strip()
        if not colon or not key or '\n' in line:
            return None
        return key, value

    def create(self, key, value):
        with self.lock:
            self.store[key] = value
            self.save()
        return text(f'{key}:{value}', 201)

    def update(self, key, value):
        with self.lock:
            if key not in self.store:
                return text(f'no key {key}', 400)
            self.store[key] = value
            self.save()
        return text(f'{key}:{value}')

    def index(self):
        with self.lock:
            lines = ''.join(f'{html.escape(k)}:{html.escape(v)}\n' for k, v in self.store.items())
        page = ('<!DOCTYPE html>\n<html><head><title>Store</title></head>\n'
                f'<body><pre>\n{lines}</pre></body></html>\n')
        return 200, {'Content-Type': 'text/html; charset=utf-8'}, page.encode('utf-8')

    def load(self):
        store = {}
        try:
            with open(self.data_file, encoding='utf-8') as f:
                for line in f:
                    key, _, value = line.rstrip('\n').partition(':')
                    store[key] = value
        except FileNotFoundError:
            pass
        return store

    def save(self):
        """Rewrite store.txt, one key:value per line (a temp file, then rename)."""
        tmp = self.data_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(''.join(f'{k}:{v}\n' for k, v in self.store.items()))
        os.replace(tmp, self.data_file)


class HostRoutedServer(KeyValueServer):
    """The course's other variant: clients always send `/` and the route ONLY in the Host header
    (`GET / HTTP/1.1` + `Host: 127.0.0.1/index.html`); the path is not looked at. A Host without a
    route (`Host: localhost`) names no route: 404."""

    def route_of(self, req):
        host = req.header('host', '')
        if '/' not in host:
            return None
        return '/' + host.split('/', 1)[1]


def text(s, status=200):
    """A one-line text/plain answer."""
    return status, {'Content-Type': 'text/plain'}, (s + '\n').encode('utf-8')


def crash():
    """What an uncaught exception does to a single-threaded student server: print the traceback and
    end the process. (Here each connection has a thread, where it would only end that thread.)"""
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(1)


def main(server_class=KeyValueServer):
    run(server_class, 8080)
