import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { SWEEP_BYTES, SWEEP_PLACES, teByteSweep, teLine } from '../../properties/arbitraries/te-byte-sweep.js';
import { response, runAgainst, startScripted, type Script } from './peer-scripted.js';
import { lfEndsHead } from '../../properties/te-byte-sweep.js';
import { makeContext } from '../../src/runner/context.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';

/**
 * The classes issue 23 took from llhttp, HTTP Garden and smuggler: for each new check, one answer the
 * RFC allows passes and one that breaks it fails (a loopback server answering fixed bytes), and each
 * quotes its RFC sentence at the level its keyword gives.
 */
const DATE = 'Date: Sun, 06 Nov 1994 08:49:37 GMT';
const ok = response(200, 'OK', [DATE]);
const notFound = response(404, 'Not Found', [DATE]);
const open = (reply: string): Script => ({ reply, close: false });
const closed = (reply: string): Script => ({ reply, close: true });
const BAD = closed(response(400, 'Bad Request', ['Connection: close', DATE]));
/** One answer per request line received ("HTTP/1.1" after a method), the connection kept open. */
const perRequest = (status: (i: number, line: string) => string): Script => ({
  reply: (got) => [...got.matchAll(/(^|\n)([A-Z]+ [^ \r\n]+ HTTP\/1\.[01])\r?\n/g)].map((m, i) => status(i, m[2]!)).join(''),
  close: false,
});
const allOk = perRequest(() => ok);
/** The smuggled request answered 404, everything else 200: what a desynchronised server does. */
const desync = perRequest((_, line) => (line.includes('-smuggled') ? notFound : ok));

interface Row {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  allowed: Script;
  violating: Script;
}

const rows: Row[] = [
  // Content-Length hidden in a line that is no Content-Length field: answered twice (the GET after the
  // head as itself) passes; one answer on an open connection (the GET swallowed as a body) fails.
  ...['framing.hidden-length.bare-cr-before-field-not-read', 'framing.hidden-length.bare-cr-inside-name-not-read', 'framing.hidden-length.obs-fold-not-read', 'framing.hidden-length.whitespace-before-first-field-not-read', 'framing.hidden-length.nbsp-after-name-not-read', 'framing.hidden-length.name-split-over-lines-not-read'].map(
    (id): Row => ({ id, level: 'MUST', allowed: open(response(405, 'Method Not Allowed', ['Allow: GET', DATE]) + ok), violating: open(response(405, 'Method Not Allowed', ['Allow: GET', DATE])) }),
  ),
  // CL+TE look-alikes: refused and closed passes; the smuggled request answered fails.
  ...['framing.smuggling.cl-te-quoted-chunked-embedded-get-not-answered', 'framing.smuggling.cl-te-apostrophe-chunked-embedded-get-not-answered', 'framing.smuggling.cl-te-truncated-chunk-embedded-get-not-answered', 'framing.smuggling.cl-te-unknown-then-chunked-embedded-get-not-answered', 'framing.smuggling.cl-te-nbsp-around-chunked-embedded-get-not-answered', 'framing.smuggling.cl-three-empty-te-lines-embedded-get-not-answered'].map(
    (id): Row => ({ id, level: 'MUST', allowed: BAD, violating: open(ok + notFound + ok) }),
  ),
  { id: 'framing.chunked-syntax.unbalanced-quote-in-extension-refused', level: 'SHOULD', allowed: BAD, violating: allOk },
  { id: 'framing.chunked-syntax.garbage-after-size-refused', level: 'SHOULD', allowed: BAD, violating: allOk },
  // The quoted ";" taken for the end of the extension: the chunk misread, the GET behind swallowed (plain pipelining works).
  { id: 'framing.chunked-syntax.escaped-quotes-in-extension-ignored', level: 'MUST', allowed: open(ok + ok), violating: { reply: (got) => (got.includes('Transfer-Encoding') ? ok : ok + ok), close: false } },
  { id: 'framing.chunked.junk-after-last-chunk-not-answered', level: 'MUST', allowed: BAD, violating: desync },
  // Connection options: one answer, then a close, passes; the request pipelined behind answered fails.
  ...['connection.close.pipelined-request-not-answered', 'connection.close.option-in-a-list-honoured', 'connection.close.option-with-trailing-tab-honoured', 'connection.close.option-uppercase-honoured'].map(
    (id): Row => ({ id, level: 'MUST', allowed: closed(response(200, 'OK', ['Connection: close', DATE])), violating: open(ok + ok) }),
  ),
  // Judged against the GET's own answer alone: a 400 for it alone is its answer; a 400 only when invalid bytes follow is not.
  { id: 'connection.pipelining.valid-answered-before-invalid', level: 'MUST', allowed: closed(response(200, 'OK', ['Connection: close', DATE])), violating: { reply: (got) => (got.includes('Invalid') ? response(400, 'Bad Request', ['Connection: close', DATE]) : ok), close: true } },
  // Rare methods: 405 (or 501) passes, 400 fails.
  ...['status.method.hyphenated-token-not-400', 'status.method.purge-not-400', 'status.method.query-with-body-not-400', 'status.method.report-not-400', 'status.method.link-not-400', 'status.method.source-not-400'].map(
    (id): Row => ({ id, level: 'SHOULD', allowed: open(response(501, 'Not Implemented', [DATE])), violating: BAD }),
  ),
  { id: 'status.request-line.lf-before-version-is-400', level: 'SHOULD', allowed: BAD, violating: open(ok) },
  { id: 'status.field.obs-text-value-served', level: 'SHOULD', allowed: open(ok), violating: BAD },
  { id: 'status.field.utf8-value-served', level: 'SHOULD', allowed: open(ok), violating: BAD },
];

describe.concurrent('the classes from llhttp, HTTP Garden and smuggler (issue 23)', () => {
  it('every row names a check that quotes its RFC sentence (or says which rule it rests on)', () => {
    for (const r of rows) {
      const c = allChecks.find((x) => x.id === r.id);
      expect(c, r.id).toBeDefined();
      expect(c!.source, r.id).toBeDefined();
      if (c!.source && 'rfc' in c!.source) expect(c!.source.quote.length, r.id).toBeGreaterThan(15);
    }
  });
  for (const r of rows) {
    for (const [name, script, verdict] of [['allowed', r.allowed, 'pass'], ['violating', r.violating, 'fail']] as const) {
      it(`${r.id} [${r.level}]: ${name} → ${verdict}`, async () => {
        const check = allChecks.find((c) => c.id === r.id)!;
        expect(check.level).toBe(r.level);
        const server = await startScripted(script);
        try {
          const run = await runAgainst(check, server.port, undefined, 3000);
          expect(run.verdict, run.reason).toBe(verdict);
        } finally {
          await server.close();
        }
      });
    }
  }

  it('the byte sweep covers 0x01–0x1F and 0x7F–0xFF at four places, and its property is declared', () => {
    expect(SWEEP_BYTES).toHaveLength(31 + 129);
    expect(SWEEP_BYTES[0]).toBe(1);
    expect(SWEEP_BYTES.at(-1)).toBe(0xff);
    expect(SWEEP_BYTES.includes(0x20)).toBe(false);
    expect(SWEEP_PLACES).toHaveLength(4);
    expect(teLine('after-name', 0x0b)).toBe('Transfer-Encoding\x0b: chunked');
    expect(allProperties.find((p) => p.id === 'status.prop.te-byte-sweep')?.level).toBe('MUST');
  });

  it('0x0a before the name may end the head (a bare LF read as a line end): the POST answered, the bytes after its body refused and the connection closed, passes there and nowhere else', async () => {
    const sweep = allProperties.find((p) => p.id === 'status.prop.te-byte-sweep')!;
    const kase = (place: 'before-name' | 'after-name', byte: number) => ({ place, byte, line: teLine(place, byte), label: `0x${byte.toString(16)} ${place}` });
    // What the bundled reference server answers when it reads the LF as the empty line that ends the head.
    const lfReader: Script = closed(response(405, 'Method Not Allowed', ['Allow: GET, HEAD', DATE]) + response(400, 'Bad Request', ['Connection: close', DATE]));
    const srv = await startScripted(lfReader);
    try {
      const verdict = async (c: ReturnType<typeof kase>, s: Script) => {
        srv.setScript(s);
        const ctx = makeContext({ target: { host: '127.0.0.1', port: srv.port }, timeoutMs: 600, profile: anyProfile('/') }, sweep.id, 't', new Map());
        return (await sweep.verify(ctx, c)) === null ? 'pass' : 'fail';
      };
      expect(lfEndsHead(kase('before-name', 0x0a))).toBe(true);
      expect(await verdict(kase('before-name', 0x0a), lfReader)).toBe('pass');
      // The same answers where no reading ends the head: the 400 is the pipelined GET's, a desync.
      expect(await verdict(kase('before-name', 0x0b), lfReader)).toBe('fail');
      expect(await verdict(kase('after-name', 0x0a), lfReader)).toBe('fail');
      // Read so, the hidden request is inside the body: answering it is still a desync.
      expect(await verdict(kase('before-name', 0x0a), desync)).toBe('fail');
      // The bytes after the body refused on an open connection, then the GET answered as itself: passes too.
      expect(await verdict(kase('before-name', 0x0a), open(response(405, 'Method Not Allowed', [DATE]) + response(400, 'Bad Request', [DATE]) + ok))).toBe('pass');
    } finally {
      await srv.close();
    }
  });

  it('a failing byte-sweep case shrinks to one byte at the first place that shows it', () => {
    // Fails for every byte over 0x7F after the value: the shrunk case is 0x7f after the value.
    const out = fc.check(fc.property(teByteSweep(), (c) => !(c.place === 'after-value' && c.byte >= 0x7f)), { seed: 7, numRuns: 2000 });
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0]).toMatchObject({ place: 'after-value', byte: 0x7f });
  });
});
