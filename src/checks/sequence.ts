import type { Exchange } from '../client/exchange.js';
import { fill, withSharedFields } from './case.js';
import type { CheckDecl } from './group.js';
import type { Check, CheckContext, CheckRun, Impact, Level, SentRequest, Source } from './types.js';
import { closeWatch, describeExchange, expectedWords, judgeStatus, req, resolveAccepts, type StatusExpectation } from './verify.js';

/**
 * One step of a sequence: a request on a fresh connection, the outcomes it must get, and optionally a
 * further judgement of the response (returns a failure sentence, or null when fine).
 */
export interface Step {
  request: string | ((ctx: CheckContext) => SentRequest);
  method?: string;
  expect: StatusExpectation;
  also?: (ex: Exchange, ctx: CheckContext, earlier: readonly Exchange[]) => string | null;
  /** A setup step: when it fails, the check is `blocked` (another check owns that failure). */
  setup?: boolean;
}

export interface SequenceSpec {
  id: string;
  requirement: string;
  source?: Source;
  cite?: string;
  level?: Level;
  needs?: Check['needs'];
  impact?: Impact;
  steps: readonly Step[];
}

function build(step: Step, ctx: CheckContext): SentRequest {
  if (typeof step.request === 'function') return step.request(ctx);
  const text = fill(step.request, ctx);
  return req(text, step.method ?? text.split(' ')[0] ?? 'GET');
}

/** Runs steps in order; the first step that fails decides the verdict. */
export async function runSteps(ctx: CheckContext, steps: readonly Step[]): Promise<CheckRun> {
  const sent: SentRequest[] = [];
  const exchanges: Exchange[] = [];
  let warned: string | null = null;
  for (const step of steps) {
    const request = build(step, ctx);
    const exp = resolveAccepts(step.expect, ctx.profile.baselineStatuses);
    const ex = await ctx.send(request, { headOnly: step.also === undefined, ...(exp.mustClose ? closeWatch(ctx.timeoutMs) : {}) });
    exchanges.push(ex);
    const judged = judgeStatus(ex, exp);
    let verdict = judged.verdict;
    let reason = judged.reason;
    // A setup step's status belongs to another check; what `also` judges belongs to this one.
    const blocked = verdict === 'fail' && step.setup === true;
    const byStatus = verdict === 'fail';
    if (verdict !== 'fail' && step.also) {
      const extra = step.also(ex, ctx, exchanges.slice(0, -1));
      if (extra) {
        verdict = 'fail';
        reason = extra;
      }
    }
    if (verdict === 'fail') {
      const run: CheckRun = {
        verdict: blocked ? 'blocked' : 'fail',
        reason: blocked ? `not judged: a setup request did not succeed (${reason})` : reason,
        expected: expectedWords(exp),
        actual: describeExchange(ex),
        request,
        exchanges,
      };
      if (sent.length > 0) run.setup = [...sent];
      if (byStatus && !blocked) run.expectation = exp;
      return run;
    }
    if (verdict === 'warn' && !warned) warned = reason;
    sent.push(request);
  }
  const last = exchanges[exchanges.length - 1];
  const lastStep = steps[steps.length - 1]!;
  return {
    verdict: warned ? 'warn' : 'pass',
    reason: warned ?? (last ? describeExchange(last) : 'no request'),
    expected: expectedWords(resolveAccepts(lastStep.expect, ctx.profile.baselineStatuses)),
    actual: last ? describeExchange(last) : '',
    exchanges,
  };
}

export function sequenceCheck(s: SequenceSpec): CheckDecl {
  const check: CheckDecl = {
    id: s.id,
    requirement: s.requirement,
    run: (ctx) => runSteps(ctx, s.steps),
  };
  return withSharedFields(check, s);
}
