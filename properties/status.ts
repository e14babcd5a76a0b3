import { defineProperty } from '../src/checks/property.js';
import type { Check, CheckContext, Level, SentRequest } from '../src/checks/types.js';
import { closeWatch, describeExchange, expectedWords, failsByStatus, judgeStatus, resolveAccepts, type StatusExpectation } from '../src/checks/verify.js';
import { levelUnder } from '../src/checks/level.js';
import { withAnswerGrammar } from '../src/checks/answer-grammar.js';
import { allChecks } from '../src/checks/catalogue/index.js';
import type { Profile } from '../src/model/profile.js';
import { malformedRequest } from './arbitraries/malformations.js';
import { validRead, type GenRequest } from './arbitraries/requests.js';

const fresh = (ctx: CheckContext) => {
  let n = 0;
  return () => ctx.name(`s${n++}`);
};

const CATALOGUE: ReadonlyMap<string, Check> = new Map(allChecks.map((c) => [c.id, c]));

/**
 * What a generated case is judged by: the statuses and level of the catalogue check that sends the same
 * malformation (`sameAs`), else its own statuses at the property's level (MUST). The same bytes get the
 * same level everywhere: a case whose check is a SHOULD (a version the RFC says SHOULD get 400) never
 * fails the property, whose failures are MUST breaches; its check warns about it.
 */
export function caseJudgement(g: GenRequest, profile: Profile): { expectation: StatusExpectation; level: Level; check?: string } {
  const check = g.sameAs ? CATALOGUE.get(g.sameAs) : undefined;
  if (check?.expectation) return { expectation: resolveAccepts(check.expectation(profile), profile.baselineStatuses), level: levelUnder(check, profile), check: check.id };
  return { expectation: resolveAccepts({ accept: g.accept, ...(g.warn ? { warn: g.warn } : {}), ...(g.mustClose ? { mustClose: true } : {}) }, profile.baselineStatuses), level: 'MUST' };
}

/** Sends a generated request and judges it as caseJudgement says. */
async function judge(ctx: CheckContext, g: GenRequest) {
  const request: SentRequest = { plan: { bytes: g.bytes }, methods: [g.method] };
  const { expectation: exp, level } = caseJudgement(g, ctx.profile);
  // A status that fails by itself decides the case: the close watch after it only lets the server close first (as expectStatus's).
  const ex = await ctx.send(request, { headOnly: true, ...(exp.mustClose ? { ...closeWatch(ctx.timeoutMs), decided: failsByStatus(exp) } : {}) });
  const judged = judgeStatus(ex, exp);
  // An answer with no status line to a versioned request line breaks RFC 9110 §2.2 (a MUST) here as in
  // every catalogue check (src/checks/answer-grammar.ts): the same bytes, the same level.
  const run = withAnswerGrammar({ verdict: judged.verdict, reason: judged.reason, expected: [], actual: '', request, exchanges: [ex] });
  if (run.verdict !== 'fail' || (level !== 'MUST' && run.breaks?.level !== 'MUST')) return null;
  return { reason: `${g.label}: ${run.reason}`, expected: expectedWords(exp), actual: describeExchange(ex), request, expectation: exp, exchanges: [ex] };
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
  casesSideBySide: true,
  family: 'status',
  level: 'MUST',
  requirement: "Every generated valid request (GET or HEAD, any header order and case) gets the profile's status.",
  source: { profile: 'any', note: 'a valid GET or HEAD of the known path, in any header order and case, gets the profile\'s status (RFC 9110 §9.3.1, §9.3.2)' },
  cite: 'RFC 9110 §9.3.1, §9.3.2',
  arbitrary: (ctx) => validRead(ctx.profile, fresh(ctx)),
  verify: judge,
});

export const statusProperties = [validServed, malformedRejected];
