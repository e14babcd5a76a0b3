import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { defineProperty } from '../src/checks/property.js';
import type { CheckContext, SentRequest } from '../src/checks/types.js';
import { describeExchange, header, statusOf } from '../src/checks/verify.js';
import type { DifferentialRules } from '../src/model/profile.js';
import { exchange, type Exchange } from '../src/client/exchange.js';
import { serializeRequest } from '../src/http1/request.js';
import { jsonObject } from './arbitraries/json.js';
import { nextCase } from './case-names.js';

/**
 * One step of a generated sequence: a method, a target from a small set (the known path, `/`, this
 * case's two fresh names and paths around them), and a body for the methods that take one.
 */
interface Step {
  method: string;
  version: string;
  target: { kind: 'known' | 'root' | 'name' | 'sub' | 'dotdot'; slot: number };
  body: { kind: 'none' } | { kind: 'json'; value: Record<string, unknown> } | { kind: 'text'; value: string };
}

const anyBody: fc.Arbitrary<Step['body']> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: jsonObject.map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: fc.constantFrom('hello', 'not json', '').map((value) => ({ kind: 'text' as const, value })) },
);

/** Mostly operations on this case's own records, so a write and a later read of one record meet often. */
const recordStep: fc.Arbitrary<Step> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'PATCH', 'PATCH', 'DELETE'),
  target: fc.record({ kind: fc.constant('name' as const), slot: fc.constantFrom(0, 0, 0, 1) }),
  version: fc.constant('HTTP/1.1'),
  body: fc.oneof({ weight: 5, arbitrary: jsonObject.map((value) => ({ kind: 'json' as const, value })) }, { weight: 1, arbitrary: anyBody }),
});

/** And now and then anything: other paths, unknown methods, other versions. */
const noiseStep: fc.Arbitrary<Step> = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'FOO'),
  target: fc.record({ kind: fc.constantFrom('name', 'known', 'root', 'sub', 'dotdot'), slot: fc.constantFrom(0, 1) }),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/3.0'),
  body: anyBody,
});

const step: fc.Arbitrary<Step> = fc.oneof({ weight: 7, arbitrary: recordStep }, { weight: 3, arbitrary: noiseStep });

function render(s: Step, names: readonly string[], ctx: CheckContext): SentRequest {
  const n = names[s.target.slot]!;
  const target = { known: ctx.profile.knownPath, root: '/', name: `/${n}`, sub: `/${n}/sub`, dotdot: `/../${n}` }[s.target.kind];
  const takesBody = s.method === 'POST' || s.method === 'PUT' || s.method === 'PATCH';
  const headers: Array<[string, string]> = [['Host', 'localhost']];
  let body: string | undefined;
  if (takesBody && s.body.kind !== 'none') {
    body = s.body.kind === 'json' ? JSON.stringify(s.body.value) : s.body.value;
    headers.push(['Content-Type', s.body.kind === 'json' ? 'application/json' : 'text/plain']);
  }
  return { plan: { bytes: serializeRequest({ method: s.method, target, version: s.version, headers, body: body === undefined ? undefined : Buffer.from(body, 'utf8') }) }, methods: [s.method] };
}

/**
 * Status as compared under the profile's rules: a close counts as `closeIs` (default 400), and the
 * statuses of one equivalence group count as the group's first.
 */
function comparedStatus(ex: Exchange, rules: DifferentialRules): number | 'close' | 'none' {
  const closeIs = rules.closeIs === undefined ? 400 : rules.closeIs;
  const s = statusOf(ex) ?? (ex.kind === 'closed-without-response' || ex.kind === 'reset' ? (closeIs ?? 'close') : 'none');
  if (typeof s !== 'number') return s;
  const group = (rules.equivalentStatuses ?? []).find((g) => g.includes(s));
  return group ? group[0]! : s;
}

function bodyOf(ex: Exchange): unknown {
  const b = Buffer.from(ex.finals[0]?.body ?? []);
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return b.toString('latin1');
  }
}

/**
 * The differential family: the same generated sequences go to the server under test and to an oracle
 * (the teacher's own solution, or the bundled reference server), each request to both in turn, and the
 * answers must agree. Allowed differences by default: headers (Date, Server, …), reason phrases, a close
 * where the other said 400, and the bodies of error answers and of paths shared with other checks (only
 * the records this case created are compared, JSON-equal or byte for byte). The profile's
 * `differential` rules change that (equivalent statuses, what a close counts as, bodies, headers).
 */
export const differentialSameAnswers = defineProperty({
  id: 'differential.prop.same-answers',
  family: 'differential',
  level: 'MUST',
  requirement: "Every generated request sequence gets the same statuses, and the same bodies for this case's records, as from the oracle.",
  source: { profile: 'oracle', note: 'the oracle server (--oracle): the same requests get the same answers' },
  cite: 'docs/checks.md#differential',
  needs: 'oracle',
  arbitrary: () => fc.array(step, { minLength: 1, maxLength: 8, size: 'medium' }),
  async verify(ctx, steps) {
    const oracle = ctx.oracle!;
    const k = nextCase(ctx);
    const names = [ctx.name(`d${k}a`), ctx.name(`d${k}b`)];
    const sent: SentRequest[] = [];
    for (const s of steps) {
      const req = render(s, names, ctx);
      const mine = await ctx.send(req);
      const theirs = await exchange(oracle, req.plan, { methods: req.methods, timeoutMs: ctx.timeoutMs });
      const rules = ctx.profile.differential ?? {};
      const a = comparedStatus(mine, rules);
      const b = comparedStatus(theirs, rules);
      let mismatch: string | null = null;
      if (a !== b) {
        mismatch = `the oracle answered ${describeExchange(theirs)}, this server ${describeExchange(mine)}`;
      } else if (
        (rules.compareBodies ?? 'own-records') === 'own-records' &&
        typeof a === 'number' &&
        a < 400 &&
        s.target.kind === 'name' &&
        s.method !== 'HEAD' &&
        !isDeepStrictEqual(bodyOf(mine), bodyOf(theirs))
      ) {
        mismatch = `both answered ${a}, but the bodies differ: oracle ${JSON.stringify(bodyOf(theirs)).slice(0, 200)}, this server ${JSON.stringify(bodyOf(mine)).slice(0, 200)}`;
      } else if (typeof a === 'number') {
        for (const h of rules.compareHeaders ?? []) {
          const mv = mine.finals[0] ? header(mine.finals[0], h) : undefined;
          const tv = theirs.finals[0] ? header(theirs.finals[0], h) : undefined;
          if (mv !== tv) {
            mismatch = `both answered ${a}, but ${h} differs: oracle ${JSON.stringify(tv ?? null)}, this server ${JSON.stringify(mv ?? null)}`;
            break;
          }
        }
      }
      if (mismatch) {
        return {
          reason: `${req.methods[0]} ${Buffer.from(req.plan.bytes).toString('latin1').split(' ')[1]}: ${mismatch}`,
          expected: [`what the oracle answered: ${describeExchange(theirs)}`],
          actual: describeExchange(mine),
          request: req,
          ...(sent.length > 0 ? { setup: [...sent] } : {}),
          exchanges: [theirs, mine],
        };
      }
      sent.push(req);
    }
    return null;
  },
});
