import { knownHost, withKnownHost } from '../../model/profile.js';
import type { Check } from '../types.js';
import { answered, describeExchange, req, result, statusOf } from '../verify.js';

export const BASELINE_ID = 'baseline.valid-request-answered';

/**
 * The baseline: a plain, valid request for the profile's known path gets a complete response. When it
 * fails, every check that needs a working server is reported `blocked`, not failed.
 */
export const baselineChecks: Check[] = [
  {
    id: BASELINE_ID,
    family: 'robustness',
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
      return { verdict: 'pass', reason: describeExchange(ex), expected, actual: describeExchange(ex), request, exchanges: [ex] };
    },
  },
  {
    // Runs second, before any check that is about something else sends a plain Host: under a profile
    // that routes through Host, every other request for the known path carries the profile's Host, so a
    // server that dies on a Host without a route is charged here, once, and not to an RFC check.
    id: 'baseline.unrouted-host-survives',
    family: 'robustness',
    level: 'MUST',
    requirement: 'A server that takes its routes from the Host header keeps serving after a request whose Host carries no route ("Host: localhost"): it may refuse it (404, 400), but not die.',
    source: { profile: 'any', note: 'a client may send any valid Host (RFC 9112 §3.2: "Host = uri-host [ \":\" port ]"); whatever a client sends, the server stays up for the next one' },
    cite: 'RFC 9112 §3.2',
    needs: 'host-route',
    async run(ctx) {
      const { method, target } = ctx.profile.baseline;
      const plain = req(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, method);
      const first = await ctx.send(plain, { headOnly: true });
      const routed = req(withKnownHost(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, ctx.profile), method);
      const ex = await ctx.send(routed, { headOnly: true });
      const expected = [`any answer (or none) to "Host: localhost", then an answer to the baseline request with "Host: ${knownHost(ctx.profile)}"`];
      if (answered(ex)) return result('pass', `"Host: localhost" got ${describeExchange(first)}; the server still serves`, expected, ex, routed, { setup: [plain], exchanges: [first, ex] });
      return result('fail', `after "Host: localhost" (${describeExchange(first)}), the baseline request got ${describeExchange(ex)}`, expected, ex, routed, { setup: [plain], exchanges: [first, ex] });
    },
  },
];
