import type { Exchange } from '../client/exchange.js';
import { fill } from './case.js';
import { withSource, type PeerSource } from './peer-sources.js';
import type { CheckDecl } from './group.js';
import type { CheckContext, CheckRun, Level, SentRequest } from './types.js';
import { describeAccept, describeExchange, header, statusMatches, type Accept } from './verify.js';
import { EXTRA_ANSWER_WINDOW_MS, window } from './windows.js';

/**
 * Framing checks judged by what matters on the wire (RFC 9112 §6.3, §11.2): a request whose framing is
 * questionable is sent with a plain `GET {known}` pipelined right behind it, on one connection. The
 * request may be refused (a status of `refuse`, then the connection closed), or read with the framing the
 * RFC prescribes: then the follow-up is answered as itself, with the status it gets alone, and nothing
 * else is answered. A server that answers bytes of the body as a request (a desync, the root of request
 * smuggling) fails whatever its first status was.
 *
 * Templates are Latin-1 text: `{known}` the profile's known path, `{name}` a record name unique to the
 * check, `{smuggled}` a complete request for a path that exists nowhere (`GET /{name}-smuggled`), which
 * is what a desynchronised server answers.
 */
export interface FramingSpec {
  id: string;
  requirement: string;
  cite: string;
  /** The RFC sentence tested, word for word (src/checks/peer-sources.ts). */
  source: PeerSource;
  level: Level;
  /** The questionable request (head and body); the follow-up is appended to it. */
  request: string;
  method?: string;
  /** Refusals the RFC names: the connection must close after them, with no further answer. */
  refuse: readonly Accept[];
  /** Refusals the RFC tolerates but does not name (a warning); closed after, like `refuse`. */
  refuseWarn?: readonly Accept[];
  /** Closing without any response: a pass, a warning, or a failure (default: warn). */
  close?: 'pass' | 'warn' | 'fail';
  /**
   * May the request be served, i.e. read with the framing the RFC prescribes? `yes`: then the follow-up
   * must be answered as itself (or the server closes, without answering more). `no`: serving it is a
   * failure. `close-after`: it may be served, but the server MUST close after its response (RFC 9112
   * §6.1, Content-Length with Transfer-Encoding): any answer to the bytes after it fails.
   */
  serve: 'yes' | 'no' | 'close-after';
}

export const FOLLOW_UP = 'GET {known} HTTP/1.1\r\nHost: localhost\r\n\r\n';
export const SMUGGLED = 'GET /{name}-smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n';

/**
 * Fills a framing template: `{name}`/`{known}` first, then `{smuggled}` and `{smuggled-chunk}` (the
 * smuggled request as one chunk), then `{length}`: the byte length of everything after the head's blank line.
 */
export function fillFraming(template: string, ctx: CheckContext): string {
  const name = ctx.name();
  const smuggled = SMUGGLED.replaceAll('{name}', name);
  // The template first, so the smuggled request keeps its own plain Host (only the known path's requests carry the profile's).
  const text = fill(template, ctx).replaceAll('{smuggled-chunk}', chunk(smuggled)).replaceAll('{smuggled}', smuggled);
  const at = text.indexOf('\r\n\r\n');
  return at === -1 ? text : text.replaceAll('{length}', String(Buffer.byteLength(text.slice(at + 4), 'latin1')));
}

/** A chunk of `s`: its size in hex, CRLF, the data, CRLF. */
export function chunk(s: string): string {
  return `${Buffer.byteLength(s, 'latin1').toString(16)}\r\n${s}\r\n`;
}

/** A POST to the known path with the given header lines (each without its CRLF) and body, sent as is. */
export function postKnown(lines: readonly string[], body: string, method = 'POST'): string {
  return `${method} {known} HTTP/1.1\r\nHost: localhost\r\n${lines.map((l) => l + '\r\n').join('')}\r\n${body}`;
}

function announcesClose(r: Exchange['finals'][number]): boolean {
  return /(^|,)\s*close\s*(,|$)/i.test(header(r, 'connection') ?? '');
}

function words(xs: readonly Accept[]): string {
  return xs.map(describeAccept).join(' or ');
}

/**
 * After this first answer, does the spec owe no close (so the settle watches only for an answer more)?
 * A request that may be served and was (not refused): the follow-up is answered, and nothing else.
 * A refusal, or a request the server MUST close after (`close-after`), owes the close.
 */
export function owesNoClose(spec: Pick<FramingSpec, 'serve' | 'refuse' | 'refuseWarn'>, first: Exchange['finals'][number] | undefined): boolean {
  if (spec.serve !== 'yes' || first === undefined || first.status === null) return false;
  const status = first.status;
  return ![...spec.refuse, ...(spec.refuseWarn ?? [])].some((a) => statusMatches(status, a));
}

/**
 * Does the settle after these answers watch only for faults (so it may be cut to the server's pace,
 * ExchangeOptions.settleWatchesFaults)? When the spec owes no close after the first answer (owesNoClose),
 * and whenever the request pipelined behind was answered too (two answers or more): judgeFraming then
 * judges by the answers alone, whether the connection closes after them or not, and all the window can
 * still show is an answer more (a desync, a failure).
 */
export function settleWatchesOnlyFaults(spec: Pick<FramingSpec, 'serve' | 'refuse' | 'refuseWarn'>, finals: readonly Exchange['finals'][number][]): boolean {
  return finals.length >= 2 || owesNoClose(spec, finals[0]);
}

/** Did the connection end by the end of the exchange (closed, reset, or closed before any answer)? */
export function connectionEnded(ex: Exchange): boolean {
  return ex.connection !== 'open' || ex.kind === 'closed-without-response' || ex.kind === 'reset';
}

/** Judges one exchange of (questionable request + follow-up) against the spec. Exported for tests. */
export interface FramingJudgement {
  verdict: CheckRun['verdict'];
  reason: string;
  expected: string[];
  /** The failure rests on how the pipelined request was answered (so it needs plain pipelining to work). */
  byFollowUp?: boolean;
}

export function judgeFraming(ex: Exchange, spec: FramingSpec, ok: readonly number[]): FramingJudgement {
  const refuse = spec.refuse;
  const refuseWarn = spec.refuseWarn ?? [];
  const closePolicy = spec.close ?? 'warn';
  const expected: string[] = [];
  if (refuse.length > 0) expected.push(`${words(refuse)}, then the connection closed`);
  if (refuseWarn.length > 0) expected.push(`${words(refuseWarn)}, then the connection closed (warning)`);
  if (closePolicy !== 'fail') expected.push(`the connection closed without a response${closePolicy === 'warn' ? ' (warning)' : ''}`);
  if (spec.serve === 'yes') expected.push(`served, then the pipelined GET answered as itself (${ok.join('/')}), or the connection closed`);
  if (spec.serve === 'close-after') expected.push('one response, then the connection closed, nothing more answered');

  const finals = ex.finals;
  // The server's own response framing broken (a body after a HEAD answer, a wrong Content-Length, no
  // length on an open connection): the wire checks own that failure, and the answers cannot be told apart.
  const head = finals[0];
  const received = Buffer.concat(ex.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes));
  const afterFirst = head ? received.toString('latin1', head.end, head.end + 5) : '';
  const strayAfterFirst =
    finals.some((r) => r.findings.some((f) => f.code === 'body-forbidden' || f.code === 'extra-bytes')) || (afterFirst.length > 0 && !'HTTP/'.startsWith(afterFirst) && !afterFirst.startsWith('HTTP/'));
  const unframed = head === undefined && ex.partial !== null && ex.partial.framing === 'close' && ex.connection === 'open';
  if (strayAfterFirst || unframed) {
    return {
      verdict: 'blocked',
      reason: `not judged: the server's responses are not framed so that the next one can be found (${strayAfterFirst ? 'bytes after the end of the first response' : 'a body with no length on an open connection'}; judged by wire.framing.*)`,
      expected,
    };
  }
  const closed = connectionEnded(ex);
  const first = finals[0];
  if (first === undefined) {
    if ((ex.kind === 'closed-without-response' || ex.kind === 'reset') && ex.receivedBytes === 0) {
      if (closePolicy === 'fail') return { verdict: 'fail', reason: `expected a response, got ${describeExchange(ex)}`, expected };
      return { verdict: closePolicy, reason: 'the connection closed without a response', expected };
    }
    return { verdict: 'fail', reason: `no response to the request: ${describeExchange(ex)}`, expected };
  }
  const refused = first.status !== null && refuse.some((a) => statusMatches(first.status!, a));
  const refusedWarn = !refused && first.status !== null && refuseWarn.some((a) => statusMatches(first.status!, a));
  const extra = finals.length > 2 || (finals.length === 2 && received.toString('latin1', finals[1]!.end, finals[1]!.end + 5) === 'HTTP/');
  if ((refused || refusedWarn) && finals.length === 1 && closed) {
    if (refusedWarn) return { verdict: 'warn', reason: `tolerated: refused with ${first.status} and closed (preferred: ${refuse.length > 0 ? words(refuse) : 'the request read'})`, expected };
    return { verdict: 'pass', reason: `refused with ${first.status}, then closed`, expected };
  }
  // A request that may be served and was answered with an error status on an open connection is judged
  // by the request after it, like any served one.
  if ((refused || refusedWarn) && spec.serve !== 'yes') {
    if (finals.length > 1) {
      return { verdict: 'fail', reason: `answered the request ${first.status}, then answered the bytes after it as a request (${finals.slice(1).map((r) => r.status).join(', ')})${spec.serve === 'close-after' ? ', where the server MUST close after responding' : ''}`, expected };
    }
    if (!closed) {
      return { verdict: 'fail', reason: `answered the request ${first.status} but kept the connection open: the rest of its bytes would be read as the next request`, expected };
    }
    return { verdict: 'fail', reason: `refused with ${first.status}, then ${describeExchange(ex)}`, expected };
  }
  if (spec.serve === 'no') {
    return { verdict: 'fail', reason: `the request was served (${describeExchange(ex)}) where the RFC requires it to be refused`, expected };
  }
  if (spec.serve === 'close-after') {
    if (finals.length > 1) {
      return { verdict: 'fail', reason: `answered ${finals.map((r) => r.status).join(', ')} on one connection: the bytes after the first request were answered as a request, where the server MUST close after responding to it`, expected };
    }
    if (!closed) return { verdict: 'fail', reason: `answered ${first.status} but kept the connection open, where the server MUST close after responding`, expected };
    return { verdict: 'pass', reason: `answered ${first.status}, then closed`, expected };
  }
  // serve === 'yes'
  if (finals.length === 1) {
    if (closed) return { verdict: 'pass', reason: `answered ${first.status}${announcesClose(first) ? ' with Connection: close' : ''}, then closed`, expected };
    return { verdict: 'fail', reason: `answered ${first.status}, then the pipelined GET got no answer: its bytes were taken as part of the body (${describeExchange(ex)})`, expected, byFollowUp: true };
  }
  const second = finals[1]!;
  if (second.status === null || !ok.includes(second.status)) {
    return { verdict: 'fail', reason: `the pipelined GET got ${second.status ?? 'an unparseable response'} where alone it gets ${ok.join('/')}: bytes of the body were answered as a request`, expected, byFollowUp: true };
  }
  if (extra) {
    return { verdict: 'fail', reason: `answered ${finals.map((r) => r.status).join(', ')}${finals.length === 2 ? ' and more bytes' : ''} to two requests: bytes of the body were answered as a request`, expected };
  }
  return { verdict: 'pass', reason: `answered ${first.status}, then the pipelined GET ${second.status}`, expected };
}

/**
 * Does the server answer two plain GETs sent in one write, each as itself (or the first, then a close)?
 * The framing checks judge by a pipelined request: without this, a failure there is not theirs. Asked
 * once per run.
 */
function pipelines(ctx: CheckContext): Promise<boolean> {
  return ctx.memo('framing.pipelining-gate', async () => {
    const text = fill(FOLLOW_UP, ctx);
    const ex = await ctx.send({ plan: { bytes: Buffer.from(text + text, 'latin1') }, methods: ['GET', 'GET'] });
    const ok = ctx.profile.baselineStatuses;
    const statuses = ex.finals.map((r) => r.status ?? 0);
    if (statuses.length === 2) return statuses.every((st) => ok.includes(st));
    return statuses.length === 1 && ok.includes(statuses[0]!) && ex.connection !== 'open';
  });
}

/** Every framing check's spec, by id: the unit tests script answers from what each spec allows. */
export const framingSpecs = new Map<string, FramingSpec>();

/** A framing check from its spec. */
export function framingCheck(spec: FramingSpec): CheckDecl {
  framingSpecs.set(spec.id, spec);
  return withSource({
    id: spec.id,
    level: spec.level,
    requirement: spec.requirement,
    cite: spec.cite,
    async run(ctx: CheckContext): Promise<CheckRun> {
      const text = fillFraming(spec.request, ctx) + fill(FOLLOW_UP, ctx);
      const request: SentRequest = { plan: { bytes: Buffer.from(text, 'latin1') }, methods: [spec.method ?? spec.request.split(' ')[0] ?? 'POST', 'GET'] };
      const ex = await ctx.send(request, { settleMs: window(EXTRA_ANSWER_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: (finals) => settleWatchesOnlyFaults(spec, finals) });
      let j = judgeFraming(ex, spec, ctx.profile.baselineStatuses);
      if (j.verdict === 'fail' && j.byFollowUp === true && !(await pipelines(ctx))) {
        j = { ...j, verdict: 'blocked', reason: `not judged: the server does not answer two plain pipelined GETs either (connection.pipelining.answers-in-order); ${j.reason}` };
      }
      return { verdict: j.verdict, reason: j.reason, expected: j.expected, actual: describeExchange(ex), request, exchanges: [ex] };
    },
  }, spec.source);
}
