/**
 * What the watch after a unit does to its result: a death charged to the unit (its request becomes the
 * one after which the server went away), a unit that could not judge because the server left after
 * serving, and the root cause of a server that exits after serving.
 */
import { KEEPS_SERVING_ID, Scheduler, type AfterUnit } from './scheduler.js';
import type { CheckResult } from './types.js';

/**
 * Charges a death found after a unit to its result: the unit fails for it, and its request becomes the
 * one after which the server went away (so the replay reproduces the death).
 */
export function chargeDeath(res: CheckResult, a: Extract<Exclude<AfterUnit, null>, { chargedTo: 'unit' }>): CheckResult {
  const out: CheckResult = { ...res, verdict: 'fail', failures: Math.max(1, res.failures), cause: Scheduler.died(a) };
  const sent = a.culprit?.request;
  if (sent) {
    out.request = { plan: sent.plan, methods: sent.methods };
    delete out.setup;
    delete out.expectation;
  }
  if (a.culprit && !out.exchanges) out.exchanges = [a.culprit];
  return out;
}

/** What a death found after a unit does to its result (see Scheduler.after). */
export function applyAfter(res: CheckResult, a: Exclude<AfterUnit, null>): CheckResult {
  if (a.chargedTo === 'none') return res;
  if (a.chargedTo === 'unit') return chargeDeath(res, a);
  if (a.judged || res.verdict === 'pass' || res.verdict === 'warn') return res;
  return { ...res, verdict: 'blocked', failures: 0, cause: { kind: 'blocked', by: { kind: 'left-after-serving', down: a.down } } };
}

/** The result of KEEPS_SERVING_ID once the server was seen to exit after serving correctly. */
export function chargeExitsAfterServing(res: CheckResult, s: Scheduler): CheckResult {
  const e = s.exitsAfterServing;
  if (!e || res.id !== KEEPS_SERVING_ID) return res;
  return { ...res, verdict: 'fail', failures: 1, cause: { kind: 'exits-after-serving', times: e.times, firstAfter: e.firstAfter, down: e.down } };
}
