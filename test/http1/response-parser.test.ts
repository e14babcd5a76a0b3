import { describe, expect, it } from 'vitest';
import { ResponseParser, header } from '../../src/http1/response-parser.js';
import { latin1 } from '../../src/wire/bytes.js';

function parse(text: string, methods: string[] = ['GET'], opts: { end?: boolean; splitEvery?: number } = {}) {
  const p = new ResponseParser();
  for (const m of methods) p.expect(m);
  const bytes = latin1(text);
  const step = opts.splitEvery ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) p.feed(bytes.subarray(i, i + step));
  if (opts.end) p.end();
  return p;
}

const codes = (p: ResponseParser, i = 0) => p.done[i]?.findings.map((f) => f.code) ?? [];

describe('ResponseParser', () => {
  const good = 'HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 5\r\n\r\nhello';

  it('frames a clean response and records nothing', () => {
    const p = parse(good);
    expect(p.done).toHaveLength(1);
    expect(p.done[0]!.status).toBe(200);
    expect(Buffer.from(p.done[0]!.body).toString()).toBe('hello');
    expect(codes(p)).toEqual([]);
  });

  it('gives the same result fed one byte at a time', () => {
    const p = parse(good + good, ['GET', 'GET'], { splitEvery: 1 });
    expect(p.done.map((r) => r.status)).toEqual([200, 200]);
    expect(p.done[1]!.start).toBe(good.length);
  });

  it('records bare LF, a missing reason phrase and a missing Date', () => {
    const p = parse('HTTP/1.1 200\nContent-Length: 0\n\n');
    expect(p.done[0]!.status).toBe(200);
    expect(codes(p)).toEqual(expect.arrayContaining(['bare-lf', 'missing-reason-phrase', 'missing-date']));
  });

  it('flags a status line that is not HTTP/1.1', () => {
    const p = parse('HTTP/2 505 Version\r\nDate: x\r\nContent-Length: 0\r\n\r\n');
    expect(p.done[0]!.status).toBe(505);
    expect(codes(p)).toContain('wrong-version');
  });

  it('frames a close-delimited body at EOF and flags the missing Content-Length', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\n\r\nabc', ['GET'], { end: true });
    expect(p.done[0]!.framing).toBe('close');
    expect(Buffer.from(p.done[0]!.body).toString()).toBe('abc');
    expect(codes(p)).toContain('missing-content-length');
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n', ['GET'], { splitEvery: 3 });
    expect(Buffer.from(p.done[0]!.body).toString()).toBe('abcde');
    expect(codes(p)).toEqual([]);
  });

  it('reads no body for HEAD and blames body bytes that follow on it', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 5\r\n\r\nhello', ['HEAD'], { end: true });
    expect(p.done[0]!.body.length).toBe(0);
    expect(p.done[0]!.declaredLength).toBe(5);
    expect(codes(p)).toContain('body-forbidden');
  });

  it('blames extra bytes after a Content-Length body', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 4\r\n\r\nhello', ['GET'], { end: true });
    expect(codes(p)).toContain('extra-bytes');
  });

  it('marks a body cut short by the close as truncated and incomplete', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 10\r\n\r\nhello', ['GET'], { end: true });
    expect(p.done).toHaveLength(0);
    expect(p.partial?.status).toBe(200);
    expect(p.partial?.findings.map((f) => f.code)).toContain('body-truncated');
  });

  it('skips a banner before the status line and records it', () => {
    const p = parse('Welcome to the server!!\r\nHTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\n');
    expect(p.done[0]!.status).toBe(200);
    expect(codes(p)).toContain('status-line-garbage');
  });

  it('treats 1xx as interim and keeps reading for the final response', () => {
    const p = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nDate: x\r\nContent-Length: 0\r\n\r\n');
    expect(p.done.map((r) => [r.status, r.interim])).toEqual([[100, true], [201, false]]);
    expect(p.finals).toBe(1);
  });

  it('records header syntax errors and conflicting lengths', () => {
    const p = parse('HTTP/1.1 200 OK\r\nDate: x\r\nBad Header\r\nX : y\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', ['GET'], { end: true });
    const all = p.done[0]?.findings.map((f) => f.code) ?? [];
    expect(all).toEqual(expect.arrayContaining(['header-syntax', 'space-before-colon', 'conflicting-content-length']));
    expect(header(p.done[0]!, 'x')).toBe('y');
  });

  it('keeps a partial status line when the server closes mid-head', () => {
    const p = parse('HTTP/1.1 404 Not Fo', ['GET'], { end: true });
    expect(p.done).toHaveLength(0);
    expect(p.partial?.status).toBe(404);
  });

  it('gives up on a head longer than its limit instead of buffering forever', () => {
    const p = new ResponseParser({ maxHeadBytes: 1024 });
    p.expect('GET');
    p.feed(latin1('HTTP/1.1 200 OK\r\nX: ' + 'a'.repeat(5000)));
    expect(p.partial?.findings.map((f) => f.code)).toContain('header-section-too-long');
  });
});
