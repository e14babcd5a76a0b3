import type { Exchange } from '../../client/exchange.js';
import { firstByteMs } from '../../client/answer-time.js';
import { fill, get, write } from '../case.js';
import { withKnownHost } from '../../model/profile-policy.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../types.js';
import { answered, closes, describeExchange, header, req, result, statusOf } from '../verify.js';
import { RFC, STREAM } from '../rfc.js';
import { checkGroup, type CheckDecl } from '../group.js';
import { AFTER_SPLIT, AFTER_UNANNOUNCED_CLOSE, following } from '../follows.js';
import { splitPauseMs } from '../windows.js';

/**
 * Sends `a` and `b` (each on a fresh connection) and requires the same status. `b` may be made from
 * `a`'s exchange (a split request paces its pieces by how fast the server answered `a`: splitPause).
 */
async function sameStatus(ctx: CheckContext, a: SentRequest, second: SentRequest | ((ea: Exchange) => SentRequest), what: string): Promise<CheckRun> {
  const ea = await ctx.send(a, { headOnly: true });
  const expected = [`the same status as the plain request (${describeExchange(ea)})`];
  if (!answered(ea)) return result('blocked', `not judged: the plain request got ${describeExchange(ea)}`, expected, ea, a);
  const b = typeof second === 'function' ? second(ea) : second;
  const eb = await ctx.send(b, { headOnly: true });
  if (answered(eb) && statusOf(eb) === statusOf(ea)) return result('pass', `${what}: ${describeExchange(eb)} both times`, expected, eb, b, { exchanges: [ea, eb] });
  return result('fail', `${what} got ${describeExchange(eb)}, but the plain request got ${describeExchange(ea)}`, expected, eb, b, { exchanges: [ea, eb] });
}

/**
 * The pause between a split request's pieces, once the same request sent whole (`plain`) was answered:
 * from the slower of the server's pace and its answer to `plain` just now. A machine that became loaded
 * since the pace was measured (a batch of checks side by side reads the pace as it stood when the batch
 * began) shows first in that answer, and a server late to read the first piece would read both as one.
 */
function splitPause(ctx: CheckContext, plain: Exchange): number {
  return splitPauseMs(Math.max(ctx.paceMs?.() ?? 0, firstByteMs(plain) ?? 0), ctx.timeoutMs);
}

/** `r` cut at `splits`; `pauseMs` before every piece after the first, or `pauseMs[i]` before piece i+1. */
function split(r: SentRequest, splits: number[], pauseMs: number | number[]): SentRequest {
  const pausesMs = typeof pauseMs === 'number' ? splits.map(() => pauseMs) : pauseMs;
  return { plan: { bytes: r.plan.bytes, splits, pausesMs }, methods: r.methods };
}

/**
 * The pauses of the byte-at-a-time request: the first bytes far enough apart that a server reads each
 * one alone even on a loaded machine (the first read is where a server that stops at a short read goes
 * wrong), the rest quickly.
 */
const EVERY_BYTE_FIRST_PAUSES = 8;
const EVERY_BYTE_FIRST_PAUSE_MS = 40;
const EVERY_BYTE_PAUSE_MS = 2;

function splitCheck(id: string, requirement: string, plan: (bytes: Uint8Array, pauseMs: number) => { splits: number[]; pauseMs: number | number[] }, what: string): CheckDecl {
  return {
    id,
    level: 'MUST',
    requirement,
    source: STREAM,
    cite: 'RFC 9112 §2 (HTTP/1.1 messages are a byte stream; TCP segmentation is not part of the message)',
    // A server that answers a split request differently reads message boundaries from its reads.
    impact: 'desync',
    // Alone: see the group's header.
    sideBySide: false,
    async run(ctx) {
      const plain = req(fill(get(), ctx));
      return sameStatus(ctx, plain, (ea) => {
        const p = plan(plain.plan.bytes, splitPause(ctx, ea));
        return split(plain, p.splits, p.pauseMs);
      }, what);
    },
  };
}

function contentLength(ex: Exchange): number | null {
  const r = ex.finals[0];
  if (!r) return null;
  const v = header(r, 'content-length');
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : null;
}

async function headMatchesGet(ctx: CheckContext, target: string, setup: SentRequest[]): Promise<CheckRun> {
  const as = (t: string): string => (target === ctx.profile.knownPath ? withKnownHost(t, ctx.profile) : t);
  const g = req(as(get([], { target })));
  const h = req(as(get([], { target, method: 'HEAD' })), 'HEAD');
  const eg = await ctx.send(g);
  const expected = ["HEAD's status and Content-Length equal GET's, and no body"];
  if (eg.kind !== 'response') return result('blocked', `not judged: GET got ${describeExchange(eg)}`, expected, eg, g);
  // The settle watches for body bytes after the HEAD answer, which a correct server never sends.
  const eh = await ctx.send(h, { settleMs: 100, settleWatchesFaults: true });
  const sg = statusOf(eg);
  if (eh.kind !== 'response') return result('fail', `GET got ${describeExchange(eg)}, HEAD got ${describeExchange(eh)}`, expected, eh, h, { setup, exchanges: [eg, eh] });
  if (statusOf(eh) !== sg) return result('fail', `HEAD got status ${statusOf(eh)}, GET got ${sg}`, expected, eh, h, { setup, exchanges: [eg, eh] });
  const getLen = contentLength(eg) ?? eg.finals[0]!.body.length;
  const headLen = contentLength(eh);
  if (headLen !== null && headLen !== getLen) return result('fail', `HEAD says Content-Length: ${headLen}, GET sends ${getLen} body bytes`, expected, eh, h, { setup, exchanges: [eg, eh] });
  const extra = eh.finals[0]!.findings.find((f) => f.code === 'body-forbidden');
  if (extra) return result('fail', `HEAD was followed by ${extra.detail ?? 'body bytes'}: a HEAD response has no body`, expected, eh, h, { setup, exchanges: [eg, eh] });
  return result('pass', `HEAD and GET agree: ${sg}, Content-Length ${headLen ?? '(none)'}`, expected, eh, h, { exchanges: [eg, eh] });
}

/**
 * Metamorphic relations that need no spec: the same request gives the same answer however it arrives.
 * Those that compare statuses only may run side by side (each on connections of its own, its records its
 * own, no large request), but for the split requests: their pieces are paused apart (splitPauseMs), and a
 * server kept busy by other checks' clients is late to read the first piece and reads both as one, which
 * hides its bug (seen in the zoo matrix on split-differs, once, with 48 requests waiting beside it, and
 * in a grade side by side). They run one at a time, with nothing else under way. Those that compare a
 * body or its length (HEAD against GET, two GETs) read the known path, a listing another check's write
 * changes: one at a time.
 */
export const metamorphicChecks: Check[] = checkGroup({ prefix: 'metamorphic', family: 'metamorphic', sideBySide: true }, [
  splitCheck(
    'metamorphic.split.two-pieces-same-answer',
    'A request that arrives in two TCP segments, 100 ms apart (more on a server that answers slowly), gets the same answer as when it arrives whole.',
    (b, pauseMs) => ({ splits: [Math.floor(b.length / 2)], pauseMs }),
    'the request split in two',
  ),
  following(AFTER_SPLIT, splitCheck(
    'metamorphic.split.every-byte-same-answer',
    `A request that arrives one byte at a time (the first ${EVERY_BYTE_FIRST_PAUSES + 1} bytes ${EVERY_BYTE_FIRST_PAUSE_MS} ms apart, the rest ${EVERY_BYTE_PAUSE_MS} ms apart) gets the same answer as when it arrives whole.`,
    (b) => ({
      splits: Array.from({ length: b.length - 1 }, (_, i) => i + 1),
      pauseMs: Array.from({ length: b.length - 1 }, (_, i) => (i < EVERY_BYTE_FIRST_PAUSES ? EVERY_BYTE_FIRST_PAUSE_MS : EVERY_BYTE_PAUSE_MS)),
    }),
    'the request sent one byte at a time',
  )),
  following(AFTER_SPLIT, splitCheck(
    'metamorphic.split.inside-blank-line-same-answer',
    'A request whose final CRLF CRLF is cut in the middle (between the two CRLFs) gets the same answer.',
    (b, pauseMs) => ({ splits: [b.length - 2], pauseMs }),
    'the request split inside its blank line',
  )),
  following(AFTER_SPLIT, splitCheck(
    'metamorphic.split.after-request-line-same-answer',
    'A request whose request line arrives before its headers gets the same answer.',
    (b, pauseMs) => ({ splits: [Buffer.from(b).indexOf('\n') + 1], pauseMs }),
    'the request line sent before the headers',
  )),
  {
    id: 'metamorphic.split.body-after-head-same-answer',
    impact: 'desync',
    level: 'MUST',
    follows: AFTER_SPLIT,
    requirement: 'A POST whose body arrives 100 ms after its head (more on a server that answers slowly) gets the same answer as when it arrives whole.',
    sideBySide: false,
    source: STREAM,
    cite: 'RFC 9112 §6',
    needs: 'reference',
    async run(ctx) {
      const whole = req(write('POST', `/${ctx.name('a')}`, '{"k":"v"}'), 'POST');
      const text = write('POST', `/${ctx.name('b')}`, '{"k":"v"}');
      const parted = req(text, 'POST');
      return sameStatus(ctx, whole, (ea) => split(parted, [text.indexOf('\r\n\r\n') + 4], splitPause(ctx, ea)), 'the POST with its body sent separately');
    },
  },
  {
    id: 'metamorphic.header-case.same-answer',
    level: 'MUST',
    requirement: 'Field names are case-insensitive: "HOST:" and "host:" get the same answer as "Host:".',
    source: RFC.fieldNameCaseInsensitive,
    run: (ctx) =>
      sameStatus(ctx, req(fill(get(['Accept: */*']), ctx)), req(withKnownHost(`GET ${ctx.profile.knownPath} HTTP/1.1\r\nHOST: localhost\r\naccept: */*\r\n\r\n`, ctx.profile)), 'the request with upper- and lower-case field names'),
  },
  {
    id: 'metamorphic.header-order.same-answer',
    level: 'MUST',
    requirement: 'The order of distinct header fields does not change the answer (Host last works like Host first).',
    source: RFC.fieldOrder,
    run: (ctx) =>
      sameStatus(
        ctx,
        req(fill(get(['Accept: */*', 'User-Agent: wiregrade']), ctx)),
        req(withKnownHost(`GET ${ctx.profile.knownPath} HTTP/1.1\r\nUser-Agent: wiregrade\r\nAccept: */*\r\nHost: localhost\r\n\r\n`, ctx.profile)),
        'the request with Host last',
      ),
  },
  {
    id: 'metamorphic.keep-alive.same-answer-as-new-connection',
    impact: 'desync',
    level: 'MUST',
    follows: AFTER_UNANNOUNCED_CLOSE,
    requirement: 'A request sent as the second on a kept-alive connection gets the same answer as on a new connection.',
    source: RFC.persistence,
    async run(ctx) {
      const r = req(fill(get(), ctx));
      const fresh = await ctx.send(r);
      const expected = [`the same status as on a new connection (${describeExchange(fresh)})`];
      if (!answered(fresh)) return result('blocked', `not judged: the request got ${describeExchange(fresh)}`, expected, fresh, r);
      const s = await ctx.openConnection();
      if (!s) return result('fail', 'the connection was refused', expected, undefined, r);
      try {
        const first = await s.exchange(r.plan, { methods: r.methods, timeoutMs: ctx.timeoutMs });
        if (!answered(first) || closes(first)) {
          return result('pass', 'not applicable: the server closes after each response (and says so, or answers HTTP/1.0)', expected, first, r);
        }
        const second = await s.exchange(r.plan, { methods: r.methods, timeoutMs: ctx.timeoutMs });
        if (answered(second) && statusOf(second) === statusOf(fresh)) return result('pass', describeExchange(second), expected, second, r);
        return result('fail', `as the second request on a kept-alive connection it got ${describeExchange(second)}, on a new connection ${describeExchange(fresh)}`, expected, second, r, { setup: [r], exchanges: [fresh, first, second] });
      } finally {
        await s.close();
      }
    },
  },
  {
    id: 'metamorphic.head.same-as-get',
    sideBySide: false,
    level: 'MUST',
    requirement: 'The server SHOULD send the same header fields in response to HEAD as to GET; HEAD gets GET\'s status and Content-Length, and never a body.',
    source: RFC.headSameAsGet,
    run: (ctx) => headMatchesGet(ctx, ctx.profile.knownPath, []),
  },
  {
    id: 'metamorphic.head.record-same-as-get',
    sideBySide: false,
    level: 'MUST',
    requirement: 'HEAD of an existing record gets GET\'s status and Content-Length, and no body.',
    source: RFC.headSameAsGet,
    needs: 'reference',
    async run(ctx) {
      const create = req(write('POST', `/${ctx.name()}`, '{"color":"red","n":[1,2,3]}'), 'POST');
      const ex = await ctx.send(create);
      if (!answered(ex) || (statusOf(ex) ?? 0) >= 300) return result('blocked', `not judged: creating the record got ${describeExchange(ex)}`, ['2xx'], ex, create);
      return headMatchesGet(ctx, `/${ctx.name()}`, [create]);
    },
  },
  {
    id: 'metamorphic.repeat.get-agrees',
    sideBySide: false,
    level: 'MUST',
    requirement: 'Two GETs of the same resource in a row, with nothing in between, get the same status and body.',
    source: { profile: 'any', note: 'a resource nobody changes answers two GETs alike (GET is safe, RFC 9110 §9.2.1)' },
    cite: 'RFC 9110 §9.2.1 (GET is safe)',
    async run(ctx) {
      const r = req(fill(get(), ctx));
      const a = await ctx.send(r);
      const b = await ctx.send(r);
      const expected = ['the same status and body twice'];
      // Bodies are compared whole: a truncated answer is the wire checks' finding, not a disagreement.
      if (a.kind !== 'response') return result('blocked', `not judged: the first GET got ${describeExchange(a)}`, expected, a, r);
      const same = b.kind === 'response' && statusOf(a) === statusOf(b) && Buffer.compare(Buffer.from(a.finals[0]!.body), Buffer.from(b.finals[0]!.body)) === 0;
      if (same) return result('pass', describeExchange(b), expected, b, r);
      return result('fail', `the first GET got ${describeExchange(a)} (${a.finals[0]!.body.length} body bytes), the second ${describeExchange(b)}${b.finals[0] ? ` (${b.finals[0].body.length} body bytes)` : ''}`, expected, b, r, { exchanges: [a, b] });
    },
  },
]);
