import { withKnownHost } from '../../model/profile-policy.js';
import type { Check } from '../types.js';
import { describeExchange, req, statusOf } from '../verify.js';
import { checkGroup } from '../group.js';

export const BASELINE_ID = 'baseline.valid-request-answered';

/**
 * The baseline: a plain, valid request for the profile's known path gets a complete response. When it
 * fails, every check that needs a working server is reported `blocked`, not failed.
 */
export const baselineChecks: Check[] = checkGroup({ prefix: 'baseline', family: 'robustness' }, [
  {
    id: BASELINE_ID,
    level: 'MUST',
    requirement: 'A server answers a plain, valid HTTP/1.1 request with a status line (the baseline every other check builds on; the form of the answer is judged by the wire checks).',
    source: { profile: 'any', note: 'the profile\'s known-good request gets an answer (RFC 9112 §2.1 message syntax; its form is judged by the wire checks); every other check builds on it' },
    cite: 'RFC 9112 §2.1',
    independent: true,
    async run(ctx) {
      const { method, target } = ctx.profile.baseline;
      const request = req(withKnownHost(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`, ctx.profile), method);
      const ex = await ctx.send(request, { headOnly: true });
      const expected = [`a response (the ${ctx.profile.name} profile expects ${ctx.profile.baselineStatuses.join(' or ')})`];
      const s = statusOf(ex);
      if (s === null || s >= 500) {
        return { verdict: 'fail', reason: `the baseline request got ${describeExchange(ex)}`, expected, actual: describeExchange(ex), request, exchanges: [ex] };
      }
      return { verdict: 'pass', reason: describeExchange(ex), expected, actual: describeExchange(ex), request, learned: { baselineStatus: s }, exchanges: [ex] };
    },
  },
]);
