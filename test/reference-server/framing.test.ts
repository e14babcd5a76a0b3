/**
 * Bytes in any number of pieces, pipelining, persistence, HTTP/1.0, chunked bodies, 100-continue.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index.js';
import { expectError, expectJson } from './expect-helpers.js';
import { closeAllClients, exchange, http, probeClosed, RawClient, request, type RawResponse } from './raw.js';

let server: ReferenceServer;
let port: number;

beforeEach(async () => {
  server = await startReferenceServer();
  port = server.port;
});
afterEach(async () => {
  closeAllClients();
  await server.close();
});

/** A response with the Date header removed: what must not change between two deliveries of a request. */
function comparable(response: RawResponse): string {
  return response.raw.toString('latin1').replace(/^Date: .*\r\n/m, '');
}

/** Runs `task` for every item, at most `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(task));
}

describe('a request split across TCP segments gets the same answer', () => {
  it('a POST with a body, split in two at every byte boundary', async () => {
    const post = (name: string) => http('POST', `/${name}`, { body: '{"name":"split","n":[1,2,3]}', headers: ['X-Note: pieces'] });
    const whole = await request(port, post('s000'));
    expectJson(whole, 201, { name: 'split', n: [1, 2, 3] });
    const expected = comparable(whole).replaceAll('s000', 'sNNN');

    const bytes = post('s000');
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    await inBatches(cuts, 16, async (cut) => {
      const name = `s${String(cut).padStart(3, '0')}`;
      const request = post(name);
      const result = await exchange(port, [request.slice(0, cut), request.slice(cut)], { pauseMs: 3 });
      expect(comparable(result.responses[0]!).replaceAll(name, 'sNNN'), `cut at ${cut}`).toBe(expected);
      expect(result.closed).toBe(false);
    });
    const list = await request(port, http('GET', '/'));
    expect((list.json() as string[]).length).toBe(cuts.length + 1);
  });

  it('a GET, split in two at every byte boundary', async () => {
    await request(port, http('PUT', '/g', { body: '{"g":true}' }));
    const bytes = http('GET', '/g', { headers: ['Accept: */*'] });
    const expected = comparable(await request(port, bytes));
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    await inBatches(cuts, 16, async (cut) => {
      const result = await exchange(port, [bytes.slice(0, cut), bytes.slice(cut)], { pauseMs: 3 });
      expect(comparable(result.responses[0]!), `cut at ${cut}`).toBe(expected);
    });
  });

  it('a POST sent one byte at a time, with pauses', async () => {
    const bytes = http('POST', '/bytewise', { body: '{"one":"byte","at":"a time"}' });
    const result = await exchange(port, [...bytes], { pauseMs: 1, timeoutMs: 10_000 });
    expectJson(result.responses[0]!, 201, { one: 'byte', at: 'a time' });
    expect(result.responses[0]!.header('Location')).toBe('/bytewise');
    expect(result.closed).toBe(false);
  });

  it('a chunked PUT sent one byte at a time, with bare LF line ends', async () => {
    const bytes = 'PUT /bytewise-chunked HTTP/1.1\nHost: t\nTransfer-Encoding: chunked\n\n4;x=y\n{"a"\n3\n:1}\n0\nT: v\n\n';
    const result = await exchange(port, [...bytes], { pauseMs: 1, timeoutMs: 10_000 });
    expectJson(result.responses[0]!, 201, { a: 1 });
  });

  it('pieces with long pauses between them', async () => {
    const bytes = http('PUT', '/slow', { body: '{"s":1}' });
    const pieces = [bytes.slice(0, 5), bytes.slice(5, 20), bytes.slice(20, -3), bytes.slice(-3)];
    const result = await exchange(port, pieces, { pauseMs: 150 });
    expectJson(result.responses[0]!, 201, { s: 1 });
  });
});

describe('pipelining', () => {
  it('answers three requests sent in one write, in order', async () => {
    const bytes = http('POST', '/p', { body: '{"v":1}' }) + http('GET', '/p') + http('DELETE', '/p');
    const result = await exchange(port, bytes, { responses: 3 });
    const [created, got, deleted] = result.responses;
    expectJson(created!, 201, { v: 1 });
    expectJson(got!, 200, { v: 1 });
    expect(deleted!.status).toBe(204);
    expect(result.extra.length).toBe(0);
    expect(result.closed).toBe(false);
  });

  it('keeps order when writes (which wait for the store) and reads are mixed', async () => {
    let bytes = '';
    for (let i = 0; i < 20; i++) bytes += http('PUT', '/order', { body: `{"i":${i}}` }) + http('GET', '/order');
    const result = await exchange(port, bytes, { responses: 40 });
    result.responses.forEach((response, index) => {
      const i = Math.floor(index / 2);
      expect(response.json()).toEqual({ i });
    });
  });

  it('answers what came before a malformed request, then rejects it and closes', async () => {
    const bytes = http('GET', '/') + 'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n' + http('GET', '/');
    const result = await exchange(port, bytes, { responses: 2 });
    expect(result.responses[0]!.status).toBe(300);
    expectError(result.responses[1]!, 400);
    expect(result.closed).toBe(true);
    expect(result.extra.length).toBe(0);
  });

  it('stops after Connection: close, ignoring what follows', async () => {
    const bytes = http('GET', '/', { headers: ['Connection: close'] }) + http('POST', '/after', { body: '{}' });
    const result = await exchange(port, bytes);
    expect(result.responses[0]!.header('Connection')).toBe('close');
    expect(result.closed).toBe(true);
    expectError(await request(port, http('GET', '/after')), 404);
  });
});

describe('persistence', () => {
  it('reuses one HTTP/1.1 connection for many requests', async () => {
    const client = await RawClient.connect(port);
    for (let i = 0; i < 10; i++) {
      await client.send(http('PUT', `/k${i}`, { body: `{"i":${i}}` }));
      expect((await client.next()).status).toBe(201);
      await client.send(http('GET', `/k${i}`));
      const response = await client.next();
      expectJson(response, 200, { i });
      expect(response.headerCount('Connection')).toBe(0);
    }
    expect(await probeClosed(client)).toBe(false);
  });

  it('closes an HTTP/1.1 connection after a request with Connection: close', async () => {
    const response = await request(port, http('GET', '/', { headers: ['Connection: close'] }));
    expect(response.status).toBe(300);
    expect(response.header('Connection')).toBe('close');
    expect(response.closed).toBe(true);
  });

  it('recognises close among other connection options, in any case', async () => {
    const response = await request(port, http('GET', '/', { headers: ['Connection: keep-alive, CLOSE'] }));
    expect(response.header('Connection')).toBe('close');
    expect(response.closed).toBe(true);
  });

  it('closes an HTTP/1.0 connection after the response, answering with HTTP/1.1', async () => {
    const response = await request(port, 'GET / HTTP/1.0\r\n\r\n');
    expectJson(response, 300, []);
    expect(response.statusLine).toBe('HTTP/1.1 300 Multiple Choices');
    expect(response.header('Connection')).toBe('close');
    expect(response.closed).toBe(true);
  });

  it('keeps an HTTP/1.0 connection with Connection: keep-alive, and says so', async () => {
    const client = await RawClient.connect(port);
    for (let i = 0; i < 3; i++) {
      await client.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const response = await client.next();
      expect(response.status).toBe(300);
      expect(response.header('Connection')).toBe('keep-alive');
    }
    await client.send('GET / HTTP/1.0\r\n\r\n');
    expect((await client.next()).header('Connection')).toBe('close');
    expect(await client.waitClosed()).toBe(true);
  });

  it('an HTTP/1.0 POST with a body', async () => {
    const response = await request(port, 'POST /old HTTP/1.0\r\nContent-Length: 8\r\n\r\n{"o":10}');
    expectJson(response, 201, { o: 10 });
    expect(response.closed).toBe(true);
  });
});

describe('chunked request bodies', () => {
  const chunked = (target: string, method: string, body: string, extraHeaders = '') =>
    `${method} ${target} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n${extraHeaders}\r\n${body}`;

  it('decodes chunks', async () => {
    const response = await request(port, chunked('/c', 'POST', '3\r\n{"a\r\n5\r\n":"b"\r\n1\r\n}\r\n0\r\n\r\n'));
    expectJson(response, 201, { a: 'b' });
  });

  it('accepts hex sizes in either case, with leading zeros', async () => {
    const body = `{"x":"${'y'.repeat(20)}"}`; // 28 bytes = 0x1c
    const response = await request(port, chunked('/hex', 'PUT', `001C\r\n${body}\r\n0000\r\n\r\n`));
    expectJson(response, 201, { x: 'y'.repeat(20) });
    const again = await request(port, chunked('/hex', 'PUT', `1c\r\n${body}\r\n0\r\n\r\n`));
    expectJson(again, 200, { x: 'y'.repeat(20) });
  });

  it('accepts chunk extensions, quoted or not, with whitespace around the separators', async () => {
    const body = '2;name=value\r\n{"\r\n3 ; flag\r\nk":\r\n2;q="a \\"quoted\\" ; value"\r\n1}\r\n0;last\r\n\r\n';
    expectJson(await request(port, chunked('/ext', 'POST', body)), 201, { k: 1 });
  });

  it('accepts and ignores trailer fields', async () => {
    const body = '2\r\n{}\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n';
    const result = await exchange(port, chunked('/trailers', 'POST', body) + http('GET', '/trailers'), { responses: 2 });
    expectJson(result.responses[0]!, 201, {});
    expectJson(result.responses[1]!, 200, {});
  });

  it('gives the same answer when a chunked body is split at every byte boundary', async () => {
    const bytes = chunked('/spl', 'PUT', '4;e=1\r\n{"ab\r\n4\r\n":1}\r\n0\r\nT: 1\r\n\r\n');
    const expected = comparable(await request(port, bytes)).replace('201 Created', '200 OK').replace(/Location: .*\r\n/, '');
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    await inBatches(cuts, 16, async (cut) => {
      const result = await exchange(port, [bytes.slice(0, cut), bytes.slice(cut)], { pauseMs: 3 });
      expect(comparable(result.responses[0]!), `cut at ${cut}`).toBe(expected);
    });
  });

  it('an empty chunked body is an empty body: 400', async () => {
    const response = await request(port, chunked('/empty', 'POST', '0\r\n\r\n'));
    expectError(response, 400);
    expect(response.closed).toBe(false);
  });

  const malformed: Array<[string, string]> = [
    ['a size that is not hex', 'zz\r\n{}\r\n0\r\n\r\n'],
    ['an empty size line', '\r\n{}\r\n0\r\n\r\n'],
    ['a negative size', '-2\r\n{}\r\n0\r\n\r\n'],
    ['a size with 0x', '0x2\r\n{}\r\n0\r\n\r\n'],
    ['space between size and line end', '2 \r\n{}\r\n0\r\n\r\n'],
    ['a bad extension', '2;=x\r\n{}\r\n0\r\n\r\n'],
    ['an extension with a control character', '2;a=\x01\r\n{}\r\n0\r\n\r\n'],
    ['data longer than its size', '1\r\n{}\r\n0\r\n\r\n'],
    ['data not followed by CRLF', '2\r\n{}XY0\r\n\r\n'],
    ['CR not followed by LF after data', '2\r\n{}\rX0\r\n\r\n'],
    ['a malformed trailer', '2\r\n{}\r\n0\r\nBad Trailer: 1\r\n\r\n'],
  ];
  for (const [label, body] of malformed) {
    it(`rejects ${label}: 400, then close`, async () => {
      const response = await request(port, chunked('/bad', 'POST', body));
      expectError(response, 400);
      expect(response.header('Connection')).toBe('close');
      expect(response.closed).toBe(true);
    });
  }
});

describe('Expect: 100-continue', () => {
  it('sends 100 Continue before the body is sent, then the answer', async () => {
    const client = await RawClient.connect(port);
    await client.send('PUT /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n');
    const interim = await client.next();
    expect(interim.raw.toString('latin1')).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    await client.send('{"e":1}');
    expectJson(await client.next(), 201, { e: 1 });
  });

  it('works with a chunked body too', async () => {
    const bytes = 'POST /ec HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n';
    const result = await exchange(port, bytes);
    expect(result.interim.map((response) => response.status)).toEqual([100]);
    expectJson(result.responses[0]!, 201, {});
  });

  it('sends no 100 for a request without a body (HEAD, GET), nor to HTTP/1.0', async () => {
    for (const bytes of [
      'HEAD / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n',
      'PUT /e0 HTTP/1.0\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}',
    ]) {
      const result = await exchange(port, bytes, { headAt: bytes.startsWith('HEAD') ? [0] : [] });
      expect(result.interim).toEqual([]);
      expect(result.responses[0]!.status).toBeLessThan(400);
    }
  });

  it('sends 413 instead of 100 when the announced body is too large', async () => {
    const small = await startReferenceServer({ limits: { maxBodyBytes: 10 } });
    try {
      const response = await request(small.port, 'PUT /big HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n');
      expectError(response, 413);
      expect(response.closed).toBe(true);
    } finally {
      await small.close();
    }
  });
});
