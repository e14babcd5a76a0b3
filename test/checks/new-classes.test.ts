import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import type { Check } from '../../src/checks/types.js';
import { isImfFixdate } from '../../src/checks/catalogue/wire/date.js';
import { response, runAgainst, startScripted, type Script } from './peer-scripted.js';

/**
 * The request-level classes taken from the peer suites (Upgrade, 1xx to HTTP/1.0, Expect, target bytes,
 * OPTIONS *, 8000-octet request line, Host values, empty field values, Date format): for each check, one
 * answer the RFC allows passes and one that breaks it fails, each scripted by a loopback server that
 * answers fixed bytes. The run verdict is the check's own; the level decides later whether a failure
 * fails or warns, so the level is asserted too.
 */

const DATE = 'Date: Sun, 06 Nov 1994 08:49:37 GMT';
const open = (reply: string): Script => ({ reply, close: false });
const closed = (reply: string): Script => ({ reply, close: true });
const OK = open(response(200, 'OK', [DATE]));
const BAD = closed(response(400, 'Bad Request', ['Connection: close', DATE]));
const SWITCH_NO_HEADER = open('HTTP/1.1 101 Switching Protocols\r\n\r\n' + response(200, 'OK', [DATE]));

interface Row {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  allowed: Script;
  allowedName: string;
  violating: Script;
  violatingName: string;
}

const rows: Row[] = [
  { id: 'status.upgrade.unknown-protocol-not-switched', level: 'MUST', allowed: OK, allowedName: 'answered in HTTP/1.1', violating: SWITCH_NO_HEADER, violatingName: '101 with no Upgrade, then HTTP/1.1' },
  { id: 'status.upgrade.http1-0-upgrade-ignored', level: 'MUST', allowed: closed(response(200, 'OK', [DATE])), allowedName: 'answered, Upgrade ignored', violating: open('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n'), violatingName: '101 to websocket on HTTP/1.0' },
  { id: 'status.upgrade.without-connection-option-not-switched', level: 'SHOULD', allowed: OK, allowedName: 'answered in HTTP/1.1', violating: SWITCH_NO_HEADER, violatingName: '101' },
  { id: 'status.upgrade.websocket-unsupported-version-not-switched', level: 'MUST', allowed: open(response(426, 'Upgrade Required', ['Sec-WebSocket-Version: 13', DATE])), allowedName: '426', violating: open('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n'), violatingName: '101 to websocket' },
  { id: 'status.upgrade.websocket-on-post-not-switched', level: 'SHOULD', allowed: open(response(405, 'Method Not Allowed', ['Allow: GET', DATE])), allowedName: '405', violating: open('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n'), violatingName: '101 to websocket' },
  { id: 'status.informational.no-1xx-to-http1-0-expect', level: 'MUST', allowed: closed(response(405, 'Method Not Allowed', ['Allow: GET', DATE])), allowedName: 'a final answer only', violating: closed('HTTP/1.1 100 Continue\r\n\r\n' + response(405, 'Method Not Allowed', [DATE])), violatingName: '100 Continue first' },
  { id: 'status.expect.unknown-expectation-417-or-served', level: 'MAY', allowed: open(response(417, 'Expectation Failed', [DATE])), allowedName: '417', violating: open(response(500, 'Internal Server Error', [DATE])), violatingName: '500' },
  { id: 'status.expect.100-continue-without-body-served', level: 'MAY', allowed: open('HTTP/1.1 100 Continue\r\n\r\n' + response(200, 'OK', [DATE])), allowedName: '100 then 200', violating: open(response(417, 'Expectation Failed', [DATE])), violatingName: '417' },
  { id: 'status.target-bytes.raw-nul-rejected', level: 'SHOULD', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.target-bytes.raw-non-ascii-rejected', level: 'SHOULD', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.target-bytes.overlong-utf8-rejected', level: 'SHOULD', allowed: open(response(301, 'Moved Permanently', ['Location: /%C0%AFetc', DATE])), allowedName: '301 to the encoded target', violating: OK, violatingName: 'served' },
  { id: 'status.target-bytes.backslash-rejected', level: 'SHOULD', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.target-bytes.raw-del-rejected', level: 'SHOULD', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.target-bytes.8000-octet-request-line-served', level: 'SHOULD', allowed: OK, allowedName: 'served', violating: closed(response(414, 'URI Too Long', [DATE])), violatingName: '414' },
  { id: 'status.target-bytes.options-asterisk-answered', level: 'SHOULD', allowed: open(response(200, 'OK', ['Allow: GET, HEAD, OPTIONS', DATE])), allowedName: '200 with Allow', violating: open(response(500, 'Internal Server Error', [DATE])), violatingName: '500' },
  { id: 'status.host.identical-duplicate-is-400', level: 'MUST', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.host.userinfo-is-400', level: 'MUST', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.host.path-is-400', level: 'MUST', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.host.comma-list-is-400', level: 'MUST', allowed: BAD, allowedName: '400', violating: OK, violatingName: 'served' },
  { id: 'status.field.host-name-any-case-tab-ows-served', level: 'SHOULD', allowed: OK, allowedName: 'served', violating: BAD, violatingName: '400' },
  { id: 'status.field.empty-value-served', level: 'MUST', allowed: OK, allowedName: 'served', violating: BAD, violatingName: '400' },
  { id: 'wire.date.imf-fixdate', level: 'MUST', allowed: OK, allowedName: 'an IMF-fixdate', violating: open(response(200, 'OK', ['Date: 2026-11-30 04:41:01.473263'])), violatingName: 'an ISO-like date' },
];

describe.concurrent('the request-level classes from the peer suites', () => {
  it('every row names a check in the catalogue, which quotes its RFC sentence as its source', () => {
    for (const r of rows) {
      const c = allChecks.find((x) => x.id === r.id) as (Check & { source?: { rfc: string; quote: string } }) | undefined;
      expect(c, r.id).toBeDefined();
      expect(c!.source?.rfc, r.id).toMatch(/^RFC (9\d{3}|6455) §\d/);
      expect(c!.source!.quote.length, r.id).toBeGreaterThan(15);
    }
  });
  for (const r of rows) {
    for (const [name, script, verdict] of [[r.allowedName, r.allowed, 'pass'], [r.violatingName, r.violating, 'fail']] as const) {
      it(`${r.id} [${r.level}]: ${name} → ${verdict}`, async () => {
        const check = allChecks.find((c) => c.id === r.id)!;
        expect(check.level).toBe(r.level);
        const server = await startScripted(script);
        try {
          const run = await runAgainst(check, server.port, undefined, 500);
          expect(run.verdict, run.reason).toBe(verdict);
        } finally {
          await server.close();
        }
      });
    }
  }

  it('IMF-fixdate: the RFC example passes; other formats, impossible dates and wrong weekdays fail', () => {
    expect(isImfFixdate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(true);
    expect(isImfFixdate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Sun Nov  6 08:49:37 1994')).toBe(false);
    expect(isImfFixdate('Mon, 06 Nov 1994 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Sun, 31 Nov 1994 08:49:37 GMT')).toBe(false);
    expect(isImfFixdate('Sun, 06 Nov 1994 08:49:37 UTC')).toBe(false);
  });
});
