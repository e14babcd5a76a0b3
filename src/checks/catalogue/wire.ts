import { Agent, request as undiciRequest } from 'undici';
import type { Exchange } from '../../client/exchange.js';
import type { FindingCode } from '../../http1/findings.js';
import { describeFinding } from '../../http1/findings.js';
import { fill, get, write } from '../case.js';
import type { Check, CheckContext, CheckRun, Level, SentRequest } from '../types.js';
import { describeExchange, header, req, result } from '../verify.js';

interface Sample {
  label: string;
  request: SentRequest;
  ex: Exchange;
}

/**
 * One shared sample of responses per run: the wire-syntax checks all judge these, so a server that
 * never closes costs the settle window once, not once per check. `Connection: close` on each request
 * lets a close-delimited body end and shows any bytes after a response. Only valid requests: a sample
 * that crashed the server would be blamed on whichever check happened to gather the samples.
 */
function samples(ctx: CheckContext): Promise<Sample[]> {
  return ctx.memo('wire-samples', async () => {
    const name = ctx.name('wire');
    const list: Array<[string, string, string?]> = [
      ['GET of the known path', fill(get(['Connection: close']), ctx)],
      ['HEAD of the known path', fill(get(['Connection: close'], { method: 'HEAD' }), ctx), 'HEAD'],
      ['GET of a missing resource', get(['Connection: close'], { target: `/${ctx.name('missing')}` })],
    ];
    if (ctx.profile.capabilities.includes('reference')) {
      list.push(
        ['POST of a new record', write('POST', `/${name}`, '{"x":1}', ['Connection: close'])],
        ['GET of a record', get(['Connection: close'], { target: `/${name}` })],
        ['HEAD of a record', get(['Connection: close'], { target: `/${name}`, method: 'HEAD' }), 'HEAD'],
        ['DELETE of a record', get(['Connection: close'], { target: `/${name}`, method: 'DELETE' })],
      );
    }
    const out: Sample[] = [];
    for (const [label, text, method] of list) {
      const request = req(text, method ?? text.split(' ')[0] ?? 'GET');
      out.push({ label, request, ex: await ctx.send(request, { settleMs: 300 }) });
    }
    return out;
  });
}

function wireCheck(id: string, level: Level, requirement: string, cite: string, codes: readonly FindingCode[], opts: { warnIf?: (detail: string | undefined) => boolean } = {}): Check {
  return {
    id,
    family: 'wire',
    level,
    requirement,
    cite,
    async run(ctx): Promise<CheckRun> {
      const all = await samples(ctx);
      const answered = all.filter((s) => s.ex.finals.length > 0);
      const expected = ['no response with: ' + codes.join(', ')];
      if (answered.length === 0) return result('blocked', 'not judged: none of the sample requests was answered', expected, all[0]?.ex, all[0]?.request);
      let warning: CheckRun | null = null;
      for (const s of answered) {
        for (const r of s.ex.finals) {
          const f = r.findings.find((x) => codes.includes(x.code));
          if (!f) continue;
          const reason = `the response to ${s.label} has ${describeFinding(f)}`;
          if (opts.warnIf?.(f.detail)) {
            warning ??= result('warn', reason, expected, s.ex, s.request);
            continue;
          }
          return result('fail', reason, expected, s.ex, s.request);
        }
      }
      if (warning) return warning;
      return result('pass', `${answered.length} responses checked`, expected, answered[0]!.ex, answered[0]!.request);
    },
  };
}

/** Does undici (the client Node ships) accept the server's answer? Its parser is a browser-grade one. */
function undiciCheck(id: string, what: string, build: (ctx: CheckContext) => Promise<{ method: 'GET' | 'HEAD' | 'DELETE'; path: string } | string>, needs?: 'reference'): Check {
  const check: Check = {
    id,
    family: 'wire',
    level: 'MUST',
    requirement: `A real client (undici, the HTTP client in Node.js) accepts the server's response to ${what}.`,
    cite: 'RFC 9112 §4–§6',
    async run(ctx) {
      const plan = await build(ctx);
      const expected = ['undici parses the response without an error'];
      if (typeof plan === 'string') return result('blocked', `not judged: ${plan}`, expected, undefined, undefined);
      const agent = new Agent({ connectTimeout: ctx.timeoutMs, headersTimeout: ctx.timeoutMs, bodyTimeout: ctx.timeoutMs, pipelining: 0 });
      const host = ctx.target.host.includes(':') ? `[${ctx.target.host}]` : ctx.target.host;
      const sent = req(`${plan.method} ${plan.path} HTTP/1.1\r\nhost: ${host}:${ctx.target.port}\r\nconnection: close\r\n\r\n`, plan.method);
      try {
        const res = await undiciRequest(`http://${host}:${ctx.target.port}${plan.path}`, {
          method: plan.method,
          dispatcher: agent,
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(ctx.timeoutMs * 2),
        });
        const body = await res.body.arrayBuffer();
        return result('pass', `undici read ${res.statusCode} with ${body.byteLength} body bytes`, expected, undefined, sent, { actual: `undici read ${res.statusCode}` });
      } catch (err) {
        const e = err as Error & { code?: string; cause?: Error & { code?: string } };
        const msg = `${e.code ?? e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? ''} ${e.cause.message})` : ''}`;
        return result('fail', `undici rejected the response: ${msg}`, expected, undefined, sent, { actual: `undici: ${msg}` });
      } finally {
        await agent.destroy().catch(() => undefined);
      }
    },
  };
  if (needs) check.needs = needs;
  return check;
}

/** Creates a record with a plain POST and returns its path, or why it could not. */
async function created(ctx: CheckContext): Promise<{ method: 'GET'; path: string } | string> {
  const path = `/${ctx.name()}`;
  const ex = await ctx.send(req(write('POST', path, '{"u":1}'), 'POST'));
  if (ex.kind !== 'response' || (ex.finals[0]?.status ?? 500) >= 300) return `creating ${path} got ${describeExchange(ex)}`;
  return { method: 'GET', path };
}

/** Wire syntax: every response parses as RFC 9112 allows, and a real client accepts it. */
export const wireChecks: Check[] = [
  wireCheck('wire.line-ends.crlf', 'MUST', 'Response lines (status line and fields) end with CRLF.', 'RFC 9112 §2.1, §2.2', ['bare-lf', 'bare-cr']),
  wireCheck('wire.status-line.well-formed', 'MUST', 'A response starts with a status line: HTTP-version SP 3DIGIT SP reason-phrase, and nothing before it.', 'RFC 9112 §4', ['status-line-garbage']),
  wireCheck('wire.status-line.reason-separator', 'MUST', 'The status code is followed by SP even when the reason phrase is empty ("HTTP/1.1 200 OK", never "HTTP/1.1 200").', 'RFC 9112 §4', ['missing-reason-phrase']),
  wireCheck('wire.status-line.version-is-http11', 'MUST', 'A server sends its own HTTP version, HTTP/1.1, in the status line (never the request\'s).', 'RFC 9110 §6.2, §2.5', ['wrong-version']),
  wireCheck('wire.headers.field-syntax', 'MUST', 'Every response field line is field-name ":" OWS field-value OWS, with no whitespace before the colon and no obs-fold.', 'RFC 9112 §5', ['header-syntax', 'space-before-colon', 'obs-fold']),
  wireCheck('wire.framing.length-declared', 'MUST', 'Every response with a body declares its length (Content-Length, or chunked); the reference protocol forbids close-delimited bodies.', 'RFC 9112 §6.3; docs/reference-protocol.md#framing', ['missing-content-length', 'unknown-transfer-coding']),
  wireCheck('wire.framing.content-length-valid', 'MUST', 'Content-Length is one valid decimal number, and never sent together with Transfer-Encoding.', 'RFC 9110 §8.6, RFC 9112 §6.2', ['invalid-content-length', 'conflicting-content-length', 'content-length-with-transfer-encoding']),
  wireCheck('wire.framing.body-matches-length', 'MUST', 'The body is exactly as long as Content-Length says: no bytes missing, none after it.', 'RFC 9112 §6.3', ['extra-bytes', 'body-truncated', 'chunked-syntax']),
  wireCheck('wire.framing.no-body-on-head-or-204', 'MUST', 'A response to HEAD, and a 204 response, has no body.', 'RFC 9110 §9.3.2, §15.3.5', ['body-forbidden']),
  wireCheck('wire.framing.no-content-length-on-204', 'MUST', 'A server MUST NOT send Content-Length in a 1xx or 204 response (Content-Length: 0 is only warned).', 'RFC 9110 §8.6', ['content-length-forbidden'], { warnIf: (d) => d?.trim() === '0' }),
  wireCheck('wire.date.present', 'MUST', 'An origin server with a clock MUST send a Date header field in every 2xx, 3xx and 4xx response.', 'RFC 9110 §6.6.1', ['missing-date']),
  {
    id: 'wire.status-line.version-on-http2-request',
    family: 'wire',
    level: 'MUST',
    requirement: 'The 505 response to an HTTP/2 request is an HTTP/1.1 response ("HTTP/1.1 505 …"): a server MUST NOT send a version it does not conform to.',
    cite: 'RFC 9110 §6.2',
    async run(ctx) {
      const r = req(fill(get(['Connection: close'], { version: 'HTTP/2' }), ctx));
      const ex = await ctx.send(r);
      const expected = ['a status line starting HTTP/1.1'];
      const f = ex.finals[0];
      if (!f) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, r);
      if (f.version !== 'HTTP/1.1') return result('fail', `the status line is ${JSON.stringify(f.statusLine)}`, expected, ex, r);
      return result('pass', f.statusLine, expected, ex, r);
    },
  },
  {
    id: 'wire.content-type.json-declared',
    family: 'wire',
    level: 'SHOULD',
    requirement: 'A response with a JSON body carries Content-Type: application/json.',
    cite: 'RFC 9110 §8.3; docs/reference-protocol.md#framing',
    needs: 'reference',
    async run(ctx) {
      const all = await samples(ctx);
      const expected = ['Content-Type: application/json on every JSON body'];
      for (const s of all) {
        for (const r of s.ex.finals) {
          if (r.body.length === 0) continue;
          try {
            JSON.parse(Buffer.from(r.body).toString('utf8'));
          } catch {
            continue;
          }
          const ct = header(r, 'content-type') ?? '';
          if (!/^application\/json\s*(;|$)/i.test(ct)) return result('fail', `the JSON body of the response to ${s.label} has Content-Type ${JSON.stringify(ct || '(none)')}`, expected, s.ex, s.request);
        }
      }
      return result('pass', 'every JSON body was declared application/json', expected, all[0]?.ex, all[0]?.request);
    },
  },
  undiciCheck('wire.undici.accepts-baseline', 'the baseline request', async (ctx) => ({ method: 'GET', path: ctx.profile.knownPath })),
  undiciCheck('wire.undici.accepts-head', 'a HEAD request', async (ctx) => ({ method: 'HEAD', path: ctx.profile.knownPath })),
  undiciCheck('wire.undici.accepts-404', 'a GET of a missing resource', async (ctx) => ({ method: 'GET', path: `/${ctx.name('missing')}` })),
  undiciCheck('wire.undici.accepts-record', 'a GET of an existing record', created, 'reference'),
  undiciCheck(
    'wire.undici.accepts-204',
    'a DELETE answered 204 No Content',
    async (ctx) => {
      const c = await created(ctx);
      return typeof c === 'string' ? c : { method: 'DELETE', path: c.path };
    },
    'reference',
  ),
];
