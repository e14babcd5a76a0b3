import { fill, get, write } from '../case.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../types.js';
import type { Exchange } from '../../client/exchange.js';
import { answered, closes, describeExchange, req, result, statusOf } from '../verify.js';
import { RFC } from '../rfc.js';
import { checkGroup } from '../group.js';
import { AFTER_UNANNOUNCED_CLOSE } from '../follows.js';
import { framingCheck } from '../pipeline.js';
import { PEER } from '../peer-sources.js';
import { BEHIND_WINDOW_MS, CLOSE_WINDOW_MS, window } from '../windows.js';

/** Requests sent on one kept-alive connection; turns a refused connection into a failing run. */
async function onConnection(
  ctx: CheckContext,
  steps: (send: (r: SentRequest, settleMs?: number) => Promise<Exchange>) => Promise<CheckRun>,
): Promise<CheckRun> {
  const s = await ctx.openConnection();
  if (!s) return result('fail', 'the connection was refused', ['a connection'], undefined, undefined);
  try {
    return await steps((r, settleMs = 0) => s.exchange(r.plan, { methods: r.methods, timeoutMs: ctx.timeoutMs, settleMs }));
  } finally {
    await s.close();
  }
}

/** Persistence, Connection: close, HTTP/1.0, pipelining (RFC 9112 §9). */
export const connectionChecks: Check[] = checkGroup({ prefix: 'connection', family: 'connection', sideBySide: true }, [
  {
    id: 'connection.keep-alive.second-request-answered',
    level: 'MUST',
    follows: AFTER_UNANNOUNCED_CLOSE,
    requirement: 'HTTP/1.1 connections persist by default: a second request on the same connection is answered, unless the first response said "Connection: close" (or was an HTTP/1.0 response without keep-alive) and the server closed.',
    source: RFC.announceClose,
    run: (ctx) =>
      onConnection(ctx, async (send) => {
        const first = req(fill(get(), ctx));
        const a = await send(first);
        const expected = ['a response to both requests, or "Connection: close" on the first and a close'];
        if (!answered(a)) return result('blocked', `not judged: the first request got ${describeExchange(a)}`, expected, a, first);
        if (closes(a)) return result('pass', 'the server does not keep connections alive and says so (Connection: close, or an HTTP/1.0 response)', expected, a, first);
        const b = await send(first);
        if (answered(b)) return result('pass', `both answered: ${describeExchange(b)}`, expected, b, first, { exchanges: [a, b] });
        return result('fail', `the first request was answered without "Connection: close", but the second on the same connection got ${describeExchange(b)}`, expected, b, first, { setup: [first], exchanges: [a, b] });
      }),
  },
  {
    id: 'connection.keep-alive.after-body-request',
    level: 'MUST',
    follows: AFTER_UNANNOUNCED_CLOSE,
    requirement: 'After a request with a body, the next request on the same connection starts after that body (the body is read, not taken for a request).',
    source: RFC.bodyLength,
    needs: 'reference',
    run: (ctx) =>
      onConnection(ctx, async (send) => {
        const name = ctx.name();
        const post = req(write('POST', `/${name}`, '{"a":1}'), 'POST');
        const read = req(get([], { target: `/${name}` }));
        const expected = ['201 to the POST, then 200 to the GET on the same connection'];
        const a = await send(post);
        if (!answered(a) || statusOf(a) !== 201) return result('blocked', `not judged: the POST got ${describeExchange(a)}`, expected, a, post);
        if (closes(a)) return result('pass', 'the server closes after each request and says so', expected, a, post);
        const b = await send(read);
        if (answered(b) && statusOf(b) === 200) return result('pass', 'both answered in order', expected, b, read, { exchanges: [a, b] });
        return result('fail', `after the POST, a GET on the same connection got ${describeExchange(b)}`, expected, b, read, { setup: [post], exchanges: [a, b] });
      }),
  },
  {
    id: 'connection.close.server-closes-after-response',
    level: 'MUST',
    requirement: 'A server that receives a "close" connection option MUST initiate closure of the connection after it sends the final response.',
    source: RFC.closeOption,
    async run(ctx) {
      const r = req(fill(get(['Connection: close']), ctx));
      const ex = await ctx.send(r, { settleMs: window(CLOSE_WINDOW_MS, ctx.timeoutMs) });
      const expected = ['a response, then the connection closed'];
      if (!answered(ex)) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, r);
      if (ex.connection === 'open') return result('fail', 'answered, but the connection stayed open after "Connection: close"', expected, ex, r);
      return result('pass', describeExchange(ex), expected, ex, r);
    },
  },
  {
    id: 'connection.http1-0.closes-by-default',
    requirement: 'An HTTP/1.0 request without "Connection: keep-alive" does not persist: the connection closes after the response (the server SHOULD close it; the client may too).',
    source: RFC.http10Close,
    level: 'SHOULD',
    profileRule: { rules: 'reference', note: 'the reference protocol closes after every HTTP/1.0 response' },
    async run(ctx) {
      const r = req(`GET ${ctx.profile.knownPath} HTTP/1.0\r\n\r\n`);
      const ex = await ctx.send(r, { settleMs: window(CLOSE_WINDOW_MS, ctx.timeoutMs) });
      const expected = ['a response, then the connection closed'];
      if (!answered(ex)) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, r);
      if (ex.connection === 'open') return result('fail', 'answered an HTTP/1.0 request, but kept the connection open', expected, ex, r);
      return result('pass', describeExchange(ex), expected, ex, r);
    },
  },
  {
    id: 'connection.close.announced-before-closing',
    level: 'MUST',
    requirement: 'A server that does not keep an HTTP/1.1 connection open MUST send the "close" connection option in its response (an HTTP/1.0 response closes by default).',
    source: RFC.announceClose,
    async run(ctx) {
      const r = req(fill(get(), ctx));
      // A close it did not announce is the fault watched for; a correct server keeps the connection open.
      const ex = await ctx.send(r, { settleMs: 300, settleWatchesFaults: true });
      const expected = ['the connection kept open, or "Connection: close" in the response (or an HTTP/1.0 response)'];
      if (!answered(ex)) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, r);
      if (ex.connection !== 'open' && !closes(ex)) return result('fail', 'closed the connection after an HTTP/1.1 response that did not say "Connection: close"', expected, ex, r);
      return result('pass', describeExchange(ex), expected, ex, r);
    },
  },
  {
    id: 'connection.pipelining.answers-in-order',
    impact: 'desync',
    level: 'MUST',
    follows: AFTER_UNANNOUNCED_CLOSE,
    requirement: 'A server MUST send the responses to pipelined requests in the same order the requests were received.',
    source: RFC.pipelineOrder,
    async run(ctx) {
      const texts = [fill(get(), ctx), get([], { target: `/${ctx.name('missing')}` }), fill(get([], { method: 'HEAD' }), ctx)];
      const methods = ['GET', 'GET', 'HEAD'];
      const singles: (number | null)[] = [];
      for (let i = 0; i < texts.length; i++) singles.push(statusOf(await ctx.send(req(texts[i]!, methods[i]))));
      const pipelined: SentRequest = { plan: { bytes: Buffer.from(texts.join(''), 'latin1') }, methods };
      const ex = await ctx.send(pipelined);
      const expected = [`${singles.join(', ')} in that order (as each gets alone), or the first with "Connection: close" and a close`];
      const got = ex.finals.map((r) => r.status);
      if (answered(ex) && got.join() === singles.join()) return result('pass', `answered in order: ${got.join(', ')}`, expected, ex, pipelined);
      if (ex.finals.length >= 1 && closes(ex) && got[0] === singles[0] && ex.kind !== 'timeout') {
        return result('pass', 'the server does not pipeline; it answered the first and closed, saying so', expected, ex, pipelined);
      }
      return result('fail', `pipelined requests got ${describeExchange(ex)} (each alone got ${singles.join(', ')})`, expected, ex, pipelined);
    },
  },
  framingCheck({
    id: 'connection.close.pipelined-request-not-answered',
    source: PEER.closeNoFurther,
    requirement: 'RFC 9112 §9.6: a server that receives a "close" connection option MUST initiate closure of the connection after the final response to that request, and "MUST NOT process any further requests received on that connection": a GET pipelined right behind it is never answered.',
    cite: 'RFC 9112 §9.6',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    method: 'GET',
    refuse: [],
    close: 'fail',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'connection.close.option-in-a-list-honoured',
    source: PEER.closeNoFurther,
    requirement: 'Connection is a list of options (llhttp\'s "close, token, upgrade, token, keep-alive"): "close" among them is the close option, whatever else is listed (keep-alive too), so RFC 9112 §9.6 applies: the server closes after its response and answers nothing pipelined behind.',
    cite: 'RFC 9112 §9.6',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: close, token, upgrade, token, keep-alive\r\n\r\n',
    method: 'GET',
    refuse: [],
    close: 'fail',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'connection.close.option-with-trailing-tab-honoured',
    source: PEER.closeNoFurther,
    requirement: '"Connection: close<TAB>": the tab is optional whitespace around the value (RFC 9112 §5.1), so the option is "close" and RFC 9112 §9.6 applies: the server closes after its response and answers nothing pipelined behind.',
    cite: 'RFC 9112 §9.6',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: close\t\r\n\r\n',
    method: 'GET',
    refuse: [],
    close: 'fail',
    serve: 'close-after',
  }),
  framingCheck({
    id: 'connection.close.option-uppercase-honoured',
    source: PEER.connectionOptionsCase,
    requirement: 'RFC 9110 §7.6.1: "Connection options are case-insensitive." "CLOSE" is the close option, so RFC 9112 §9.6 applies: the server closes after its response and answers nothing pipelined behind.',
    cite: 'RFC 9110 §7.6.1; RFC 9112 §9.6',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: CLOSE\r\n\r\n',
    method: 'GET',
    refuse: [],
    close: 'fail',
    serve: 'close-after',
  }),
  {
    id: 'connection.pipelining.valid-answered-before-invalid',
    impact: 'desync',
    level: 'MUST',
    requirement: 'A valid request with "Connection: close" followed on the same connection by bytes that are no request ("Invalid", HTTP Garden #45) gets its own answer: the server "MUST NOT process any further requests received on that connection" (RFC 9112 §9.6), so the bytes after it are never answered, and cannot take the answer of the request before them away.',
    source: RFC.closeNoFurther,
    cite: 'RFC 9112 §9.6',
    async run(ctx) {
      const text = fill(get(['Connection: close']), ctx);
      // Judged against the same GET's own answer on a fresh connection, not a fixed status.
      const alone = await ctx.send(req(text), { headOnly: true });
      const own = statusOf(alone);
      const r: SentRequest = { plan: { bytes: Buffer.from(text + 'Invalid\r\n\r\n', 'latin1') }, methods: ['GET'] };
      const expected = [`the GET answered as alone (${own ?? 'no answer'}), then the connection closed`];
      if (own === null) return result('blocked', `not judged: the GET alone got ${describeExchange(alone)}`, expected, alone, req(text));
      // The verdict is the GET's answer; the settle only lets a server that closes after the invalid bytes close first.
      const ex = await ctx.send(r, { settleMs: window(BEHIND_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: true });
      if (statusOf(ex) === own) return result('pass', describeExchange(ex), expected, ex, r);
      return result('fail', `the valid GET before the invalid bytes got ${describeExchange(ex)}, where alone it gets ${own}`, expected, ex, r);
    },
  },
]);
