// correct-node: the record store of SPEC.md ("The reference protocol") on node:net, written
// independently of the Python base. One small state machine per connection: head, then body
// (Content-Length or chunked), then the answer; pipelined requests are answered in order.
//
// Run: node server.js PORT
'use strict';
const net = require('node:net');

const MAX_HEAD = 8 * 1024;
const MAX_BODY = 1024 * 1024;
const IDLE_MS = 15000; // no request on a kept-alive connection: close quietly
const HEAD_MS = 5000; // a started header section must be complete by then: 408
const BODY_MS = 10000; // no progress on a body for that long: 408

const REASONS = {
  200: 'OK', 201: 'Created', 204: 'No Content', 300: 'Multiple Choices', 400: 'Bad Request',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Content Too Large', 414: 'URI Too Long', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 505: 'HTTP Version Not Supported',
};
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NAME = /^[A-Za-z0-9._~-]{1,64}$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::\d*)?$/;
const T = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"';
const CHUNK_LINE = new RegExp(`^([0-9A-Fa-f]+)(?:[ \\t]*;[ \\t]*${T}(?:[ \\t]*=[ \\t]*(?:${T}|${QUOTED}))?)*$`);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** name -> record (a plain object) */
const store = new Map();

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const json = (value) => Buffer.from(JSON.stringify(value), 'utf8');
const errorBody = (message) => json({ error: message });

function values(headers, name) {
  return headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
}
function tokens(headers, name) {
  return values(headers, name)
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** One header (or trailer) field line: [name, value]. Throws HttpError. */
function parseField(line) {
  if (line.startsWith(' ') || line.startsWith('\t')) throw new HttpError(400, 'obsolete line folding');
  const colon = line.indexOf(':');
  if (colon < 0) throw new HttpError(400, 'header line without a colon');
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) throw new HttpError(400, 'malformed header name');
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new HttpError(400, 'control character in a header value');
  return [name, value];
}

/** Parse the request line and header fields; decide how the body is framed. Throws HttpError. */
function parseHead(text) {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const parts = lines[0].split(' ');
  if (parts.length !== 3) throw new HttpError(400, 'malformed request line');
  const [method, target, version] = parts;
  if (!TOKEN.test(method)) throw new HttpError(400, 'malformed method');
  if (!/^[\x21-\x7e]+$/.test(target)) throw new HttpError(400, 'malformed request target');
  const v = /^HTTP\/(\d)(?:\.(\d))?$/.exec(version);
  if (!v) throw new HttpError(400, 'malformed HTTP version');
  if (v[1] !== '1') throw new HttpError(505, 'only HTTP/1.x is supported');
  if (v[2] === undefined) throw new HttpError(400, 'malformed HTTP version');
  const http10 = v[2] === '0';

  const headers = lines.slice(1).map(parseField);
  const hosts = values(headers, 'host');
  if (hosts.length > 1 || (!http10 && hosts.length === 0)) throw new HttpError(400, 'HTTP/1.1 needs exactly one Host header');
  if (hosts.length === 1 && !HOST.test(hosts[0])) throw new HttpError(400, 'malformed Host header');

  const req = { method, target, http10, headers, framing: 'none', length: 0 };
  const te = values(headers, 'transfer-encoding');
  const cl = values(headers, 'content-length');
  if (te.length > 0 && cl.length > 0) throw new HttpError(400, 'Content-Length together with Transfer-Encoding');
  if (te.length > 0) {
    if (http10) throw new HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    const codings = tokens(headers, 'transfer-encoding').map((c) => c.split(';')[0].replace(/^[ \t]+|[ \t]+$/g, ''));
    // RFC 9112 6.3: chunked named but not last leaves the body length unknown.
    if (codings.includes('chunked') && codings[codings.length - 1] !== 'chunked') throw new HttpError(400, 'chunked is not the last transfer coding');
    if (codings.some((c) => c !== 'chunked')) throw new HttpError(501, 'unsupported transfer coding');
    if (codings.length !== 1) throw new HttpError(400, 'malformed Transfer-Encoding');
    req.framing = 'chunked';
  } else if (cl.length > 0) {
    const all = cl.flatMap((x) => x.split(',')).map((x) => x.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (!all.every((x) => /^[0-9]+$/.test(x))) throw new HttpError(400, 'malformed Content-Length');
    const distinct = new Set(all.map((x) => x.replace(/^0+(?=\d)/, '')));
    if (distinct.size !== 1) throw new HttpError(400, 'conflicting Content-Length');
    const [digits] = distinct;
    const length = digits.length > 15 ? Infinity : Number(digits);
    if (length > MAX_BODY) throw new HttpError(413, 'body too large');
    req.framing = 'length';
    req.length = length;
  }
  const conn = tokens(headers, 'connection');
  req.keepAlive = !conn.includes('close') && (!http10 || conn.includes('keep-alive'));
  return req;
}

function jsonObject(body) {
  if (body.length === 0) throw new HttpError(400, 'a JSON object body is required');
  let value;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'the body must be a JSON object');
  return value;
}

/** The answer to a complete request: [status, headers, body]. */
function route(req, body) {
  const { method } = req;
  // An absolute-form target (http://host/path) must be accepted too: keep its path.
  // The query is ignored, as the reference server does.
  const target = req.target.replace(/^https?:\/\/[^/?#]*/i, '').replace(/\?.*$/s, '') || '/';
  if (!METHODS.includes(method)) {
    return [405, { Allow: target === '/' ? 'GET, HEAD' : METHODS.join(', ') }, errorBody(`method ${method} is not implemented`)];
  }
  if (target === '/') {
    if (method === 'GET' || method === 'HEAD') return [300, {}, json([...store.keys()].sort().map((n) => '/' + n))];
    return [405, { Allow: 'GET, HEAD' }, errorBody(`${method} is not allowed on /`)];
  }
  // /{name} only: a segment that is not a name (. and .. never are) is 400; /a/b made of names is 404.
  const segments = target.startsWith('/') ? target.slice(1).split('/') : [''];
  if (!segments.every((s) => NAME.test(s) && s !== '.' && s !== '..')) return [400, {}, errorBody('invalid record name')];
  if (segments.length > 1) return [404, {}, errorBody('no such resource: the paths are / and /{name}')];
  const name = segments[0];
  const missing = () => [404, {}, errorBody(`no record named ${name}`)];

  switch (method) {
    case 'GET':
    case 'HEAD':
      return store.has(name) ? [200, {}, json(store.get(name))] : missing();
    case 'DELETE':
      return store.delete(name) ? [204, {}, Buffer.alloc(0)] : missing();
  }
  const obj = jsonObject(body);
  switch (method) {
    case 'POST':
      if (store.has(name)) return [409, {}, errorBody(`${name} already exists`)];
      store.set(name, obj);
      return [201, { Location: '/' + name }, json(obj)];
    case 'PUT': {
      const existed = store.has(name);
      store.set(name, obj);
      return existed ? [200, {}, json(obj)] : [201, { Location: '/' + name }, json(obj)];
    }
    default: {
      // PATCH
      if (!store.has(name)) return missing();
      const merged = { ...store.get(name), ...obj };
      store.set(name, merged);
      return [200, {}, json(merged)];
    }
  }
}

class Connection {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.state = 'head'; // head | length | chunk-size | chunk-data | chunk-end | trailer
    this.req = null;
    this.parts = [];
    this.bodySize = 0;
    this.left = 0;
    this.headStarted = 0;
    this.peerEnded = false;
    this.done = false;
    this.timer = null;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      if (this.done) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.pump();
    });
    socket.on('end', () => {
      this.peerEnded = true;
      if (this.done) socket.destroy();
      else this.pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clearTimeout(this.timer));
    socket.on('drain', () => this.pump());
    this.arm();
  }

  /** (Re)start the timer for what we are waiting for. */
  arm() {
    clearTimeout(this.timer);
    if (this.done) return;
    let ms;
    if (this.state === 'head') ms = this.buf.length === 0 ? IDLE_MS : HEAD_MS - (Date.now() - this.headStarted);
    else ms = BODY_MS;
    this.timer = setTimeout(() => this.onTimeout(), Math.max(0, ms));
  }

  onTimeout() {
    if (this.done) return;
    if (this.state === 'head' && this.buf.length === 0) this.finish();
    else this.fail(new HttpError(408, this.state === 'head' ? 'header section too slow' : 'body too slow'));
  }

  takeLine(limit) {
    const i = this.buf.indexOf(10);
    if (i < 0) {
      if (this.buf.length > limit) throw new HttpError(400, 'line too long in chunked body');
      return null;
    }
    let line = this.buf.subarray(0, i);
    this.buf = this.buf.subarray(i + 1);
    if (line.length && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    return line.toString('latin1');
  }

  pump() {
    try {
      while (!this.done && !this.socket.writableNeedDrain) {
        if (!this.step()) break;
      }
    } catch (err) {
      if (err instanceof HttpError) this.fail(err);
      else {
        console.error(err);
        this.fail(new HttpError(500, 'internal error'));
      }
      return;
    }
    if (this.done || this.socket.writableNeedDrain) return; // 'drain' calls pump again
    if (this.peerEnded) return this.finish(); // the client left mid-request, or between requests
    this.arm();
  }

  /** Make progress with what is buffered; false when more bytes are needed. */
  step() {
    switch (this.state) {
      case 'head': {
        while (this.buf[0] === 10 || (this.buf[0] === 13 && this.buf[1] === 10)) this.buf = this.buf.subarray(this.buf[0] === 13 ? 2 : 1);
        if (this.buf.length === 0) return false;
        if (!this.headStarted) this.headStarted = Date.now();
        const window = this.buf.toString('latin1', 0, Math.min(this.buf.length, MAX_HEAD + 4));
        const end = /\n\r?\n/.exec(window);
        if (!end || end.index > MAX_HEAD) {
          // RFC 9112 §3: a request line longer than the server will parse gets 414; the rest of the head 431.
          if (this.buf.length > MAX_HEAD) throw new HttpError(window.indexOf('\n') === -1 || window.indexOf('\n') > MAX_HEAD ? 414 : 431, 'header section too large');
          return false;
        }
        this.buf = this.buf.subarray(end.index + end[0].length);
        const first = window.slice(0, window.indexOf('\n')).replace(/\r$/, '').split(' ');
        this.reqMethod = first[0];
        this.req = parseHead(window.slice(0, end.index));
        this.headStarted = 0;
        this.parts = [];
        this.bodySize = 0;
        const expectsBody = this.req.framing === 'chunked' || this.req.length > 0;
        if (expectsBody && !this.req.http10 && tokens(this.req.headers, 'expect').includes('100-continue')) {
          this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
        if (this.req.framing === 'chunked') this.state = 'chunk-size';
        else if (this.req.framing === 'length') {
          this.state = 'length';
          this.left = this.req.length;
        } else this.answer();
        return true;
      }
      case 'length':
      case 'chunk-data': {
        const n = Math.min(this.left, this.buf.length);
        if (n > 0) {
          this.parts.push(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          this.left -= n;
        }
        if (this.left > 0) return false;
        if (this.state === 'length') this.answer();
        else this.state = 'chunk-end';
        return true;
      }
      case 'chunk-size': {
        const line = this.takeLine(4096);
        if (line === null) return false;
        const m = CHUNK_LINE.exec(line);
        if (!m) throw new HttpError(400, 'malformed chunk size line');
        const hex = m[1].replace(/^0+/, '');
        const n = hex.length > 8 ? Infinity : hex === '' ? 0 : parseInt(hex, 16);
        if (this.bodySize + n > MAX_BODY) throw new HttpError(413, 'body too large');
        this.bodySize += n;
        this.left = n;
        this.trailerBytes = 0;
        this.state = n === 0 ? 'trailer' : 'chunk-data';
        return true;
      }
      case 'chunk-end': {
        const line = this.takeLine(2);
        if (line === null) return false;
        if (line !== '') throw new HttpError(400, 'chunk data not followed by CRLF');
        this.state = 'chunk-size';
        return true;
      }
      case 'trailer': {
        const line = this.takeLine(MAX_HEAD);
        if (line === null) return false;
        if (line === '') {
          this.answer();
          return true;
        }
        if ((this.trailerBytes += line.length) > MAX_HEAD) throw new HttpError(431, 'trailer section too large');
        parseField(line); // checked, then ignored
        return true;
      }
    }
    return false;
  }

  answer() {
    const req = this.req;
    let status, headers, body;
    let keep = req.keepAlive;
    try {
      [status, headers, body] = route(req, Buffer.concat(this.parts));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      [status, headers, body] = [err.status, err.headers, errorBody(err.message)];
    }
    this.state = 'head';
    this.parts = [];
    this.reqMethod = undefined;
    this.send(status, headers, body, req.method === 'HEAD', keep, req.http10);
    if (!keep) this.finish();
  }

  fail(err) {
    if (this.done) return;
    this.send(err.status, err.headers, errorBody(err.message), this.reqMethod === 'HEAD', false, false);
    this.finish();
  }

  send(status, headers, body, head, keep, http10) {
    const lines = [`HTTP/1.1 ${status} ${REASONS[status]}`, `Date: ${new Date().toUTCString()}`];
    if (body.length > 0) lines.push('Content-Type: application/json');
    if (status !== 204) lines.push(`Content-Length: ${body.length}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (!keep) lines.push('Connection: close');
    else if (http10) lines.push('Connection: keep-alive');
    const top = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
    this.socket.write(head ? top : Buffer.concat([top, body]));
  }

  /** Graceful close: FIN now, drop what the client still sends, destroy after a moment. */
  finish() {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.socket.end();
    this.socket.resume();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}

const port = Number(process.argv[2] || 8080);
const server = net.createServer({ allowHalfOpen: true }, (socket) => new Connection(socket));
server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
