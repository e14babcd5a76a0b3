import { RFC, STREAM } from '../src/checks/rfc.js';
import fc from 'fast-check';
import { defineProperty } from '../src/checks/property.js';
import { AFTER_SPLIT, AFTER_UNANNOUNCED_CLOSE } from '../src/checks/follows.js';
import type { CheckContext, SentRequest } from '../src/checks/types.js';
import { answered, closes, describeExchange, statusOf } from '../src/checks/verify.js';
import { splitPlanAtLeastTwo } from './arbitraries/split-plan.js';
import { validRead, type GenRequest } from './arbitraries/requests.js';
import { serializeRequest } from '../src/http1/request.js';
import { knownHeaders } from '../src/model/profile-policy.js';

const fresh = (ctx: CheckContext) => {
  let n = 0;
  return () => ctx.name(`p${n++}`);
};

function sent(g: GenRequest, plan?: { splits: number[]; pausesMs: number[] }): SentRequest {
  return { plan: plan ? { bytes: g.bytes, splits: plan.splits, pausesMs: plan.pausesMs } : { bytes: g.bytes }, methods: [g.method] };
}

export const splitInvariance = defineProperty({
  id: 'metamorphic.prop.split-invariance',
  casesSideBySide: true,
  impact: 'desync',
  family: 'metamorphic',
  level: 'MUST',
  follows: AFTER_SPLIT,
  requirement: 'A request gets the same status whether it arrives whole or split at any byte, with pauses between the pieces.',
  source: STREAM,
  cite: 'RFC 9112 §2',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)).chain((g) => fc.tuple(fc.constant(g), splitPlanAtLeastTwo(g.bytes.length))),
  async verify(ctx, [g, plan]) {
    const whole = sent(g);
    const a = await ctx.send(whole);
    if (!answered(a)) return null; // not this property's business: other checks judge an unanswered request
    const split = sent(g, plan);
    const b = await ctx.send(split);
    if (answered(b) && statusOf(b) === statusOf(a)) return null;
    return {
      reason: `sent whole it got ${describeExchange(a)}; split in ${plan.splits.length + 1} pieces it got ${describeExchange(b)}`,
      expected: [`the same status as whole (${statusOf(a)})`],
      actual: describeExchange(b),
      request: split,
      exchanges: [a, b],
    };
  },
});

export const headerOrderAndCase = defineProperty({
  id: 'metamorphic.prop.header-order-and-case',
  casesSideBySide: true,
  family: 'metamorphic',
  level: 'MUST',
  requirement: 'The order of header fields and the case of their names do not change the status.',
  source: RFC.fieldOrder,
  cite: 'RFC 9110 §5.1, §5.3',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)),
  async verify(ctx, g) {
    const text = Buffer.from(g.bytes).toString('latin1');
    const [line] = text.split('\r\n');
    const [method, target] = (line ?? '').split(' ');
    const canonical: SentRequest = { plan: { bytes: serializeRequest({ method: method!, target: target!, version: 'HTTP/1.1', headers: knownHeaders(ctx.profile) }) }, methods: [g.method] };
    const a = await ctx.send(canonical);
    if (!answered(a)) return null;
    const b = await ctx.send(sent(g));
    if (answered(b) && statusOf(b) === statusOf(a)) return null;
    return { reason: `with only Host it got ${describeExchange(a)}; with these headers ${describeExchange(b)}`, expected: [`${statusOf(a)}`], actual: describeExchange(b), request: sent(g), exchanges: [a, b] };
  },
});

export const keepAliveEquivalence = defineProperty({
  id: 'metamorphic.prop.keep-alive-equivalence',
  casesSideBySide: true,
  impact: 'desync',
  family: 'metamorphic',
  level: 'MUST',
  follows: AFTER_UNANNOUNCED_CLOSE,
  requirement: 'A request gets the same status on a new connection as when it is the second request on a kept-alive one.',
  source: RFC.persistence,
  cite: 'RFC 9112 §9.3',
  arbitrary: (ctx) => fc.tuple(validRead(ctx.profile, fresh(ctx)), validRead(ctx.profile, fresh(ctx))),
  async verify(ctx, [first, second]) {
    const alone = await ctx.send(sent(second));
    if (!answered(alone)) return null;
    const s = await ctx.openConnection();
    if (!s) return { reason: 'the connection was refused', expected: ['a connection'], actual: 'refused', exchanges: [alone] };
    try {
      const a = await s.exchange(sent(first).plan, { methods: [first.method], timeoutMs: ctx.timeoutMs });
      // Not kept alive by the first response's own terms ("Connection: close", or HTTP/1.0): nothing to compare.
      if (!answered(a) || closes(a)) return null;
      const b = await s.exchange(sent(second).plan, { methods: [second.method], timeoutMs: ctx.timeoutMs });
      if (answered(b) && statusOf(b) === statusOf(alone)) return null;
      return {
        reason: `alone it got ${describeExchange(alone)}; after another request on the same connection it got ${describeExchange(b)}`,
        expected: [`${statusOf(alone)}`],
        actual: describeExchange(b),
        request: sent(second),
        setup: [sent(first)],
        exchanges: [alone, a, b],
      };
    } finally {
      await s.close();
    }
  },
});

export const headIsGetWithoutBody = defineProperty({
  id: 'metamorphic.prop.head-is-get-without-body',
  casesSideBySide: true,
  family: 'metamorphic',
  level: 'MUST',
  requirement: "HEAD gets GET's status and Content-Length, and no body.",
  source: RFC.headSameAsGet,
  cite: 'RFC 9110 §9.3.2',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)),
  async verify(ctx, g) {
    const text = Buffer.from(g.bytes).toString('latin1');
    const rest = text.slice(text.indexOf(' '));
    const getReq: SentRequest = { plan: { bytes: Buffer.from('GET' + rest, 'latin1') }, methods: ['GET'] };
    const headReq: SentRequest = { plan: { bytes: Buffer.from('HEAD' + rest, 'latin1') }, methods: ['HEAD'] };
    const a = await ctx.send(getReq);
    if (a.kind !== 'response') return null;
    // The settle watches for body bytes after the HEAD answer, which a correct server never sends.
    const b = await ctx.send(headReq, { settleMs: 50, settleWatchesFaults: true });
    const getLen = a.finals[0]!.declaredLength ?? a.finals[0]!.body.length;
    const r = b.finals[0];
    const problem =
      b.kind !== 'response' || !r
        ? `HEAD got ${describeExchange(b)}`
        : r.status !== a.finals[0]!.status
          ? `HEAD got ${r.status}, GET got ${a.finals[0]!.status}`
          : r.declaredLength !== null && r.declaredLength !== getLen
            ? `HEAD says Content-Length ${r.declaredLength}, GET's body is ${getLen} bytes`
            : r.findings.some((f) => f.code === 'body-forbidden')
              ? 'HEAD was answered with a body'
              : null;
    if (!problem) return null;
    if (r && b.kind === 'response' && !r.findings.some((f) => f.code === 'body-forbidden')) {
      // The resource may have changed between the two requests (another client wrote to it): a GET after
      // the HEAD that agrees with the HEAD clears it.
      const c = await ctx.send(getReq);
      const after = c.kind === 'response' ? c.finals[0] : undefined;
      if (after && after.status === r.status && (r.declaredLength === null || r.declaredLength === (after.declaredLength ?? after.body.length))) return null;
    }
    return { reason: problem, expected: [`${a.finals[0]!.status} with Content-Length ${getLen} and no body`], actual: describeExchange(b), request: headReq, exchanges: [a, b] };
  },
});

export const repeatedGetAgrees = defineProperty({
  id: 'metamorphic.prop.repeated-get-agrees',
  casesSideBySide: true,
  family: 'metamorphic',
  level: 'MUST',
  requirement: 'Two identical GETs in a row get the same status and body.',
  source: { profile: 'any', note: 'a resource nobody changes answers two GETs alike (GET is safe, RFC 9110 §9.2.1)' },
  cite: 'RFC 9110 §9.2.1',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)).filter((g) => g.method === 'GET'),
  async verify(ctx, g) {
    const a = await ctx.send(sent(g));
    if (a.kind !== 'response') return null;
    const b = await ctx.send(sent(g));
    if (b.kind === 'response' && statusOf(a) === statusOf(b) && Buffer.compare(Buffer.from(a.finals[0]!.body), Buffer.from(b.finals[0]!.body)) === 0) return null;
    return { reason: `first ${describeExchange(a)}, then ${describeExchange(b)}`, expected: ['the same status and body'], actual: describeExchange(b), request: sent(g), exchanges: [a, b] };
  },
});

export const metamorphicProperties = [splitInvariance, headerOrderAndCase, keepAliveEquivalence, headIsGetWithoutBody, repeatedGetAgrees];
