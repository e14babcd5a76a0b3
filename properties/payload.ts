import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { defineProperty } from '../src/checks/property.js';
import type { SentRequest } from '../src/checks/types.js';
import { answered, describeExchange, statusOf } from '../src/checks/verify.js';
import { jsonBodyOfSize } from '../src/checks/case.js';
import { payloadSize } from './arbitraries/malformations.js';
import { splitPlan } from './arbitraries/split-plan.js';
import { serializeRequest } from '../src/http1/request.js';
import { nextCase } from './case-names.js';

/** The reference protocol's body limit. */
export const BODY_LIMIT = 1024 * 1024;

export const largePayloads = defineProperty({
  id: 'store.prop.large-payloads',
  family: 'store',
  level: 'MUST',
  requirement: 'A body up to the limit is accepted and read back byte for byte (JSON-equal); a body over it gets 413.',
  source: { profile: 'reference', note: 'the reference protocol stores bodies up to 1 MiB and answers 413 over it (RFC 9110 §15.5.14)' },
  cite: 'RFC 9110 §15.5.14; docs/reference-protocol.md#requests-and-answers',
  needs: 'reference',
  arbitrary: () => payloadSize(BODY_LIMIT).chain((size) => fc.tuple(fc.constant(size), fc.constantFrom('POST', 'PUT'), splitPlan(Math.min(size, 4096), { maxPieces: 3, maxPauseMs: 30 }))),
  async verify(ctx, [size, method, plan]) {
    const target = `/${ctx.name(`b${nextCase(ctx)}`)}`;
    const body = jsonBodyOfSize(size);
    const bytes = serializeRequest({ method, target, version: 'HTTP/1.1', headers: [['Host', 'localhost'], ['Content-Type', 'application/json']], body });
    const req: SentRequest = { plan: { bytes, splits: plan.splits, pausesMs: plan.pausesMs }, methods: [method] };
    // Judged by its status only (headOnly: a body framed by a close that does not come is not waited on).
    const ex = await ctx.send(req, { timeoutMs: ctx.timeoutMs * 3, headOnly: true });
    const s = statusOf(ex);
    const over = Buffer.byteLength(body) > BODY_LIMIT;
    if (over) {
      if (s === 413 || (ex.kind !== 'response' && ex.receivedBytes === 0 && ex.kind !== 'timeout')) return null;
      return { reason: `a ${size}-byte body (over the ${BODY_LIMIT}-byte limit) got ${describeExchange(ex)}`, expected: ['413'], actual: describeExchange(ex), request: req, exchanges: [ex] };
    }
    if (s !== 201 && s !== 200) return { reason: `a ${size}-byte body got ${describeExchange(ex)}`, expected: ['201'], actual: describeExchange(ex), request: req, exchanges: [ex] };
    const readReq: SentRequest = { plan: { bytes: serializeRequest({ method: 'GET', target, version: 'HTTP/1.1', headers: [['Host', 'localhost']] }) }, methods: ['GET'] };
    const back = await ctx.send(readReq, { timeoutMs: ctx.timeoutMs * 3 });
    // Not read back at all: said as it is (not as a body that differs).
    if (!answered(back)) {
      return { reason: `a ${size}-byte body was acknowledged ${s}, but GET of it got ${describeExchange(back)}`, expected: [`the ${size}-byte record`], actual: describeExchange(back), request: readReq, setup: [req], exchanges: [ex, back] };
    }
    let got: unknown;
    try {
      got = JSON.parse(Buffer.from(back.finals[0]?.body ?? []).toString('utf8'));
    } catch {
      got = undefined;
    }
    if (isDeepStrictEqual(got, JSON.parse(body))) return null;
    return {
      reason: `a ${size}-byte body was acknowledged ${s}, but GET returned ${back.finals[0]?.body.length ?? 0} bytes that are not the same record`,
      expected: [`the ${size}-byte record`],
      actual: describeExchange(back),
      request: readReq,
      setup: [req],
      exchanges: [ex, back],
    };
  },
});
