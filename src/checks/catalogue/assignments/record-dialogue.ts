import type { Exchange } from '../../../client/exchange.js';
import type { Dialogue, DialogueStep } from '../../../model/profile.js';
import { RECORD_DIALOGUE } from '../../../model/builtin-profiles.js';
import { knownHost } from '../../../model/profile-policy.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { bodyJson, bodyText, describeExchange, req, result, statusOf, answered } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const CITE = 'docs/checks.md#the-record-dialogue-assignment';

/** The profile's dialogue (a profile file's `dialogue`, or the built-in's). */
function dialogueOf(ctx: CheckContext): Dialogue {
  return ctx.profile.dialogue ?? RECORD_DIALOGUE;
}

const fillName = (t: string, name: string): string => t.replaceAll('{name}', name);

/**
 * A two-step dialogue on one connection: the request, the server's prompt (the profile's status, 300 by
 * default), one line of space-separated values, the final answer. Returns both answers (the second is
 * absent when the first was not the prompt).
 */
async function dialogue(ctx: CheckContext, method: string, target: string, line: string): Promise<{ sent: SentRequest[]; first: Exchange; second?: Exchange } | null> {
  const s = await ctx.openConnection();
  if (!s) return null;
  try {
    const ask = req(`${method} ${target} HTTP/1.1\r\nHost: ${knownHost(ctx.profile)}\r\n\r\n`, method);
    const first = await s.exchange(ask.plan, { methods: ask.methods, timeoutMs: ctx.timeoutMs });
    if (!answered(first) || statusOf(first) !== dialogueOf(ctx).promptStatus) return { sent: [ask], first };
    const answer: SentRequest = { plan: { bytes: Buffer.from(`${line}\n`, 'latin1') }, methods: [method] };
    const second = await s.exchange(answer.plan, { methods: answer.methods, timeoutMs: ctx.timeoutMs });
    return { sent: [ask, answer], first, second };
  } finally {
    await s.close();
  }
}

/** One dialogue of the profile: POST or PUT to `target`, DELETE to `deleteTarget`, with the step's line for `name`. */
function talk(ctx: CheckContext, method: 'POST' | 'PUT' | 'DELETE', step: DialogueStep, name: string) {
  const d = dialogueOf(ctx);
  const target = method === 'DELETE' ? (d.deleteTarget ?? d.target) : d.target;
  return dialogue(ctx, method, fillName(target, name), fillName(step.line, name));
}

/** Creates this check's record with a POST dialogue; returns why not, when it could not. */
async function createRecord(ctx: CheckContext, name: string): Promise<string | null> {
  const d = await talk(ctx, 'POST', dialogueOf(ctx).create, name);
  if (!d) return 'the connection was refused';
  if (!d.second || statusOf(d.second) !== dialogueOf(ctx).create.status) return `creating ${name} got ${describeExchange(d.second ?? d.first)}`;
  return null;
}

/**
 * Reads one record back: GET of `recordTarget`, or, when the assignment has none, GET of `target` and
 * the record found by name in the store's JSON object. `record` is undefined when it is not there.
 */
async function readBack(ctx: CheckContext, name: string): Promise<{ request: SentRequest; ex: Exchange; record: Record<string, unknown> | undefined }> {
  const d = dialogueOf(ctx);
  const target = d.recordTarget !== undefined ? fillName(d.recordTarget, name) : d.target;
  const request = req(`GET ${target} HTTP/1.1\r\nHost: ${knownHost(ctx.profile)}\r\n\r\n`);
  const ex = await ctx.send(request);
  const json = statusOf(ex) === 200 ? (bodyJson(ex.finals[0]) as Record<string, unknown> | undefined) : undefined;
  const record = d.recordTarget !== undefined ? json : (json?.[name] as Record<string, unknown> | undefined);
  return { request, ex, record: record !== null && typeof record === 'object' ? record : undefined };
}

/** Does the record show the field at this value? */
function shows(ctx: CheckContext, record: Record<string, unknown> | undefined, value: string): boolean {
  return record !== undefined && String(record[dialogueOf(ctx).field.name]) === value;
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
  if (!d.second) return result('fail', `the request got ${describeExchange(d.first)}, not the prompt`, expected, d.first, request, more);
  if (statusOf(d.second) !== want) return result('fail', `after the prompt, the line got ${describeExchange(d.second)}`, expected, last, request, more);
  const why = extra?.(d.second);
  if (why) return result('fail', why, expected, last, request, more);
  return result('pass', describeExchange(last), expected, last, request, more);
}

/** "300 with a prompt, then 201": what a dialogue must get, in words. */
const steps = (ctx: CheckContext, final: number): string[] => [`${dialogueOf(ctx).promptStatus} with a prompt, then ${final}`];

/**
 * GET/HEAD served directly; POST/PUT/DELETE as a prompt (300), then one line of values on the same
 * connection. Targets, the prompt's status, the lines and the statuses come from the profile's
 * `dialogue` (the built-in's: POST and PUT to `/`, GET and DELETE of `/{name}`).
 */
export const recordDialogueChecks: Check[] = checkGroup({ prefix: 'dialogue', family: 'assignment', needs: 'record-dialogue' }, [
  check('dialogue.post.prompts-then-creates', 'POST answers 300 Multiple Choices with a prompt naming the fields; the line "name age city job" then gets 201 (the profile\'s dialogue may set other targets, statuses and lines).', async (ctx, name) => {
    const d = await talk(ctx, 'POST', dialogueOf(ctx).create, name);
    return fromDialogue(d, dialogueOf(ctx).create.status, steps(ctx, dialogueOf(ctx).create.status), () => (d && /name/i.test(bodyText(d.first.finals[0])) ? null : 'the prompt does not name the fields to send'));
  }),
  check('dialogue.get.record-is-200', 'GET /{name} answers 200 with the record as JSON (its fields as sent); without a GET of one record, the store\'s JSON holds it under its name.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const field = dialogueOf(ctx).field;
    if (why) return result('blocked', `not judged: ${why}`, ['200 with the record'], undefined, undefined);
    const { request: r, ex, record } = await readBack(ctx, name);
    if (statusOf(ex) !== 200) return result('fail', `GET got ${describeExchange(ex)}`, ['200 with the record'], ex, r);
    return result(shows(ctx, record, field.created) ? 'pass' : 'fail', shows(ctx, record, field.created) ? '200 with the record' : `the record is ${bodyText(ex.finals[0]).slice(0, 100)}`, ['200 with the record'], ex, r);
  }),
  check('dialogue.get.target-without-slash', 'A request target without the leading slash ("GET name HTTP/1.1", "GET students.json HTTP/1.1") is served like the path with it (200).', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const d = dialogueOf(ctx);
    const target = fillName(d.recordTarget ?? d.target, name).replace(/^\/+/, '');
    const r = req(`GET ${target === '' ? '/' : target} HTTP/1.1\r\nHost: ${knownHost(ctx.profile)}\r\n\r\n`);
    if (why) return result('blocked', `not judged: ${why}`, ['200'], undefined, r);
    const ex = await ctx.send(r);
    return result(statusOf(ex) === 200 ? 'pass' : 'fail', describeExchange(ex), ['200'], ex, r);
  }),
  check('dialogue.post.existing-is-400', 'A POST line naming a record that exists answers 400 and changes nothing.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    if (why) return result('blocked', `not judged: ${why}`, [String(dialogueOf(ctx).existingStatus)], undefined, undefined);
    // The same line again: the name exists now.
    const d = await talk(ctx, 'POST', dialogueOf(ctx).create, name);
    return fromDialogue(d, dialogueOf(ctx).existingStatus, steps(ctx, dialogueOf(ctx).existingStatus));
  }),
  check('dialogue.put.updates-a-field', 'PUT answers 300; the line "name field value" then gets 200, and GET shows the new value.', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const dl = dialogueOf(ctx);
    if (why) return result('blocked', `not judged: ${why}`, [String(dl.update.status)], undefined, undefined);
    const d = await talk(ctx, 'PUT', dl.update, name);
    const run = fromDialogue(d, dl.update.status, steps(ctx, dl.update.status));
    if (run.verdict !== 'pass') return run;
    const { request: r, ex, record } = await readBack(ctx, name);
    return shows(ctx, record, dl.field.updated) ? run : result('fail', `after the PUT, GET returned ${bodyText(ex.finals[0]).slice(0, 100)}`, [`${dl.field.name} ${dl.field.updated}`], ex, r);
  }),
  check('dialogue.delete.asks-then-removes', 'DELETE answers 300 and waits for the line "name"; it then answers 200, and GET answers 404 (or, without a GET of one record, the store no longer holds it).', async (ctx, name) => {
    const why = await createRecord(ctx, name);
    const dl = dialogueOf(ctx);
    if (why) return result('blocked', `not judged: ${why}`, [String(dl.delete.status)], undefined, undefined);
    const d = await talk(ctx, 'DELETE', dl.delete, name);
    const run = fromDialogue(d, dl.delete.status, steps(ctx, dl.delete.status));
    if (run.verdict !== 'pass') return run;
    const { request: r, ex, record } = await readBack(ctx, name);
    const gone = dl.recordTarget !== undefined ? statusOf(ex) === 404 : statusOf(ex) === 200 && record === undefined;
    return gone ? run : result('fail', `after the DELETE, GET got ${describeExchange(ex)}`, [dl.recordTarget !== undefined ? '404' : `the store without ${name}`], ex, r);
  }),
  check('dialogue.bad-line-is-400', 'A line with the wrong number of values answers 400.', async (ctx, name) => {
    const d = await talk(ctx, 'POST', dialogueOf(ctx).badLine, name);
    return fromDialogue(d, dialogueOf(ctx).badLine.status, steps(ctx, dialogueOf(ctx).badLine.status));
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
      const { request: r, ex, record } = await readBack(ctx, name);
      if (statusOf(ex) === 200 && shows(ctx, record, dialogueOf(ctx).field.created)) return result('pass', 'the record survived the restart', expected, ex, r);
      return result('fail', `after a kill -9 and restart, the read-back of ${name} (created before) got ${describeExchange(ex)}`, expected, ex, r);
    },
  },
  check('dialogue.unknown-method-is-400', 'A method the assignment does not define (FOO) answers 400.', async (ctx) => {
    const r = req(`FOO ${dialogueOf(ctx).target} HTTP/1.1\r\nHost: ${knownHost(ctx.profile)}\r\n\r\n`);
    const ex = await ctx.send(r, { headOnly: true });
    return result(statusOf(ex) === 400 ? 'pass' : 'fail', describeExchange(ex), ['400'], ex, r);
  }),
]);
