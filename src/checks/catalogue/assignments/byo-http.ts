import { gunzipSync } from 'node:zlib';
import type { Exchange, KeepAliveConnection } from '../../../client/exchange.js';
import { headerAll, type ParsedResponse } from '../../../http1/response-parser.js';
import { get } from '../../case.js';
import { sequenceCheck } from '../../sequence.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { answered, bodyText, closes, describeExchange, header, req, result, statusOf } from '../../verify.js';
import { garbage } from '../robustness.js';
import { checkGroup } from '../../group.js';
import { AFTER_IDLE_BLOCKS, AFTER_UNANNOUNCED_CLOSE } from '../../follows.js';
import { CLOSE_WINDOW_MS, EXTRA_BODY_WINDOW_MS, window } from '../../windows.js';

const CITE = 'docs/checks.md#the-byo-http-assignment';

/** How many connections the concurrency and persistence stages hold open at once. */
const CONNECTIONS = 3;

/** The most a gzip body may inflate to when it is checked: the echoed strings are a few dozen bytes. */
const GUNZIP_CAP = 64 * 1024;

/** GET /echo/{s} with the given header lines (each without its CRLF). */
function echo(s: string, lines: readonly string[] = []): SentRequest {
  return req(get(lines, { target: `/echo/${s}` }));
}

/** The content codings a response names, lower case (RFC 9110 §8.4: a comma-separated list, case-insensitive). */
function contentCodings(r: ParsedResponse): string[] {
  return headerAll(r, 'content-encoding')
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** The body inflated (latin-1 text), or why it does not inflate; never more than GUNZIP_CAP bytes. */
function gunzipped(body: Uint8Array): { text: string } | { error: string } {
  try {
    return { text: gunzipSync(body, { maxOutputLength: GUNZIP_CAP }).toString('latin1') };
  } catch (err) {
    if (err instanceof RangeError) return { error: `it inflates to more than ${GUNZIP_CAP} bytes` };
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** What Content-Encoding says, in words. */
function codingWords(r: ParsedResponse): string {
  const all = headerAll(r, 'content-encoding');
  return all.length === 0 ? 'no Content-Encoding' : `Content-Encoding: ${all.map((v) => JSON.stringify(v)).join(', ')}`;
}

/**
 * GET /echo/{s} with `Accept-Encoding: <accept>` on a fresh connection. When it is not answered 200 the
 * check is judged only if a plain GET /echo/{s} is (a 500 for gzip alone is this check's failure; an /echo
 * that does not work at all is byo.echo.returns-the-string's): `blocked` is then the run to return.
 */
async function askEncoded(ctx: CheckContext, s: string, accept: string, settleMs = 0): Promise<{ ex: Exchange; request: SentRequest; r: ParsedResponse } | { run: CheckRun }> {
  const request = echo(s, [`Accept-Encoding: ${accept}`]);
  // The settle watches for bytes past the answer's end, which a correct server never sends.
  const ex = await ctx.send(request, settleMs > 0 ? { settleMs, settleWatchesFaults: true } : {});
  const r = ex.finals[0];
  const expected = [`200 to GET /echo/${s} with Accept-Encoding: ${accept}`];
  if (r && r.status === 200 && ex.kind === 'response') return { ex, request, r };
  const plain = echo(s);
  const alone = await ctx.send(plain);
  if (statusOf(alone) !== 200) return { run: result('blocked', `not judged: GET /echo/${s} without Accept-Encoding got ${describeExchange(alone)} too (byo.echo.returns-the-string judges /echo)`, expected, alone, plain) };
  return { run: result('fail', `with Accept-Encoding: ${accept} the answer is ${describeExchange(ex)}, where without it GET /echo/${s} gets 200`, expected, ex, request, { setup: [plain], exchanges: [alone, ex] }) };
}

/** A lone "Accept-Encoding: gzip" not answered 200 is byo.gzip.accept-gzip-gets-gzip's failure: a check that needs it first is blocked. */
function behindLoneGzip(run: CheckRun): CheckRun {
  return run.verdict === 'fail' ? { ...run, verdict: 'blocked', reason: `not judged: ${run.reason} (byo.gzip.accept-gzip-gets-gzip judges that)` } : run;
}

/** Opens `n` connections (all before any request is sent), runs `steps`, and closes them all. */
async function onConnections(ctx: CheckContext, n: number, steps: (conns: KeepAliveConnection[]) => Promise<CheckRun>): Promise<CheckRun> {
  const conns: KeepAliveConnection[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const c = await ctx.openConnection();
      if (!c) return result('fail', `connection ${i + 1} of ${n} was refused while ${i} were open`, [`${n} connections open at once`], undefined, undefined);
      conns.push(c);
    }
    return await steps(conns);
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

/** Sends `r` on a kept connection and reads its answer (`settleMs`: then watches for a close). */
function on(ctx: CheckContext, c: KeepAliveConnection, r: SentRequest, settleMs = 0): Promise<Exchange> {
  return c.exchange(r.plan, { methods: r.methods, timeoutMs: ctx.timeoutMs, settleMs });
}

/** The connections' indexes, the last opened first (the course's order: the listen backlog cannot answer it). */
const LAST_OPENED_FIRST: readonly number[] = Array.from({ length: CONNECTIONS }, (_, i) => CONNECTIONS - 1 - i);

interface EchoRound {
  /** Tells the strings of this round apart (`ctx.name(label + connection)`). */
  label: string;
  expected: string[];
  /** Which request it was, as the start of a sentence: connection `i`, request `k` of the round. */
  which: (i: number, k: number) => string;
  /** The reason of a pass. */
  passed: string;
  /** A premise another check judges: the run is `blocked`, for this reason, when it gives one. */
  blockIf?: (ex: Exchange, i: number, k: number) => string | null;
}

/**
 * GET /echo/{s} on `conns[i]` for each `i` of `order` (a connection may come twice), each with a string
 * of its own: the first not answered 200 with its own string fails the run.
 */
async function echoEach(ctx: CheckContext, conns: readonly KeepAliveConnection[], order: readonly number[], round: EchoRound): Promise<CheckRun> {
  const exchanges: Exchange[] = [];
  const sent: SentRequest[] = [];
  for (const [k, i] of order.entries()) {
    const s = ctx.name(`${round.label}${k + 1}`);
    const r = echo(s);
    const ex = await on(ctx, conns[i]!, r);
    exchanges.push(ex);
    const bad = notEcho(ex, s);
    if (bad) return result('fail', `${round.which(i, k)} ${bad}`, round.expected, ex, r, { exchanges, ...(sent.length > 0 ? { setup: [...sent] } : {}) });
    const blocked = round.blockIf?.(ex, i, k);
    if (blocked) return result('blocked', `not judged: ${blocked}`, round.expected, ex, r, { exchanges });
    sent.push(r);
  }
  return result('pass', round.passed, round.expected, exchanges.at(-1), undefined, { exchanges });
}

/** Why an answer to GET /echo/{s} is not the string, or null when it is. */
function notEcho(ex: Exchange, s: string): string | null {
  if (!answered(ex) || ex.kind !== 'response') return `got ${describeExchange(ex)}`;
  const r = ex.finals[0]!;
  if (r.status !== 200) return `got ${describeExchange(ex)}, not 200`;
  return bodyText(r) === s ? null : `the body is ${JSON.stringify(bodyText(r).slice(0, 80))}, not ${JSON.stringify(s)}`;
}

/** 3,000 bytes of every value (NUL, CR, LF, 0xFF included): more than one 1024-byte recv. */
const FILE = Buffer.from(garbage(3000, 'byo-http file'));

/** A short text file. */
const TEXT = 'hello from wiregrade\n';

/** POST of `body` to `target`, with its Content-Type and Content-Length. */
function postFile(target: string, body: string | Buffer, type: string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${b.length}\r\n\r\n`, 'latin1'), b]);
}

/** The "build your own HTTP server" routes: `/`, `/echo/{s}`, `/user-agent`, `/files/{name}`. */
export const byoHttpChecks: Check[] = checkGroup({ prefix: 'byo', family: 'assignment', needs: 'byo-http' }, [
  sequenceCheck({
    id: 'byo.root.is-200',
    requirement: 'GET / answers 200 OK.',
    cite: CITE,
    steps: [{ request: get([], { target: '/' }), expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'byo.unknown-path.is-404',
    requirement: 'A path the server has no route for (GET /{name}) answers 404 Not Found.',
    cite: CITE,
    steps: [{ request: get([], { target: '/{name}' }), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'byo.echo.returns-the-string',
    requirement: 'GET /echo/{s} answers 200 with Content-Type: text/plain and the body s.',
    cite: CITE,
    steps: [
      {
        request: get([], { target: '/echo/wiregrade-echo-42' }),
        expect: { accept: [200] },
        also: (ex) => {
          const r = ex.finals[0]!;
          if (bodyText(r) !== 'wiregrade-echo-42') return `the body is ${JSON.stringify(bodyText(r).slice(0, 80))}, not "wiregrade-echo-42"`;
          return /^text\/plain/i.test(header(r, 'content-type') ?? '') ? null : `Content-Type is ${JSON.stringify(header(r, 'content-type') ?? '(none)')}, not text/plain`;
        },
      },
    ],
  }),
  ...(
    [
      ['byo.user-agent.returns-the-header', 'User-Agent'],
      ['byo.user-agent.header-name-any-case', 'user-agent'],
    ] as const
  ).map(([id, name]) =>
    sequenceCheck({
      id,
      requirement: `GET /user-agent answers 200 with the User-Agent header's value as the body (field names are case-insensitive: "${name}:").`,
      cite: `${CITE}; RFC 9110 §5.1`,
      steps: [
        {
          request: get([`${name}: wiregrade-agent/1.0`], { target: '/user-agent' }),
          expect: { accept: [200] },
          also: (ex) => (bodyText(ex.finals[0]) === 'wiregrade-agent/1.0' ? null : `the body is ${JSON.stringify(bodyText(ex.finals[0]).slice(0, 80))}, not "wiregrade-agent/1.0"`),
        },
      ],
    }),
  ),
  sequenceCheck({
    id: 'byo.files.missing-is-404',
    requirement: 'GET /files/{name} of a file that does not exist answers 404.',
    cite: CITE,
    steps: [{ request: get([], { target: '/files/{name}' }), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'byo.files.post-text-round-trip',
    requirement: 'POST /files/{name} with a short text body answers 201 with a complete response, and a later GET returns the text.',
    cite: CITE,
    steps: [
      {
        // The whole answer is read (not only its head): a 201 whose end a client cannot find (no
        // Content-Length, the connection kept open) leaves the client waiting, and fails here.
        request: (ctx) => req(postFile(`/files/${ctx.name()}`, TEXT, 'text/plain'), 'POST'),
        expect: { accept: [201] },
        also: () => null,
      },
      {
        request: get([], { target: '/files/{name}' }),
        expect: { accept: [200] },
        also: (ex) => (bodyText(ex.finals[0]) === TEXT ? null : `GET returned ${JSON.stringify(bodyText(ex.finals[0]).slice(0, 80))}, not the text stored`),
      },
    ],
  }),
  sequenceCheck({
    id: 'byo.files.round-trip-byte-for-byte',
    requirement: 'POST /files/{name} of 3,000 bytes of every value (NUL, CR, LF, 0xFF) answers 201; a later GET returns them byte for byte as application/octet-stream.',
    cite: CITE,
    needs: 'byo-http',
    steps: [
      {
        // A short text POST first: when POST does not work at all, byo.files.post-text-round-trip owns that.
        request: (ctx) => req(postFile(`/files/${ctx.name('t')}`, TEXT, 'text/plain'), 'POST'),
        expect: { accept: [201] },
        setup: true,
      },
      {
        request: (ctx) => req(postFile(`/files/${ctx.name()}`, FILE, 'application/octet-stream'), 'POST'),
        expect: { accept: [201] },
      },
      {
        request: get([], { target: '/files/{name}' }),
        expect: { accept: [200] },
        also: (ex) => {
          const body = Buffer.from(ex.finals[0]!.body);
          if (Buffer.compare(body, FILE) !== 0) return `GET returned ${body.length} bytes${body.length === FILE.length ? ' that differ' : ''}, not the ${FILE.length} bytes stored`;
          return /^application\/octet-stream/i.test(header(ex.finals[0]!, 'content-type') ?? '') ? null : 'the file is not served as application/octet-stream';
        },
      },
    ],
  }),
  {
    id: 'byo.concurrent.open-connections-each-served',
    source: { profile: 'byo-http', note: 'the course\'s concurrent-connections stage: several clients connected at once are each served' },
    follows: AFTER_IDLE_BLOCKS,
    requirement: `Each of ${CONNECTIONS} connections opened before any request is sent is served, the last opened first (so the listen backlog alone cannot pass it), each answer carrying its own connection's /echo string; once they are closed, ${CONNECTIONS} new ones are served too (the course's concurrent-connections stage).`,
    cite: `${CITE}; RFC 9112 §9.1`,
    async run(ctx) {
      const open = await onConnections(ctx, CONNECTIONS, (conns) =>
        echoEach(ctx, conns, LAST_OPENED_FIRST, {
          label: 'c',
          expected: [`200 with its own /echo string on each of ${CONNECTIONS} connections open at once, served last-opened first`],
          which: (i, k) => `with ${CONNECTIONS} connections open, the request on connection ${i + 1} (request ${k + 1} of ${CONNECTIONS}, the last opened first)`,
          passed: `each of ${CONNECTIONS} open connections was served, the last opened first`,
        }),
      );
      if (open.verdict !== 'pass') return open;
      return onConnections(ctx, CONNECTIONS, (conns) =>
        echoEach(ctx, conns, [...conns.keys()], {
          label: 'n',
          expected: [`200 on each of ${CONNECTIONS} new connections after the first ${CONNECTIONS} were closed`],
          which: (i) => `after ${CONNECTIONS} connections were served and closed, the request on new connection ${i + 1}`,
          passed: `${CONNECTIONS} connections open at once were served, last opened first, and ${CONNECTIONS} new ones after them`,
        }),
      );
    },
  },
  {
    id: 'byo.gzip.accept-gzip-gets-gzip',
    source: { profile: 'byo-http', note: 'the course\'s compression-headers stage: Accept-Encoding: gzip gets Content-Encoding: gzip (RFC 9110 §8.4)' },
    requirement: 'GET /echo/{s} with "Accept-Encoding: gzip" answers 200 with "Content-Encoding: gzip" (the course\'s compression stage; RFC 9110 §8.4: Content-Encoding names the coding applied to the content).',
    cite: `${CITE}; RFC 9110 §8.4, §12.5.3`,
    async run(ctx) {
      const s = ctx.name('gz');
      const got = await askEncoded(ctx, s, 'gzip');
      if ('run' in got) return got.run;
      const expected = ['200 with Content-Encoding: gzip'];
      const codings = contentCodings(got.r);
      if (codings.length === 1 && codings[0] === 'gzip') return result('pass', 'answered with Content-Encoding: gzip', expected, got.ex, got.request);
      return result('fail', `"Accept-Encoding: gzip" got an answer with ${codingWords(got.r)}`, expected, got.ex, got.request);
    },
  },
  {
    id: 'byo.gzip.unsupported-coding-not-applied',
    source: { profile: 'byo-http', note: 'the course\'s compression-headers stage: no Content-Encoding for codings the server lacks (RFC 9110 §12.5.3 says SHOULD; the course requires it)' },
    requirement: 'GET /echo/{s} whose Accept-Encoding names only codings the server does not have ("invalid-encoding"; "unknown-1, unknown-2") answers 200 with the plain string and no Content-Encoding (RFC 9110 §12.5.3: the origin server SHOULD then send the response without any content coding; the course requires it).',
    cite: `${CITE}; RFC 9110 §12.5.3`,
    async run(ctx) {
      const expected = ['200 with the plain string and no Content-Encoding'];
      const exchanges: Exchange[] = [];
      let last: { ex: Exchange; request: SentRequest } | undefined;
      for (const [label, accept] of [
        ['u1', 'invalid-encoding'],
        ['u2', 'unknown-1, unknown-2'],
      ] as const) {
        const s = ctx.name(label);
        const got = await askEncoded(ctx, s, accept);
        if ('run' in got) return got.run;
        exchanges.push(got.ex);
        last = got;
        if (headerAll(got.r, 'content-encoding').length > 0) return result('fail', `"Accept-Encoding: ${accept}" got an answer with ${codingWords(got.r)}, a coding the client did not accept`, expected, got.ex, got.request, { exchanges });
        if (bodyText(got.r) !== s) return result('fail', `"Accept-Encoding: ${accept}" got the body ${JSON.stringify(bodyText(got.r).slice(0, 80))}, not the plain string ${JSON.stringify(s)}`, expected, got.ex, got.request, { exchanges });
      }
      return result('pass', 'both answered with the plain string and no Content-Encoding', expected, last?.ex, last?.request, { exchanges });
    },
  },
  {
    id: 'byo.gzip.chosen-from-a-list',
    source: { profile: 'byo-http', note: 'the course\'s multiple-compression-schemes stage: gzip is found in an Accept-Encoding list (RFC 9110 §12.5.3)' },
    requirement: 'Accept-Encoding is a comma-separated list (RFC 9110 §12.5.3): "unknown-1, gzip, unknown-2" gets "Content-Encoding: gzip" on GET /echo/{s}, as a lone "gzip" does (the course\'s multiple-compression-schemes stage).',
    cite: `${CITE}; RFC 9110 §12.5.3`,
    async run(ctx) {
      const expected = ['200 with Content-Encoding: gzip'];
      // A lone "gzip" first: a server that never compresses fails byo.gzip.accept-gzip-gets-gzip, not this.
      const alone = await askEncoded(ctx, ctx.name('gz'), 'gzip');
      if ('run' in alone) return behindLoneGzip(alone.run);
      if (contentCodings(alone.r).join() !== 'gzip') return result('blocked', `not judged: a lone "Accept-Encoding: gzip" got ${codingWords(alone.r)} (byo.gzip.accept-gzip-gets-gzip judges that)`, expected, alone.ex, alone.request);
      const got = await askEncoded(ctx, ctx.name('gl'), 'unknown-1, gzip, unknown-2');
      if ('run' in got) return got.run;
      const codings = contentCodings(got.r);
      if (codings.length === 1 && codings[0] === 'gzip') return result('pass', 'gzip chosen from the list', expected, got.ex, got.request, { exchanges: [alone.ex, got.ex] });
      return result('fail', `"Accept-Encoding: unknown-1, gzip, unknown-2" got an answer with ${codingWords(got.r)}, where a lone "gzip" gets Content-Encoding: gzip`, expected, got.ex, got.request, { setup: [alone.request], exchanges: [alone.ex, got.ex] });
    },
  },
  {
    id: 'byo.gzip.body-is-the-gzipped-string',
    source: { profile: 'byo-http', note: 'the course\'s gzip-compression stage: the body is the gzip of the string, Content-Length its size (RFC 9110 §8.4, §8.6)' },
    requirement: 'An answer with "Content-Encoding: gzip" carries the string gzip-compressed: the body gunzips to s, and Content-Length counts the compressed bytes, not the string\'s (RFC 9110 §8.4: the coding is applied to the content; RFC 9110 §8.6: Content-Length is the length of that content; the course\'s gzip-compression stage).',
    cite: `${CITE}; RFC 9110 §8.4, §8.6`,
    async run(ctx) {
      const s = ctx.name('gzb');
      const got = await askEncoded(ctx, s, 'gzip', window(EXTRA_BODY_WINDOW_MS, ctx.timeoutMs));
      if ('run' in got) return behindLoneGzip(got.run);
      const expected = [`a body that gunzips to ${JSON.stringify(s)}, its Content-Length the compressed size`];
      const { ex, request, r } = got;
      if (contentCodings(r).join() !== 'gzip') return result('blocked', `not judged: "Accept-Encoding: gzip" got ${codingWords(r)} (byo.gzip.accept-gzip-gets-gzip judges that)`, expected, ex, request);
      // On a fresh connection the stream starts with this answer: what came after its end is extra.
      const extra = ex.receivedBytes - r.end;
      const length = header(r, 'content-length');
      const framed = length === undefined ? 'no Content-Length' : `Content-Length: ${length}`;
      const after = extra > 0 ? `, and ${extra} more byte(s) followed it: Content-Length must count the compressed bytes` : '';
      const inflated = gunzipped(r.body);
      if ('error' in inflated) return result('fail', `the ${r.body.length}-byte body (${framed}) does not gunzip (${inflated.error})${after}`, expected, ex, request);
      if (inflated.text !== s) return result('fail', `the body gunzips to ${JSON.stringify(inflated.text.slice(0, 80))}, not ${JSON.stringify(s)}`, expected, ex, request);
      if (extra > 0) return result('fail', `the body gunzips to the string${after}`, expected, ex, request);
      if (length === undefined) return result('fail', 'the gzip body has no Content-Length', expected, ex, request);
      return result('pass', `a ${r.body.length}-byte gzip body that gunzips to the string`, expected, ex, request);
    },
  },
  {
    id: 'byo.persistent.two-requests-one-connection',
    source: { profile: 'byo-http', note: 'the course\'s persistent-connections stage: connections persist (RFC 9112 §9.3\'s default, which the RFC lets a server decline and the course does not)' },
    follows: AFTER_UNANNOUNCED_CLOSE,
    requirement: 'Two requests on one connection (GET /echo/{a}, then GET /echo/{b}) are each answered with their own string, the connection kept open between them (the course\'s persistent-connection stage; RFC 9112 §9.3: an HTTP/1.1 connection persists by default. The RFC lets a server close after saying "Connection: close"; this assignment does not).',
    cite: `${CITE}; RFC 9112 §9.3`,
    run: (ctx) =>
      onConnections(ctx, 1, async ([c]) => {
        const expected = ['200 with each string, both on one connection, without "Connection: close"'];
        const a = ctx.name('pa');
        const b = ctx.name('pb');
        const ra = echo(a);
        const rb = echo(b);
        const first = await on(ctx, c!, ra);
        const bad = notEcho(first, a);
        if (bad) return result('blocked', `not judged: the first request ${bad}`, expected, first, ra);
        if (closes(first)) return result('fail', 'the first answer says "Connection: close": the server does not keep connections open, which this assignment asks for', expected, first, ra);
        const second = await on(ctx, c!, rb);
        const bad2 = notEcho(second, b);
        if (bad2) return result('fail', `the second request on the connection ${bad2}`, expected, second, rb, { setup: [ra], exchanges: [first, second] });
        return result('pass', 'both answered on one connection', expected, second, rb, { exchanges: [first, second] });
      }),
  },
  {
    id: 'byo.persistent.several-connections-kept',
    source: { profile: 'byo-http', note: 'the course\'s concurrent-persistent-connections stage: several clients keep their connections at once' },
    follows: [{ root: 'byo.concurrent.open-connections-each-served', when: 'same-case' }, ...AFTER_UNANNOUNCED_CLOSE],
    requirement: `Each of ${CONNECTIONS} connections opened at once is served, the last opened first, and then serves a second request, in the order opened: persistent connections of several clients at once (the course's concurrent-persistent-connections stage).`,
    cite: `${CITE}; RFC 9112 §9.3`,
    run: (ctx) =>
      onConnections(ctx, CONNECTIONS, (conns) =>
        echoEach(ctx, conns, [...LAST_OPENED_FIRST, ...conns.keys()], {
          label: 'k',
          expected: [`200 with its own string to two requests on each of ${CONNECTIONS} connections held open at once`],
          which: (i, k) => `request ${k < CONNECTIONS ? 1 : 2} on connection ${i + 1} of ${CONNECTIONS} held open`,
          passed: `two requests answered on each of ${CONNECTIONS} connections held open at once`,
          // A server that closes after each answer, saying so, is judged by byo.persistent.two-requests-one-connection.
          blockIf: (ex, i, k) => (k < CONNECTIONS && closes(ex) ? `the answer on connection ${i + 1} says "Connection: close" (byo.persistent.two-requests-one-connection judges that)` : null),
        }),
      ),
  },
  {
    id: 'byo.persistent.close-request-closes',
    source: { profile: 'byo-http', note: 'the course\'s connection-closure stage: Connection: close is answered with Connection: close, then a close (RFC 9112 §9.6: MUST close, SHOULD say so)' },
    follows: [{ root: 'connection.close.server-closes-after-response', when: 'same-case' }],
    requirement: 'On a kept connection, a request with "Connection: close" is answered with "Connection: close", and the server then closes the connection (RFC 9112 §9.6: the server MUST close after that response and SHOULD send the close option in it; the course\'s connection-closure stage asks both).',
    cite: `${CITE}; RFC 9112 §9.6`,
    run: (ctx) =>
      onConnections(ctx, 1, async ([c]) => {
        const expected = ['the second answer with "Connection: close", then the connection closed'];
        const a = ctx.name('ca');
        const b = ctx.name('cb');
        const ra = echo(a);
        const rb = echo(b, ['Connection: close']);
        const first = await on(ctx, c!, ra);
        const bad = notEcho(first, a);
        if (bad) return result('blocked', `not judged: the first request ${bad}`, expected, first, ra);
        if (closes(first)) return result('blocked', 'not judged: the first answer already says "Connection: close" (byo.persistent.two-requests-one-connection judges that)', expected, first, ra);
        const second = await on(ctx, c!, rb, window(CLOSE_WINDOW_MS, ctx.timeoutMs));
        const more = { setup: [ra], exchanges: [first, second] };
        const bad2 = notEcho(second, b);
        if (bad2) return result('fail', `the request with "Connection: close" ${bad2}`, expected, second, rb, more);
        const said = closes(second);
        if (!said && second.connection === 'open') return result('fail', 'the answer to "Connection: close" does not say "Connection: close", and the connection stayed open', expected, second, rb, more);
        if (!said) return result('fail', 'the server closed, but its answer to "Connection: close" does not say "Connection: close"', expected, second, rb, more);
        if (second.connection === 'open') return result('fail', 'the answer says "Connection: close", but the connection stayed open', expected, second, rb, more);
        return result('pass', 'answered with "Connection: close", then closed', expected, second, rb, more);
      }),
  },
]);
