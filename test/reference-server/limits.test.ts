/**
 * Limits and timeouts (413, 431, 408, idle close), many clients at once, and clients that misbehave
 * (idle, half-sent, not reading) without slowing anyone else down. Small limits keep it fast.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index.js';
import { MAX_CHUNK_LINE_BYTES } from '../../reference-server/parser.js';
import { expectError, expectJson } from './expect-helpers.js';
import { closeAllClients, exchange, http, probeClosed, RawClient, request } from './raw.js';

const LIMITS = { maxBodyBytes: 100, maxHeaderBytes: 256, headerTimeoutMs: 400, idleTimeoutMs: 300 };

let server: ReferenceServer;
let port: number;

beforeEach(async () => {
  server = await startReferenceServer({ limits: LIMITS });
  port = server.port;
});
afterEach(async () => {
  closeAllClients();
  await server.close();
});

async function expectClosedWith(bytes: string, status: number): Promise<void> {
  const response = await request(port, bytes);
  expectError(response, status);
  expect(response.header('Connection')).toBe('close');
  expect(response.closed).toBe(true);
}

describe('body limit: 413, then close', () => {
  it('accepts a body of exactly the limit', async () => {
    const body = `{"p":"${'x'.repeat(LIMITS.maxBodyBytes - 8)}"}`;
    expect(body.length).toBe(LIMITS.maxBodyBytes);
    expectJson(await request(port, http('POST', '/max', { body })), 201);
  });

  it('rejects a Content-Length over the limit before the body arrives', async () => {
    await expectClosedWith('POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n', 413);
  });

  it('rejects an absurd Content-Length', async () => {
    await expectClosedWith(`POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: ${'9'.repeat(40)}\r\n\r\n`, 413);
  });

  it('delivers the 413 to a client still sending its body', async () => {
    const client = await RawClient.connect(port);
    await client.send('POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n');
    const writing = (async () => {
      for (let i = 0; i < 20 && !client.closed; i++) await client.send('x'.repeat(16_384));
    })();
    const response = await client.next();
    expect(response.statusLine).toBe('HTTP/1.1 413 Content Too Large');
    expect(response.header('Connection')).toBe('close');
    await writing;
    expect(await client.waitClosed()).toBe(true);
  });

  it('rejects a chunked body that grows over the limit', async () => {
    const chunk = `32\r\n${'x'.repeat(50)}\r\n`;
    await expectClosedWith(`POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}${chunk}0\r\n\r\n`, 413);
  });

  it('rejects a chunk size too large to represent', async () => {
    await expectClosedWith(`POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${'f'.repeat(30)}\r\n`, 413);
  });

  it('rejects an endless chunk-size line: 400', async () => {
    const line = `1;${'a'.repeat(MAX_CHUNK_LINE_BYTES)}`;
    await expectClosedWith(`POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${line}`, 400);
  });
});

describe('header limit: 431, then close', () => {
  /** A GET whose header section is exactly `size` bytes, padded with an X-Pad header. */
  function headOfSize(size: number): string {
    const fixed = 'GET / HTTP/1.1\r\nHost: t\r\nX-Pad: \r\n\r\n';
    return fixed.replace('X-Pad: ', `X-Pad: ${'p'.repeat(size - fixed.length)}`);
  }

  it('accepts a header section of exactly the limit', async () => {
    const bytes = headOfSize(LIMITS.maxHeaderBytes);
    expect(bytes.length).toBe(LIMITS.maxHeaderBytes);
    expectJson(await request(port, bytes), 300);
  });

  it('rejects a header section one byte over the limit', async () => {
    await expectClosedWith(headOfSize(LIMITS.maxHeaderBytes + 1), 431);
  });

  it('rejects a request line over the limit with 414 (RFC 9112 §3: a target longer than it will parse)', async () => {
    const response = await request(port, `GET /${'a'.repeat(400)} HTTP/1.1\r\nHost: t\r\n\r\n`);
    expect(response.statusLine).toBe('HTTP/1.1 414 URI Too Long');
    expect(response.closed).toBe(true);
  });

  it('rejects endless header bytes without a line end, without waiting for them to stop', async () => {
    const client = await RawClient.connect(port);
    await client.send('GET / HTTP/1.1\r\nX-Endless: ');
    const writing = (async () => {
      for (let i = 0; i < 50 && !client.closed; i++) await client.send('z'.repeat(16_384));
    })();
    const response = await client.next();
    expectError(response, 431);
    await writing;
    expect(await client.waitClosed()).toBe(true);
  });

  it('rejects endless empty lines before the request line', async () => {
    await expectClosedWith('\r\n'.repeat(200), 431);
  });

  it('rejects a trailer section over the limit', async () => {
    const trailers = `X-T: ${'t'.repeat(LIMITS.maxHeaderBytes)}\r\n`;
    await expectClosedWith(`POST /tr HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n${trailers}\r\n`, 431);
  });
});

describe('timeouts', () => {
  it('answers 408 and closes when the header section does not arrive in time', async () => {
    const client = await RawClient.connect(port);
    const started = Date.now();
    await client.send('GET / HTTP/1.1\r\nHost: t\r\n');
    const response = await client.next({ timeoutMs: 3000 });
    expectError(response, 408);
    expect(response.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(response.header('Connection')).toBe('close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.headerTimeoutMs - 50);
    expect(await client.waitClosed()).toBe(true);
  });

  it('does not let a trickle of header bytes extend the deadline (slowloris)', async () => {
    const client = await RawClient.connect(port);
    const started = Date.now();
    const trickle = (async () => {
      await client.send('GET / HTTP/1.1\r\n');
      for (let i = 0; i < 40 && !client.closed; i++) {
        await client.send(`X-${i}: 1\r\n`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const response = await client.next({ timeoutMs: 3000 });
    expect(response.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(LIMITS.headerTimeoutMs + 400);
    await trickle;
  });

  it('answers 408 and closes when a body stops arriving', async () => {
    const client = await RawClient.connect(port);
    await client.send('POST /stall HTTP/1.1\r\nHost: t\r\nContent-Length: 20\r\n\r\n{"a":');
    const response = await client.next({ timeoutMs: 3000 });
    expectError(response, 408);
    expect(await client.waitClosed()).toBe(true);
    expectError(await request(port, http('GET', '/stall')), 404);
  });

  it('closes an idle new connection without a word', async () => {
    const client = await RawClient.connect(port);
    const started = Date.now();
    expect(await client.waitClosed(3000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 50);
    expect(client.pending.length).toBe(0);
  });

  it('closes a kept-alive connection after it has been idle, without a word', async () => {
    const client = await RawClient.connect(port);
    await client.send(http('GET', '/'));
    expect((await client.next()).status).toBe(300);
    await new Promise((resolve) => setTimeout(resolve, LIMITS.idleTimeoutMs / 2));
    await client.send(http('GET', '/')); // activity restarts the idle clock
    expect((await client.next()).status).toBe(300);
    const idleFrom = Date.now();
    expect(await client.waitClosed(3000)).toBe(true);
    expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 50);
    expect(client.pending.length).toBe(0);
  });
});

describe('many clients', () => {
  it('serves 100 concurrent clients doing disjoint POSTs; GET / then lists all 100', async () => {
    const roomy = await startReferenceServer();
    try {
      const names = Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`);
      const responses = await Promise.all(
        names.map((name, i) => request(roomy.port, http('POST', `/${name}`, { body: `{"i":${i}}` }))),
      );
      responses.forEach((response, i) => {
        expectJson(response, 201, { i });
        expect(response.header('Location')).toBe(`/${names[i]}`);
      });
      expectJson(await request(roomy.port, http('GET', '/')), 300, names.map((name) => `/${name}`));
    } finally {
      await roomy.close();
    }
  });

  it('is not blocked by idle or half-sent connections', async () => {
    const patient = await startReferenceServer({ limits: { headerTimeoutMs: 10_000, idleTimeoutMs: 10_000 } });
    const port = patient.port;
    const stalled: RawClient[] = [];
    try {
    for (let i = 0; i < 20; i++) {
      const client = await RawClient.connect(port);
      if (i % 2 === 0) await client.send('POST /half HTTP/1.1\r\nHost: t\r\nContent-Le');
      else if (i % 4 === 1) await client.send('PUT /half HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n{"a"');
      stalled.push(client);
    }
    const started = Date.now();
    expectJson(await request(port, http('PUT', '/other', { body: '{"ok":true}' })), 201, { ok: true });
    expectJson(await request(port, http('GET', '/other')), 200, { ok: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stalled.some((client) => client.closed)).toBe(false);
    } finally {
      await patient.close();
    }
  });

  it('keeps serving others while a client pipelines without reading its answers', async () => {
    const roomy = await startReferenceServer();
    try {
      const big = `{"big":"${'b'.repeat(50_000)}"}`;
      expect((await request(roomy.port, http('PUT', '/big', { body: big }))).status).toBe(201);
      const hog = await RawClient.connect(roomy.port);
      hog.socket.pause(); // read nothing: the server must stop reading from it too, not buffer answers
      await hog.send(http('GET', '/big').repeat(400)); // ~20 MB of answers
      expectJson(await request(roomy.port, http('GET', '/')), 300, ['/big']);
      hog.socket.resume();
      for (let i = 0; i < 400; i++) {
        const response = await hog.next({ timeoutMs: 5000 });
        expect(response.status).toBe(200);
        expect(response.body.length).toBe(big.length);
      }
      expect(await probeClosed(hog)).toBe(false);
    } finally {
      await roomy.close();
    }
  });

  it('closes connections beyond maxConnections at once and accepts again when one leaves', async () => {
    const capped = await startReferenceServer({ limits: { maxConnections: 3 } });
    try {
      const kept = await Promise.all([0, 1, 2].map(() => RawClient.connect(capped.port)));
      await Promise.all(kept.map(async (client) => {
        await client.send(http('GET', '/'));
        expect((await client.next()).status).toBe(300);
      }));
      const extra = await RawClient.connect(capped.port);
      expect(await extra.waitClosed(2000)).toBe(true);
      expect(extra.pending.length).toBe(0);
      kept[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const result = await exchange(capped.port, http('GET', '/'));
      expect(result.responses[0]!.status).toBe(300);
    } finally {
      await capped.close();
    }
  });
});
