/**
 * The reference protocol's table, row by row: exact statuses, the headers each row names, the bodies.
 * Well-framed requests keep the connection open, whatever their status.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index.js';
import { expectError, expectJson, expectWellFormed } from './expect-helpers.js';
import { closeAllClients, exchange, http, RawClient, request } from './raw.js';

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

async function create(name: string, body: string): Promise<void> {
  const response = await request(port, http('POST', `/${name}`, { body }));
  expect(response.status).toBe(201);
}

describe('GET /', () => {
  it('answers 300 with an empty JSON array when there are no records', async () => {
    const response = await request(port, http('GET', '/'));
    expectJson(response, 300, []);
    expect(response.statusLine).toBe('HTTP/1.1 300 Multiple Choices');
    expect(response.closed).toBe(false);
  });

  it('lists the record paths, sorted', async () => {
    for (const name of ['b', 'a', 'Z', '0', 'a.b', '~x']) await create(name, '{}');
    const response = await request(port, http('GET', '/'));
    expectJson(response, 300, ['/0', '/Z', '/a', '/a.b', '/b', '/~x']);
  });

  it('ignores a query string', async () => {
    await create('a', '{}');
    expectJson(await request(port, http('GET', '/?x=1')), 300, ['/a']);
  });
});

describe('GET /{name}', () => {
  it('answers 200 with the record', async () => {
    await create('rec', '{"n":1,"s":"é"}');
    const response = await request(port, http('GET', '/rec'));
    expectJson(response, 200, { n: 1, s: 'é' });
    expect(response.statusLine).toBe('HTTP/1.1 200 OK');
    expect(response.closed).toBe(false);
  });

  it('answers 404 when the record is absent, and keeps the connection', async () => {
    const response = await request(port, http('GET', '/nope'));
    expectError(response, 404);
    expect(response.closed).toBe(false);
  });

  it('accepts the absolute form of the target', async () => {
    await create('abs', '{"a":1}');
    expectJson(await request(port, http('GET', 'http://t/abs')), 200, { a: 1 });
  });

  it('accepts names of 64 characters and every allowed character', async () => {
    const long = 'x'.repeat(64);
    await create(long, '{}');
    await create('AZaz09._~-', '{}');
    expectJson(await request(port, http('GET', `/${long}`)), 200, {});
    expectJson(await request(port, http('GET', '/AZaz09._~-')), 200, {});
  });

  it('keeps records with awkward names apart from object internals', async () => {
    await create('__proto__', '{"__proto__":{"p":1},"constructor":2}');
    expectJson(await request(port, http('GET', '/__proto__')), 200, JSON.parse('{"__proto__":{"p":1},"constructor":2}'));
    expectError(await request(port, http('GET', '/constructor')), 404);
    expectJson(await request(port, http('GET', '/')), 300, ['/__proto__']);
  });
});

describe('HEAD', () => {
  it('gives GET’s status and headers, Content-Length included, and no body', async () => {
    await create('h', '{"k":"v"}');
    for (const target of ['/', '/h', '/missing']) {
      const both = await exchange(port, http('GET', target) + http('HEAD', target), { responses: 2, headAt: [1] });
      const [get, head] = both.responses as [NonNullable<(typeof both.responses)[0]>, NonNullable<(typeof both.responses)[0]>];
      expect(head.status).toBe(get.status);
      expect(head.body.length).toBe(0);
      expectWellFormed(head, { head: true });
      const withoutDate = (headers: typeof get.headers) => headers.filter(([name]) => name !== 'Date');
      expect(withoutDate(head.headers)).toEqual(withoutDate(get.headers));
      expect(Number(head.header('Content-Length'))).toBe(get.body.length);
      expect(both.extra.length).toBe(0);
      expect(both.closed).toBe(false);
    }
  });
});

describe('POST /{name}', () => {
  it('creates: 201, Location, the record', async () => {
    const response = await request(port, http('POST', '/new', { body: '{"a":[1,2],"b":null}' }));
    expectJson(response, 201, { a: [1, 2], b: null });
    expect(response.statusLine).toBe('HTTP/1.1 201 Created');
    expect(response.header('Location')).toBe('/new');
    expect(response.closed).toBe(false);
    expectJson(await request(port, http('GET', '/new')), 200, { a: [1, 2], b: null });
  });

  it('answers 409 when the record exists, and changes nothing', async () => {
    await create('dup', '{"v":1}');
    const response = await request(port, http('POST', '/dup', { body: '{"v":2}' }));
    expectError(response, 409);
    expect(response.closed).toBe(false);
    expectJson(await request(port, http('GET', '/dup')), 200, { v: 1 });
  });
});

describe('PUT /{name}', () => {
  it('creates with 201 and Location, then replaces with 200', async () => {
    const created = await request(port, http('PUT', '/p', { body: '{"a":1,"b":2}' }));
    expectJson(created, 201, { a: 1, b: 2 });
    expect(created.header('Location')).toBe('/p');
    const replaced = await request(port, http('PUT', '/p', { body: '{"c":3}' }));
    expectJson(replaced, 200, { c: 3 });
    expect(replaced.headerCount('Location')).toBe(0);
    expectJson(await request(port, http('GET', '/p')), 200, { c: 3 });
  });
});

describe('PATCH /{name}', () => {
  it('merges the fields into the record: 200 and the merged record', async () => {
    await create('m', '{"a":1,"b":{"x":1}}');
    const response = await request(port, http('PATCH', '/m', { body: '{"b":{"y":2},"c":3}' }));
    expectJson(response, 200, { a: 1, b: { y: 2 }, c: 3 });
    expectJson(await request(port, http('GET', '/m')), 200, { a: 1, b: { y: 2 }, c: 3 });
  });

  it('answers 404 when the record is absent, and creates nothing', async () => {
    expectError(await request(port, http('PATCH', '/ghost', { body: '{"a":1}' })), 404);
    expectError(await request(port, http('GET', '/ghost')), 404);
  });
});

describe('DELETE /{name}', () => {
  it('answers 204 with no body and no Content-Length, then 404', async () => {
    await create('d', '{}');
    const result = await exchange(port, http('DELETE', '/d') + http('DELETE', '/d') + http('GET', '/d'), { responses: 3 });
    const [first, second, third] = result.responses;
    expect(first?.statusLine).toBe('HTTP/1.1 204 No Content');
    expectWellFormed(first!);
    expect(first?.headerCount('Content-Type')).toBe(0);
    expectError(second!, 404);
    expectError(third!, 404);
    expect(result.closed).toBe(false);
  });
});

describe('bodies that are not a JSON object: 400, connection kept', () => {
  const bad: Array<[string, string | undefined]> = [
    ['no body', undefined],
    ['an empty body', ''],
    ['not JSON', '{"a":'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"x"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ];
  for (const method of ['POST', 'PUT', 'PATCH']) {
    for (const [label, body] of bad) {
      it(`${method} with ${label}`, async () => {
        await create('exists', '{"keep":true}');
        const target = method === 'POST' ? '/fresh' : '/exists';
        const bytes = body === undefined ? http(method, target) : http(method, target, { body });
        const response = await request(port, bytes);
        expectError(response, 400);
        expect(response.closed).toBe(false);
        expectJson(await request(port, http('GET', '/exists')), 200, { keep: true });
        expectError(await request(port, http('GET', '/fresh')), 404);
      });
    }
  }
});

describe('a body that is not UTF-8: 400', () => {
  it('rejects invalid UTF-8 in a JSON body', async () => {
    const response = await request(port, http('POST', '/u', { bodyBytes: '{"a":"\xff"}' }));
    expectError(response, 400);
    expect(response.closed).toBe(false);
  });
});

describe('nesting', () => {
  const nested = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  it('accepts a record nested 256 levels deep and sends it back', async () => {
    expectJson(await request(port, http('PUT', '/deep', { body: nested(256) })), 201);
    expect(JSON.stringify(((await request(port, http('GET', '/deep'))).json()))).toBe(nested(256));
  });

  it('rejects deeper nesting with 400 (it could not be sent back or saved), keeping the connection', async () => {
    for (const levels of [257, 5000]) {
      const response = await request(port, http('PUT', '/deeper', { body: nested(levels) }));
      expectError(response, 400);
      expect(response.closed).toBe(false);
    }
    expectError(await request(port, http('GET', '/deeper')), 404);
  });
});

describe('paths', () => {
  const badNames = ['/../x', '/..', '/.', '/%00', '/a%2Fb', '/a b'.replace(' ', '%20'), `/${'x'.repeat(65)}`, '/a/', '//', '/a#b', '/é'.replace('é', '%C3%A9'), 'x', '*'];
  for (const target of badNames) {
    it(`answers 400 to ${target} and keeps the connection`, async () => {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
        const bytes = method === 'PUT' ? http(method, target, { body: '{}' }) : http(method, target);
        const response = await request(port, bytes, { headAt: method === 'HEAD' ? [0] : [] });
        expect(response.status).toBe(400);
        expect(response.closed).toBe(false);
      }
    });
  }

  it('answers 404 to a path of several valid segments (/a/b), for every method', async () => {
    await create('a', '{}');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const bytes = method === 'GET' || method === 'DELETE' ? http(method, '/a/b') : http(method, '/a/b', { body: '{}' });
      const response = await request(port, bytes);
      expectError(response, 404);
      expect(response.closed).toBe(false);
    }
  });
});

describe('405 + Allow', () => {
  it('rejects POST, PUT, PATCH and DELETE on / with Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const bytes = method === 'DELETE' ? http(method, '/') : http(method, '/', { body: '{}' });
      const response = await request(port, bytes);
      expectError(response, 405);
      expect(response.statusLine).toBe('HTTP/1.1 405 Method Not Allowed');
      expect(response.header('Allow')).toBe('GET, HEAD');
      expect(response.closed).toBe(false);
    }
    expectJson(await request(port, http('GET', '/')), 300, []);
  });

  it('rejects methods it does not implement, with the Allow of the path', async () => {
    for (const method of ['OPTIONS', 'TRACE', 'FOO', 'CONNECT', 'get', 'PROPFIND', 'M-SEARCH']) {
      const onRecord = await request(port, http(method, '/a'));
      expectError(onRecord, 405);
      expect(onRecord.header('Allow')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
      expect(onRecord.closed).toBe(false);
      const onRoot = await request(port, http(method, '/'));
      expectError(onRoot, 405);
      expect(onRoot.header('Allow')).toBe('GET, HEAD');
    }
    const star = await request(port, http('OPTIONS', '*'));
    expectError(star, 405);
    const connect = await request(port, http('CONNECT', 't:443'));
    expectError(connect, 405);
    expect(connect.closed).toBe(false);
  });
});

describe('a semantic error does not end the connection', () => {
  it('serves a sequence of errors and successes on one connection', async () => {
    const client = await RawClient.connect(port);
    const steps: Array<[string, number]> = [
      [http('GET', '/x'), 404],
      [http('POST', '/x', { body: '[]' }), 400],
      [http('POST', '/x', { body: '{}' }), 201],
      [http('POST', '/x', { body: '{}' }), 409],
      [http('DELETE', '/'), 405],
      [http('BREW', '/x'), 405],
      [http('GET', '/x/y'), 404],
      [http('GET', '/%2e%2e'), 400],
      [http('GET', '/x'), 200],
    ];
    for (const [bytes, status] of steps) {
      await client.send(bytes);
      const response = await client.next();
      expect(response.status).toBe(status);
      expect(response.headerCount('Connection')).toBe(0);
    }
    expect(client.closed).toBe(false);
  });
});

describe('a shared server', () => {
  let shared: ReferenceServer;
  beforeAll(async () => {
    shared = await startReferenceServer();
  });
  afterAll(async () => {
    await shared.close();
  });

  it('closes cleanly with connections still open, and close() can be called twice', async () => {
    const client = await RawClient.connect(shared.port);
    await client.send('GET / HTTP/1.1\r\nHo');
    await Promise.all([shared.close(), shared.close()]);
    expect(await client.waitClosed(1000)).toBe(true);
  });
});
