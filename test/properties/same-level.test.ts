/**
 * The same bytes, one level (issue 20): a generated malformed request that a catalogue check also sends
 * (`sameAs`) is judged by that check's statuses, at that check's level under the profile. Socket-free:
 * the cases are sampled from the generator, the answers built by the real response parser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import { malformedRequest } from '../../properties/arbitraries/malformations.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { levelUnder } from '../../src/checks/level.js';
import { caseJudgement, malformedRejected } from '../../properties/status.js';
import type { CheckContext } from '../../src/checks/types.js';
import { judgeStatus, resolveAccepts } from '../../src/checks/verify.js';
import { withAnswerGrammar } from '../../src/checks/answer-grammar.js';
import type { Profile } from '../../src/model/profile.js';
import { anyProfile, referenceProfile } from '../../src/model/builtin-profiles.js';
import { latin1 } from '../../src/wire/bytes.js';

const PROFILES: readonly Profile[] = [anyProfile(), referenceProfile];

function answer(text: string): Exchange {
  const p = new ResponseParser();
  p.expect('GET');
  const bytes = latin1(text);
  p.feed(bytes);
  p.end();
  const finals = [...p.done];
  const kind = finals.length > 0 ? 'response' : 'closed-without-response';
  return { kind, responses: finals, finals, partial: null, connection: 'closed', sentBytes: 40, receivedBytes: bytes.length, elapsedMs: 2, transcript: [{ dir: 'received', atMs: 1, bytes }] };
}

const ANSWERS: Record<string, Exchange> = {
  served: answer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
  listed: answer('HTTP/1.1 300 Multiple Choices\r\nContent-Length: 0\r\n\r\n'),
  bad: answer('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
  version: answer('HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 0\r\n\r\n'),
  error: answer('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n'),
  // No status line at all (Python's http.server to a version it refuses): RFC 9110 §2.2, a MUST in both.
  page: answer('<html><body>Bad request version</body></html>\n'),
};

function cases(profile: Profile) {
  let n = 0;
  return fc.sample(malformedRequest(profile, () => `wg${n++}`), { seed: 7, numRuns: 600 });
}

describe('a property case and the catalogue check of the same malformation judge alike', () => {
  for (const profile of PROFILES) {
    it(`under ${profile.name}: the same statuses and the same level`, () => {
      const same = cases(profile).filter((g) => g.sameAs !== undefined);
      expect(same.length).toBeGreaterThan(50);
      const named = new Set<string>();
      for (const g of same) {
        const check = allChecks.find((c) => c.id === g.sameAs);
        expect(check, g.sameAs).toBeDefined();
        expect(check!.expectation, g.sameAs).toBeDefined();
        const j = caseJudgement(g, profile);
        expect(j.level, `${g.label} (${g.sameAs})`).toBe(levelUnder(check!, profile));
        expect(j.expectation).toEqual(resolveAccepts(check!.expectation!(profile), profile.baselineStatuses));
        named.add(g.sameAs!);
      }
      // Every version and not-a-token method the generator names is covered by the sample.
      expect(named.size).toBeGreaterThanOrEqual(10);
    });

    it(`under ${profile.name}: the property fails a case exactly when its check fails at MUST`, async () => {
      for (const g of cases(profile).filter((c) => c.sameAs !== undefined).slice(0, 120)) {
        const check = allChecks.find((c) => c.id === g.sameAs)!;
        for (const [name, ex] of Object.entries(ANSWERS)) {
          const ctx = { profile, timeoutMs: 1000, send: async () => ex, name: () => 'x' } as unknown as CheckContext;
          const failed = (await malformedRejected.verify(ctx, g)) !== null;
          // As the check judges the same answer: its statuses at its level, and §2.2 at MUST.
          const own = judgeStatus(ex, resolveAccepts(check.expectation!(profile), profile.baselineStatuses)).verdict === 'fail' && levelUnder(check, profile) === 'MUST';
          const byCheck = own || withAnswerGrammar({ verdict: 'pass', reason: '', expected: [], actual: '', request: { plan: { bytes: g.bytes }, methods: [g.method] }, exchanges: [ex] }).breaks?.level === 'MUST';
          expect(failed, `${g.label} answered ${name}, as ${check.id} judges it`).toBe(byCheck);
        }
      }
    });
  }

  it('serving "GET / http/1.1" is a warning under any (a SHOULD), in the check and the property alike', async () => {
    const g = cases(anyProfile()).find((c) => c.sameAs === 'status.version.lowercase-is-400')!;
    expect(g).toBeDefined();
    const ctx = { profile: anyProfile(), timeoutMs: 1000, send: async () => ANSWERS.served!, name: () => 'x' } as unknown as CheckContext;
    expect(await malformedRejected.verify(ctx, g)).toBeNull();
    const check = allChecks.find((c) => c.id === 'status.version.lowercase-is-400')!;
    expect(levelUnder(check, anyProfile())).toBe('SHOULD');
    // Under the reference protocol's rules it is a MUST in both.
    const ref = cases(referenceProfile).find((c) => c.sameAs === 'status.version.lowercase-is-400')!;
    const refCtx = { ...ctx, profile: referenceProfile } as CheckContext;
    expect(await malformedRejected.verify(refCtx, ref)).not.toBeNull();
  });
});
