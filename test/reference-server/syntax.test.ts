/**
 * Malformed request lines and headers, versions, and message framing. Every error the parser finds is
 * answered (400, 501 or 505 with `Connection: close` and an `{"error": …}` body), then the connection
 * closes; a request the server can frame is served.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index.js';
import { expectError, expectJson } from './expect-helpers.js';
import { closeAllClients, exchange, http, RawClient, request } from './raw.js';

let server: ReferenceServer;
let port: number;

beforeAll(async () => {
  server = await startReferenceServer();
  port = server.port;
  const seeded = await request(port, http('PUT', '/seed', { body: '{"seed":1}' }));
  expect(seeded.status).toBe(201);
});
afterEach(() => closeAllClients());
afterAll(async () => {
  await server.close();
});

/** The answer is `status`, says `Connection: close`, and the server closes. */
async function expectRejected(bytes: string, status: number, options: { head?: boolean } = {}): Promise<void> {
  const response = await request(port, bytes, { headAt: options.head === true ? [0] : [] });
  if (options.head === true) {
    expect(response.status).toBe(status);
    expect(response.body.length).toBe(0);
  } else {
    expectError(response, status);
  }
  expect(response.header('Connection')).toBe('close');
  expect(response.closed).toBe(true);
}

const HOST = 'Host: t\r\n';

describe('malformed request line: 400, then close', () => {
  const cases: Array<[string, string]> = [
    ['lowercase version', `GET / http/1.1\r\n${HOST}\r\n`],
    ['version without minor', `GET / HTTP/1\r\n${HOST}\r\n`],
    ['three-part version', `GET / HTTP/1.1.1\r\n${HOST}\r\n`],
    ['two-digit major', `GET / HTTP/11.1\r\n${HOST}\r\n`],
    ['no version', `GET /\r\n${HOST}\r\n`],
    ['no target', `GET HTTP/1.1\r\n${HOST}\r\n`],
    ['method only', `GET\r\n${HOST}\r\n`],
    ['empty method', ` / HTTP/1.1\r\n${HOST}\r\n`],
    ['two spaces', `GET  / HTTP/1.1\r\n${HOST}\r\n`],
    ['trailing space', `GET / HTTP/1.1 \r\n${HOST}\r\n`],
    ['tab separator', `GET\t/ HTTP/1.1\r\n${HOST}\r\n`],
    ['bad token char in method', `GE(T / HTTP/1.1\r\n${HOST}\r\n`],
    ['method with a slash', `GE/T / HTTP/1.1\r\n${HOST}\r\n`],
    ['NUL in the target', `GET /a\x00b HTTP/1.1\r\n${HOST}\r\n`],
    ['DEL in the target', `GET /a\x7f HTTP/1.1\r\n${HOST}\r\n`],
    ['non-ASCII in the target', `GET /\xe9 HTTP/1.1\r\n${HOST}\r\n`],
    ['bare CR in the request line', `GET /\r HTTP/1.1\r\n${HOST}\r\n`],
    ['junk', 'hello\r\n\r\n'],
    ['binary', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n'],
  ];
  for (const [label, bytes] of cases) {
    it(label, async () => {
      await expectRejected(bytes, 400);
    });
  }
});

describe('unsupported major version: 505, then close', () => {
  for (const version of ['HTTP/2', 'HTTP/2.0', 'HTTP/3', 'HTTP/0.9', 'HTTP/9.9']) {
    it(version, async () => {
      const response = await request(port, `GET / ${version}\r\n${HOST}\r\n`);
      expectError(response, 505);
      expect(response.statusLine).toBe('HTTP/1.1 505 HTTP Version Not Supported');
      expect(response.header('Connection')).toBe('close');
      expect(response.closed).toBe(true);
    });
  }

  it('the HTTP/2 connection preface', async () => {
    await expectRejected('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505);
  });
});

describe('other HTTP/1.x minor versions are served as HTTP/1.1', () => {
  for (const version of ['HTTP/1.2', 'HTTP/1.9']) {
    it(version, async () => {
      const response = await request(port, http('GET', '/seed', { version }));
      expectJson(response, 200, { seed: 1 });
      expect(response.statusLine).toBe('HTTP/1.1 200 OK');
      expect(response.closed).toBe(false);
    });
  }
});

describe('malformed header section: 400, then close', () => {
  const cases: Array<[string, string]> = [
    ['no colon', `GET / HTTP/1.1\r\n${HOST}NoColon\r\n\r\n`],
    ['space before the colon', `GET / HTTP/1.1\r\n${HOST}X-A : 1\r\n\r\n`],
    ['tab before the colon', `GET / HTTP/1.1\r\n${HOST}X-A\t: 1\r\n\r\n`],
    ['space inside the name', `GET / HTTP/1.1\r\n${HOST}X A: 1\r\n\r\n`],
    ['empty name', `GET / HTTP/1.1\r\n${HOST}: 1\r\n\r\n`],
    ['bad token char in the name', `GET / HTTP/1.1\r\n${HOST}X(A): 1\r\n\r\n`],
    ['obs-fold', `GET / HTTP/1.1\r\n${HOST}X-A: 1\r\n  continued\r\n\r\n`],
    ['whitespace before the first header', `GET / HTTP/1.1\r\n ${HOST}\r\n`],
    ['NUL in a value', `GET / HTTP/1.1\r\n${HOST}X-A: a\x00b\r\n\r\n`],
    ['bare CR in a value', `GET / HTTP/1.1\r\n${HOST}X-A: a\rb\r\n\r\n`],
    ['CR CR LF', `GET / HTTP/1.1\r\n${HOST}X-A: a\r\r\n\r\n`],
    ['escape in a value', `GET / HTTP/1.1\r\n${HOST}X-A: \x1b[31m\r\n\r\n`],
    ['DEL in a value', `GET / HTTP/1.1\r\n${HOST}X-A: \x7f\r\n\r\n`],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n'],
    ['two Host headers', `GET / HTTP/1.1\r\n${HOST}${HOST}\r\n`],
    ['two Host headers in HTTP/1.0', `GET / HTTP/1.0\r\n${HOST}Host: u\r\n\r\n`],
    ['Host that is not a host', 'GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n'],
  ];
  for (const [label, bytes] of cases) {
    it(label, async () => {
      await expectRejected(bytes, 400);
    });
  }

  it('rejects bare CR line ends at once, without waiting for a line feed that never comes', async () => {
    const started = Date.now();
    await expectRejected('GET / HTTP/1.1\rHost: t\r\r', 400);
    expect(Date.now() - started).toBeLessThan(1000); // the header timeout is 10 s
  });

  it('answers a malformed HEAD request without a body', async () => {
    await expectRejected(`HEAD /seed HTTP/1.1\r\n${HOST}X A: 1\r\n\r\n`, 400, { head: true });
  });
});

describe('accepted header syntax', () => {
  const cases: Array<[string, string]> = [
    ['bare LF line ends', 'GET /seed HTTP/1.1\nHost: t\n\n'],
    ['mixed line ends', 'GET /seed HTTP/1.1\r\nHost: t\n\r\n'],
    ['leading empty lines', '\r\n\r\nGET /seed HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['a leading bare LF', '\nGET /seed HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['no space after the colon', 'GET /seed HTTP/1.1\r\nHost:t\r\nX-A:1\r\n\r\n'],
    ['trailing whitespace in values', 'GET /seed HTTP/1.1\r\nHost: t \t\r\n\r\n'],
    ['header names in any case', 'GET /seed HTTP/1.1\r\nhOsT: t\r\n\r\n'],
    ['obs-text and tabs in a value', 'GET /seed HTTP/1.1\r\nHost: t\r\nX-A: caf\xe9\tb\r\n\r\n'],
    ['an empty value', 'GET /seed HTTP/1.1\r\nHost: t\r\nX-A:\r\n\r\n'],
    ['HTTP/1.0 without Host', 'GET /seed HTTP/1.0\r\n\r\n'],
    ['Host with a port', 'GET /seed HTTP/1.1\r\nHost: example.com:8080\r\n\r\n'],
    ['Host as an IPv6 literal', 'GET /seed HTTP/1.1\r\nHost: [::1]:80\r\n\r\n'],
    ['an empty Host', 'GET /seed HTTP/1.1\r\nHost:\r\n\r\n'],
  ];
  for (const [label, bytes] of cases) {
    it(label, async () => {
      const response = await request(port, bytes);
      expectJson(response, 200, { seed: 1 });
    });
  }
});

describe('framing errors: 400, then close', () => {
  const cases: Array<[string, string]> = [
    ['conflicting Content-Lengths', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
    ['a conflicting Content-Length list', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 2, 3\r\n\r\n{}`],
    ['a non-numeric Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length: two\r\n\r\n{}`],
    ['a negative Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length: -2\r\n\r\n{}`],
    ['a signed Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length: +2\r\n\r\n{}`],
    ['a hexadecimal Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 0x2\r\n\r\n{}`],
    ['a fractional Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 2.0\r\n\r\n{}`],
    ['an empty Content-Length', `POST /f HTTP/1.1\r\n${HOST}Content-Length:\r\n\r\n{}`],
    ['a Content-Length with a space inside', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 1 2\r\n\r\n{}`],
    ['Content-Length with Transfer-Encoding', `POST /f HTTP/1.1\r\n${HOST}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    ['Transfer-Encoding then Content-Length', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    ['chunked twice', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`],
    ['chunked in two fields', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['an empty Transfer-Encoding', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding:\r\n\r\n`],
    ['Transfer-Encoding in HTTP/1.0', `POST /f HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    // RFC 9112 §6.3: chunked named, but not as the final coding.
    ['chunked, gzip', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`],
    ['chunked then identity in two fields', `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`],
  ];
  for (const [label, bytes] of cases) {
    it(label, async () => {
      await expectRejected(bytes, 400);
    });
  }
});

describe('unknown transfer codings: 501, then close', () => {
  for (const coding of ['gzip', 'gzip, chunked', 'identity', 'x-custom', 'CHUNKEDX']) {
    it(coding, async () => {
      const response = await request(port, `POST /f HTTP/1.1\r\n${HOST}Transfer-Encoding: ${coding}\r\n\r\n0\r\n\r\n`);
      expectError(response, 501);
      expect(response.statusLine).toBe('HTTP/1.1 501 Not Implemented');
      expect(response.header('Connection')).toBe('close');
      expect(response.closed).toBe(true);
    });
  }
});

describe('accepted framing', () => {
  it('identical Content-Length values, in two fields or a list, count as one', async () => {
    for (const headers of [['Content-Length: 9', 'Content-Length: 9'], ['Content-Length: 9, 9'], ['Content-Length: 009']]) {
      const result = await exchange(port, `PUT /same HTTP/1.1\r\n${HOST}${headers.join('\r\n')}\r\n\r\n{"v":123}` + http('GET', '/same'), { responses: 2 });
      expect(result.responses[0]?.status).toBeOneOf([200, 201]);
      expectJson(result.responses[1]!, 200, { v: 123 });
    }
  });

  it('Transfer-Encoding is case-insensitive', async () => {
    const response = await request(port, `PUT /ci HTTP/1.1\r\n${HOST}Transfer-Encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    expectJson(response, 201, {});
  });

  it('a body on a GET is read and ignored', async () => {
    const result = await exchange(port, http('GET', '/seed', { body: 'GET / HTTP/1.1' }) + http('GET', '/seed'), { responses: 2 });
    for (const response of result.responses) expectJson(response, 200, { seed: 1 });
    expect(result.closed).toBe(false);
  });
});

describe('a request cut short by the client', () => {
  it('is answered 400 and closed when the client shuts its side mid-request', async () => {
    const client = await RawClient.connect(port);
    await client.send(`GET /seed HTTP/1.1\r\n${HOST}`);
    client.shutdown();
    const response = await client.next();
    expectError(response, 400);
    expect(response.header('Connection')).toBe('close');
    expect(await client.waitClosed()).toBe(true);
  });

  it('answers what came before a half-close, then closes', async () => {
    const client = await RawClient.connect(port);
    await client.send(http('GET', '/seed') + http('PUT', '/half', { body: '{"h":1}' }));
    client.shutdown();
    expectJson(await client.next(), 200, { seed: 1 });
    expectJson(await client.next(), 201, { h: 1 });
    expect(await client.waitClosed()).toBe(true);
  });
});
