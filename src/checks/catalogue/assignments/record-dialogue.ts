import type { Exchange } from '../../../client/exchange.js';
import { get } from '../../case.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { bodyJson, bodyText, describeExchange, req, result, statusOf, answered } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const CITE = 'docs/checks.md#the-record-dialogue-assignment';

/**
 * A two-step dialogue on one connection: the request, the server's 300 with a prompt, one line of
 * space-separated values, the final answer. Returns both answers (the second is absent when the first
 * was not a 300).
 */
async function dialogue(ctx: CheckContext, method: string, target: string, line: string): Promise<{ sent: SentRequest[]; first: Exchange; second?: Exchange } | null> {
  const s = await ctx.session();
  if (!s) return null;
  try {
    const ask = req(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`, method);
    const first = await s.exchange(ask.plan, { methods: ask.methods, timeoutMs: ctx.timeoutMs });
    if (!answered(first) || statusOf(first) !== 300) return { sent: [ask], first };
    const answer: SentRequest = { plan: { bytes: Buffer.from(`${line}\n`, 'latin1') }, methods: [method] };
    const second = await s.exchange(answer.plan, { methods: answer.methods, timeoutMs: ctx.timeoutMs });
    return { sent: [ask, answer], first, second };
  } finally {
    await s.close();
  }
}

/** Creates this check's record with a POST dialogue; returns why not, when it could not. */
async function createRecord(ctx: CheckContext, name: string): Promise<string | null> {
  const d = await dialogue(ctx, 'POST', '/', `${name} 30 Paris dev`);
  if (!d) return 'the connection was refused';
  if (!d.second || statusOf(d.second) !== 201) return `creating ${name} got ${describeExchange(d.second ?? d.first)}`;
  return null;
}

function check(id: string, requirement: string, run: (ctx: CheckContext, name: string) => Promise<CheckRun>): CheckDecl {
  return { id, requirement, source: { profile: 'record-dialogue', note: CITE }, cite: CITE, run: (ctx) => run(ctx, ctx.name().replace(/-/g, '_')) };
}

function fromDialogue(d: Awaited<ReturnType<typeof dialogue>>, want: number, expected: string[], extra?: (ex: Exchange) => string | null): CheckRun {
  if (!d) return result('fail', 'the connection was refused', expected, undefined, undefined);
  const last = d.second ?? d.first;
  const request = d.sent[d.sent.length - 1]!;
  const setup = d.sent.slice(0, -1);
  const more = setup.length > 0 ? { setup, exchanges: [d.first, ...(d.second ? [d.second] : [])] } : {};
  if (!d.second) return result('fail', `the request got ${describeExchange(d.first)}, not a 300 with a prompt`, expected, d.first, request, more);
  if (statusOf(d.second) !== want) return result('fail', `after the prompt, the line got ${describeExchange(d.second)}`, expected, last, request, more);
  const why = extra?.(d.second);
  if (why) return result('fail', why, expected, last, request, more);
  return result('pass', describeExchange(last), expected, last, request, more);
}

/** GET/HEAD served directly; POST/PUT/DELETE as a 300 prompt, then one line of values on the same connection. */
export const recordDialogueChecks: Check[] = checkGroup({ prefix: 'dialogue', family: 'assignment', needs: 'record-dialogue' }, [
  check('dialogue.post.prompts-then-creates', 'POST answers 300 Multiple Choices with a prompt naming the fields; the line "name age city job" then gets 201.', async (ctx, name) => {
    const d = await dialogue(ctx, 'POST', '/', `${name} 30 Paris dev`);
    return fromDialogue(d, 201, ['300 with a prompt, then 201'], () => (d && /name/i.test(bodyText(d.first.finals[0])) ? null : 'the 300 prompt does not name the fields to send'));
  }),
  check('dialogue.get.record-is-200', 'GET /{name} answers 200 with the record as JSON (its fields as sent).', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const r = req(get([], { target: `/${name}` }));
    if (why) return result('blocked', `not judged: ${why}`, ['200 with the record'], undefined, r);
    const ex = await ctx.send(r);
    const rec = bodyJson(ex.finals[0]) as Record<string, unknown> | undefined;
    if (statusOf(ex) !== 200) return result('fail', `GET got ${describeExchange(ex)}`, ['200 with the record'], ex, r);
    return result(rec && String(rec.city) === 'Paris' ? 'pass' : 'fail', rec && String(rec.city) === 'Paris' ? '200 with the record' : `the record is ${bodyText(ex.finals[0]).slice(0, 100)}`, ['200 with the record'], ex, r);
  }),
  check('dialogue.get.target-without-slash', 'A request target without the leading slash ("GET name HTTP/1.1") is served like "/name" (200).', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const r = req(`GET ${name} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    if (why) return result('blocked', `not judged: ${why}`, ['200'], undefined, r);
    const ex = await ctx.send(r);
    return result(statusOf(ex) === 200 ? 'pass' : 'fail', describeExchange(ex), ['200'], ex, r);
  }),
  check('dialogue.post.existing-is-400', 'A POST line naming a record that exists answers 400 and changes nothing.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    if (why) return result('blocked', `not judged: ${why}`, ['400'], undefined, undefined);
    const d = await dialogue(ctx, 'POST', '/', `${name} 99 Rome ops`);
    return fromDialogue(d, 400, ['300 with a prompt, then 400']);
  }),
  check('dialogue.put.updates-a-field', 'PUT answers 300; the line "name field value" then gets 200, and GET shows the new value.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    if (why) return result('blocked', `not judged: ${why}`, ['200'], undefined, undefined);
    const d = await dialogue(ctx, 'PUT', '/', `${name} city Rome`);
    const run = fromDialogue(d, 200, ['300 with a prompt, then 200']);
    if (run.verdict !== 'pass') return run;
    const r = req(get([], { target: `/${name}` }));
    const ex = await ctx.send(r);
    const rec = bodyJson(ex.finals[0]) as Record<string, unknown> | undefined;
    return rec && String(rec.city) === 'Rome' ? run : result('fail', `after the PUT, GET returned ${bodyText(ex.finals[0]).slice(0, 100)}`, ['city Rome'], ex, r);
  }),
  check('dialogue.delete.asks-then-removes', 'DELETE answers 300 and waits for the line "name"; it then answers 200, and GET answers 404.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    if (why) return result('blocked', `not judged: ${why}`, ['200'], undefined, undefined);
    const d = await dialogue(ctx, 'DELETE', `/${name}`, name);
    const run = fromDialogue(d, 200, ['300 with a prompt, then 200']);
    if (run.verdict !== 'pass') return run;
    const r = req(get([], { target: `/${name}` }));
    const ex = await ctx.send(r);
    return statusOf(ex) === 404 ? run : result('fail', `after the DELETE, GET got ${describeExchange(ex)}`, ['404'], ex, r);
  }),
  check('dialogue.bad-line-is-400', 'A line with the wrong number of values answers 400.', async (ctx) => {
    const d = await dialogue(ctx, 'POST', '/', 'only-one-value');
    return fromDialogue(d, 400, ['300 with a prompt, then 400']);
  }),
  {
    id: 'dialogue.durability.restart-keeps-records',
    level: 'MUST',
    requirement: 'A record created through the dialogue is still there after the server is killed (kill -9) and started again: the JSON file is the store.',
    source: { profile: 'record-dialogue', note: 'the record-dialogue assignment: the JSON file is the store, so records survive a restart' },
    cite: CITE,
    needs: 'restart',
    async run(ctx) {
      const expected = ['200 with the record after the restart'];
      if (!ctx.profile.capabilities.includes('record-dialogue')) return result('skip', `not part of the ${ctx.profile.name} profile`, expected, undefined, undefined);
      const name = ctx.name().replace(/-/g, '_');
      const why = await createRecord(ctx, name);
      if (why) return result('blocked', `not judged: ${why}`, expected, undefined, undefined);
      if (!(await ctx.restartServer!())) return result('fail', 'the server could not be started again after a kill -9', expected, undefined, undefined);
      const r = req(get([], { target: `/${name}` }));
      const ex = await ctx.send(r);
      const rec = bodyJson(ex.finals[0]) as Record<string, unknown> | undefined;
      if (statusOf(ex) === 200 && rec && String(rec.city) === 'Paris') return result('pass', 'the record survived the restart', expected, ex, r);
      return result('fail', `after a kill -9 and restart, GET /${name} (created before) got ${describeExchange(ex)}`, expected, ex, r);
    },
  },
  check('dialogue.unknown-method-is-400', 'A method the assignment does not define (FOO) answers 400.', async (ctx) => {
    const r = req('FOO / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const ex = await ctx.send(r, { headOnly: true });
    return result(statusOf(ex) === 400 ? 'pass' : 'fail', describeExchange(ex), ['400'], ex, r);
  }),
]);
