import type { Exchange } from '../client/exchange.js';
import { RFC } from './rfc.js';
import type { CheckRun, SentRequest } from './types.js';

/**
 * RFC 9110 §2.2: "A sender MUST NOT generate protocol elements that do not match the grammar defined by
 * the corresponding ABNF rules." A request line that carries a version (three parts: `GET / HTTP/2.0`,
 * `GET / http/1.1`) is an HTTP/1.x request however wrong its version is, and its answer must be an
 * HTTP/1.x response: a status line first. A server that answers it HTTP/0.9-style (an error page with no
 * status line, as Python's http.server does for a version it refuses) breaks that MUST whatever the
 * check's own level for the status code. A version-less line (`GET /`, HTTP/0.9 style) is not judged
 * here: its check keeps its level.
 */

/** Does the request line (up to the first CR or LF) carry a version: at least three space-separated parts? */
export function carriesVersion(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  const end = text.search(/[\r\n]/);
  const line = end === -1 ? text : text.slice(0, end);
  return line.split(' ').filter((w) => w.length > 0).length >= 3;
}

/**
 * The first bytes the server sent, when they hold no HTTP/1.x response at all: no status line could be
 * read from them (a response after stray bytes is the wire checks' to judge) and they do not start one.
 */
export function notHttp1(ex: Exchange): string | undefined {
  if (ex.finals.length > 0 || (ex.partial !== null && ex.partial.status !== null)) return undefined;
  const received = Buffer.concat(ex.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes));
  if (received.length === 0) return undefined;
  const head = received.toString('latin1', 0, 9);
  // Nine bytes are a whole `HTTP/1.x `; fewer (the server closed after them) must at least start one.
  const ok = head.length === 9 ? /^HTTP\/1\.\d $/.test(head) : /^(H(T(T(P(\/(1(\.\d?)?)?)?)?)?)?)?$/.test(head);
  return ok ? undefined : received.toString('latin1', 0, 40);
}

/**
 * A check run, failed at MUST under RFC 9110 §2.2 when the request carries a version and the answer is
 * not an HTTP/1.x response (see above); otherwise the run as it was.
 */
export function withAnswerGrammar(run: CheckRun, request: SentRequest | undefined = run.request): CheckRun {
  if (run.verdict === 'blocked' || run.verdict === 'skip' || !request) return run;
  for (const ex of run.exchanges) {
    const bad = notHttp1(ex);
    // The request line is read only for an answer that is no HTTP/1.x response (rare): read for every
    // run, it was most of this judgement's time in a CPU profile of status.prop.valid-served (about 2 % of
    // the grader's; no change in cases per second beyond the noise).
    if (bad === undefined || !carriesVersion(request.plan.bytes)) continue;
    return {
      ...run,
      verdict: 'fail',
      reason: `the answer is not an HTTP/1.x response: it starts ${JSON.stringify(bad)}, with no status line, to a request line that carries a version (RFC 9110 §2.2: a sender MUST NOT generate protocol elements that do not match the grammar)`,
      breaks: { level: 'MUST', source: RFC.senderGrammar },
      // A server whose every answer lacks a status line is judged once, by the wire check of status
      // lines; one that drops it only for some requests (Python's refused versions) fails here alone.
      because: { check: 'wire.status-line.well-formed', finding: 'status-line-garbage' },
    };
  }
  return run;
}
