import { isDeepStrictEqual } from 'node:util';
import { get, jsonBodyOfSize, write } from '../../case.js';
import { sequenceCheck, type Step } from '../../sequence.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { bodyJson, bodyText, describeExchange, req, result, statusOf, answered, answerOf } from '../../verify.js';
import { sleep } from '../../../wire/deadline.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const REC = { color: 'red', size: 3 };
const create: Step = { request: write('POST', '/{name}', JSON.stringify(REC)), expect: { accept: ['2xx'] }, setup: true };

/** A final GET whose body must be JSON-equal to `want` (or 404 when `want` is null). */
function readBack(want: unknown, what: string): Step {
  if (want === null) return { request: get([], { target: '/{name}' }), expect: { accept: [404] } };
  return {
    request: get([], { target: '/{name}' }),
    expect: { accept: [200] },
    also: (ex) => {
      const got = bodyJson(ex.finals[0]);
      return isDeepStrictEqual(got, want) ? null : `${what}: GET returned ${Buffer.from(answerOf(ex)!.body).toString('utf8').slice(0, 200)}, expected ${JSON.stringify(want).slice(0, 200)}`;
    },
  };
}

function storeCheck(id: string, requirement: string, steps: Step[], cite = 'docs/reference-protocol.md#requests-and-answers'): CheckDecl {
  return sequenceCheck({ id, requirement, cite, steps });
}

/** A JSON body of `size` bytes (`label`: its size in words) is stored whole. */
function bigRoundTrip(c: { id: string; size: number; label: string }): CheckDecl {
  const { size, label } = c;
  const body = jsonBodyOfSize(size);
  return storeCheck(c.id, `A ${label} JSON body is stored whole: GET returns exactly what the 2xx accepted.`, [
    { request: write('POST', '/{name}', body), expect: { accept: [201] }, setup: true },
    readBack(JSON.parse(body), `the ${label} record`),
  ]);
}

/** Runs `n` requests at once, each on its own connection. */
async function together(ctx: CheckContext, reqs: SentRequest[]) {
  return Promise.all(reqs.map((r) => ctx.send(r)));
}

/**
 * Durability (grading only, for a profile that asks for persistence): writes acknowledged before a
 * SIGKILL that lands in the middle of further writes are all there once the server is started again.
 * Five rounds, each killing a little later into the next write.
 */
const durability: CheckDecl = {
  id: 'store.durability.kill-9-keeps-acknowledged',
  level: 'MUST',
  requirement: 'A write acknowledged with a 2xx survives a kill -9 of the server in the middle of later writes, and a restart.',
  source: { profile: 'persistent', note: 'docs/reference-protocol.md: a write is on disk before its 2xx is sent, so a kill -9 loses nothing acknowledged' },
  cite: 'docs/reference-protocol.md#durability',
  needs: 'restart',
  async run(ctx): Promise<CheckRun> {
    const expected = ['every acknowledged record readable after the restart'];
    if (!ctx.profile.capabilities.includes('reference')) return result('skip', `not part of the ${ctx.profile.name} profile`, expected, undefined, undefined);
    const acked: Array<{ path: string; body: unknown; req: SentRequest }> = [];
    for (let round = 0; round < 5; round++) {
      const a = `/${ctx.name(`k${round}a`)}`;
      const first = req(write('POST', a, JSON.stringify({ round, first: true })), 'POST');
      const ex = await ctx.send(first);
      if (statusOf(ex) !== 201) return result('blocked', `not judged: creating ${a} got ${describeExchange(ex)}`, expected, ex, first);
      acked.push({ path: a, body: { round, first: true }, req: first });
      const b = `/${ctx.name(`k${round}b`)}`;
      const second = req(write('POST', b, jsonBodyOfSize(4096 * (round + 1))), 'POST');
      const pending = ctx.send(second);
      await sleep(2 + 10 * round);
      if (!(await ctx.restartServer!())) return result('fail', 'the server could not be started again after a kill -9', expected, undefined, second);
      const exB = await pending;
      if (statusOf(exB) === 201) acked.push({ path: b, body: JSON.parse(jsonBodyOfSize(4096 * (round + 1))), req: second });
      for (const w of acked) {
        const read = req(get([], { target: w.path }));
        const back = await ctx.send(read);
        if (!isDeepStrictEqual(bodyJson(back.finals[0]), w.body)) {
          return result('fail', `after a kill -9 and restart (round ${round + 1}), ${w.path}, acknowledged 201 before, got ${describeExchange(back)}`, expected, back, read, { setup: acked.map((x) => x.req) });
        }
      }
    }
    return result('pass', `${acked.length} acknowledged writes survived 5 kills`, expected, undefined, undefined);
  },
};

/** Store invariants, deterministic: what the server acknowledged is what it serves. */
export const storeChecks: Check[] = checkGroup({ prefix: 'store', family: 'store', needs: 'reference' }, [
  durability,
  storeCheck('store.post.then-get-returns-record', 'A record created by POST is returned by GET, JSON-equal to what was sent.', [create, readBack(REC, 'after POST')]),
  storeCheck('store.put.replaces', 'PUT replaces the whole record: GET returns exactly the new object.', [
    create,
    { request: write('PUT', '/{name}', '{"shape":"round"}'), expect: { accept: [200] }, setup: true },
    readBack({ shape: 'round' }, 'after PUT'),
  ]),
  storeCheck('store.patch.merges', 'PATCH merges its fields into the record: fields it does not name are kept.', [
    create,
    { request: write('PATCH', '/{name}', '{"size":4,"new":true}'), expect: { accept: [200] }, setup: true },
    readBack({ color: 'red', size: 4, new: true }, 'after PATCH'),
  ]),
  storeCheck('store.delete.removes', 'After DELETE answered 204, the record is gone: GET answers 404.', [
    create,
    { request: get([], { target: '/{name}', method: 'DELETE' }), method: 'DELETE', expect: { accept: [204] }, setup: true },
    readBack(null, 'after DELETE'),
  ]),
  storeCheck('store.conflict.rejected-post-changes-nothing', 'A POST rejected with 409 changes nothing: the record is as before.', [
    create,
    { request: write('POST', '/{name}', '{"color":"green"}'), expect: { accept: [409] }, setup: true },
    readBack(REC, 'after the rejected POST'),
  ]),
  storeCheck('store.rejected.bad-body-changes-nothing', 'A PUT rejected with 400 (body not JSON) changes nothing.', [
    create,
    { request: write('PUT', '/{name}', 'not json'), expect: { accept: [400] }, setup: true },
    readBack(REC, 'after the rejected PUT'),
  ]),
  storeCheck('store.rejected.patch-missing-creates-nothing', 'A PATCH of a missing record (404) does not create it.', [
    { request: write('PATCH', '/{name}', '{"a":1}'), expect: { accept: [404] }, setup: true },
    readBack(null, 'after the rejected PATCH'),
  ]),
  storeCheck('store.list.includes-created', 'GET / lists the path of a record just created.', [
    create,
    {
      request: get([], { target: '/' }),
      expect: { accept: [300] },
      setup: true,
      also: (ex, ctx) => {
        const list = bodyJson(ex.finals[0]);
        return Array.isArray(list) && list.includes(`/${ctx.name()}`) ? null : `GET / does not list "/${ctx.name()}"`;
      },
    },
  ]),
  storeCheck('store.list.excludes-deleted', 'GET / no longer lists a deleted record.', [
    create,
    { request: get([], { target: '/{name}', method: 'DELETE' }), method: 'DELETE', expect: { accept: [204] }, setup: true },
    {
      request: get([], { target: '/' }),
      expect: { accept: [300] },
      setup: true,
      also: (ex, ctx) => {
        const list = bodyJson(ex.finals[0]);
        return Array.isArray(list) && !list.includes(`/${ctx.name()}`) ? null : `GET / still lists "/${ctx.name()}" after its DELETE`;
      },
    },
  ]),
  storeCheck('store.body.unicode-round-trip', 'A record with non-ASCII text (UTF-8) is returned unchanged.', [
    { request: write('POST', '/{name}', Buffer.from(JSON.stringify({ t: 'héllo wörld ✓ 日本' }), 'utf8').toString('latin1')), expect: { accept: [201] }, setup: true },
    readBack({ t: 'héllo wörld ✓ 日本' }, 'the UTF-8 record'),
  ]),
  bigRoundTrip({ id: 'store.body.2-kib-round-trip', size: 2 * 1024, label: '2-kib' }),
  bigRoundTrip({ id: 'store.body.64-kib-round-trip', size: 64 * 1024, label: '64-kib' }),
  bigRoundTrip({ id: 'store.body.512-kib-round-trip', size: 512 * 1024, label: '512-kib' }),
  {
    id: 'store.body.over-limit-is-413',
    level: 'MUST',
    requirement: 'A body over the limit (1 MiB + 1 byte) is answered 413 Content Too Large, then the connection closed; nothing is stored.',
    source: { profile: 'reference', note: 'the reference protocol answers 413 over its 1 MiB body limit (RFC 9110 §15.5.14)' },
    cite: 'RFC 9110 §15.5.14; docs/reference-protocol.md#requests-and-answers',
    async run(ctx): Promise<CheckRun> {
      const post = req(write('POST', `/${ctx.name()}`, jsonBodyOfSize(1024 * 1024 + 1)), 'POST');
      const ex = await ctx.send(post, { settleMs: 1000 });
      const expected = ['413, then close, and no record'];
      if (!answered(ex) || statusOf(ex) !== 413) {
        if (ex.kind === 'closed-without-response' || ex.kind === 'reset') {
          if (ex.receivedBytes === 0) return result('warn', 'closed without a 413', expected, ex, post);
        }
        return result('fail', `expected 413, got ${describeExchange(ex)}`, expected, ex, post);
      }
      const after = await ctx.send(req(get([], { target: `/${ctx.name()}` })));
      if (statusOf(after) !== 404) return result('fail', `after the 413, GET of the record got ${describeExchange(after)}`, expected, after, post);
      return result('pass', describeExchange(ex), expected, ex, post);
    },
  },
  {
    id: 'store.concurrency.disjoint-posts-all-kept',
    level: 'MUST',
    requirement: 'Twenty clients creating twenty different records at once: every acknowledged record is there afterwards.',
    source: { profile: 'reference', note: 'docs/reference-protocol.md: each request is atomic' },
    cite: 'docs/reference-protocol.md#atomic-requests',
    async run(ctx): Promise<CheckRun> {
      const names = Array.from({ length: 20 }, (_, i) => ctx.name(`c${i}`));
      const posts = names.map((n, i) => req(write('POST', `/${n}`, JSON.stringify({ i })), 'POST'));
      const acks = await together(ctx, posts);
      const expected = ['every acknowledged record readable'];
      for (let i = 0; i < names.length; i++) {
        if (statusOf(acks[i]!) !== 201) continue;
        const ex = await ctx.send(req(get([], { target: `/${names[i]}` })));
        if (!isDeepStrictEqual(bodyJson(ex.finals[0]), { i })) {
          return result('fail', `record /${names[i]} was acknowledged 201 but GET got ${describeExchange(ex)}`, expected, ex, posts[i], { setup: posts });
        }
      }
      const acked = acks.filter((a) => statusOf(a) === 201).length;
      if (acked === 0) return result('blocked', 'not judged: none of the concurrent POSTs was acknowledged', expected, acks[0], posts[0]);
      return result('pass', `${acked} of 20 acknowledged, all readable`, expected, acks[0], posts[0]);
    },
  },
  {
    id: 'store.concurrency.patches-to-one-record-all-kept',
    level: 'MUST',
    requirement: 'Twenty clients PATCHing different fields of one record at once: every acknowledged field is in the record afterwards (no lost update).',
    source: { profile: 'reference', note: 'docs/reference-protocol.md: each request is atomic' },
    cite: 'docs/reference-protocol.md#atomic-requests',
    async run(ctx): Promise<CheckRun> {
      const path = `/${ctx.name()}`;
      const setup = req(write('POST', path, '{"base":0}'), 'POST');
      const made = await ctx.send(setup);
      const expected = ['every acknowledged field present'];
      if (statusOf(made) !== 201) return result('blocked', `not judged: creating the record got ${describeExchange(made)}`, expected, made, setup);
      const patches = Array.from({ length: 20 }, (_, i) => req(write('PATCH', path, JSON.stringify({ [`f${i}`]: i })), 'PATCH'));
      const acks = await together(ctx, patches);
      const read = req(get([], { target: path }));
      const ex = await ctx.send(read);
      const rec = bodyJson(ex.finals[0]) as Record<string, unknown> | undefined;
      const lost = acks.map((a, i) => (statusOf(a) === 200 && rec?.[`f${i}`] !== i ? `f${i}` : null)).filter((x) => x !== null);
      if (lost.length > 0) return result('fail', `${lost.length} acknowledged PATCH(es) lost: fields ${lost.slice(0, 5).join(', ')} missing from ${describeExchange(ex)} with body ${bodyText(ex.finals[0]).slice(0, 200)}`, expected, ex, read, { setup: [setup, ...patches] });
      return result('pass', `${acks.filter((a) => statusOf(a) === 200).length} of 20 acknowledged, none lost`, expected, ex, read);
    },
  },
]);
