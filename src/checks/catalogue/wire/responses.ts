import type { Exchange } from '../../../client/exchange.js';
import { politeConnector, type Seen } from '../../../client/polite-connector.js';
import { ResponseParser } from '../../../http1/response-parser.js';
import type { FindingCode } from '../../../http1/findings.js';
import { describeFinding } from '../../../http1/findings.js';
import { fill, get, write } from '../../case.js';
import type { Check, CheckContext, CheckRun, Level, ProfileRule, SentRequest, Source } from '../../types.js';
import { adopts } from '../../level.js';
import { RFC } from '../../rfc.js';
import { answerOf, describeExchange, header, req, result } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';
import { formatEndpoint } from '../../../wire/endpoint.js';

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

interface WireOpts {
  /** A finding that is only a warning (a SHOULD, or a value the RFC tolerates). */
  warnIf?: (detail: string | undefined, ctx: CheckContext) => boolean;
  /**
   * The findings break only the reference protocol's rule, not the RFC: under a profile that does not
   * adopt it the check passes, saying why (`rfcAllows`).
   */
  rule?: ProfileRule & { rfcAllows: string };
}

/**
 * Which MUST check judges each finding (filled as the checks below are declared): a failure that
 * follows from such a finding alone names that check as its root cause (`CheckRun.because`).
 */
const JUDGED_BY = new Map<FindingCode, string>();

function wireCheck(id: string, level: Level, requirement: string, source: Source, codes: readonly FindingCode[], opts: WireOpts = {}): CheckDecl {
  if (level === 'MUST' && !opts.warnIf) for (const code of codes) JUDGED_BY.set(code, id);
  const check: CheckDecl = {
    id,
    level,
    requirement,
    source,
    async run(ctx): Promise<CheckRun> {
      const all = await samples(ctx);
      // A head the connection cut short is an answer too (answerOf): its form is exactly what is judged here.
      const answered = all.filter((s) => answerOf(s.ex) !== undefined);
      const expected = ['no response with: ' + codes.join(', ')];
      if (answered.length === 0) return result('blocked', 'not judged: none of the sample requests was answered', expected, all[0]?.ex, all[0]?.request);
      if (opts.rule && !adopts(ctx.profile, opts.rule.rules)) return result('pass', opts.rule.rfcAllows, expected, answered[0]!.ex, answered[0]!.request);
      let warning: CheckRun | null = null;
      for (const s of answered) {
        for (const r of s.ex.finals.length > 0 ? s.ex.finals : [answerOf(s.ex)!]) {
          const f = r.findings.find((x) => codes.includes(x.code));
          if (!f) continue;
          const reason = `the response to ${s.label} has ${describeFinding(f)}`;
          if (opts.warnIf?.(f.detail, ctx)) {
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
  if (opts.rule) check.profileRule = { rules: opts.rule.rules, note: opts.rule.note };
  return check;
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7). */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} ([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60) GMT$/;

/** Date: present on every 2xx–4xx response of the samples (a MUST), and every Date an IMF-fixdate (a MUST). */
const dateCheck: CheckDecl = {
  id: 'wire.date.present',
  level: 'MUST',
  requirement: 'An origin server with a clock MUST send a Date header field in every 2xx, 3xx and 4xx response, and a sender MUST generate it in the IMF-fixdate format ("Sun, 06 Nov 1994 08:49:37 GMT").',
  source: RFC.dateRequired,
  cite: 'RFC 9110 §6.6.1, §5.6.7',
  async run(ctx) {
    const all = await samples(ctx);
    const answered = all.filter((s) => s.ex.finals.length > 0);
    const expected = ['a Date in IMF-fixdate format on every 2xx, 3xx and 4xx response'];
    if (answered.length === 0) return result('blocked', 'not judged: none of the sample requests was answered', expected, all[0]?.ex, all[0]?.request);
    for (const s of answered) {
      for (const r of s.ex.finals) {
        const date = header(r, 'date');
        if (date === undefined) {
          if (r.status !== null && r.status >= 200 && r.status < 500) return result('fail', `the response to ${s.label} (${r.status}) has no Date header`, expected, s.ex, s.request);
          continue;
        }
        if (!IMF_FIXDATE.test(date.trim())) return result('fail', `the response to ${s.label} has Date: ${JSON.stringify(date)}, not an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7)`, expected, s.ex, s.request);
      }
    }
    return result('pass', `${answered.length} responses checked`, expected, answered[0]!.ex, answered[0]!.request);
  },
};

/** An HTTP/1.x version other than HTTP/1.1 breaks only the SHOULD of RFC 9110 §6.2 (unless the profile's rules say HTTP/1.1). */
function lowerMinor(detail: string | undefined, ctx: CheckContext): boolean {
  return /^HTTP\/1\.\d$/.test(detail ?? '') && !adopts(ctx.profile, 'reference');
}

/** Why a real-client check could not be set up (its record not created), with the exchange that said so. */
interface NotSetUp {
  why: string;
  exchange: Exchange;
  request: SentRequest;
}

/** Does undici (the client Node ships) accept the server's answer? Its parser is a browser-grade one. */
function undiciCheck(id: string, what: string, build: (ctx: CheckContext) => Promise<{ method: 'GET' | 'HEAD' | 'DELETE'; path: string } | NotSetUp>, needs?: 'reference'): CheckDecl {
  const check: CheckDecl = {
    id,
    level: 'MUST',
    requirement: `A real client (undici, the HTTP client in Node.js) accepts the server's response to ${what}.`,
    source: { profile: 'any', note: 'undici implements RFC 9112 §4–§6 as browsers do: a response it rejects breaks the status-line, field or framing grammar that RFC 9110 §2.2 binds a sender to' },
    cite: 'RFC 9112 §4–§6',
    async run(ctx) {
      const plan = await build(ctx);
      const expected = ['undici parses the response without an error'];
      // The report shows what the server sent to the request that set it up.
      if ('why' in plan) return result('blocked', `not judged: ${plan.why}`, expected, plan.exchange, plan.request);
      const seen: Seen = { bytes: 0, first: [] };
      // undici is loaded here, when a real-client check first runs: every command loads the catalogue, and
      // undici's load was half of a start of the CLI (`wiregrade list`: 0.6 s of CPU, 0.35 s without it).
      const { Agent, request: undiciRequest } = await import('undici');
      const agent = new Agent({ connect: politeConnector(seen), connectTimeout: ctx.timeoutMs, headersTimeout: ctx.timeoutMs, bodyTimeout: ctx.timeoutMs, pipelining: 0 });
      const authority = formatEndpoint(ctx.target);
      const sent = req(`${plan.method} ${plan.path} HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`, plan.method);
      try {
        const res = await undiciRequest(`http://${authority}${plan.path}`, {
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
        // No byte came back: there was no response to accept or reject (a refusal, a reset, a silence is
        // for the checks that judge those), so undici's verdict is not judged.
        if (seen.bytes === 0) return result('blocked', `not judged: no response arrived (${msg})`, expected, undefined, sent, { actual: `undici: ${msg}` });
        const failed = result('fail', `undici rejected the response: ${msg}`, expected, undefined, sent, { actual: `undici: ${msg}` });
        const because = rootFinding(Buffer.concat(seen.first ?? []), plan.method);
        return because ? { ...failed, because } : failed;
      } finally {
        await agent.destroy().catch(() => undefined);
      }
    },
  };
  if (needs) check.needs = needs;
  return check;
}

/**
 * The finding, in what the server sent undici, that a wire check judges (the first such one): what
 * undici most likely rejected. Its own parser reads the same bytes the way the wire checks do.
 */
function rootFinding(bytes: Buffer, method: string): { check: string; finding: FindingCode } | undefined {
  const parser = new ResponseParser();
  parser.expect(method);
  parser.feed(bytes);
  parser.end();
  const responses = [...parser.done, ...(parser.partial ? [parser.partial] : [])];
  for (const r of responses) {
    for (const f of r.findings) {
      const check = JUDGED_BY.get(f.code);
      if (check) return { check, finding: f.code };
    }
  }
  return undefined;
}

/** Creates a record with a plain POST and returns its path, or why it could not. */
async function created(ctx: CheckContext): Promise<{ method: 'GET'; path: string } | NotSetUp> {
  const path = `/${ctx.name()}`;
  const request = req(write('POST', path, '{"u":1}'), 'POST');
  const ex = await ctx.send(request);
  if (ex.kind !== 'response' || (ex.finals[0]?.status ?? 500) >= 300) return { why: `creating ${path} got ${describeExchange(ex)}`, exchange: ex, request };
  return { method: 'GET', path };
}

/** Wire syntax: every response parses as RFC 9112 allows, and a real client accepts it. */
export const wireChecks: Check[] = checkGroup({ prefix: 'wire', family: 'wire' }, [
  wireCheck('wire.line-ends.crlf', 'MUST', 'Response lines (status line and fields) end with CRLF (RFC 9112 §2.1 grammar; a sender MUST NOT generate a bare CR).', RFC.senderGrammar, ['bare-lf', 'bare-cr']),
  wireCheck('wire.status-line.well-formed', 'MUST', 'A response starts with a status line: HTTP-version SP 3DIGIT SP reason-phrase, and nothing before it.', RFC.senderGrammar, ['status-line-garbage']),
  wireCheck('wire.status-line.reason-separator', 'MUST', 'The status code is followed by SP even when the reason phrase is empty ("HTTP/1.1 200 OK" or "HTTP/1.1 200 ", never "HTTP/1.1 200"): status-line = HTTP-version SP status-code SP [ reason-phrase ].', RFC.senderGrammar, ['missing-reason-phrase']),
  wireCheck('wire.status-line.version-is-http11', 'MUST', 'A server MUST NOT send a version it does not conform to, and SHOULD send its highest HTTP/1 version, HTTP/1.1 (an HTTP/1.0 status line only warns; a version that is not HTTP/1.x fails).', RFC.responseVersion, ['wrong-version'], { warnIf: lowerMinor }),
  wireCheck('wire.headers.field-syntax', 'MUST', 'Every response field line is field-name ":" OWS field-value OWS, with no whitespace before the colon and no obs-fold, and the field section ends with an empty line.', RFC.senderGrammar, ['header-syntax', 'space-before-colon', 'obs-fold', 'head-incomplete']),
  wireCheck('wire.framing.length-declared', 'MAY', 'A response MAY delimit its body by closing the connection (RFC 9112 §6.3); the reference protocol requires every body\'s length declared (Content-Length, or chunked).', RFC.closeDelimited, ['missing-content-length', 'unknown-transfer-coding'], {
    rule: { rules: 'reference', note: 'the reference protocol forbids close-delimited bodies: every response declares its length', rfcAllows: 'a close-delimited body is RFC-legal (RFC 9112 §6.3); only the reference protocol forbids it' },
  }),
  wireCheck('wire.framing.content-length-valid', 'MUST', 'Content-Length is one valid decimal number (Content-Length = 1*DIGIT), and never sent together with Transfer-Encoding.', RFC.contentLengthWithTe, ['invalid-content-length', 'conflicting-content-length', 'content-length-with-transfer-encoding']),
  wireCheck('wire.framing.body-matches-length', 'MUST', 'The body is exactly as long as Content-Length says: no bytes missing, none after it.', RFC.bodyLength, ['extra-bytes', 'body-truncated', 'chunked-syntax']),
  wireCheck('wire.framing.no-body-on-head-or-204', 'MUST', 'A response to HEAD, and a 204 response, has no body.', RFC.headNoContent, ['body-forbidden']),
  wireCheck('wire.framing.no-content-length-on-204', 'MUST', 'A server MUST NOT send Content-Length in a 1xx or 204 response (Content-Length: 0 is only warned).', RFC.contentLengthForbidden, ['content-length-forbidden'], { warnIf: (d) => d?.trim() === '0' }),
  dateCheck,
  {
    id: 'wire.status-line.version-on-http2-request',
    level: 'MUST',
    requirement: 'The answer to an HTTP/2 request is an HTTP/1.x response ("HTTP/1.1 505 …" or "HTTP/1.0 505 …"): a server MUST NOT send a version it does not conform to (such as HTTP/2 on an HTTP/1 connection).',
    source: RFC.responseVersion,
    profileRule: { rules: 'reference', note: 'the reference protocol answers HTTP/1.1 in every status line' },
    async run(ctx) {
      const r = req(fill(get(['Connection: close'], { version: 'HTTP/2' }), ctx));
      const ex = await ctx.send(r);
      const strict = adopts(ctx.profile, 'reference');
      const expected = [strict ? 'a status line starting HTTP/1.1' : 'a status line starting HTTP/1.0 or HTTP/1.1'];
      const f = ex.finals[0];
      if (!f) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, r);
      const ok = strict ? f.version === 'HTTP/1.1' : /^HTTP\/1\.[01]$/.test(f.version ?? '');
      if (!ok) return result('fail', `the status line is ${JSON.stringify(f.statusLine)}`, expected, ex, r);
      return result('pass', f.statusLine, expected, ex, r);
    },
  },
  {
    id: 'wire.content-type.json-declared',
    level: 'SHOULD',
    requirement: 'A response with a JSON body carries Content-Type: application/json.',
    source: { profile: 'reference', note: 'the reference protocol labels JSON bodies application/json (RFC 9110 §8.3: a sender that generates content SHOULD generate Content-Type)' },
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
      return 'why' in c ? c : { method: 'DELETE', path: c.path };
    },
    'reference',
  ),
]);
