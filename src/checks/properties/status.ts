import { defineProperty } from '../property.js';
import type { CheckContext, SentRequest } from '../types.js';
import { describeExchange, expectedWords, judgeStatus, resolveAccepts } from '../verify.js';
import { malformedRequest } from '../../arbitraries/malformations.js';
import { validRead, type GenRequest } from '../../arbitraries/requests.js';

const fresh = (ctx: CheckContext) => {
  let n = 0;
  return () => ctx.name(`s${n++}`);
};

/** Sends a generated request and judges it against its own acceptable outcomes. */
async function judge(ctx: CheckContext, g: GenRequest) {
  const request: SentRequest = { plan: { bytes: g.bytes }, methods: [g.method] };
  const exp = resolveAccepts({ accept: g.accept, ...(g.warn ? { warn: g.warn } : {}), ...(g.mustClose ? { mustClose: true } : {}) }, ctx.profile.baselineStatuses);
  const ex = await ctx.send(request, { headOnly: true, ...(g.mustClose ? { settleMs: Math.min(1000, ctx.timeoutMs) } : {}) });
  const { verdict, reason } = judgeStatus(ex, exp);
  if (verdict !== 'fail') return null;
  return { reason: `${g.label}: ${reason}`, expected: expectedWords(exp), actual: describeExchange(ex), request, expectation: exp, exchanges: [ex] };
}

export const malformedRejected = defineProperty({
  id: 'status.prop.malformed-rejected',
  family: 'status',
  level: 'MUST',
  requirement: 'Every generated malformed request (bad method, version, header line, body, Content-Length, oversized head) gets one of its acceptable statuses, or a close where that is allowed.',
  source: { profile: 'any', note: 'each generated malformation is judged by its own RFC rule (the MUSTs of RFC 9112 §5.1, §6.3 and RFC 9110 §5.5; otherwise not served as valid); the reference protocol adds its own answers' },
  cite: 'RFC 9112 §3, §5, §6; RFC 9110 §15',
  arbitrary: (ctx) => malformedRequest(ctx.profile, fresh(ctx)),
  verify: judge,
});

export const validServed = defineProperty({
  id: 'status.prop.valid-served',
  family: 'status',
  level: 'MUST',
  requirement: "Every generated valid request (GET or HEAD, any header order and case) gets the profile's status.",
  source: { profile: 'any', note: 'a valid GET or HEAD of the known path, in any header order and case, gets the profile\'s status (RFC 9110 §9.3.1, §9.3.2)' },
  cite: 'RFC 9110 §9.3.1, §9.3.2',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)),
  verify: judge,
});

export const statusProperties = [validServed, malformedRejected];
