import { createHash } from 'node:crypto';
import { Connection } from '../../wire/connection.js';
import { Deadline, sleep } from '../../wire/deadline.js';
import { latin1 } from '../../wire/bytes.js';
import { caseCheck, fill, get } from '../case.js';
import type { Check, CheckContext, CheckRun, SentRequest, Source } from '../types.js';
import { answered, describeExchange, expectedWords, judgeStatus, req, result, type StatusExpectation } from '../verify.js';
import type { Exchange } from '../../client/exchange.js';
import { adopts } from '../level.js';
import { knownHost, routesInHost, withKnownHost } from '../../model/profile-policy.js';
import { requestField } from '../../http1/request.js';
import { RFC, STREAM } from '../rfc.js';
import { checkGroup, type CheckDecl } from '../group.js';
import { AFTER_CRASH_ON_CLOSE, AFTER_IDLE_BLOCKS, EMPTY_CONNECTION } from '../follows.js';
import { AFTER_HALF_CLOSE_MS, FIRST_ANSWER_WINDOW_MS, GARBAGE_ANSWER_WINDOW_MS, heldAgainMs, RELEASED_ANSWER_MS, window } from '../windows.js';

/** What every server owes any client, whatever it implements: it stays up, answers, and serves no garbage. */
const survives = (note: string): Source => ({ profile: 'any', note });

/** The server answered the client at all: a response, or any bytes (their form is for the wire checks). */
function servedAtAll(ex: Exchange): boolean {
  return answered(ex) || ex.receivedBytes > 0;
}

/** Fixed pseudo-random bytes (a SHA-256 chain): the same garbage on every run, for replay. */
export function garbage(n: number, seed = 'wiregrade'): Uint8Array {
  const out = new Uint8Array(n);
  let h = createHash('sha256').update(seed).digest();
  for (let i = 0; i < n; i += h.length) {
    out.set(h.subarray(0, Math.min(h.length, n - i)), i);
    h = createHash('sha256').update(h).digest();
  }
  return out;
}

const TLS_CLIENT_HELLO = latin1(
  '\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03' + 'R'.repeat(32) + '\x00\x00\x02\x13\x01\x01\x00',
);

/** Opens a connection, does `act` with it, and closes it whatever happens. */
async function withConnection(ctx: CheckContext, act: (c: Connection) => Promise<void>): Promise<boolean> {
  const r = await Connection.open(ctx.target, { connectTimeoutMs: ctx.timeoutMs });
  if (!r.ok) return false;
  try {
    await act(r.conn);
  } finally {
    await r.conn.close();
  }
  return true;
}

/**
 * After doing something to the server, a plain request on a new connection must still be answered.
 * `before`, when given, is what the first connection sent before it closed (bytes alone say it all: an
 * empty connection is no bytes): a failure shows it as the sequence's first request, so a replay repeats it.
 */
async function stillServes(ctx: CheckContext, what: string, before?: Uint8Array): Promise<CheckRun> {
  const probe = req(fill(get(['Connection: close']), ctx));
  const ex = await ctx.send(probe, { headOnly: true });
  const expected = [`a response to a plain request after ${what}`];
  // Survival, not form: any answer counts (a malformed one is the wire checks' finding, not a death).
  if (servedAtAll(ex)) return result('pass', `still serving after ${what}`, expected, ex, probe);
  // Without `before`, the first connection did more than send bytes (a reset, a half-close): no byte replay.
  const setup = before ? { setup: [{ plan: { bytes: before }, methods: [] as string[] }] } : { byteReplay: false as const };
  return result('fail', `after ${what}, a plain request got ${describeExchange(ex)}`, expected, ex, probe, setup);
}

/**
 * While one connection sits there (idle, or with half a request), another client must be served. Nothing
 * for the deadline (or the quiet window): the held connection is closed (ExchangeOptions.release), and an
 * answer that then comes at once (RELEASED_ANSWER_MS) shows what held the server. Once more, shorter (a
 * new held connection, heldAgainMs of nothing, the answer at once after its close): the server,
 * not a machine too slow to let it answer, held the answer twice, each time until the other client left,
 * and the failure rests on no deadline that a longer one would have to confirm. Answered while held the
 * second time, the first silence was not the server's habit: it is served, and passes.
 */
async function notBlockedBy(ctx: CheckContext, what: string, bytes: Uint8Array): Promise<CheckRun> {
  const expected = [`a response to another client while ${what} is open`];
  const setup = { plan: { bytes }, methods: [] as string[], held: true as const };
  const first = await heldWhile(ctx, bytes, ctx.timeoutMs);
  if ('refused' in first) return result('fail', `the connection was refused (${first.refused})`, ['a connection'], undefined, undefined);
  const { ex, probe } = first;
  if (servedAtAll(ex) && ex.releasedAtMs === undefined) return result('pass', `served while ${what} was open`, expected, ex, probe);
  if (!servedAtAll(ex)) return result('fail', `while ${what} was open, another client got ${describeExchange(ex)}`, expected, ex, probe, { setup: [setup] });
  const held = await heldWhile(ctx, bytes, heldAgainMs(ctx.paceMs?.(), ctx.timeoutMs));
  const again = 'refused' in held ? null : held;
  const waited = (x: Exchange): number => Math.round(x.releasedAtMs! - (x.transcript.filter((e) => e.dir === 'sent').at(-1)?.atMs ?? 0));
  const after = (x: Exchange): number => Math.round((x.transcript.find((e) => e.dir === 'received')?.atMs ?? x.releasedAtMs!) - x.releasedAtMs!);
  if (again && servedAtAll(again.ex) && again.ex.releasedAtMs !== undefined) {
    const why = `while ${what} was open, another client got nothing for ${waited(ex)} ms, and was answered ${after(ex)} ms after that connection was closed (again: nothing for ${waited(again.ex)} ms, answered ${after(again.ex)} ms after the close)`;
    return result('fail', why, expected, ex, probe, { setup: [setup], exchanges: [ex, again.ex] });
  }
  if (again && servedAtAll(again.ex)) {
    return result('pass', `served while ${what} was open (a first request got nothing for ${waited(ex)} ms and was answered once that connection was closed; a second was served while it was open)`, expected, again.ex, again.probe);
  }
  return result('fail', `while ${what} was open, another client got nothing for ${waited(ex)} ms, and was answered ${after(ex)} ms after that connection was closed; then ${again ? describeExchange(again.ex) : 'a connection was refused'}`, expected, again?.ex ?? ex, again?.probe ?? probe, { setup: [setup] });
}

/**
 * Holds a connection (that sends `bytes`, or nothing) while another client asks the known path, for
 * `timeoutMs`: nothing by then, the held connection is closed, and the answer waited for
 * RELEASED_ANSWER_MS more (Exchange.releasedAtMs); or why the held connection was refused.
 */
async function heldWhile(ctx: CheckContext, bytes: Uint8Array, timeoutMs: number): Promise<{ ex: Exchange; probe: SentRequest } | { refused: string }> {
  const r = await Connection.open(ctx.target, { connectTimeoutMs: ctx.timeoutMs });
  if (!r.ok) return { refused: r.message };
  try {
    if (bytes.length > 0) await r.conn.send({ bytes });
    await sleep(50);
    const probe = req(fill(get(['Connection: close']), ctx));
    const ex = await ctx.send(probe, { headOnly: true, timeoutMs, release: { graceMs: RELEASED_ANSWER_MS, release: () => r.conn.destroy() } });
    return { ex, probe };
  } finally {
    await r.conn.close();
  }
}

/**
 * A connection does something and goes; the server must still serve. `act` returns the bytes it sent
 * when sending them and closing is all it did (a replay can repeat that); nothing when it did more (a
 * reset, a half-close).
 */
function survival(id: string, requirement: string, cite: string, what: string, act: (c: Connection, ctx: CheckContext) => Promise<Uint8Array | void>): CheckDecl {
  return {
    id,
    ...(id === EMPTY_CONNECTION ? {} : { follows: AFTER_CRASH_ON_CLOSE }),
    level: 'MUST',
    requirement,
    source: survives(`a client's misbehaviour never takes the server down (${cite})`),
    cite,
    independent: true,
    survival: true,
    async run(ctx) {
      let sent: Uint8Array | void = undefined;
      const ok = await withConnection(ctx, async (c) => {
        sent = await act(c, ctx);
      });
      if (!ok) return result('fail', 'the connection was refused', ['a connection'], undefined, undefined);
      return stillServes(ctx, what, sent ?? undefined);
    },
  };
}

/**
 * Bytes that are no request: the server may answer 4xx, close, or keep waiting for a line end (its own
 * header timeout then applies), but it must not serve them as a request, and must serve the next client.
 */
function garbageCheck(id: string, what: string, bytes: Uint8Array): CheckDecl {
  return {
    id,
    level: 'MUST',
    requirement: `${what[0]!.toUpperCase()}${what.slice(1)} is answered with a 4xx, a close, or silence (never a 2xx/3xx), and the server serves the next client.`,
    source: survives('bytes that are no request are not served as one (an invalid request line SHOULD get 400, RFC 9112 §3), and the server lives on'),
    cite: 'RFC 9112 §2.2, §3',
    independent: true,
    sideBySide: true,
    async run(ctx) {
      const sent = { plan: { bytes }, methods: ['GET'] };
      const ex = await ctx.send(sent, { timeoutMs: window(GARBAGE_ANSWER_WINDOW_MS, ctx.timeoutMs), headOnly: true, answerOptional: true });
      const s = ex.finals[0]?.status ?? null;
      if (s !== null && s < 400) {
        return result('fail', `${what} was answered ${describeExchange(ex)}, as if it were a request`, ['4xx, a close, or no answer'], ex, sent);
      }
      return stillServes(ctx, what, bytes);
    },
  };
}

/** Is this the start of an HTTP/2 frame of type SETTINGS (0x4) on stream 0: a server connection preface? */
export function isH2Settings(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const streamId = ((bytes[5]! & 0x7f) << 24) | (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!;
  const length = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
  return bytes[3] === 0x04 && streamId === 0 && length % 6 === 0;
}

function received(ex: Exchange): Uint8Array {
  return Buffer.concat(ex.transcript.filter((t) => t.dir === 'received').map((t) => t.bytes));
}

/**
 * The HTTP/2 preface: an HTTP/1.1-only server sees a request line with version HTTP/2.0 (505, a 4xx, or
 * a close); a server that speaks h2c with prior knowledge answers with its own preface, a SETTINGS frame.
 * Either is right; a 2xx/3xx (the preface served as a request) or silence is not.
 */
function http2PrefaceCheck(): CheckDecl {
  const rfcExp: StatusExpectation = { accept: [505, '4xx', 'close'] };
  return {
    id: 'robustness.garbage.http2-preface-rejected',
    level: 'MUST',
    requirement: 'The HTTP/2 connection preface is answered with an HTTP/2 SETTINGS frame (a server that speaks h2c), or refused as an HTTP/1.1 request (505, a 4xx, or a close), and the server lives on.',
    source: RFC.http2Preface,
    profileRule: { rules: 'reference', note: 'the reference protocol speaks only HTTP/1.1: it refuses the preface with 505, a 4xx or a close' },
    async run(ctx) {
      const request = req('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'PRI');
      const ex = await ctx.send(request, { headOnly: true, timeoutMs: window(FIRST_ANSWER_WINDOW_MS, ctx.timeoutMs) });
      const bytes = received(ex);
      const expected = [...(adopts(ctx.profile, 'reference') ? [] : ['an HTTP/2 SETTINGS frame (h2c with prior knowledge)']), ...expectedWords(rfcExp)];
      if (!adopts(ctx.profile, 'reference') && isH2Settings(bytes)) {
        return { verdict: 'pass', reason: 'answered with an HTTP/2 SETTINGS frame: the server speaks h2c', expected, actual: `an HTTP/2 SETTINGS frame (${bytes.length} bytes)`, request, exchanges: [ex] };
      }
      const { verdict, reason } = judgeStatus(ex, rfcExp);
      return { verdict, reason, expected, actual: describeExchange(ex), request, expectation: rfcExp, exchanges: [ex] };
    },
  };
}

/** Robustness: no spec needed. The process never dies, never hangs a client, never blocks another. */
export const robustnessChecks: Check[] = checkGroup({ prefix: 'robustness', family: 'robustness' }, [
  {
    // The runner also charges this check, once, when the server goes away after answering a check
    // correctly (KEEPS_SERVING_ID in src/runner/scheduler.ts): one root cause, not a failure of every
    // check it happened after.
    id: 'robustness.server.keeps-serving',
    level: 'MUST',
    // A death that was a clean exit (code 0, no signal) is the program ending by itself, not a crash on
    // the request: seen by a check whose other clients were cut off, it is this bug.
    explainsDeaths: {
      finding: 'exited-cleanly',
      when: ({ down }) => down.kind === 'exited' && down.code === 0 && down.signal === null,
    },
    follows: AFTER_CRASH_ON_CLOSE,
    requirement: 'A server keeps serving new clients after it has answered one: it does not exit (or stop accepting) after a connection ends.',
    source: survives('a server serves client after client over its lifetime (RFC 9112 §9: connections are independent); one that exits after a client is charged here once'),
    independent: true,
    async run(ctx) {
      const probe = req(fill(get(['Connection: close']), ctx));
      const first = await ctx.send(probe, { headOnly: true });
      const expected = ['an answer on a first connection, then on a second one'];
      if (!answered(first)) return result('blocked', `not judged: the first request got ${describeExchange(first)}`, expected, first, probe);
      await sleep(50);
      const second = await ctx.send(probe, { headOnly: true });
      if (answered(second)) return result('pass', `served two clients one after the other: ${describeExchange(second)}`, expected, second, probe, { exchanges: [first, second] });
      return result('fail', `the first client was answered, the second got ${describeExchange(second)}`, expected, second, probe, { exchanges: [first, second] });
    },
  },
  survival(
    'robustness.empty-connection.server-survives',
    'A client that connects and closes without sending anything does not take the server down.',
    'RFC 9112 §9.6 (a client may close at any time)',
    'an empty connection',
    async () => {
      await sleep(20);
      return new Uint8Array(0);
    },
  ),
  survival(
    'robustness.half-request.server-survives',
    'A client that sends half a request line and closes does not take the server down.',
    'RFC 9112 §9.6',
    'half a request then a close',
    async (c) => {
      const bytes = latin1('GET / HT');
      await c.send({ bytes });
      await sleep(20);
      return bytes;
    },
  ),
  survival(
    'robustness.half-body.server-survives',
    'A client that closes in the middle of a declared body does not take the server down.',
    'RFC 9112 §6.3, §9.6',
    'a body cut short by a close',
    async (c) => {
      const bytes = latin1('POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{"a":');
      await c.send({ bytes });
      await sleep(20);
      return bytes;
    },
  ),
  survival(
    'robustness.client-reset.server-survives',
    'A client that resets the connection (TCP RST) after its request does not take the server down.',
    'RFC 9112 §9.6',
    'a request followed by a reset',
    async (c, ctx) => {
      await c.send({ bytes: latin1(fill(get(), ctx)) });
      // Reset once the server has started answering (so it has surely accepted and read the request),
      // then give it a moment to trip over the reset before the next client is tried.
      await c.waitFor(() => c.receivedBytes > 0, new Deadline(window(FIRST_ANSWER_WINDOW_MS, ctx.timeoutMs)));
      c.reset();
      await sleep(100);
    },
  ),
  survival(
    'robustness.half-close.server-survives',
    'A client that half-closes (FIN) right after its request does not take the server down.',
    'RFC 9112 §9.6',
    'a request followed by a half-close',
    async (c, ctx) => {
      await c.send({ bytes: latin1(fill(get(), ctx)) });
      c.endWrite();
      await c.waitFor(() => false, new Deadline(window(AFTER_HALF_CLOSE_MS, ctx.timeoutMs)));
    },
  ),
  {
    id: 'robustness.idle-client.does-not-block-others',
    impact: 'denial-of-service',
    level: 'MUST',
    requirement: 'A client that connects and sends nothing does not stop the server from answering other clients.',
    source: survives('one idle client does not stop the server answering others (RFC 9112 §9: connections are independent)'),
    cite: 'RFC 9112 §9.1 (connections are independent)',
    independent: true,
    run: (ctx) => notBlockedBy(ctx, 'an idle connection', new Uint8Array(0)),
  },
  {
    id: 'robustness.slow-client.does-not-block-others',
    impact: 'denial-of-service',
    level: 'MUST',
    follows: AFTER_IDLE_BLOCKS,
    requirement: 'A client that has sent half of its request line and stalls does not stop the server from answering other clients.',
    source: survives('one stalled client does not stop the server answering others (RFC 9112 §9)'),
    cite: 'RFC 9112 §9.1',
    independent: true,
    showsSideBySide: true,
    run: (ctx) => notBlockedBy(ctx, 'a connection with a half-sent request', latin1('GET / HTTP/1.1\r\nHost: loc')),
  },
  {
    id: 'robustness.concurrency.20-clients-answered',
    impact: 'denial-of-service',
    level: 'MUST',
    atOnce: true,
    requirement: 'Twenty clients connecting at once are all answered (no listen(1) backlog refusals, no lost requests).',
    source: survives('twenty simultaneous clients are all answered (RFC 9112 §9)'),
    cite: 'RFC 9112 §9',
    async run(ctx) {
      const probe = req(fill(get(['Connection: close']), ctx));
      const all = await Promise.all(Array.from({ length: 20 }, () => ctx.send(probe, { headOnly: true })));
      const bad = all.filter((e) => !answered(e));
      const expected = ['a response on each of 20 simultaneous connections'];
      if (bad.length === 0) return result('pass', '20 of 20 answered', expected, all[0], probe);
      return result('fail', `${bad.length} of 20 simultaneous clients got no response (first: ${describeExchange(bad[0]!)})`, expected, bad[0], probe);
    },
  },
  garbageCheck('robustness.garbage.binary-not-served', '1 KiB of binary garbage', garbage(1024)),
  garbageCheck('robustness.garbage.tls-client-hello-not-served', 'a TLS ClientHello sent to the plain-text port', TLS_CLIENT_HELLO),
  garbageCheck('robustness.garbage.nul-bytes-not-served', '64 NUL bytes', latin1('\x00'.repeat(64))),
  garbageCheck('robustness.garbage.only-blank-lines-not-served', '64 empty lines', latin1('\r\n'.repeat(64))),
  http2PrefaceCheck(),
  caseCheck({
    id: 'robustness.size.1mib-request-line-rejected',
    requirement: 'A 1 MiB request line gets an answer (any status: 414 when the server will not parse it; served, a 4xx or even a 5xx when it does) or a close, without hanging, dying or answering more than once. (Which status is status.target.very-long-is-rejected\'s question.)',
    source: survives('a 1 MiB request line neither hangs nor kills the server; RFC 9112 §3 asks 414 of a server that will not parse the target, but nothing forbids a 5xx for a target that was parsed (a file name too long to open)'),
    request: 'GET /' + 'a'.repeat(1024 * 1024) + ' HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: ['2xx', '3xx', '4xx', '5xx', 'close'],
  }),
  caseCheck({
    id: 'robustness.size.10k-headers-rejected',
    requirement: 'A request with 10,000 header fields is served, or, when the server will not process that many, refused with a 4xx (or a close); never a 5xx or silence.',
    source: RFC.fieldLimits,
    request: get(Array.from({ length: 10_000 }, (_, i) => `X-${i}: y`)),
    accept: ['ok', '4xx', 'close'],
    rule: { note: 'the reference protocol refuses it (431, 400, 413 or a close) over its 8 KiB head limit', accept: [431, 400, 413, 'close'] },
  }),
  caseCheck({
    id: 'robustness.size.2kib-request-answered',
    impact: 'desync',
    requirement: 'A valid 2 KiB request (larger than one 1024-byte recv) is read whole and answered as a small one is (a 431 is a limit the server may set).',
    source: STREAM,
    request: get(['X-Padding: ' + 'p'.repeat(2048)]),
    accept: ['ok', 431],
    rule: { note: 'the reference protocol serves heads up to 8 KiB', accept: ['ok'] },
  }),
  /**
   * Runs right after the baseline (src/checks/catalogue/index.ts puts it there), before any check that is
   * about something else sends a plain Host: under a profile that routes through Host, every other request
   * for the known path carries the profile's Host, so a server that dies on a Host without a route is
   * charged here, once, and not to an RFC check.
   */
  {
    id: 'robustness.unrouted-host.server-survives',
    level: 'MUST',
    // Under a Host-routed profile, the only check that sends a Host without a route to the known path:
    // run right after the baseline, before a check about something else sends the plain Host.
    runsEarly: true,
    // A death on any request with the plain "Host: localhost" (no route) under such a profile is this bug.
    explainsDeaths: {
      finding: 'died-on-unrouted-host',
      when: ({ request }, profile) => routesInHost(profile) && request !== undefined && /^localhost(:\d+)?$/i.test(requestField(request.plan.bytes, 'host') ?? ''),
    },
    requirement: 'A server that takes its routes from the Host header keeps serving after a request whose Host carries no route ("Host: localhost"): it may refuse it (404, 400), but not die.',
    source: { profile: 'any', note: 'a client may send any valid Host (RFC 9112 §3.2: "Host = uri-host [ \":\" port ]"); whatever a client sends, the server stays up for the next one' },
    cite: 'RFC 9112 §3.2',
    needs: 'host-route',
    async run(ctx) {
      const { method, target } = ctx.profile.baseline;
      const plain = req(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, method);
      const first = await ctx.send(plain, { headOnly: true });
      const routed = req(withKnownHost(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, ctx.profile), method);
      const ex = await ctx.send(routed, { headOnly: true });
      const expected = [`any answer (or none) to "Host: localhost", then an answer to the baseline request with "Host: ${knownHost(ctx.profile)}"`];
      if (answered(ex)) return result('pass', `"Host: localhost" got ${describeExchange(first)}; the server still serves`, expected, ex, routed, { setup: [plain], exchanges: [first, ex] });
      return result('fail', `after "Host: localhost" (${describeExchange(first)}), the baseline request got ${describeExchange(ex)}`, expected, ex, routed, { setup: [plain], exchanges: [first, ex] });
    },
  },
]);
