/**
 * Record names of property cases and what a store property judges, without a network:
 * - a case's number in its record names has a fixed width and is counted per run and property (nextCase),
 *   so a request's length depends neither on what the process graded before nor on the case's position;
 * - store.prop.concurrent-writers does not call an acknowledged write lost when the read that should show
 *   it went unanswered (a silence other checks judge): the zoo's recv-8-until-short, silent on requests
 *   whose length is a multiple of 8, failed it in one process and passed it in another (session 24);
 * - store.prop.large-payloads says a read-back left unanswered is one (until session 25 it said the GET
 *   "returned 0 bytes that are not the same record").
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import type { CheckContext, SentRequest } from '../../src/checks/types.js';
import type { ParsedResponse } from '../../src/http1/response-parser.js';
import { nextCase } from '../../properties/case-names.js';
import { concurrentWriters } from '../../properties/concurrency.js';
import { largePayloads } from '../../properties/payload.js';

const ctxNamed = (prefix: string) => ({ name: (label = '') => (label ? `${prefix}-${label}` : prefix) }) as unknown as CheckContext;

describe('nextCase', () => {
  it('counts per run and property, from 0, at a fixed width', () => {
    const a = ctxNamed('wgrun1aaaaaa');
    const b = ctxNamed('wgrun1bbbbbb');
    expect([nextCase(a), nextCase(a), nextCase(b), nextCase(a)]).toEqual(['000000', '000001', '000000', '000002']);
    const many = ctxNamed('wgrun2cccccc');
    const labels = Array.from({ length: 1200 }, () => nextCase(many));
    expect(new Set(labels.map((l) => l.length))).toEqual(new Set([6]));
    expect(new Set(labels).size).toBe(1200);
  });
});

function answer(status: number, body: string): Exchange {
  const r = { status, body: Buffer.from(body), headers: [], interim: false, complete: true } as unknown as ParsedResponse;
  return { kind: 'response', responses: [r], finals: [r], partial: null, connection: 'closed', sentBytes: 1, receivedBytes: 1, elapsedMs: 1, transcript: [] };
}
const silence: Exchange = { kind: 'timeout', responses: [], finals: [], partial: null, connection: 'open', sentBytes: 1, receivedBytes: 0, elapsedMs: 500, transcript: [] };

describe('store.prop.concurrent-writers', () => {
  /** A store that acknowledges every write and leaves the reads `silent` says unanswered. */
  const context = (silent: (target: string) => boolean): CheckContext =>
    ({
      timeoutMs: 1000,
      name: (label = '') => `wgt${label}`,
      send: async (req: SentRequest) => {
        const [method = '', target = ''] = Buffer.from(req.plan.bytes).toString('latin1').split(' ');
        if (method === 'POST') return answer(201, '');
        if (method === 'PATCH') return answer(200, '{}');
        return silent(target) ? silence : answer(200, target.includes('shared') ? '{"base":true,"f0":0,"f1":1}' : '{"i":0}');
      },
    }) as unknown as CheckContext;

  it('does not call a write lost when the read that would show it went unanswered', async () => {
    expect(await concurrentWriters.verify(context((t) => !t.includes('shared')), { disjoint: 1, shared: 2 })).toBeNull();
    expect(await concurrentWriters.verify(context((t) => t.includes('shared')), { disjoint: 1, shared: 2 })).toBeNull();
  });

  it('still calls it lost when the read was answered without it', async () => {
    const f = await concurrentWriters.verify(context(() => false), { disjoint: 2, shared: 2 });
    expect(f?.reason).toMatch(/was acknowledged 201 but GET got/);
  });
});

describe('store.prop.large-payloads', () => {
  /** A store that acknowledges the write, and answers the read with `read` (or leaves it unanswered). */
  const context = (read: Exchange): CheckContext =>
    ({
      timeoutMs: 1000,
      name: (label = '') => `wgt${label}`,
      send: async (req: SentRequest) => (Buffer.from(req.plan.bytes).toString('latin1').startsWith('GET ') ? read : answer(201, '')),
    }) as unknown as CheckContext;
  const value: [number, 'POST' | 'PUT', { splits: number[]; pausesMs: number[] }] = [100, 'POST', { splits: [], pausesMs: [] }];

  it('says a read-back left unanswered is one, not a body that differs', async () => {
    const f = await largePayloads.verify(context(silence), value);
    expect(f?.reason).toMatch(/^a 100-byte body was acknowledged 201, but GET of it got no complete response within 500 ms: got nothing$/);
  });

  it('says a body read back different is one', async () => {
    const f = await largePayloads.verify(context(answer(200, '{"other":1}')), value);
    expect(f?.reason).toMatch(/^a 100-byte body was acknowledged 201, but GET returned 11 bytes that are not the same record$/);
  });
});
