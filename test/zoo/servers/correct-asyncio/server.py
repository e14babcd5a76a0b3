"""correct-asyncio: the record store of SPEC.md ("The reference protocol") on asyncio streams,
written independently of the threaded base.

The store needs no lock: asyncio runs one coroutine at a time, and no request awaits between reading
the store and writing it.

Run: python3 server.py PORT
"""
import asyncio
import json
import re
import sys
from email.utils import formatdate

MAX_HEAD = 8 * 1024
MAX_BODY = 1024 * 1024
IDLE_TIMEOUT = 15  # seconds a kept-alive connection may wait for its next request
HEAD_TIMEOUT = 5  # seconds from the first byte of a request to the end of its header section
BODY_TIMEOUT = 10

STATUS = {
    200: 'OK', 201: 'Created', 204: 'No Content', 300: 'Multiple Choices', 400: 'Bad Request',
    404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
    413: 'Content Too Large', 414: 'URI Too Long', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
    501: 'Not Implemented', 505: 'HTTP Version Not Supported',
}
KNOWN = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
NAME = re.compile(r'[A-Za-z0-9._~-]{1,64}')
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
CTL = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')
HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::[0-9]*)?")
EXT = r"[ \t]*;[ \t]*{t}(?:[ \t]*=[ \t]*(?:{t}|{q}))?".format(
    t=r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", q=r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"')
CHUNK_LINE = re.compile(r'([0-9A-Fa-f]+)(?:' + EXT + ')*')

records = {}  # name -> dict


class Refuse(Exception):
    """Answer with this status and close the connection."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class Gone(Exception):
    """The client went away mid-request."""


def as_json(value):
    return json.dumps(value, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def problem(message):
    return as_json({'error': message})


def strip_eol(line):
    line = line[:-1] if line.endswith(b'\n') else line
    return line[:-1] if line.endswith(b'\r') else line


def field(line):
    """(lowercased name, value) of a header or trailer line."""
    if line[:1] in (' ', '\t'):
        raise Refuse(400, 'obsolete line folding')
    if ':' not in line:
        raise Refuse(400, 'header line without a colon')
    name, value = line.split(':', 1)
    if not TOKEN.fullmatch(name):
        raise Refuse(400, 'malformed header name')
    value = value.strip(' \t')
    if CTL.search(value):
        raise Refuse(400, 'control character in a header value')
    return name.lower(), value


class Request:
    def __init__(self, lines):
        words = lines[0].split(' ')
        self.raw_method = words[0]
        if len(words) != 3:
            raise Refuse(400, 'malformed request line')
        self.method, self.target, version = words
        if not TOKEN.fullmatch(self.method):
            raise Refuse(400, 'malformed method')
        if not re.fullmatch(r'[\x21-\x7e]+', self.target):
            raise Refuse(400, 'malformed request target')
        m = re.fullmatch(r'HTTP/([0-9])(?:\.([0-9]))?', version)
        if not m:
            raise Refuse(400, 'malformed HTTP version')
        if m[1] != '1':
            raise Refuse(505, 'only HTTP/1.x is supported')
        if m[2] is None:
            raise Refuse(400, 'malformed HTTP version')
        self.http10 = m[2] == '0'
        self.fields = [field(line) for line in lines[1:]]
        hosts = self.all('host')
        if len(hosts) > 1 or (not self.http10 and not hosts):
            raise Refuse(400, 'HTTP/1.1 needs exactly one Host header')
        if hosts and not HOST.fullmatch(hosts[0]):
            raise Refuse(400, 'malformed Host header')

    def all(self, name):
        return [v for k, v in self.fields if k == name]

    def tokens(self, name):
        return [t.strip().lower() for v in self.all(name) for t in v.split(',') if t.strip()]

    def keep_alive(self):
        conn = self.tokens('connection')
        return 'close' not in conn and (not self.http10 or 'keep-alive' in conn)


async def read_head(reader):
    """The request line and fields as text lines, or None if the client left or stayed idle."""
    try:
        first = await asyncio.wait_for(reader.read(1), IDLE_TIMEOUT)
    except asyncio.TimeoutError:
        return None
    if not first:
        return None
    try:
        return await asyncio.wait_for(read_lines(reader, first), HEAD_TIMEOUT)
    except asyncio.TimeoutError:
        raise Refuse(408, 'header section too slow')


async def read_lines(reader, first):
    lines, size, pending = [], 0, first
    while True:
        if pending == b'\n':
            line = pending
        else:
            try:
                line = pending + await reader.readline()
            except ValueError:  # longer than the stream's limit
                # RFC 9112 3: a request line longer than the server will parse gets 414; the rest of the head 431.
                raise Refuse(431 if lines else 414, 'header section too large')
        pending = b''
        if not line.endswith(b'\n'):
            raise Gone()
        size += len(line)
        if size > MAX_HEAD + 2:
            raise Refuse(431 if lines else 414, 'header section too large')
        text = strip_eol(line).decode('latin-1')
        if text == '':
            if lines:
                return lines
            continue  # empty lines before a request line are ignored
        lines.append(text)


async def read_body(reader, writer, req):
    te, cl = req.all('transfer-encoding'), req.all('content-length')
    if te and cl:
        raise Refuse(400, 'Content-Length together with Transfer-Encoding')
    if te:
        if req.http10:
            raise Refuse(400, 'Transfer-Encoding in an HTTP/1.0 request')
        codings = [c.split(';')[0].strip(' \t') for c in req.tokens('transfer-encoding')]
        if 'chunked' in codings and codings[-1] != 'chunked':  # RFC 9112 6.3: chunked not last
            raise Refuse(400, 'chunked is not the last transfer coding')
        if any(c != 'chunked' for c in codings):
            raise Refuse(501, 'unsupported transfer coding')
        if codings != ['chunked']:
            raise Refuse(400, 'malformed Transfer-Encoding')
        await interim(writer, req)
        return await timed(read_chunked(reader))
    if cl:
        given = [x.strip(' \t') for v in cl for x in v.split(',')]
        if not all(re.fullmatch(r'[0-9]+', x) for x in given):
            raise Refuse(400, 'malformed Content-Length')
        lengths = {x.lstrip('0') or '0' for x in given}
        if len(lengths) != 1:
            raise Refuse(400, 'conflicting Content-Length')
        digits = lengths.pop()
        length = int(digits) if len(digits) < 16 else MAX_BODY + 1
        if length > MAX_BODY:
            raise Refuse(413, 'body too large')
        if length > 0:
            await interim(writer, req)
        return await timed(exactly(reader, length))
    return b''


async def interim(writer, req):
    if not req.http10 and '100-continue' in req.tokens('expect'):
        writer.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        await writer.drain()


async def timed(coro):
    try:
        return await asyncio.wait_for(coro, BODY_TIMEOUT)
    except asyncio.TimeoutError:
        raise Refuse(408, 'body too slow')


async def exactly(reader, n):
    try:
        return await reader.readexactly(n)
    except asyncio.IncompleteReadError:
        raise Gone()


async def line_of(reader):
    try:
        line = await reader.readline()
    except ValueError:
        raise Refuse(400, 'line too long in chunked body')
    if not line.endswith(b'\n'):
        raise Gone()
    return strip_eol(line)


async def read_chunked(reader):
    parts, total = [], 0
    while True:
        line = await line_of(reader)
        m = CHUNK_LINE.fullmatch(line.decode('latin-1')) if len(line) <= 4096 else None
        if not m:
            raise Refuse(400, 'malformed chunk size line')
        n = int(m[1], 16)
        total += n
        if total > MAX_BODY:
            raise Refuse(413, 'body too large')
        if n == 0:
            break
        parts.append(await exactly(reader, n))
        if await line_of(reader) != b'':
            raise Refuse(400, 'chunk data not followed by CRLF')
    trailers = 0
    while True:
        line = await line_of(reader)
        if not line:
            return b''.join(parts)
        trailers += len(line)
        if trailers > MAX_HEAD:
            raise Refuse(431, 'trailer section too large')
        field(line.decode('latin-1'))  # checked, then ignored


def no_constants(name):
    raise ValueError(f'{name} is not JSON')


def parse_object(body):
    if not body:
        raise ValueError('a JSON object body is required')
    try:
        value = json.loads(body.decode('utf-8'), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError('the body is not valid JSON')
    if not isinstance(value, dict):
        raise ValueError('the body must be a JSON object')
    return value


def respond_to(method, target, body):
    """(status, headers, body) for a complete request."""
    absolute = re.match(r'https?://[^/?#]*', target, re.IGNORECASE)  # absolute-form: keep the path
    if absolute:
        target = target[absolute.end():] or '/'
    target = target.split('?', 1)[0] or '/'  # the query is ignored, as the reference server does
    if method not in KNOWN:
        allow = 'GET, HEAD' if target == '/' else ', '.join(KNOWN)
        return 405, {'Allow': allow}, problem(f'method {method} is not implemented')
    if target == '/':
        if method in ('GET', 'HEAD'):
            return 300, {}, as_json(['/' + n for n in sorted(records)])
        return 405, {'Allow': 'GET, HEAD'}, problem(f'{method} is not allowed on /')
    # /{name} only: a segment that is not a name (. and .. never are) is 400; /a/b made of names, 404.
    segments = target[1:].split('/') if target.startswith('/') else ['']
    if not all(NAME.fullmatch(s) and s not in ('.', '..') for s in segments):
        return 400, {}, problem('invalid record name')
    if len(segments) > 1:
        return 404, {}, problem('no such resource: the paths are / and /{name}')
    name = segments[0]
    not_found = (404, {}, problem(f'no record named {name}'))
    if method in ('GET', 'HEAD'):
        return (200, {}, as_json(records[name])) if name in records else not_found
    if method == 'DELETE':
        return (204, {}, b'') if records.pop(name, None) is not None else not_found
    try:
        value = parse_object(body)
    except ValueError as e:
        return 400, {}, problem(str(e))
    if method == 'POST':
        if name in records:
            return 409, {}, problem(f'{name} already exists')
        records[name] = value
        return 201, {'Location': target}, as_json(value)
    if method == 'PUT':
        created = name not in records
        records[name] = value
        return (201, {'Location': target}, as_json(value)) if created else (200, {}, as_json(value))
    if name not in records:  # PATCH
        return not_found
    records[name] = {**records[name], **value}
    return 200, {}, as_json(records[name])


def response(status, headers, body, with_body, connection=None):
    head = [f'HTTP/1.1 {status} {STATUS[status]}', f'Date: {formatdate(usegmt=True)}']
    if body:
        head.append('Content-Type: application/json')
    if status != 204:
        head.append(f'Content-Length: {len(body)}')
    head += [f'{k}: {v}' for k, v in headers.items()]
    if connection:
        head.append(f'Connection: {connection}')
    return ('\r\n'.join(head) + '\r\n\r\n').encode('latin-1') + (body if with_body else b'')


async def linger_close(reader, writer):
    """FIN first, then drop what the client still sends for up to a second, then close."""
    try:
        if writer.can_write_eof():
            writer.write_eof()
        async with asyncio.timeout(1):
            while await reader.read(65536):
                pass
    except (OSError, TimeoutError):
        pass
    writer.close()


async def client(reader, writer):
    try:
        while True:
            req, method_word = None, ''
            try:
                lines = await read_head(reader)
                if lines is None:
                    break
                method_word = lines[0].split(' ')[0]
                req = Request(lines)
                body = await read_body(reader, writer, req)
            except Refuse as r:
                with_body = method_word != 'HEAD'
                writer.write(response(r.status, r.headers, problem(r.message), with_body, 'close'))
                await writer.drain()
                break
            keep = req.keep_alive()
            status, headers, payload = respond_to(req.method, req.target, body)
            connection = None if keep and not req.http10 else 'keep-alive' if keep else 'close'
            writer.write(response(status, headers, payload, req.method != 'HEAD', connection))
            await asyncio.wait_for(writer.drain(), BODY_TIMEOUT)
            if not keep:
                break
        await linger_close(reader, writer)
    except (Gone, OSError, asyncio.TimeoutError):
        writer.close()
    except Exception as e:  # a bug of ours: log it, drop this client, keep serving the others
        print(f'error: {e!r}', file=sys.stderr, flush=True)
        writer.close()


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    server = await asyncio.start_server(client, '127.0.0.1', port, limit=MAX_HEAD + 2, backlog=128)
    print(f'listening on 127.0.0.1:{port}', flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
