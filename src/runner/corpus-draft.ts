import type { CheckResult } from './types.js';
import { encodeExample, failureSignature } from '../corpus/codec.js';
import type { Judge } from '../corpus/schema.js';
import type { EntryDraft } from '../corpus/store.js';

export interface Origin {
  seed: number;
  target: string;
  profile: string;
  date: string;
  tool: string;
}

/**
 * A corpus entry for one failed check: its exact requests, how to judge a replay, and where it came
 * from. A failure that rests on one request's status is judged from the bytes alone; a property
 * failure replays its shrunk case (as a fast-check example when it is plain data, else by seed and
 * path); any other check is run again by id.
 */
export function draftFromResult(c: CheckResult, origin: Origin, counterexample?: unknown): EntryDraft {
  const requests = [...(c.setup ?? []), ...(c.request ? [c.request] : [])];
  let judge: Judge;
  if (c.property) {
    const ex = counterexample === undefined ? { ok: false as const } : encodeExample(counterexample);
    judge = {
      kind: 'property',
      seed: c.property.seed,
      path: c.property.path,
      ...(c.property.replayPath ? { replayPath: c.property.replayPath } : {}),
      ...(ex.ok ? { example: ex.json } : {}),
    };
  } else if (c.expectation && c.request) {
    judge = { kind: 'status', accept: [...c.expectation.accept], warn: [...(c.expectation.warn ?? [])], mustClose: c.expectation.mustClose === true };
  } else {
    judge = { kind: 'check' };
  }
  return {
    manifest: {
      format: 'wiregrade-corpus/1',
      check: c.id,
      signature: failureSignature(c.id, c.reason, c.actual),
      profile: origin.profile,
      judge,
      expected: [...c.expected],
      observed: c.actual,
      reason: c.reason,
      origin: { seed: c.property?.seed ?? origin.seed, ...(c.property ? { path: c.property.path } : {}), date: origin.date, target: origin.target, tool: origin.tool },
    },
    requests,
  };
}
