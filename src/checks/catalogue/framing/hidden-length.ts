/**
 * A Content-Length hidden in a line that is not a Content-Length field (llhttp's request cases, HTTP
 * Garden's server bugs 4, 13, 20 and 37): after a bare CR, inside an obs-fold, on a whitespace-preceded
 * first line, behind a byte a lenient parser strips from the name, or with the name split over two
 * lines. The RFC lets a server refuse each (400, then close) or read past it (the line invalid, ignored,
 * or joined with SP), but never read a length from it: then there is no body, and the bytes after the
 * head are the next request. They are a plain `GET` of the known path, so what happened shows on the
 * wire: refused, or answered twice (the request, then the GET as itself); a server that answers once
 * and keeps the connection open took the GET for a body.
 */
import { fill } from '../../case.js';
import { RFC } from '../../rfc.js';
import type { Check, CheckContext, CheckRun, Level, SentRequest, Source } from '../../types.js';
import { describeExchange, result } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';
import { BEHIND_WINDOW_MS, window } from '../../windows.js';

/** The bytes after the head: a complete GET of the known path (its length is the hidden Content-Length). */
const NEXT = 'GET {known} HTTP/1.1\r\nHost: localhost\r\n\r\n';

interface HiddenSpec {
  id: string;
  requirement: string;
  source: Source;
  level: Level;
  /** The header lines of a POST of the known path (each without its CRLF); `{n}` is the length of the GET after the head. */
  lines: readonly string[];
  /** Lines before Host, right after the request line. */
  first?: readonly string[];
}

async function judgeHidden(ctx: CheckContext, spec: HiddenSpec): Promise<CheckRun> {
  const next = fill(NEXT, ctx);
  const n = String(Buffer.byteLength(next, 'latin1'));
  const line = (l: string) => l.replaceAll('{n}', n) + '\r\n';
  const head = fill(`POST {known} HTTP/1.1\r\n${(spec.first ?? []).map(line).join('')}Host: localhost\r\n${spec.lines.map(line).join('')}\r\n`, ctx);
  const request: SentRequest = { plan: { bytes: Buffer.from(head + next, 'latin1') }, methods: ['POST', 'GET'] };
  const ok = ctx.profile.baselineStatuses;
  // Once both are answered, the verdict is the GET's status: the settle watches only for an answer more.
  const ex = await ctx.send(request, { settleMs: window(BEHIND_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: true });
  const expected = [`400 (or another refusal), then the connection closed`, `the request answered, then the GET after its head answered ${ok.join('/')} as itself`, 'one answer, then the connection closed'];
  const [first, second] = ex.finals;
  const closed = ex.connection !== 'open';
  if (!first) {
    if (ex.kind === 'timeout') return result('fail', `no answer within ${ex.elapsedMs} ms: the server waits for body bytes no Content-Length field announced (${describeExchange(ex)})`, expected, ex, request);
    return result('warn', `the connection closed without an answer (${describeExchange(ex)})`, expected, ex, request);
  }
  if (second) {
    if (second.status !== null && ok.includes(second.status)) return result('pass', `answered ${first.status}, then the GET after the head ${second.status}: no length was read from the line`, expected, ex, request);
    return result('fail', `answered ${first.status}, then the GET after the head got ${describeExchange(ex)} where alone it gets ${ok.join('/')}`, expected, ex, request);
  }
  if (closed) return result('pass', `answered ${first.status}, then closed`, expected, ex, request);
  return result('fail', `answered ${first.status} and kept the connection open, but never answered the GET sent after the head: it was taken for a body of ${n} bytes, whose length came from a line that is no Content-Length field`, expected, ex, request);
}

function hidden(spec: HiddenSpec): CheckDecl {
  return { id: spec.id, level: spec.level, requirement: spec.requirement, source: spec.source, run: (ctx) => judgeHidden(ctx, spec) };
}

const NO_LENGTH = 'There is then no Content-Length field: the request has no body (RFC 9112 §6.3), and the GET after its head is answered as itself (or the request refused, 400 then close).';

export const hiddenLengthChecks: Check[] = checkGroup({ prefix: 'framing', family: 'framing', impact: 'desync', sideBySide: true }, [
  hidden({
    id: 'framing.hidden-length.bare-cr-before-field-not-read',
    requirement: `"X-A: a<CR>Content-Length: N": a bare CR is no line end; RFC 9112 §2.2 says the recipient MUST consider it invalid or replace it with SP. ${NO_LENGTH}`,
    source: RFC.bareCr,
    level: 'MUST',
    lines: ['X-A: a\rContent-Length: {n}'],
  }),
  hidden({
    id: 'framing.hidden-length.bare-cr-inside-name-not-read',
    requirement: `"Content<CR>Length: N" (llhttp): a bare CR inside the name is invalid or becomes SP (RFC 9112 §2.2), so the line is no Content-Length field. ${NO_LENGTH}`,
    source: RFC.bareCr,
    level: 'MUST',
    lines: ['Content\rLength: {n}'],
  }),
  hidden({
    id: 'framing.hidden-length.obs-fold-not-read',
    requirement: `" Content-Length: N" after another field is an obs-fold of that field's value: RFC 9112 §5.2 says the server MUST reject it (400) or replace it with SP, so it is never a field of its own. ${NO_LENGTH}`,
    source: RFC.obsFold,
    level: 'MUST',
    lines: ['X-A: a', ' Content-Length: {n}'],
  }),
  hidden({
    id: 'framing.hidden-length.whitespace-before-first-field-not-read',
    requirement: `" Content-Length: N" right after the request line (HTTP Garden #4): RFC 9112 §2.2 says a recipient MUST reject the message or consume each whitespace-preceded line without further processing of it. ${NO_LENGTH}`,
    source: RFC.whitespaceBeforeFirstField,
    level: 'MUST',
    first: [' Content-Length: {n}'],
    lines: [],
  }),
  hidden({
    id: 'framing.hidden-length.nbsp-after-name-not-read',
    requirement: `"Content-Length\\x85: N" (HTTP Garden #20; a str.strip() strips \\x85 and \\xa0): the name is not the token Content-Length, so there is no Content-Length field (RFC 9112 §6.3: "If this is a request message and none of the above are true, then the message body length is zero"). ${NO_LENGTH}`,
    source: RFC.noBodyNoLength,
    level: 'MUST',
    lines: ['Content-Length\x85: {n}'],
  }),
  hidden({
    id: 'framing.hidden-length.name-split-over-lines-not-read',
    requirement: `"Content-<CRLF>Length: N" (HTTP Garden #37): "Content-" is a line with no colon and "Length" another field; a name is never continued on the next line, so there is no Content-Length field (RFC 9112 §6.3). ${NO_LENGTH}`,
    source: RFC.noBodyNoLength,
    level: 'MUST',
    lines: ['Content-', 'Length: {n}'],
  }),
]);
