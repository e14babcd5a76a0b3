/**
 * Garbage in, the server stays up: deterministic mutations of valid requests (bytes flipped, inserted,
 * deleted, cut, spliced together), sent from many connections at once, each followed by the client's
 * FIN. Every connection must end (answered, then closed), every answer must be well-formed, and the
 * server must serve normally afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index.js';
import { expectJson } from './expect-helpers.js';
import { closeAllClients, http, RawClient, request } from './raw.js';

let server: ReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({ limits: { maxBodyBytes: 2048, maxHeaderBytes: 1024, headerTimeoutMs: 2000, idleTimeoutMs: 2000 } });
  await request(server.port, http('PUT', '/seed', { body: '{"seed":1}' }));
});
afterAll(async () => {
  closeAllClients();
  await server.close();
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = [
  http('GET', '/seed'),
  http('HEAD', '/'),
  http('POST', '/fuzz', { body: '{"a":[1,2,{"b":"c"}]}' }),
  http('PUT', '/fuzz', { body: '{"x":"y"}', headers: ['Connection: keep-alive'] }),
  http('PATCH', '/seed', { body: '{"p":true}' }),
  http('DELETE', '/fuzz'),
  'POST /chunky HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\n{"a\r\n4\r\n":1}\r\n0\r\nT: 1\r\n\r\n',
  'PUT /expect HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}',
  'GET /seed HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
];
const INTERESTING = ['\r', '\n', '\r\n', ' ', '\t', ':', '\x00', '\x7f', '\xff', '0', '9', 'f', ';', '"', '/', '%', ',', 'HTTP/1.1', 'chunked', 'Content-Length: 5\r\n', 'Host: x\r\n'];

function mutate(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  let bytes = pick(VALID) + (next() < 0.3 ? pick(VALID) : '');
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const kind = Math.floor(next() * 5);
    if (kind === 0) bytes = bytes.slice(0, at) + pick(INTERESTING) + bytes.slice(at);
    else if (kind === 1) bytes = bytes.slice(0, at) + bytes.slice(at + 1 + Math.floor(next() * 4));
    else if (kind === 2) bytes = bytes.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + bytes.slice(at + 1);
    else if (kind === 3) bytes = bytes.slice(0, at);
    else bytes = bytes.slice(0, at) + pick(INTERESTING).repeat(1 + Math.floor(next() * 600)) + bytes.slice(at);
  }
  return bytes;
}

/** Sends `bytes` in 1 to 3 pieces, then FIN; returns everything the server sent before closing. */
async function sendAndDrain(bytes: string, next: () => number): Promise<string> {
  const client = await RawClient.connect(server.port);
  const cut1 = Math.floor(next() * bytes.length);
  const cut2 = cut1 + Math.floor(next() * (bytes.length - cut1));
  await client.sendPieces([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)].filter((piece) => piece !== ''), 1);
  client.shutdown();
  const closed = await client.waitClosed(5000);
  const received = client.pending.toString('latin1');
  client.destroy();
  if (!closed) throw new Error(`the server neither answered nor closed: ${JSON.stringify(bytes)}`);
  return received;
}

it('survives 400 mutated requests from 20 connections at a time, with well-formed answers', async () => {
  const next = random(20240611);
  const cases = Array.from({ length: 400 }, () => mutate(next));
  for (let i = 0; i < cases.length; i += 20) {
    await Promise.all(
      cases.slice(i, i + 20).map(async (bytes) => {
        const received = await sendAndDrain(bytes, next);
        const context = `request ${JSON.stringify(bytes)} got ${JSON.stringify(received)}`;
        if (received !== '') expect(received.startsWith('HTTP/1.1 '), context).toBe(true);
        expect(/(?<!\r)\n/.test(received), `bare LF: ${context}`).toBe(false);
        for (const statusLine of received.match(/^HTTP\/1\.1 \d{3} [^\r\n]*/gm) ?? []) {
          expect(statusLine, context).toMatch(/^HTTP\/1\.1 (100|20[014]|300|40[045789]|41[34]|431|50[015]) [A-Z]/);
        }
      }),
    );
  }
  expectJson(await request(server.port, http('GET', '/seed')), 200);
});
