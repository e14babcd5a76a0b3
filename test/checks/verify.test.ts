import { describe, expect, it } from 'vitest';
import type { Exchange, OutcomeKind } from '../../src/client/exchange.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import type { CheckContext, SentRequest } from '../../src/checks/types.js';
import {
  answerOf,
  answered,
  describeAccept,
  describeExchange,
  expectStatus,
  expectedWords,
  failsByStatus,
  judgeStatus,
  matches,
  req,
  resolveAccepts,
  statusOf,
  type Accept,
  type StatusExpectation,
} from '../../src/checks/verify.js';
import { anyProfile, referenceProfile } from '../../src/model/builtin-profiles.js';
import { latin1 } from '../../src/wire/bytes.js';

/**
 * The judging core, with no network: every accept token `src/checks/verify.ts` understands (a status
 * number, a status class, `close`, `ok`) against every kind of exchange (`OutcomeKind`, plus the shapes
 * inside them that decide a verdict: a truncated head with a status line, an interim 1xx before the
 * final, HTTP/1.0 answers, a head-only answer, an unparseable status line, a pipelined pair).
 *
 * Exchanges are built the way `KeepAliveConnection.exchange` builds them: the received bytes go through the real
 * response parser, `end()` is called when the connection is no longer open. The table below says, for
 * each exchange, which tokens it satisfies; every other token must fail with a reason that names what
 * was expected and what came.
 */

interface Built {
  kind: OutcomeKind;
  /** The bytes the server sent. */
  bytes?: string;
  /** Methods of the requests sent (default one GET). */
  methods?: string[];
  connection: Exchange['connection'];
  /** `headOnly` judging: the last final's close-delimited head counts as the response (see KeepAliveConnection.exchange). */
  headOnly?: boolean;
  message?: string;
}

function build(b: Built): Exchange {
  const bytes = latin1(b.bytes ?? '');
  const p = new ResponseParser();
  const methods = b.methods ?? ['GET'];
  for (const m of methods) p.expect(m);
  p.feed(bytes);
  if (b.connection !== 'open') p.end();
  const responses = [...p.done];
  let partial = p.partial;
  if (b.headOnly && partial) {
    responses.push(partial);
    partial = null;
  }
  return {
    kind: b.kind,
    responses,
    finals: responses.filter((r) => !r.interim),
    partial,
    connection: b.connection,
    sentBytes: b.kind === 'refused' ? 0 : 40,
    receivedBytes: bytes.length,
    elapsedMs: b.kind === 'timeout' ? 2000 : 3,
    transcript: [],
    ...(b.message ? { message: b.message, connectFailure: 'refused' as const } : {}),
    request: { plan: { bytes: latin1('GET / HTTP/1.1\r\nHost: x\r\n\r\n') }, methods },
  };
}

const head = (status: string, fields = 'Date: x\r\nContent-Length: 0\r\n') => `${status}\r\n${fields}\r\n`;

/** Every token the judge understands; `ok` only after `resolveAccepts` (unresolved, it matches nothing). */
const TOKENS: readonly Accept[] = [101, 200, 201, 300, 400, 404, 413, 503, 505, '1xx', '2xx', '3xx', '4xx', '5xx', 'close', 'ok'];

interface Row {
  name: string;
  ex: Built;
  /** The tokens this exchange satisfies: every other one fails. */
  accepts: readonly Accept[];
  /** The status the judge reads off it (null: no answer). */
  status: number | null;
  /** Whether the judge takes it as an answer (default: it satisfies some status token); a malformed answer is still one. */
  answered?: boolean;
  /** A phrase describeExchange must use for it. */
  says: string;
}

const ROWS: readonly Row[] = [
  // --- response: every expected final arrived
  { name: '200 with Content-Length, connection open', ex: { kind: 'response', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 2\r\n') + 'hi', connection: 'open' }, accepts: [200, '2xx'], status: 200, says: '200 OK' },
  { name: '200, then the server closed', ex: { kind: 'response', bytes: head('HTTP/1.1 200 OK'), connection: 'closed' }, accepts: [200, '2xx'], status: 200, says: '200 OK, then the connection closed' },
  { name: '201 then reset', ex: { kind: 'response', bytes: head('HTTP/1.1 201 Created'), connection: 'reset' }, accepts: [201, '2xx'], status: 201, says: '201 Created, then the connection was reset' },
  { name: '300', ex: { kind: 'response', bytes: head('HTTP/1.1 300 Multiple Choices'), connection: 'open' }, accepts: [300, '3xx'], status: 300, says: '300 Multiple Choices' },
  { name: '404', ex: { kind: 'response', bytes: head('HTTP/1.1 404 Not Found'), connection: 'open' }, accepts: [404, '4xx'], status: 404, says: '404 Not Found' },
  { name: '400 with Connection: close, then closed', ex: { kind: 'response', bytes: head('HTTP/1.1 400 Bad Request', 'Date: x\r\nConnection: close\r\nContent-Length: 0\r\n'), connection: 'closed' }, accepts: [400, '4xx'], status: 400, says: '400 Bad Request, then the connection closed' },
  { name: '505', ex: { kind: 'response', bytes: head('HTTP/1.1 505 HTTP Version Not Supported'), connection: 'open' }, accepts: [505, '5xx'], status: 505, says: '505 HTTP Version Not Supported' },
  { name: '503 without a reason phrase', ex: { kind: 'response', bytes: head('HTTP/1.1 503'), connection: 'open' }, accepts: [503, '5xx'], status: 503, says: '503' },
  { name: 'HTTP/1.0 200, body delimited by the close', ex: { kind: 'response', bytes: 'HTTP/1.0 200 OK\r\nDate: x\r\n\r\nbody', connection: 'closed' }, accepts: [200, '2xx'], status: 200, says: '200 OK, then the connection closed' },
  { name: 'HTTP/1.0 404 with Content-Length', ex: { kind: 'response', bytes: head('HTTP/1.0 404 Not Found'), connection: 'closed' }, accepts: [404, '4xx'], status: 404, says: '404 Not Found' },
  { name: 'bare-LF 400', ex: { kind: 'response', bytes: 'HTTP/1.1 400 Bad Request\nContent-Length: 0\n\n', connection: 'open' }, accepts: [400, '4xx'], status: 400, says: '400 Bad Request' },
  { name: 'interim 100 Continue, then 201', ex: { kind: 'response', bytes: 'HTTP/1.1 100 Continue\r\n\r\n' + head('HTTP/1.1 201 Created'), connection: 'open' }, accepts: [201, '2xx'], status: 201, says: '201 Created' },
  { name: 'two interim 1xx (100, 102), then 404', ex: { kind: 'response', bytes: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n' + head('HTTP/1.1 404 Not Found'), connection: 'open' }, accepts: [404, '4xx'], status: 404, says: '404 Not Found' },
  { name: '101 Switching Protocols (final, not interim)', ex: { kind: 'response', bytes: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n', connection: 'open', headOnly: true }, accepts: [101, '1xx'], status: 101, says: '101 Switching Protocols' },
  { name: 'head-only: 200 whose body is delimited by the close, connection open', ex: { kind: 'response', bytes: 'HTTP/1.1 200 OK\r\nDate: x\r\n\r\npart of the bo', connection: 'open', headOnly: true }, accepts: [200, '2xx'], status: 200, says: '200 OK' },
  { name: 'HEAD answered 200 with a Content-Length and no body', ex: { kind: 'response', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 99\r\n'), methods: ['HEAD'], connection: 'open' }, accepts: [200, '2xx'], status: 200, says: '200 OK' },
  { name: 'pipelined 404 then 200: the first one is the answer', ex: { kind: 'response', bytes: head('HTTP/1.1 404 Not Found') + head('HTTP/1.1 200 OK'), methods: ['GET', 'GET'], connection: 'open' }, accepts: [404, '4xx'], status: 404, says: '404 Not Found, 200 OK' },
  { name: 'an unparseable status code', ex: { kind: 'response', bytes: head('HTTP/1.1 2OO OK'), connection: 'open' }, accepts: [], status: null, answered: true, says: 'an unparseable status line "HTTP/1.1 2OO OK"' },
  { name: 'a status line that is garbage', ex: { kind: 'response', bytes: head('HTTP/1.1'), connection: 'open' }, accepts: [], status: null, answered: true, says: 'an unparseable status line' },

  // --- closed-without-response: the server closed before a complete final
  { name: 'closed, nothing sent', ex: { kind: 'closed-without-response', connection: 'closed' }, accepts: ['close'], status: null, says: 'the connection closed without a response' },
  { name: 'closed after bytes that are not HTTP', ex: { kind: 'closed-without-response', bytes: 'ERROR bad request\n', connection: 'closed' }, accepts: [], status: null, says: 'closed after 18 byte(s) that are not an HTTP response' },
  { name: 'closed after a status line alone (truncated head)', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 400 Bad Request\r\n', connection: 'closed' }, accepts: [400, '4xx'], status: 400, says: 'closed in the middle of a response (400, incomplete)' },
  { name: 'closed in the middle of the header fields', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 413 Payload Too Large\r\nContent-Le', connection: 'closed' }, accepts: [413, '4xx'], status: 413, says: '(413, incomplete)' },
  { name: 'closed in the middle of a status line without CRLF', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 503', connection: 'closed' }, accepts: [503, '5xx'], status: 503, says: '503, incomplete' },
  { name: 'closed after an HTTP/1.0 status line', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.0 505 Version Not Supported\r\n', connection: 'closed' }, accepts: [505, '5xx'], status: 505, says: '(505, incomplete)' },
  { name: 'closed in the middle of a Content-Length body', ex: { kind: 'closed-without-response', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 10\r\n') + 'hello', connection: 'closed' }, accepts: [200, '2xx'], status: 200, says: '200 OK, incomplete' },
  { name: 'closed in the middle of a chunked body', ex: { kind: 'closed-without-response', bytes: head('HTTP/1.1 201 Created', 'Date: x\r\nTransfer-Encoding: chunked\r\n') + '5\r\nhel', connection: 'closed' }, accepts: [201, '2xx'], status: 201, says: '201 Created, incomplete' },
  { name: 'closed after a truncated head with no status code', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 \r\nDate', connection: 'closed' }, accepts: [], status: null, says: 'closed in the middle of a response (an unparseable status line' },
  { name: 'closed after an interim 100 alone', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 100 Continue\r\n\r\n', connection: 'closed' }, accepts: [], status: null, says: 'closed after 25 byte(s)' },
  { name: 'closed after 100 Continue and part of a final 404', ex: { kind: 'closed-without-response', bytes: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not', connection: 'closed' }, accepts: [404, '4xx'], status: 404, says: '(404, incomplete)' },
  { name: 'closed after the first of two pipelined answers', ex: { kind: 'closed-without-response', bytes: head('HTTP/1.1 200 OK'), methods: ['GET', 'GET'], connection: 'closed' }, accepts: [], status: null, says: '200 OK, then the connection closed before the other response(s)' },

  // --- reset
  { name: 'reset, nothing sent', ex: { kind: 'reset', connection: 'reset' }, accepts: ['close'], status: null, says: 'the connection was reset without a response' },
  { name: 'reset after a status line', ex: { kind: 'reset', bytes: 'HTTP/1.1 431 Request Header Fields Too Large\r\nDate: x\r\n', connection: 'reset' }, accepts: ['4xx'], status: 431, says: 'reset after 55 byte(s)' },
  { name: 'reset in the middle of a body', ex: { kind: 'reset', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 10\r\n') + 'hel', connection: 'reset' }, accepts: [200, '2xx'], status: 200, says: 'reset after' },
  { name: 'reset after garbage', ex: { kind: 'reset', bytes: '\x00\x01garbage', connection: 'reset' }, accepts: [], status: null, says: 'reset after 9 byte(s), with no complete response' },

  // --- timeout: a client would still be waiting, so nothing counts as the answer
  { name: 'timeout, nothing sent', ex: { kind: 'timeout', connection: 'open' }, accepts: [], status: null, says: 'no complete response within 2000 ms: got nothing' },
  { name: 'timeout after a head whose Content-Length body never came', ex: { kind: 'timeout', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 10\r\n') + 'hel', connection: 'open' }, accepts: [], status: null, says: 'only part of a response (200 OK, framed by content-length)' },
  { name: 'timeout on a close-delimited body, connection kept open', ex: { kind: 'timeout', bytes: 'HTTP/1.1 400 Bad Request\r\nDate: x\r\n\r\nerr', connection: 'open' }, accepts: [], status: null, says: 'framed by connection close, but the connection stayed open' },
  { name: 'timeout in the middle of a head', ex: { kind: 'timeout', bytes: 'HTTP/1.1 400 Bad Request\r\nDate: x\r\n', connection: 'open' }, accepts: [], status: null, says: 'got 35 byte(s) that are not a complete response' },
  { name: 'timeout after an interim 100 alone', ex: { kind: 'timeout', bytes: 'HTTP/1.1 100 Continue\r\n\r\n', connection: 'open' }, accepts: [], status: null, says: 'got 25 byte(s)' },
  { name: 'timeout after the first of two pipelined answers', ex: { kind: 'timeout', bytes: head('HTTP/1.1 200 OK'), methods: ['GET', 'GET'], connection: 'open' }, accepts: [], status: null, says: 'got 200 OK but not every response expected' },

  // --- refused, overflow
  { name: 'refused', ex: { kind: 'refused', connection: 'closed', message: 'connect ECONNREFUSED 127.0.0.1:9' }, accepts: [], status: null, says: 'the connection was refused (connect ECONNREFUSED 127.0.0.1:9)' },
  { name: 'overflow in the middle of a 200 body', ex: { kind: 'overflow', bytes: head('HTTP/1.1 200 OK', 'Date: x\r\nContent-Length: 100000\r\n') + 'x'.repeat(100), connection: 'open' }, accepts: [], status: null, says: 'more than 152 bytes without completing a response' },
  { name: 'overflow of garbage', ex: { kind: 'overflow', bytes: 'y'.repeat(200), connection: 'open' }, accepts: [], status: null, says: 'more than 200 bytes' },
];

const tokenName = (a: Accept) => (typeof a === 'number' ? String(a) : `'${a}'`);

describe('verify: every accept token against every kind of exchange', () => {
  it('covers every OutcomeKind', () => {
    const kinds = new Set(ROWS.map((r) => r.ex.kind));
    const all: OutcomeKind[] = ['response', 'closed-without-response', 'reset', 'timeout', 'refused', 'overflow'];
    expect([...kinds].sort()).toEqual([...all].sort());
  });

  describe.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const ex = build(row.ex);

    it('reads the answer (answerOf, answered, statusOf) and describes it', () => {
      expect(statusOf(ex)).toBe(row.status);
      const hasAnswer = row.answered ?? row.accepts.some((a) => a !== 'close');
      expect(answered(ex)).toBe(hasAnswer);
      expect(answerOf(ex) !== undefined).toBe(hasAnswer);
      expect(describeExchange(ex)).toContain(row.says);
    });

    it.each(TOKENS.map((t) => [tokenName(t), t] as const))('token %s', (_t, token) => {
      const want = row.accepts.includes(token);
      expect(matches(ex, token)).toBe(want);
      const judged = judgeStatus(ex, { accept: [token] });
      if (want) {
        expect(judged).toEqual({ verdict: 'pass', reason: describeExchange(ex) });
      } else {
        expect(judged.verdict).toBe('fail');
        expect(judged.reason).toBe(`expected ${describeAccept(token)}, got ${describeExchange(ex)}`);
        expect(judged.reason).toContain(row.says);
      }
    });
  });
});

describe('verify: a truncated interim head is not the answer', () => {
  // answerOf's contract: a status line the server sent before closing counts as its answer, unless it is
  // an interim 1xx. A complete 100 Continue then a close is not an answer, and neither is the same 100
  // whose head the close cut short.
  const cut = build({ kind: 'closed-without-response', bytes: 'HTTP/1.1 100 Continue\r\n', connection: 'closed' });
  it('is not answered', () => {
    expect(cut.partial?.interim).toBe(true);
    expect(answered(cut)).toBe(false);
    expect(matches(cut, '1xx')).toBe(false);
  });
  it('while a truncated final head still is', () => {
    const final = build({ kind: 'closed-without-response', bytes: 'HTTP/1.1 404 Not Found\r\n', connection: 'closed' });
    expect(answered(final)).toBe(true);
    expect(statusOf(final)).toBe(404);
  });
});

describe('verify: ok, warn and mustClose', () => {
  const ex200 = build(ROWS.find((r) => r.name === '200 with Content-Length, connection open')!.ex);
  const ex300 = build(ROWS.find((r) => r.name === '300')!.ex);
  const ex400open = build({ kind: 'response', bytes: head('HTTP/1.1 400 Bad Request'), connection: 'open' });
  const ex400closed = build({ kind: 'response', bytes: head('HTTP/1.1 400 Bad Request'), connection: 'closed' });
  const ex400reset = build({ kind: 'response', bytes: head('HTTP/1.1 400 Bad Request'), connection: 'reset' });
  const exClose = build({ kind: 'closed-without-response', connection: 'closed' });
  const exReset = build({ kind: 'reset', connection: 'reset' });
  const exTruncated = build({ kind: 'closed-without-response', bytes: 'HTTP/1.1 400 Bad Request\r\n', connection: 'closed' });

  it("resolves 'ok' to the profile's baseline statuses, in accept and in warn, and keeps every other token", () => {
    const exp: StatusExpectation = { accept: [400, 'ok', '5xx'], warn: ['close', 'ok'], mustClose: true };
    expect(resolveAccepts(exp, [200, 204])).toEqual({ accept: [400, 200, 204, '5xx'], warn: ['close', 200, 204], mustClose: true });
    expect(resolveAccepts({ accept: ['ok'] }, referenceProfile.baselineStatuses)).toEqual({ accept: [300], warn: [] });
  });

  it("judges 'ok' by the profile: 300 passes under reference, fails under any; 200 the other way", () => {
    const ref = resolveAccepts({ accept: ['ok'] }, referenceProfile.baselineStatuses);
    const any = resolveAccepts({ accept: ['ok'] }, anyProfile().baselineStatuses);
    expect(judgeStatus(ex300, ref).verdict).toBe('pass');
    expect(judgeStatus(ex200, ref).verdict).toBe('fail');
    expect(judgeStatus(ex200, any).verdict).toBe('pass');
    expect(judgeStatus(ex300, any).verdict).toBe('fail');
    // Unresolved, 'ok' is nothing: the judge must never guess the baseline.
    expect(judgeStatus(ex200, { accept: ['ok'] })).toEqual({ verdict: 'fail', reason: `expected the baseline request's status, got 200 OK` });
  });

  it('warns on a tolerated outcome, passes the preferred one, fails the rest', () => {
    const exp: StatusExpectation = { accept: [400], warn: ['close', '5xx'] };
    expect(judgeStatus(ex400open, exp).verdict).toBe('pass');
    const w = judgeStatus(exClose, exp);
    expect(w).toEqual({ verdict: 'warn', reason: 'tolerated: the connection closed without a response (preferred: 400)' });
    expect(judgeStatus(exReset, exp).verdict).toBe('warn');
    expect(judgeStatus(build(ROWS.find((r) => r.name === '505')!.ex), exp).verdict).toBe('warn');
    const f = judgeStatus(ex200, exp);
    expect(f).toEqual({ verdict: 'fail', reason: 'expected 400, got 200 OK' });
    // accept wins over warn when both match.
    expect(judgeStatus(ex400open, { accept: ['4xx'], warn: [400] }).verdict).toBe('pass');
  });

  it('mustClose: an answer on a connection left open fails; closed or reset passes; a close with no answer passes', () => {
    const exp: StatusExpectation = { accept: [400], warn: ['close'], mustClose: true };
    expect(judgeStatus(ex400open, exp)).toEqual({ verdict: 'fail', reason: 'answered 400 Bad Request but did not close the connection afterwards' });
    expect(judgeStatus(ex400closed, exp).verdict).toBe('pass');
    expect(judgeStatus(ex400reset, exp).verdict).toBe('pass');
    expect(judgeStatus(exTruncated, exp).verdict).toBe('pass');
    expect(judgeStatus(exClose, exp).verdict).toBe('warn');
    // A tolerated answer on an open connection still fails the close rule.
    expect(judgeStatus(ex400open, { accept: [413], warn: [400], mustClose: true }).verdict).toBe('fail');
    // A wrong status fails for the status, not the close.
    expect(judgeStatus(ex200, exp).reason).toBe('expected 400, got 200 OK');
  });

  it('words every token (describeAccept, expectedWords)', () => {
    expect(TOKENS.map(describeAccept)).toEqual([
      '101', '200', '201', '300', '400', '404', '413', '503', '505',
      'any 1xx status', 'any 2xx status', 'any 3xx status', 'any 4xx status', 'any 5xx status',
      'the connection closed without a response', "the baseline request's status",
    ]);
    expect(expectedWords({ accept: [400, 'close'], warn: [505], mustClose: true })).toEqual(['400, then close', 'the connection closed without a response', '505 (warning)']);
  });
});

describe('verify: expectStatus, the run of a one-request check', () => {
  function ctx(answer: Exchange, seen: Array<{ req: SentRequest; opts: unknown }>, timeoutMs = 2000): CheckContext {
    return {
      target: { host: '127.0.0.1', port: 9 },
      timeoutMs,
      profile: referenceProfile,
      name: () => 'wgtest',
      send: async (r, opts) => {
        seen.push({ req: r, opts });
        return answer;
      },
      memo: (_k, make) => make(),
      openConnection: async () => null,
    };
  }

  it("sends the request head-only, resolves 'ok', and reports the resolved expectation", async () => {
    const seen: Array<{ req: SentRequest; opts: unknown }> = [];
    const ex = build(ROWS.find((r) => r.name === '300')!.ex);
    const request = req('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const run = await expectStatus(() => request, { accept: ['ok'] })(ctx(ex, seen));
    expect(seen).toEqual([{ req: request, opts: { headOnly: true } }]);
    expect(run.verdict).toBe('pass');
    expect(run.expectation).toEqual({ accept: [300], warn: [] });
    expect(run.expected).toEqual(['300']);
    expect(run.actual).toBe('300 Multiple Choices');
    expect(run.exchanges).toEqual([ex]);
  });

  it('watches for the close after the answer when the expectation says mustClose (at most 1 s)', async () => {
    const seen: Array<{ req: SentRequest; opts: unknown }> = [];
    const exOpen = build({ kind: 'response', bytes: head('HTTP/1.1 400 Bad Request'), connection: 'open' });
    const run = await expectStatus(() => req('GET / HTTP/1.1\r\n\r\n'), { accept: [400], mustClose: true })(ctx(exOpen, seen, 5000));
    expect(seen[0]!.opts).toMatchObject({ headOnly: true, settleMs: 1000, decided: expect.any(Function) });
    expect(run.verdict).toBe('fail');
    const seen2: Array<{ req: SentRequest; opts: unknown }> = [];
    await expectStatus(() => req('GET / HTTP/1.1\r\n\r\n'), { accept: [400], mustClose: true })(ctx(exOpen, seen2, 300));
    expect(seen2[0]!.opts).toMatchObject({ headOnly: true, settleMs: 300 });
  });

  it('tells the exchange which first answers decide the verdict whatever the close (failsByStatus): those matching no accepted or tolerated status', () => {
    const decided = failsByStatus({ accept: [400, '5xx'], warn: [413, 'close'], mustClose: true });
    const parsed = (line: string) => build({ kind: 'response', bytes: head(line), connection: 'open' }).finals;
    expect(decided(parsed('HTTP/1.1 201 Created'))).toBe(true);
    expect(decided(parsed('HTTP/1.1 200 OK'))).toBe(true);
    expect(decided(parsed('HTTP/1.1 400 Bad Request'))).toBe(false);
    expect(decided(parsed('HTTP/1.1 503 Busy'))).toBe(false);
    expect(decided(parsed('HTTP/1.1 413 Too Large'))).toBe(false);
    expect(decided([])).toBe(false);
    // Whatever the close, those fail by status in judgeStatus too.
    for (const line of ['HTTP/1.1 201 Created', 'HTTP/1.1 200 OK']) {
      for (const connection of ['open', 'closed'] as const) {
        expect(judgeStatus(build({ kind: 'response', bytes: head(line), connection }), { accept: [400, '5xx'], warn: [413, 'close'], mustClose: true }).verdict).toBe('fail');
      }
    }
  });
});
