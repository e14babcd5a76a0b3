import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseParser, type ParsedResponse, type ParserOptions } from '../../src/http1/response-parser.js';
import { latin1 } from '../../src/wire/bytes.js';

/**
 * The lenient response parser as a property: however the bytes of a response stream are cut into
 * chunks (the kernel decides that, not the server), the parse is the same: statuses, headers, bodies,
 * findings with their offsets, the partial response, `unconsumed`, before and after `end()`.
 *
 * Streams are generated valid and malformed: CRLF and bare LF, Content-Length (right, short, long,
 * invalid, conflicting), chunked with extensions and trailers (and broken), close-delimited, interim 1xx
 * before a final, HEAD/204/304 without a body, several pipelined, garbage between and before them, a
 * response cut short at the end.
 */

const SEED = 16_016;

interface Segment {
  text: string;
  /** The methods of the requests this segment answers (one per final response; none for 1xx, garbage). */
  methods: string[];
}

const eolArb = fc.oneof({ weight: 4, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constant('\n') });

const visible = fc.string({ unit: fc.constantFrom(...'abcXYZ09 -_/:;=,.'.split('')), maxLength: 12 });
const tokenArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,7}$/);

const fieldArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(tokenArb, visible).map(([n, v]) => `${n}: ${v}`) },
  { weight: 2, arbitrary: fc.constantFrom('Date: Mon, 30 Nov 2026 11:00:00 GMT', 'Server: zoo', 'Connection: close', 'Connection: keep-alive') },
  // Broken field lines: no colon, space before the colon, obs-fold, empty name, bad name, a bare CR.
  { weight: 2, arbitrary: fc.constantFrom('No-Colon', 'Space : before', ' folded continuation', '\tfolded', ': empty-name', 'Bad Name: v', 'X-Cr: a\rb', 'X-Ctl: \x00\x7f') },
);

const statusLineArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'), fc.constantFrom(200, 201, 204, 206, 301, 304, 400, 404, 413, 500, 505), fc.constantFrom(' OK', ' Some Reason', ' ', ''))
      .map(([v, s, r]) => `${v} ${s}${r}`),
  },
  { weight: 2, arbitrary: fc.constantFrom('HTTP/1.1  200 OK', 'HTTP/1.1 2x0 OK', 'HTTP/2 200 OK', 'HTTP/1.1', 'HTTP/ 200 OK', 'HTTP/1.1 200 OK\r') },
);

const interimArb: fc.Arbitrary<string> = fc.constantFrom('HTTP/1.1 100 Continue', 'HTTP/1.1 102 Processing', 'HTTP/1.1 103 Early Hints');

function headText(statusLine: string, fields: readonly string[], eols: readonly string[]): string {
  const lines = [statusLine, ...fields, ''];
  return lines.map((l, i) => l + (eols[i % eols.length] ?? '\r\n')).join('');
}

const bodyArb = fc.string({ unit: 'binary-ascii', maxLength: 20 });

/** A chunked body: chunks with optional extensions, a last chunk, trailers; sometimes broken. */
const chunkedArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.tuple(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 10 }), fc.constantFrom('', ';x=y', ' ;a', ';n="v"'), fc.boolean()), { maxLength: 4 }),
    fc.constantFrom('0', '000', '0;end'),
    fc.array(fc.constantFrom('T: 1', 'Trailer-X: v', 'bad trailer'), { maxLength: 2 }),
    eolArb,
    fc.constantFrom('none', 'none', 'none', 'bad-size', 'long-data', 'no-crlf-after-data'),
  )
  .map(([chunks, last, trailers, eol, broken]) => {
    let s = '';
    chunks.forEach(([data, ext, upper], i) => {
      const size = upper ? data.length.toString(16).toUpperCase() : data.length.toString(16);
      if (broken === 'bad-size' && i === 0) s += `zz${ext}${eol}`;
      else s += `${size}${ext}${eol}`;
      s += data + (broken === 'long-data' && i === 0 ? 'EXTRA' : '') + (broken === 'no-crlf-after-data' && i === 0 ? '\r!' : eol);
    });
    return s + `${last}${eol}` + trailers.map((t) => t + eol).join('') + eol;
  });

type Framing = 'cl' | 'cl-short' | 'cl-long' | 'cl-invalid' | 'cl-conflict' | 'chunked' | 'te-and-cl' | 'none';

/** One response that ends by itself (not close-delimited), maybe after interim 1xx responses. */
const responseArb: fc.Arbitrary<Segment> = fc
  .record({
    interims: fc.array(fc.tuple(interimArb, fc.array(fieldArb, { maxLength: 1 })), { maxLength: 2 }),
    statusLine: statusLineArb,
    fields: fc.array(fieldArb, { maxLength: 3 }),
    eols: fc.array(eolArb, { minLength: 1, maxLength: 3 }),
    framing: fc.constantFrom<Framing>('cl', 'cl', 'cl', 'cl-short', 'cl-long', 'cl-invalid', 'cl-conflict', 'chunked', 'chunked', 'te-and-cl', 'none'),
    body: bodyArb,
    chunked: chunkedArb,
    method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
  })
  .map(({ interims, statusLine, fields, eols, framing, body, chunked, method }) => {
    let text = interims.map(([l, f]) => headText(l, f, eols)).join('');
    const f = [...fields];
    let b = '';
    switch (framing) {
      case 'cl':
        f.push(`Content-Length: ${body.length}`);
        b = method === 'HEAD' ? '' : body;
        break;
      case 'cl-short':
        f.push(`Content-Length: ${Math.max(0, body.length - 2)}`);
        b = body;
        break;
      case 'cl-long':
        f.push(`Content-Length: ${body.length + 3}`);
        b = body;
        break;
      case 'cl-invalid':
        f.push(`Content-Length: ${body.length}x`);
        b = body;
        break;
      case 'cl-conflict':
        f.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
        b = body;
        break;
      case 'chunked':
        f.push('Transfer-Encoding: chunked');
        b = method === 'HEAD' ? '' : chunked;
        break;
      case 'te-and-cl':
        f.push(`Content-Length: ${chunked.length}`, 'Transfer-Encoding: chunked');
        b = chunked;
        break;
      case 'none':
        break;
    }
    text += headText(statusLine, f, eols) + b;
    return { text, methods: [method] };
  });

/** A response whose body runs to the close (it can only be the last one). */
const closeDelimitedArb: fc.Arbitrary<Segment> = fc
  .tuple(statusLineArb, fc.array(fieldArb, { maxLength: 2 }), fc.array(eolArb, { minLength: 1, maxLength: 2 }), bodyArb, fc.constantFrom('', 'Transfer-Encoding: gzip'))
  .map(([sl, fields, eols, body, te]) => ({ text: headText(sl, te ? [...fields, te] : fields, eols) + body, methods: ['GET'] }));

const garbageArb: fc.Arbitrary<Segment> = fc
  .oneof(
    fc.constantFrom('\r\n', '\n\n', 'garbage\r\n', 'HTTP/', 'HTT', 'Welcome!\n', '\r\nHTTP/1.1 200 OK'),
    fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u).toString('latin1')),
  )
  .map((text) => ({ text, methods: [] }));

/** A stream: responses and garbage, then maybe a close-delimited response or a response cut short. */
const streamArb: fc.Arbitrary<{ text: string; methods: string[] }> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: responseArb }, { weight: 1, arbitrary: garbageArb }), { maxLength: 4 }),
    fc.oneof(
      fc.constant(null),
      closeDelimitedArb,
      fc.tuple(responseArb, fc.nat()).map(([r, at]) => ({ text: r.text.slice(0, at % (r.text.length + 1)), methods: r.methods })),
    ),
    fc.nat(2),
  )
  .map(([segs, tail, extraMethods]) => {
    const all = tail ? [...segs, tail] : segs;
    // Sometimes fewer or more expected methods than responses: the parser falls back to GET.
    const methods = all.flatMap((s) => s.methods);
    return { text: all.map((s) => s.text).join(''), methods: extraMethods === 1 ? methods.slice(1) : methods };
  });

/** What a parse amounts to, as plain data. */
function show(r: ParsedResponse | null) {
  return r === null ? null : { ...r, body: Buffer.from(r.body).toString('latin1'), findings: r.findings.map((f) => ({ ...f })), headers: r.headers.map((h) => ({ ...h })) };
}

function snapshot(p: ResponseParser) {
  return { done: p.done.map(show), partial: show(p.partial), unconsumed: p.unconsumed, finals: p.finals };
}

/** Feeds `bytes` cut at `cuts` (any order, repeats allowed: repeats feed empty chunks), then ends. */
function parseCut(bytes: Uint8Array, methods: readonly string[], cuts: readonly number[], opts: ParserOptions) {
  const p = new ResponseParser(opts);
  for (const m of methods) p.expect(m);
  const points = [...cuts].sort((a, b) => a - b);
  const returned: ParsedResponse[] = [];
  let from = 0;
  for (const c of [...points, bytes.length]) {
    returned.push(...p.feed(bytes.subarray(from, c)));
    from = c;
  }
  const beforeEnd = snapshot(p);
  const returnedBeforeEnd = returned.length;
  returned.push(...p.end());
  return { beforeEnd, afterEnd: snapshot(p), returnedBeforeEnd, returnedAll: returned.length, returnedIsDone: returned.every((r, i) => r === p.done[i]) && returned.length === p.done.length };
}

function oneByteAtATime(n: number): number[] {
  return Array.from({ length: Math.max(0, n - 1) }, (_, i) => i + 1);
}

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

describe('ResponseParser: any split of the bytes gives the same parse', () => {
  it('for generated streams, valid and malformed, before and after end()', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, fc.constantFrom<ParserOptions>({}, { maxBodyBytes: 5 }), (stream, rawCuts, opts) => {
        const bytes = latin1(stream.text);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        const whole = parseCut(bytes, stream.methods, [], opts);
        const split = parseCut(bytes, stream.methods, cuts, opts);
        // Every response parse() completes is returned once, in order, by feed() or end().
        expect(whole.returnedIsDone).toBe(true);
        expect(split.returnedIsDone).toBe(true);
        const at = `cut at ${JSON.stringify([...new Set(cuts)].sort((x, y) => x - y))}`;
        expect(split.beforeEnd, at).toEqual(whole.beforeEnd);
        expect(split.afterEnd, at).toEqual(whole.afterEnd);
        expect(split.returnedBeforeEnd, at).toBe(whole.returnedBeforeEnd);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('fed one byte at a time', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const bytes = latin1(stream.text);
        const whole = parseCut(bytes, stream.methods, [], {});
        const bytewise = parseCut(bytes, stream.methods, oneByteAtATime(bytes.length), {});
        expect(bytewise.beforeEnd).toEqual(whole.beforeEnd);
        expect(bytewise.afterEnd).toEqual(whole.afterEnd);
      }),
      { seed: SEED + 1, numRuns: 400 },
    );
  });

  it('the generator reaches what it promises (so the property is not vacuous)', () => {
    // Over a sample of the streams, the whole parse shows each shape at least once.
    const seen = new Set<string>();
    for (const stream of fc.sample(streamArb, { seed: SEED, numRuns: 400 })) {
      const r = parseCut(latin1(stream.text), stream.methods, [], {});
      const all = [...r.afterEnd.done, ...(r.afterEnd.partial ? [r.afterEnd.partial] : [])];
      if (r.afterEnd.done.length >= 2) seen.add('pipelined');
      if (r.afterEnd.unconsumed > 0 || r.afterEnd.partial) seen.add('unfinished');
      for (const x of all) {
        seen.add(`framing:${x!.framing}`);
        if (x!.interim) seen.add('interim');
        if (x!.forMethod === 'HEAD') seen.add('HEAD');
        if (x!.status === 204 || x!.status === 304) seen.add('no-body-status');
        for (const f of x!.findings) seen.add(f.code);
      }
    }
    for (const want of [
      'pipelined', 'unfinished', 'interim', 'HEAD', 'no-body-status',
      'framing:content-length', 'framing:chunked', 'framing:close', 'framing:none',
      'bare-lf', 'bare-cr', 'status-line-garbage', 'missing-reason-phrase', 'wrong-version', 'header-syntax', 'space-before-colon', 'obs-fold',
      'missing-content-length', 'invalid-content-length', 'conflicting-content-length', 'content-length-with-transfer-encoding',
      'body-forbidden', 'body-truncated', 'extra-bytes', 'chunked-syntax', 'unknown-transfer-coding', 'head-incomplete',
    ]) {
      expect(seen, want).toContain(want);
    }
  });
});

/** A well-formed response and what its parse must say. */
interface ModelResponse {
  text: string;
  method: string;
  interims: number[];
  status: number;
  headers: Array<[string, string]>;
  body: string;
  framing: 'content-length' | 'chunked' | 'none';
}

const modelArb: fc.Arbitrary<ModelResponse> = fc
  .record({
    interims: fc.array(fc.constantFrom(100, 102, 103), { maxLength: 2 }),
    status: fc.constantFrom(200, 201, 204, 206, 304, 404, 500),
    method: fc.constantFrom('GET', 'HEAD', 'POST'),
    extra: fc.array(fc.tuple(tokenArb.filter((n) => !/^(content-length|transfer-encoding)$/i.test(n)), fc.stringMatching(/^[!-~]([ -~]{0,10}[!-~])?$/)), { maxLength: 3 }),
    chunked: fc.boolean(),
    body: fc.string({ unit: 'binary', maxLength: 40 }).map((b) => Buffer.from(b, 'utf8').toString('latin1')),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
    ows: fc.constantFrom(['', ''], [' ', ''], ['', ' '], ['\t', ' \t']),
    ext: fc.constantFrom('', ';a=b', ';x'),
  })
  .map(({ interims, status, method, extra, chunked, body, chunkSizes, ext, ows }) => {
    const noBody = method === 'HEAD' || status === 204 || status === 304;
    const headers: Array<[string, string]> = [['Date', 'Mon, 30 Nov 2026 11:00:00 GMT'], ...extra];
    let payload = '';
    let framing: ModelResponse['framing'] = 'none';
    if (status !== 204) {
      if (chunked && !noBody) {
        headers.push(['Transfer-Encoding', 'chunked']);
        framing = 'chunked';
        let i = 0;
        let k = 0;
        while (i < body.length) {
          const n = chunkSizes[k++ % chunkSizes.length]!;
          const piece = body.slice(i, i + n);
          payload += `${piece.length.toString(16)}${ext}\r\n${piece}\r\n`;
          i += n;
        }
        payload += '0\r\nX-Trailer: t\r\n\r\n';
      } else {
        headers.push(['Content-Length', String(body.length)]);
        framing = noBody ? 'none' : 'content-length';
        payload = noBody ? '' : body;
      }
    }
    const head = (s: number, hs: ReadonlyArray<readonly [string, string]>) => `HTTP/1.1 ${s} Reason\r\n${hs.map(([n, v]) => `${n}:${ows[0]}${v}${ows[1]}\r\n`).join('')}\r\n`;
    const text = interims.map((s) => head(s, [])).join('') + head(status, headers) + payload;
    return { text, method, interims, status, headers, body: noBody ? '' : body, framing };
  });

describe('ResponseParser: well-formed responses parse to what was sent', () => {
  it('pipelined, with interim 1xx, chunked with extensions and trailers, HEAD/204/304: statuses, headers, bodies, offsets, no findings; any split', () => {
    fc.assert(
      fc.property(fc.array(modelArb, { minLength: 1, maxLength: 4 }), cutsArb, (model, rawCuts) => {
        const text = model.map((m) => m.text).join('');
        const bytes = latin1(text);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        const { beforeEnd, afterEnd } = parseCut(bytes, model.map((m) => m.method), cuts, {});
        // Every response ends by itself: nothing changes at end(), nothing is left over.
        expect(afterEnd).toEqual(beforeEnd);
        expect(afterEnd.partial).toBeNull();
        expect(afterEnd.unconsumed).toBe(0);
        expect(afterEnd.finals).toBe(model.length);
        const want = model.flatMap((m) => [
          ...m.interims.map((s) => ({ status: s, interim: true, forMethod: m.method, headers: [] as Array<[string, string]>, body: '', framing: 'none' })),
          { status: m.status, interim: false, forMethod: m.method, headers: m.headers, body: m.body, framing: m.framing },
        ]);
        expect(
          afterEnd.done.map((r) => ({ status: r!.status, interim: r!.interim, forMethod: r!.forMethod, headers: r!.headers.map((h) => [h.name, h.value]), body: r!.body, framing: r!.framing })),
        ).toEqual(want);
        for (const r of afterEnd.done) {
          expect(r!.findings).toEqual([]);
          expect(r!.complete).toBe(true);
          expect(r!.version).toBe('HTTP/1.1');
          expect(r!.reason).toBe('Reason');
        }
        // Offsets: each response starts where the one before ended, the last ends at the last byte.
        afterEnd.done.forEach((r, i) => expect(r!.start).toBe(i === 0 ? 0 : afterEnd.done[i - 1]!.end));
        expect(afterEnd.done.at(-1)!.end).toBe(bytes.length);
      }),
      { seed: SEED + 2, numRuns: 500 },
    );
  });
});

/**
 * Found by the property above with a small `maxHeadBytes` (e.g. 40): past the head limit the parse
 * depends on where the chunks were cut. Stray bytes with no status line after them are skipped in
 * whatever piece exceeds the limit, so a flood of more than 64 KiB (the default limit) after a response
 * is one `extra-bytes` finding fed whole and two fed in two pieces, with other counts and offsets; and
 * `unconsumed` differs before end(). The verdict (a finding exists) is the same; its detail is not.
 * When fixed, these fail: turn them into `it`.
 */
describe('ResponseParser: known split dependences past the head limit', () => {
  const first = 'HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\n';

  it.fails('70,000 stray bytes after a response: the same finding whole and cut at byte 66,047 (BUG)', () => {
    const bytes = latin1(first + 'x'.repeat(70_000));
    const whole = parseCut(bytes, ['GET'], [], {});
    const cut = parseCut(bytes, ['GET'], [first.length + 66_000], {});
    // whole: one extra-bytes at 47, "70000 byte(s)"; cut: two, "66000 byte(s)" at 47 and "4000 byte(s)" at 66047.
    expect(cut.afterEnd).toEqual(whole.afterEnd);
  });

  it.fails('70,000 stray bytes before the first status line: the same garbage finding whole and cut (BUG)', () => {
    const bytes = latin1('x'.repeat(70_000) + '\n' + first);
    const whole = parseCut(bytes, ['GET'], [], {});
    const cut = parseCut(bytes, ['GET'], [66_000], {});
    // whole: status-line-garbage at 0, "70001 stray byte(s)"; cut: at 66000, "4001 stray byte(s)": the first 66,000 are forgotten.
    expect(cut.afterEnd).toEqual(whole.afterEnd);
  });
});

/**
 * RFC 9112 §6.3: "Any response to a HEAD request and any response with a 1xx (Informational), 204 (No
 * Content), or 304 (Not Modified) status code is always terminated by the first empty line after the
 * header fields". A 101 is the last HTTP/1.1 response on its connection (RFC 9110 §7.8): it ends at its
 * empty line, and what follows is the new protocol's, neither its body nor stray bytes.
 */
describe('ResponseParser: a 101 response', () => {
  const switching = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

  it('ends at its empty line, with no body and no missing-content-length finding', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.feed(latin1(switching + '\x81\x05hello'));
    expect(p.done).toHaveLength(1);
    expect(p.done[0]!.framing).toBe('none');
    expect(p.done[0]!.interim).toBe(false);
    expect(p.done[0]!.body).toHaveLength(0);
    expect(p.done[0]!.findings.map((f) => f.code)).not.toContain('missing-content-length');
  });

  it('takes what follows as the new protocol: no finding, nothing left unconsumed, also at the close', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.feed(latin1(switching));
    p.feed(latin1('\x81\x05hello HTTP/1.1 200 OK\r\n\r\n'));
    p.end();
    expect(p.done).toHaveLength(1);
    expect(p.done[0]!.findings).toEqual([]);
    expect(p.unconsumed).toBe(0);
  });

  it('is still told it must not carry a Content-Length (RFC 9110 §8.6)', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.feed(latin1(switching.replace('\r\n\r\n', '\r\nContent-Length: 0\r\n\r\n')));
    expect(p.done[0]!.findings.map((f) => f.code)).toContain('content-length-forbidden');
  });
});
