import type { Exchange, ExchangeOptions } from '../client/exchange.js';
import { header, type ParsedResponse } from '../http1/response-parser.js';
import { latin1, utf8 } from '../wire/bytes.js';
import type { Accept, CheckContext, CheckRun, RunVerdict, SentRequest, StatusExpectation } from './types.js';
import { CLOSE_WINDOW_MS, window } from './windows.js';

// An acceptable outcome and a status expectation are declared with the check (src/checks/types.ts).
export type { Accept, StatusExpectation } from './types.js';

/** A request from text (Latin-1, so any byte can be written as \xNN) sent whole. */
export function req(text: string | Uint8Array, method = 'GET'): SentRequest {
  return { plan: { bytes: typeof text === 'string' ? latin1(text) : text }, methods: [method] };
}

/** A request with a UTF-8 JSON body. */
export function jsonRequest(method: string, target: string, body: unknown, extraHeaders = ''): SentRequest {
  const b = utf8(typeof body === 'string' ? body : JSON.stringify(body));
  const head = `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${extraHeaders}Content-Length: ${b.length}\r\n\r\n`;
  const bytes = new Uint8Array(head.length + b.length);
  bytes.set(latin1(head));
  bytes.set(b, head.length);
  return { plan: { bytes }, methods: [method] };
}

export function describeAccept(a: Accept): string {
  if (a === 'close') return 'the connection closed without a response';
  if (a === 'ok') return "the baseline request's status";
  return typeof a === 'number' ? String(a) : `any ${a} status`;
}

/** The first final response, if the exchange produced one. */
export function finalOf(ex: Exchange): ParsedResponse | undefined {
  return ex.finals[0];
}

/**
 * The server's answer: the first final response; or, where the server sent a status line and then
 * closed (or reset) before the response was complete, that incomplete response. A malformed answer is
 * still an answer: its status is judged by the checks that judge statuses, its form by the wire checks
 * (one bug, one failure). A response left incomplete on an open connection is no answer (a client would
 * still be waiting).
 */
export function answerOf(ex: Exchange): ParsedResponse | undefined {
  if (ex.kind === 'response') return ex.finals[0];
  if ((ex.kind === 'closed-without-response' || ex.kind === 'reset') && ex.finals.length === 0) {
    const p = ex.partial;
    if (p && p.status !== null && !p.interim) return p;
  }
  return undefined;
}

/**
 * Does the last response end the connection by its own terms: it says "Connection: close", or it is an
 * HTTP/1.0 response without "keep-alive" (RFC 9112 §9.3: then the connection closes after it)?
 */
export function closes(ex: Exchange): boolean {
  const r = ex.finals[ex.finals.length - 1];
  if (r === undefined) return false;
  const conn = header(r, 'connection') ?? '';
  if (/(^|,)\s*close\s*(,|$)/i.test(conn)) return true;
  return r.version === 'HTTP/1.0' && !/(^|,)\s*keep-alive\s*(,|$)/i.test(conn);
}

/** Did the server answer (see answerOf)? */
export function answered(ex: Exchange): boolean {
  return answerOf(ex) !== undefined;
}

export function statusOf(ex: Exchange): number | null {
  return answerOf(ex)?.status ?? null;
}

function showStatus(r: ParsedResponse): string {
  return r.status === null ? `an unparseable status line ${JSON.stringify(r.statusLine.slice(0, 60))}` : `${r.status}${r.reason ? ' ' + r.reason : ''}`;
}

/** One phrase for what came back, as a person would say it. */
export function describeExchange(ex: Exchange): string {
  const f = finalOf(ex);
  const tail = ex.connection === 'closed' ? ', then the connection closed' : ex.connection === 'reset' ? ', then the connection was reset' : '';
  switch (ex.kind) {
    case 'response': {
      if (ex.finals.length > 1) return ex.finals.map(showStatus).join(', ') + tail;
      return showStatus(f!) + tail;
    }
    case 'closed-without-response':
      if (ex.partial) return `the connection closed in the middle of a response (${showStatus(ex.partial)}, incomplete)`;
      if (ex.finals.length > 0) return `${ex.finals.map(showStatus).join(', ')}, then the connection closed before the other response(s)`;
      return ex.receivedBytes > 0
        ? `the connection closed after ${ex.receivedBytes} byte(s) that are not an HTTP response`
        : 'the connection closed without a response';
    case 'reset':
      return ex.receivedBytes > 0 ? `the connection was reset after ${ex.receivedBytes} byte(s), with no complete response` : 'the connection was reset without a response';
    case 'timeout': {
      const got = ex.partial
        ? `only part of a response (${showStatus(ex.partial)}, framed by ${ex.partial.framing === 'close' ? 'connection close, but the connection stayed open' : ex.partial.framing})`
        : ex.finals.length > 0
          ? `${ex.finals.map(showStatus).join(', ')} but not every response expected`
          : ex.receivedBytes > 0
            ? `${ex.receivedBytes} byte(s) that are not a complete response`
            : 'nothing';
      return `no complete response within ${ex.elapsedMs} ms: got ${got}`;
    }
    case 'refused':
      return `the connection was refused (${ex.message ?? 'no listener'})`;
    case 'overflow':
      return `the server sent more than ${ex.receivedBytes} bytes without completing a response`;
  }
}

export function matches(ex: Exchange, a: Accept): boolean {
  if (a === 'close') {
    return (ex.kind === 'closed-without-response' || ex.kind === 'reset') && ex.receivedBytes === 0;
  }
  if (!answered(ex) || a === 'ok') return false;
  const s = statusOf(ex);
  return s !== null && statusMatches(s, a);
}

/** Does a status code match an accept token (a code or a class; `close` and `ok` match no code by themselves)? */
export function statusMatches(status: number, a: Accept): boolean {
  if (a === 'close' || a === 'ok') return false;
  return typeof a === 'number' ? status === a : Math.floor(status / 100) === Number(a[0]);
}

/** Judges an exchange against a status expectation. */
export function judgeStatus(ex: Exchange, exp: StatusExpectation): { verdict: RunVerdict; reason: string } {
  const ok = exp.accept.some((a) => matches(ex, a));
  const warned = !ok && (exp.warn ?? []).some((a) => matches(ex, a));
  if (!ok && !warned) {
    return { verdict: 'fail', reason: `expected ${exp.accept.map(describeAccept).join(' or ')}, got ${describeExchange(ex)}` };
  }
  if (exp.mustClose && answered(ex) && ex.connection === 'open') {
    return { verdict: 'fail', reason: `answered ${describeExchange(ex)} but did not close the connection afterwards` };
  }
  if (warned) return { verdict: 'warn', reason: `tolerated: ${describeExchange(ex)} (preferred: ${exp.accept.map(describeAccept).join(' or ')})` };
  return { verdict: 'pass', reason: describeExchange(ex) };
}

export function expectedWords(exp: StatusExpectation): string[] {
  const words = exp.accept.map((a) => (exp.mustClose && a !== 'close' ? `${describeAccept(a)}, then close` : describeAccept(a)));
  for (const w of exp.warn ?? []) words.push(`${describeAccept(w)} (warning)`);
  return words;
}

/** Resolves `ok` (the status the profile gives its baseline request) to numbers. */
export function resolveAccepts(exp: StatusExpectation, ok: readonly number[]): StatusExpectation {
  const map = (xs: readonly Accept[]): Accept[] => xs.flatMap((a) => (a === 'ok' ? [...ok] : [a]));
  return { ...exp, accept: map(exp.accept), warn: map(exp.warn ?? []) };
}

/**
 * The watch for a close that a `mustClose` expectation needs: CLOSE_WINDOW_MS after the answer, whatever
 * its status. Also after a status that fails by itself: a server that closes after each answer must get
 * to close first, or our FIN crosses its own and its side of the connection waits in TIME_WAIT, which
 * keeps a server without SO_REUSEADDR from binding its port again for a minute after a restart
 * (test/grade/truthful.test.ts caught a 63 s restart when this watch was skipped).
 */
export function closeWatch(timeoutMs: number): Pick<ExchangeOptions, 'settleMs'> {
  return { settleMs: window(CLOSE_WINDOW_MS, timeoutMs) };
}

/**
 * Does the first answer fail `exp` by its status alone, whatever the connection does after it (it matches
 * no accepted or tolerated status)? Then the close watch after it decides nothing (ExchangeOptions.decided).
 */
export function failsByStatus(exp: StatusExpectation): (finals: readonly ParsedResponse[]) => boolean {
  return (finals) => {
    const first = finals[0];
    if (first === undefined) return false;
    const s = first.status;
    return s === null || ![...exp.accept, ...(exp.warn ?? [])].some((a) => statusMatches(s, a));
  };
}

/** The run function of a check that sends one request and expects one of a set of outcomes. */
export function expectStatus(build: (ctx: CheckContext) => SentRequest, expectation: StatusExpectation) {
  return async (ctx: CheckContext): Promise<CheckRun> => {
    const exp = resolveAccepts(expectation, ctx.profile.baselineStatuses);
    const request = build(ctx);
    const ex = await ctx.send(request, { headOnly: true, ...(exp.mustClose ? { ...closeWatch(ctx.timeoutMs), decided: failsByStatus(exp) } : {}) });
    const { verdict, reason } = judgeStatus(ex, exp);
    return { verdict, reason, expected: expectedWords(exp), actual: describeExchange(ex), request, expectation: exp, exchanges: [ex] };
  };
}

/** A check run built from a list of steps' results: the first failing step decides. */
export function result(
  verdict: RunVerdict,
  reason: string,
  expected: string[],
  ex: Exchange | undefined,
  request: SentRequest | undefined,
  extra: Partial<CheckRun> = {},
): CheckRun {
  const run: CheckRun = { verdict, reason, expected, actual: ex ? describeExchange(ex) : reason, exchanges: ex ? [ex] : [], ...extra };
  if (request) run.request = request;
  return run;
}

export function bodyText(r: ParsedResponse | undefined): string {
  return r ? Buffer.from(r.body).toString('utf8') : '';
}

export function bodyJson(r: ParsedResponse | undefined): unknown {
  try {
    return JSON.parse(bodyText(r));
  } catch {
    return undefined;
  }
}

export { header };
