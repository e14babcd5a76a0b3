/**
 * The store properties read a body only where they judge one: a command judged by its status alone is
 * sent `headOnly`, so against a server whose bodies are framed by a close that does not come (no
 * Content-Length, the connection kept open) it costs the time of its head, not an idle end. Without a
 * network: a context whose `send` plays a correct reference-protocol store and records each request's
 * method and options.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import type { CheckContext, SentRequest } from '../../src/checks/types.js';
import type { ParsedResponse } from '../../src/http1/response-parser.js';
import { storeModel } from '../../properties/store-model.js';
import { concurrentWriters } from '../../properties/concurrency.js';

/** A correct record store, as the reference protocol says, answering the bytes of one request. */
function store(): (bytes: Uint8Array) => { status: number; body: string } {
  const records = new Map<string, Record<string, unknown>>();
  return (bytes) => {
    const text = Buffer.from(bytes).toString('utf8');
    const [line = ''] = text.split('\r\n');
    const [method = '', target = ''] = line.split(' ');
    const raw = text.slice(text.indexOf('\r\n\r\n') + 4);
    let obj: unknown;
    try {
      obj = raw ? JSON.parse(raw) : undefined;
    } catch {
      obj = undefined;
    }
    const isObject = typeof obj === 'object' && obj !== null && !Array.isArray(obj);
    const cur = records.get(target);
    if (target === '/') return { status: 300, body: JSON.stringify([...records.keys()]) };
    if (method === 'GET' || method === 'HEAD') return cur ? { status: 200, body: method === 'GET' ? JSON.stringify(cur) : '' } : { status: 404, body: '' };
    if (method === 'DELETE') return records.delete(target) ? { status: 204, body: '' } : { status: 404, body: '' };
    if (method === 'PATCH' && !cur) return { status: 404, body: '' };
    if (!isObject) return { status: 400, body: '' };
    const o = obj as Record<string, unknown>;
    if (method === 'POST') {
      if (cur) return { status: 409, body: '' };
      records.set(target, o);
      return { status: 201, body: '' };
    }
    if (method === 'PUT') {
      records.set(target, o);
      return { status: cur ? 200 : 201, body: '' };
    }
    records.set(target, { ...cur, ...o });
    return { status: 200, body: JSON.stringify(records.get(target)) };
  };
}

function answer(status: number, body: string, method: string): Exchange {
  const r = { status, body: Buffer.from(body), headers: [], interim: false, complete: true, forMethod: method } as unknown as ParsedResponse;
  return { kind: 'response', responses: [r], finals: [r], partial: null, connection: 'closed', sentBytes: 1, receivedBytes: 1, elapsedMs: 1, transcript: [] };
}

/** A context on the store that records, per request, its method and whether it was read head only. */
function context(): { ctx: CheckContext; sent: Array<[string, boolean]> } {
  const serve = store();
  const sent: Array<[string, boolean]> = [];
  const ctx = {
    timeoutMs: 1000,
    name: (label = '') => `t-${label}`,
    send: async (req: SentRequest, o: { headOnly?: boolean } = {}) => {
      const method = Buffer.from(req.plan.bytes).toString('latin1').split(' ')[0]!;
      sent.push([method, o.headOnly === true]);
      const { status, body } = serve(req.plan.bytes);
      return answer(status, body, method);
    },
  } as unknown as CheckContext;
  return { ctx, sent };
}

describe('store properties read only the bodies they judge', () => {
  it('store.prop.model: GET (a record, the listing) reads its body; every other command only its head', async () => {
    const { ctx, sent } = context();
    for (const cmds of fc.sample(storeModel.arbitrary(ctx, {}), { seed: 7, numRuns: 20 })) {
      expect(await storeModel.verify(ctx, cmds)).toBeNull();
    }
    const methods = new Set(sent.map(([m]) => m));
    expect([...methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
    for (const [m, headOnly] of sent) expect([m, headOnly]).toEqual([m, m !== 'GET']);
  });

  it('store.prop.concurrent-writers: the writes are read head only, the reads back whole', async () => {
    const { ctx, sent } = context();
    for (const v of fc.sample(concurrentWriters.arbitrary(ctx, {}), { seed: 7, numRuns: 10 })) {
      expect(await concurrentWriters.verify(ctx, v)).toBeNull();
    }
    expect(sent.filter(([m]) => m === 'GET').length).toBeGreaterThan(10);
    for (const [m, headOnly] of sent) expect([m, headOnly]).toEqual([m, m !== 'GET']);
  });
});
