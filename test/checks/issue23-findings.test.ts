import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import type { Profile } from '../../src/model/profile.js';
import { byoHttpProfile, profiles } from '../../src/model/builtin-profiles.js';
import { skippedBy } from '../../src/model/profile-policy.js';
import { carriesVersion } from '../../src/checks/answer-grammar.js';
import { response, runAgainst, startScripted, type Script } from './peer-scripted.js';

/**
 * The findings of issue 23 on the production servers, each proven on a scripted answer: an answer with
 * no status line to a versioned request fails at MUST (RFC 9110 §2.2) whatever the check's level; the
 * absolute-form target names the profile's authority; a 5xx to a 1 MiB target is an answer; 501 to
 * `chunked, gzip` is one of the two answers the RFC names; byo-http does not ask for Date.
 */
const DATE = 'Date: Sun, 06 Nov 1994 08:49:37 GMT';
const check = (id: string) => allChecks.find((c) => c.id === id)!;
/** Python's http.server, refusing a version: its error page, HTTP/0.9-style (no status line), then close. */
const NO_STATUS_LINE: Script = { reply: '<!DOCTYPE HTML>\n<html><body><h1>Error response</h1><p>Error code: 505</p></body></html>\n', close: true };
const BAD: Script = { reply: response(400, 'Bad Request', ['Connection: close', DATE]), close: true };

async function run(id: string, script: Script, profile?: Profile) {
  const server = await startScripted(script);
  try {
    return { run: await runAgainst(check(id), server.port, profile, 3000), received: server.received };
  } finally {
    await server.close();
  }
}

describe.concurrent('issue 23: the findings on the production servers', () => {
  it('a request line carries a version when it has three parts', () => {
    expect(carriesVersion(Buffer.from('GET / HTTP/2.0\r\n\r\n'))).toBe(true);
    expect(carriesVersion(Buffer.from('GET / http/1.1\r\n\r\n'))).toBe(true);
    expect(carriesVersion(Buffer.from('GET /\r\n\r\n'))).toBe(false);
  });

  for (const id of ['status.version.http2-0-is-505', 'status.version.lowercase-is-400', 'status.version.no-minor-is-400', 'status.version.three-parts-is-400', 'status.version.http2-is-505']) {
    it(`${id}: no status line to a versioned request fails at MUST (RFC 9110 §2.2); 400 passes`, async () => {
      expect(check(id).level).not.toBe('MUST');
      const bad = (await run(id, NO_STATUS_LINE)).run;
      expect(bad.verdict, bad.reason).toBe('fail');
      expect(bad.breaks?.level).toBe('MUST');
      expect(bad.breaks?.source).toMatchObject({ rfc: 'RFC 9110 §2.2' });
      expect(bad.reason).toMatch(/not an HTTP\/1\.x response/);
      expect(bad.because?.check).toBe('wire.status-line.well-formed');
      const good = (await run(id, BAD)).run;
      expect(good.verdict, good.reason).toBe('pass');
      expect(good.breaks).toBeUndefined();
    });
  }

  it('a response after stray bytes (a banner) is an answer: the wire checks judge the bytes, not §2.2 here', async () => {
    const r = (await run('status.version.lowercase-is-400', { reply: 'Welcome!\r\n' + response(400, 'Bad Request', ['Connection: close', DATE]), close: true })).run;
    expect(r.breaks).toBeUndefined();
  });

  it('a version-less (HTTP/0.9-style) line keeps its level: no §2.2 failure for an answer without a status line', async () => {
    const r = (await run('status.version.http0-9-rejected', NO_STATUS_LINE)).run;
    expect(r.breaks).toBeUndefined();
  });

  it('status.target.absolute-form-accepted names the profile\'s authority when it routes by Host', async () => {
    const routed: Profile = { ...profiles['key-value']!, baseline: { method: 'GET', target: '/', host: '127.0.0.1/index.html' }, knownPath: '/' };
    const { run: r, received } = await run('status.target.absolute-form-accepted', { reply: response(200, 'OK', [DATE]), close: false }, routed);
    expect(r.verdict, r.reason).toBe('pass');
    expect(received[0]).toMatch(/^GET http:\/\/127\.0\.0\.1\/ HTTP\/1\.1\r\nHost: 127\.0\.0\.1\/index\.html\r\n/);
    const plain = await run('status.target.absolute-form-accepted', { reply: response(200, 'OK', [DATE]), close: false });
    expect(plain.received[0]).toMatch(/^GET http:\/\/localhost\/ HTTP\/1\.1\r\nHost: localhost\r\n/);
  });

  it('robustness.size.1mib-request-line-rejected accepts a 500 for a target that was parsed (Caddy)', async () => {
    const r = (await run('robustness.size.1mib-request-line-rejected', { reply: response(500, 'Internal Server Error', [DATE]), close: false })).run;
    expect(r.verdict, r.reason).toBe('pass');
    expect(check('robustness.size.1mib-request-line-rejected').profileRule).toBeUndefined();
  });

  it('status.target.very-long-is-rejected has no widened reference rule: 431 fails under every profile', async () => {
    expect(check('status.target.very-long-is-rejected').profileRule).toBeUndefined();
    const r = (await run('status.target.very-long-is-rejected', { reply: response(431, 'Request Header Fields Too Large', [DATE]), close: true }, profiles.reference)).run;
    expect(r.verdict).toBe('fail');
  });

  it('status.host.comma-list-is-400 blames the space, not the comma', () => {
    const req = check('status.host.comma-list-is-400').requirement;
    expect(req).toMatch(/space/);
    expect(req).toMatch(/comma alone is a valid/);
  });

  for (const id of ['framing.te-lookalike.chunked-then-gzip-is-400', 'framing.transfer-encoding.chunked-not-last-rejected']) {
    it(`${id}: 501 then close passes (RFC 9112 §6.1 SHOULD 501 for gzip; §6.3 MUST 400)`, async () => {
      const r = (await run(id, { reply: response(501, 'Not Implemented', ['Connection: close', DATE]), close: true })).run;
      expect(r.verdict, r.reason).toBe('pass');
      expect(check(id).requirement).toMatch(/§6\.1/);
    });
  }

  it('byo-http does not ask for Date (the course tester forbids it) and says so in its note', () => {
    expect(skippedBy(byoHttpProfile, 'wire.date.present')).toBe(true);
    expect(skippedBy(byoHttpProfile, 'wire.date.imf-fixdate')).toBe(false);
    expect(byoHttpProfile.note).toMatch(/Date/);
    expect(byoHttpProfile.note).toMatch(/Server/);
  });
});
