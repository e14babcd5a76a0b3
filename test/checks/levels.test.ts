import { afterAll, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import type { Verdict } from '../../src/checks/types.js';
import type { Profile } from '../../src/model/profile.js';
import { anyProfile, profiles, referenceProfile } from '../../src/model/builtin-profiles.js';
import { profileFileSchema, profileFrom } from '../../src/model/profile-file.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { runProperty } from '../../src/runner/run-properties.js';
import { malformedRejected } from '../../properties/status.js';
import { response, scripted, type Answer, type Scripted } from './scripted-server.js';

/**
 * Each check's level and accepted answers, against a scripted server that answers fixed bytes: for
 * every row, one answer the RFC allows passes (or warns, for a SHOULD) and one that breaks it fails.
 * Rows under `reference` show the reference protocol's stricter rule failing what the RFC allows.
 */
const any = anyProfile('/index.html');
const ref = referenceProfile;
/** A profile file that extends any and adopts the reference rules: the rules then apply, at MUST. */
const anyStrict = profileFrom(profileFileSchema.parse({ name: 'lab', extends: 'any', baseline: { target: '/index.html', status: [200] }, rules: ['reference'] }), profiles);

type Reply = (received: string) => Answer;
const keep = (status: number, opts: Parameters<typeof response>[1] = {}): Reply => () => ({ write: response(status, opts), close: false });
const closeAfter = (status: number, opts: Parameters<typeof response>[1] = {}): Reply => () => ({ write: response(status, opts), close: true });
/** A request that carries a pipelined GET behind it gets two answers: `first` to it, `then` to the GET. */
const two = (first: number, then: number): Reply => (r) => ({
  write: (r.match(/ HTTP\/1\.[01]\r\n/g) ?? []).length >= 2 ? response(first) + response(then) : response(200),
  close: false,
});
const refuseThenClose = (first: number): Reply => (r) => ({ write: response((r.match(/ HTTP\/1\.[01]\r\n/g) ?? []).length >= 2 ? first : 200, { close: true }), close: true });
const SETTINGS = Buffer.from([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100]);
/** An h2c server with prior knowledge: its preface to the HTTP/2 preface, HTTP/1.1 to the rest (the liveness probe). */
const h2c: Reply = (r) => (r.startsWith('PRI * HTTP/2.0') ? { write: SETTINGS, close: false } : { write: response(200), close: false });

interface Row {
  id: string;
  profile: Profile;
  answer: Reply;
  verdict: Verdict;
  why: string;
}

const rows: Row[] = [
  // request line: SHOULD 400 / SHOULD 501, and the reference protocol's 405 and 505
  { id: 'status.method.lowercase-get-is-405', profile: any, answer: keep(501), verdict: 'pass', why: 'RFC 9110 §9.1: 501 for an unknown method' },
  { id: 'status.method.lowercase-get-is-405', profile: any, answer: keep(400), verdict: 'warn', why: 'a SHOULD: 400 only warns under any' },
  { id: 'status.method.lowercase-get-is-405', profile: ref, answer: keep(400), verdict: 'fail', why: 'the reference protocol answers 405' },
  { id: 'status.method.lowercase-get-is-405', profile: anyStrict, answer: keep(400), verdict: 'fail', why: 'a profile file that adopts the reference rules' },
  { id: 'status.method.lowercase-get-is-405', profile: anyStrict, answer: keep(405), verdict: 'pass', why: 'the reference rule: 405' },
  { id: 'status.method.options-is-405', profile: any, answer: keep(200), verdict: 'pass', why: 'a server that implements OPTIONS answers it 2xx' },
  { id: 'status.method.options-is-405', profile: ref, answer: keep(200), verdict: 'fail', why: 'the reference protocol does not implement OPTIONS' },
  { id: 'status.request-line.empty-method-is-400', profile: any, answer: keep(200), verdict: 'warn', why: 'RFC 9112 §3: an invalid request line SHOULD get 400' },
  { id: 'status.request-line.empty-method-is-400', profile: ref, answer: keep(200), verdict: 'fail', why: 'the reference protocol answers 400' },
  { id: 'status.version.two-digit-minor-is-400', profile: any, answer: keep(400), verdict: 'pass', why: 'HTTP/1.10 is invalid: 400' },
  { id: 'status.version.two-digit-minor-is-400', profile: any, answer: keep(200), verdict: 'warn', why: 'only a SHOULD' },
  { id: 'status.version.http2-0-is-505', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §2.5: a server can send 505; serving is allowed' },
  { id: 'status.version.http2-0-is-505', profile: any, answer: keep(404), verdict: 'warn', why: 'MAY: an answer outside the choices is judged like a SHOULD' },
  { id: 'status.version.http2-0-is-505', profile: ref, answer: keep(200), verdict: 'fail', why: 'the reference protocol answers 505' },
  { id: 'status.version.http1-0-served', profile: any, answer: keep(505), verdict: 'warn', why: 'no MUST serves HTTP/1.0' },
  { id: 'status.version.http1-0-served', profile: ref, answer: keep(505), verdict: 'fail', why: 'the reference protocol serves HTTP/1.0' },
  // targets
  { id: 'status.target.absolute-form-accepted', profile: any, answer: keep(200), verdict: 'pass', why: 'served' },
  { id: 'status.target.absolute-form-accepted', profile: any, answer: keep(400), verdict: 'fail', why: 'RFC 9112 §3.2.2: MUST accept the absolute-form' },
  { id: 'status.target.very-long-is-rejected', profile: any, answer: keep(414), verdict: 'pass', why: '414' },
  { id: 'status.target.very-long-is-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'a server that parses it may serve it' },
  { id: 'status.target.very-long-is-rejected', profile: any, answer: keep(431), verdict: 'fail', why: 'RFC 9112 §3: MUST 414, not 431' },
  { id: 'status.target.unknown-path-is-404', profile: any, answer: keep(404), verdict: 'pass', why: '404' },
  { id: 'status.target.unknown-path-is-404', profile: any, answer: keep(200), verdict: 'warn', why: 'no MUST names the status' },
  // field lines
  { id: 'status.header.no-colon-is-400', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §2.4: MAY recover (ignore the line)' },
  { id: 'status.header.no-colon-is-400', profile: any, answer: keep(500), verdict: 'warn', why: 'MAY: outside the choices only warns' },
  { id: 'status.header.no-colon-is-400', profile: ref, answer: keep(200), verdict: 'fail', why: 'the reference protocol answers 400' },
  { id: 'status.header.space-before-colon-is-400', profile: any, answer: keep(400), verdict: 'pass', why: '400' },
  { id: 'status.header.space-before-colon-is-400', profile: any, answer: keep(200), verdict: 'fail', why: 'RFC 9112 §5.1: MUST reject with 400' },
  { id: 'status.header.nul-in-value-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §5.5: replaced with SP and served' },
  { id: 'status.header.nul-in-value-rejected', profile: any, answer: keep(500), verdict: 'fail', why: 'neither rejected nor served' },
  { id: 'status.header.bare-lf-line-ends-accepted', profile: any, answer: keep(400), verdict: 'pass', why: 'RFC 9112 §2.2: bare LF MAY be recognized' },
  { id: 'status.header.bare-lf-line-ends-accepted', profile: ref, answer: keep(400), verdict: 'fail', why: 'the reference protocol requires bare LF served' },
  { id: 'status.header.unknown-header-ignored', profile: any, answer: keep(400), verdict: 'warn', why: 'RFC 9110 §5.1: SHOULD ignore' },
  { id: 'status.header.100-headers-served', profile: any, answer: keep(431), verdict: 'pass', why: 'RFC 9110 §5.4: any 4xx over the server\'s limit' },
  { id: 'status.header.100-headers-served', profile: any, answer: keep(500), verdict: 'fail', why: 'a 5xx is not the 4xx §5.4 asks for' },
  { id: 'robustness.size.10k-headers-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'serving 10,000 fields is allowed' },
  { id: 'robustness.size.10k-headers-rejected', profile: any, answer: keep(500), verdict: 'fail', why: 'RFC 9110 §5.4: a 4xx' },
  // HTTP/2
  { id: 'robustness.garbage.http2-preface-rejected', profile: any, answer: h2c, verdict: 'pass', why: 'an h2c server answers with SETTINGS' },
  { id: 'robustness.garbage.http2-preface-rejected', profile: any, answer: keep(200), verdict: 'fail', why: 'the preface served as a request' },
  { id: 'robustness.garbage.http2-preface-rejected', profile: ref, answer: h2c, verdict: 'fail', why: 'the reference protocol speaks HTTP/1.1 only' },
  { id: 'wire.status-line.version-on-http2-request', profile: any, answer: closeAfter(505, { version: 'HTTP/1.0' }), verdict: 'pass', why: 'an HTTP/1.0 server answers HTTP/1.0' },
  { id: 'wire.status-line.version-on-http2-request', profile: any, answer: closeAfter(505, { version: 'HTTP/2.0' }), verdict: 'fail', why: 'RFC 9110 §6.2: MUST NOT send a version it does not conform to' },
  { id: 'wire.status-line.version-on-http2-request', profile: ref, answer: closeAfter(505, { version: 'HTTP/1.0' }), verdict: 'fail', why: 'the reference protocol answers HTTP/1.1' },
  // wire
  { id: 'wire.status-line.version-is-http11', profile: any, answer: closeAfter(200, { version: 'HTTP/1.0' }), verdict: 'warn', why: 'RFC 9110 §6.2: SHOULD send its highest version' },
  { id: 'wire.status-line.version-is-http11', profile: any, answer: closeAfter(200, { version: 'HTTP/2.0' }), verdict: 'fail', why: 'not an HTTP/1 version' },
  { id: 'wire.framing.length-declared', profile: any, answer: () => ({ write: 'HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nhello', close: true }), verdict: 'pass', why: 'RFC 9112 §6.3: close-delimited bodies are legal' },
  { id: 'wire.framing.length-declared', profile: ref, answer: () => ({ write: 'HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nhello', close: true }), verdict: 'fail', why: 'the reference protocol declares every length' },
  { id: 'wire.date.present', profile: any, answer: keep(200), verdict: 'pass', why: 'an IMF-fixdate' },
  { id: 'wire.date.present', profile: any, answer: keep(200, { headers: ['Date: 2026-11-30 04:41:01.473263', 'Content-Length: 4'] }), verdict: 'fail', why: 'RFC 9110 §5.6.7: MUST generate IMF-fixdate' },
  { id: 'wire.date.present', profile: any, answer: keep(200, { headers: ['Content-Length: 4'] }), verdict: 'fail', why: 'RFC 9110 §6.6.1: MUST send Date' },
  // connections
  { id: 'connection.close.announced-before-closing', profile: any, answer: closeAfter(200, { version: 'HTTP/1.0' }), verdict: 'pass', why: 'an HTTP/1.0 response closes by default' },
  { id: 'connection.close.announced-before-closing', profile: any, answer: closeAfter(200), verdict: 'fail', why: 'RFC 9112 §9.6: MUST send close' },
  { id: 'connection.keep-alive.second-request-answered', profile: any, answer: closeAfter(200, { version: 'HTTP/1.0' }), verdict: 'pass', why: 'HTTP/1.0 does not persist' },
  { id: 'connection.keep-alive.second-request-answered', profile: any, answer: closeAfter(200), verdict: 'fail', why: 'closed without announcing it' },
  { id: 'connection.http1-0.closes-by-default', profile: any, answer: keep(200), verdict: 'warn', why: 'RFC 9112 §9.3 states no MUST for the server' },
  { id: 'connection.http1-0.closes-by-default', profile: ref, answer: keep(200), verdict: 'fail', why: 'the reference protocol closes' },
  { id: 'status.method.long-token-rejected', profile: any, answer: keep(501), verdict: 'pass', why: 'RFC 9112 §3: SHOULD 501' },
  { id: 'status.method.long-token-rejected', profile: any, answer: keep(400), verdict: 'warn', why: 'only a SHOULD' },
  { id: 'status.method.connect-is-405', profile: any, answer: keep(400), verdict: 'pass', why: '400 for the authority-form target' },
  { id: 'status.method.connect-is-405', profile: ref, answer: keep(400), verdict: 'warn', why: 'the reference protocol prefers 405, 400 warned' },
  { id: 'status.method.nul-byte-is-400', profile: any, answer: keep(501), verdict: 'warn', why: 'RFC 9112 §3: SHOULD 400' },
  { id: 'status.request-line.trailing-space-is-400', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9112 §3: MAY ignore trailing whitespace' },
  { id: 'status.request-line.trailing-space-is-400', profile: any, answer: keep(404), verdict: 'warn', why: 'MAY: outside the choices only warns' },
  { id: 'status.request-line.tab-separator-is-400', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9112 §3: MAY parse on whitespace' },
  { id: 'status.version.http0-9-rejected', profile: any, answer: keep(400), verdict: 'pass', why: '400' },
  { id: 'status.version.http0-9-rejected', profile: any, answer: keep(200), verdict: 'warn', why: 'RFC 9112 §3: SHOULD 400' },
  { id: 'status.version.http2-is-505', profile: any, answer: keep(400), verdict: 'pass', why: '"HTTP/2" is not HTTP-version: 400' },
  { id: 'status.target.no-leading-slash-is-400', profile: any, answer: keep(404), verdict: 'warn', why: 'RFC 9112 §3: SHOULD 400' },
  { id: 'status.target.asterisk-with-get-is-400', profile: any, answer: keep(400), verdict: 'pass', why: '400' },
  { id: 'status.target.fragment-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §2.4: MAY drop the fragment' },
  { id: 'status.header.obs-fold-rejected-or-unfolded', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9112 §5.2: unfolded' },
  { id: 'status.header.obs-fold-rejected-or-unfolded', profile: any, answer: keep(500), verdict: 'fail', why: 'MUST reject with 400 or unfold' },
  { id: 'status.header.bare-cr-in-value-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §5.5: replaced with SP' },
  { id: 'status.header.bare-cr-in-value-rejected', profile: ref, answer: keep(300), verdict: 'warn', why: 'the reference protocol prefers 400 (its list, 300, warned)' },
  { id: 'status.header.control-char-in-value-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9110 §5.5: MAY retain' },
  { id: 'status.header.bare-cr-line-end-rejected', profile: any, answer: keep(400), verdict: 'pass', why: '400' },
  { id: 'status.header.bare-cr-line-end-rejected', profile: any, answer: keep(200), verdict: 'fail', why: 'RFC 9112 §2.2: MUST consider invalid or replace (then the Host is invalid)' },
  { id: 'status.header.whitespace-before-first-header-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'RFC 9112 §2.2: the line ignored' },
  { id: 'status.header.whitespace-before-first-header-rejected', profile: any, answer: keep(500), verdict: 'fail', why: 'neither rejected nor ignored' },
  { id: 'status.header.duplicate-host-is-400', profile: any, answer: keep(200), verdict: 'fail', why: 'RFC 9112 §3.2: MUST 400' },
  { id: 'status.header.missing-host-is-400', profile: any, answer: keep(400), verdict: 'pass', why: '400' },
  { id: 'status.header.long-value-served', profile: any, answer: keep(431), verdict: 'pass', why: 'RFC 9110 §5.4: a 4xx over the limit' },
  { id: 'status.header.long-value-served', profile: ref, answer: keep(431), verdict: 'fail', why: 'the reference protocol serves 8 KiB heads' },
  { id: 'robustness.size.1mib-request-line-rejected', profile: any, answer: keep(200), verdict: 'pass', why: 'served is not a crash' },
  { id: 'robustness.size.2kib-request-answered', profile: any, answer: keep(500), verdict: 'fail', why: 'a valid 2 KiB request' },
  { id: 'wire.status-line.reason-separator', profile: any, answer: () => ({ write: 'HTTP/1.1 200\r\nContent-Length: 2\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nok', close: false }), verdict: 'fail', why: 'RFC 9112 §4 grammar: SP after the code' },
  { id: 'wire.framing.no-content-length-on-204', profile: any, answer: keep(204, { headers: ['Date: Sun, 06 Nov 1994 08:49:37 GMT', 'Content-Length: 5'], body: '' }), verdict: 'fail', why: 'RFC 9110 §8.6: MUST NOT' },
  { id: 'connection.close.server-closes-after-response', profile: any, answer: keep(200), verdict: 'fail', why: 'RFC 9112 §9.6: MUST close after "close"' },
  { id: 'connection.close.server-closes-after-response', profile: any, answer: closeAfter(200), verdict: 'pass', why: 'closed' },
  { id: 'framing.transfer-encoding.unknown-coding-is-501', profile: any, answer: refuseThenClose(501), verdict: 'pass', why: 'RFC 9112 §6.1: 501' },
  { id: 'framing.transfer-encoding.unknown-coding-is-501', profile: any, answer: two(200, 200), verdict: 'fail', why: 'no readable length: MUST close' },
  { id: 'framing.transfer-encoding.http1-0-rejected', profile: any, answer: refuseThenClose(200), verdict: 'pass', why: 'RFC 9112 §6.1: processed, then closed' },
  { id: 'framing.transfer-encoding.http1-0-rejected', profile: any, answer: two(200, 200), verdict: 'fail', why: 'MUST close after processing' },
  { id: 'framing.chunked.bad-size-is-400', profile: any, answer: refuseThenClose(200), verdict: 'pass', why: 'an answer sent before the body was read, then closed' },
  { id: 'framing.chunked.bad-size-is-400', profile: any, answer: two(200, 200), verdict: 'fail', why: 'kept reading after a broken chunk' },
  { id: 'framing.content-length.leading-zeros-accepted', profile: any, answer: two(405, 200), verdict: 'pass', why: 'the GET behind answered as itself' },
  { id: 'framing.content-length.leading-zeros-accepted', profile: any, answer: two(405, 400), verdict: 'fail', why: 'desync' },
  { id: 'framing.body.post-without-body-is-400', profile: any, answer: two(405, 200), verdict: 'pass', why: 'RFC 9112 §6.3: no body' },
  { id: 'framing.body.post-without-body-is-400', profile: any, answer: (r) => ({ write: (r.match(/ HTTP\/1\.[01]\r\n/g) ?? []).length >= 2 ? response(405) : response(200), close: false }), verdict: 'fail', why: 'the GET behind taken for a body' },
  // framing on every profile, judged on the wire
  { id: 'framing.transfer-encoding.chunked-not-last-rejected', profile: any, answer: refuseThenClose(400), verdict: 'pass', why: 'RFC 9112 §6.3: 400 then close' },
  { id: 'framing.transfer-encoding.chunked-not-last-rejected', profile: any, answer: refuseThenClose(501), verdict: 'pass', why: '501 for the gzip it does not understand (RFC 9112 §6.1), then closed' },
  { id: 'framing.transfer-encoding.chunked-not-last-rejected', profile: any, answer: two(405, 200), verdict: 'fail', why: 'kept reading after the framing error' },
  { id: 'framing.transfer-encoding.chunked-accepted', profile: any, answer: two(405, 200), verdict: 'pass', why: 'the GET behind answered as itself' },
  { id: 'framing.transfer-encoding.chunked-accepted', profile: any, answer: two(405, 400), verdict: 'fail', why: 'body bytes read as a request (desync)' },
  { id: 'framing.content-length.conflicting-is-400', profile: any, answer: refuseThenClose(400), verdict: 'pass', why: 'RFC 9112 §6.3: 400 then close' },
  { id: 'framing.content-length.conflicting-is-400', profile: any, answer: two(400, 200), verdict: 'fail', why: 'MUST close after the error' },
  { id: 'framing.transfer-encoding.with-content-length-is-400', profile: any, answer: refuseThenClose(200), verdict: 'pass', why: 'RFC 9112 §6.1: MAY process, then close' },
  { id: 'framing.transfer-encoding.with-content-length-is-400', profile: any, answer: two(200, 200), verdict: 'fail', why: 'MUST close after responding' },
];

describe.concurrent('levels and accepted answers, against fixed answers', () => {
  const servers: Scripted[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  for (const row of rows) {
    it(`${row.id} under ${row.profile.name}: ${row.verdict} (${row.why})`, async () => {
      const check = allChecks.find((c) => c.id === row.id);
      expect(check, row.id).toBeDefined();
      const s = await scripted(row.answer);
      servers.push(s);
      const r = await runChecks({ target: { host: '127.0.0.1', port: s.port }, checks: [check!], profile: row.profile, timeoutMs: 800, seed: 1 });
      const c = r.checks[0]!;
      expect(c.verdict, c.reason).toBe(row.verdict);
    });
  }
});

describe.concurrent('the malformed-request property judges the RFC under any, the reference rules under reference', () => {
  const cases: Array<{ profile: Profile; answer: Reply; verdict: Verdict; why: string }> = [
    { profile: any, answer: keep(400), verdict: 'pass', why: 'a 400 to every malformation is allowed everywhere' },
    { profile: any, answer: keep(200), verdict: 'fail', why: 'whitespace before a colon MUST get 400 (RFC 9112 §5.1); a non-token method is not served' },
    { profile: ref, answer: keep(400), verdict: 'fail', why: 'the reference protocol answers 505 to HTTP/2.0 and 405 to unknown methods' },
  ];
  for (const c of cases) {
    it(`under ${c.profile.name}, a server answering ${c.answer('').write.toString().slice(9, 12)} to everything: ${c.verdict} (${c.why})`, async () => {
      const s = await scripted(c.answer);
      try {
        const { result } = await runProperty(malformedRejected, { target: { host: '127.0.0.1', port: s.port }, profile: c.profile, timeoutMs: 800, seed: 7, runs: 40 });
        expect(result.verdict, result.reason).toBe(c.verdict);
      } finally {
        await s.close();
      }
    }, 60_000);
  }
});
