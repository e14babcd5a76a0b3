import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { defineProperty } from '../src/checks/property.js';
import { AFTER_IDLE_BLOCKS } from '../src/checks/follows.js';
import type { SentRequest } from '../src/checks/types.js';
import { answered, bodyJson, describeExchange, statusOf } from '../src/checks/verify.js';
import { serializeRequest } from '../src/http1/request.js';
import { Connection } from '../src/wire/connection.js';
import { nextCase } from './case-names.js';

function write(method: string, target: string, obj: unknown): SentRequest {
  return {
    plan: { bytes: serializeRequest({ method, target, version: 'HTTP/1.1', headers: [['Host', 'localhost'], ['Content-Type', 'application/json']], body: JSON.stringify(obj) }) },
    methods: [method],
  };
}

function read(target: string): SentRequest {
  return { plan: { bytes: serializeRequest({ method: 'GET', target, version: 'HTTP/1.1', headers: [['Host', 'localhost']] }) }, methods: ['GET'] };
}

export const concurrentWriters = defineProperty({
  id: 'store.prop.concurrent-writers',
  family: 'store',
  level: 'MUST',
  requirement: 'Clients writing at once, to different records and to fields of one shared record, never lose an acknowledged write.',
  source: { profile: 'reference', note: 'docs/reference-protocol.md: each request is atomic' },
  cite: 'docs/reference-protocol.md#atomic-requests',
  needs: 'reference',
  // Each case writes to records of its own (its names carry its case number), reads only those, and sends
  // nothing large; it opens up to 24 connections at once, so no more than 4 cases run ahead together.
  casesSideBySide: true,
  casesAtOnce: 4,
  arbitrary: () => fc.record({ disjoint: fc.integer({ min: 1, max: 12 }), shared: fc.integer({ min: 2, max: 12 }) }),
  async verify(ctx, { disjoint, shared }) {
    const r = nextCase(ctx);
    const names = Array.from({ length: disjoint }, (_, i) => `/${ctx.name(`w${r}d${i}`)}`);
    const sharedPath = `/${ctx.name(`w${r}shared`)}`;
    const setup = write('POST', sharedPath, { base: true });
    // The writes are judged by their status only (headOnly: a body framed by a close that does not come is not waited on).
    const made = await ctx.send(setup, { headOnly: true });
    if (statusOf(made) !== 201) return null; // creation is judged by the status checks
    const posts = names.map((n, i) => write('POST', n, { i }));
    const patches = Array.from({ length: shared }, (_, i) => write('PATCH', sharedPath, { [`f${i}`]: i }));
    const acks = await Promise.all([...posts, ...patches].map((q) => ctx.send(q, { headOnly: true })));
    // Every write was answered: the acknowledged records are read back at once, as they were written.
    const reads = await Promise.all(names.map((n, i) => (statusOf(acks[i]!) === 201 ? ctx.send(read(n)) : null)));
    for (let i = 0; i < names.length; i++) {
      const ex = reads[i];
      // A read left unanswered says nothing of the write (other checks judge a silence), as a write left
      // unanswered does not count as acknowledged.
      if (!ex || !answered(ex)) continue;
      if (!isDeepStrictEqual(bodyJson(ex.finals[0]), { i })) {
        return { reason: `${names[i]} was acknowledged 201 but GET got ${describeExchange(ex)}`, expected: [JSON.stringify({ i })], actual: describeExchange(ex), request: read(names[i]!), setup: posts, exchanges: [acks[i]!, ex] };
      }
    }
    const final = await ctx.send(read(sharedPath));
    if (!answered(final)) return null;
    const rec = bodyJson(final.finals[0]) as Record<string, unknown> | undefined;
    const lost = patches.map((_, i) => (statusOf(acks[names.length + i]!) === 200 && rec?.[`f${i}`] !== i ? `f${i}` : null)).filter((x) => x !== null);
    if (lost.length > 0) {
      return {
        reason: `${lost.length} of ${shared} acknowledged concurrent PATCHes lost (missing ${lost.join(', ')}) with ${disjoint} other writers`,
        expected: ['every acknowledged field present'],
        actual: String(JSON.stringify(rec) ?? Buffer.from(final.finals[0]?.body ?? []).toString('utf8')).slice(0, 300),
        request: read(sharedPath),
        setup: [setup, ...patches],
        exchanges: [final],
      };
    }
    return null;
  },
});

export const idleDoesNotDelay = defineProperty({
  id: 'robustness.prop.idle-connections-do-not-block',
  impact: 'denial-of-service',
  family: 'robustness',
  level: 'MUST',
  follows: AFTER_IDLE_BLOCKS,
  requirement: 'While clients hold idle or half-sent connections, other clients are still answered.',
  source: { profile: 'any', note: 'idle or half-sent connections do not stop the server answering others (RFC 9112 §9)' },
  cite: 'RFC 9112 §9',
  arbitrary: () => fc.record({ idle: fc.integer({ min: 1, max: 5 }), partialBytes: fc.integer({ min: 0, max: 20 }), requests: fc.integer({ min: 1, max: 5 }) }),
  async verify(ctx, { idle, partialBytes, requests }) {
    const opened: Connection[] = [];
    try {
      const partial = Buffer.from(`GET / HTTP/1.1\r\nHost: localhost\r\n`.slice(0, partialBytes), 'latin1');
      for (let i = 0; i < idle; i++) {
        const c = await Connection.open(ctx.target, { connectTimeoutMs: ctx.timeoutMs });
        if (!c.ok) break;
        opened.push(c.conn);
        if (partial.length > 0) await c.conn.send({ bytes: partial });
      }
      const probe = read(ctx.profile.knownPath);
      // Judged by whether they are answered (headOnly: a body framed by a close that does not come is not waited on).
      const answers = await Promise.all(Array.from({ length: requests }, () => ctx.send(probe, { headOnly: true })));
      const bad = answers.find((a) => a.kind !== 'response');
      if (!bad) return null;
      return {
        reason: `with ${opened.length} idle connection(s) holding ${partialBytes} byte(s) each, a request got ${describeExchange(bad)}`,
        expected: ['a response'],
        actual: describeExchange(bad),
        request: probe,
        setup: [{ plan: { bytes: partial }, methods: [] }],
        exchanges: [bad],
      };
    } finally {
      for (const c of opened) c.destroy();
    }
  },
});

export const concurrencyProperties = [concurrentWriters, idleDoesNotDelay];
