/**
 * Upgrade (RFC 9110 §7.8) and interim responses: a server may ignore Upgrade and answer in HTTP/1.1, but
 * a 101 must name the protocol it switches to, one the client asked for, never on HTTP/1.0; and no 1xx
 * at all goes to an HTTP/1.0 client.
 */
import { fill } from '../../case.js';
import type { Check, CheckContext, CheckRun, Level } from '../../types.js';
import { describeExchange, header, req, result } from '../../verify.js';
import { PEER, withSource, type PeerSource } from '../../peer-sources.js';
import { checkGroup, type CheckDecl } from '../../group.js';
import { EXTRA_ANSWER_WINDOW_MS, window } from '../../windows.js';

const MAY_IGNORE =
  'RFC 9110 §7.8: "A server MAY ignore a received Upgrade header field if it wishes to continue using the current protocol on that connection." A 101 "MUST send an Upgrade header field to indicate the new protocol(s) to which the connection is being switched" and "MUST NOT switch to a protocol that was not indicated by the client"; no server speaks the made-up protocol asked for here, so the request is answered in HTTP/1.1.';
const HTTP10_IGNORED = 'RFC 9110 §7.8: "A server MUST ignore an Upgrade header field that is received in an HTTP/1.0 request." RFC 9110 §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client."';
const NO_1XX_TO_10 = 'RFC 9110 §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client." RFC 9110 §10.1.1: "A server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore that expectation."';

interface UpgradeSpec {
  id: string;
  requirement: string;
  cite: string;
  source: PeerSource;
  level: Level;
  request: string;
  /** The protocols the request asked for (a 101 naming only these is judged by `switchAllowed`). */
  asked: readonly string[];
  /** May the server switch at all (send 101 naming an asked protocol)? */
  switchAllowed: boolean;
  /** An HTTP/1.0 request: no 1xx of any kind may come back. */
  http10?: boolean;
}

function upgradeCheck(spec: UpgradeSpec): CheckDecl {
  return withSource({
    id: spec.id,
    level: spec.level,
    requirement: spec.requirement,
    cite: spec.cite,
    async run(ctx: CheckContext): Promise<CheckRun> {
      const text = fill(spec.request, ctx);
      const request = req(text, text.split(' ')[0] ?? 'GET');
      // 101 ends HTTP/1.1 on the connection (the parser takes it as final): watch for what follows it.
      const ex = await ctx.send(request, { headOnly: true, settleMs: window(EXTRA_ANSWER_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: true });
      const expected = [
        spec.http10 ? 'a final response with no 1xx before it' : 'the request answered in HTTP/1.1 (the Upgrade ignored)',
        ...(spec.switchAllowed ? ['101 with an Upgrade header naming a protocol the client asked for'] : []),
      ];
      const interim = ex.responses.filter((r) => r.status !== null && r.status < 200);
      const switched = interim.find((r) => r.status === 101);
      if (spec.http10 && interim.length > 0) {
        return result('fail', `sent ${interim.map((r) => r.status).join(', ')} to an HTTP/1.0 client`, expected, ex, request);
      }
      if (switched) {
        const named = (header(switched, 'upgrade') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
        if (named.length === 0) return result('fail', 'answered 101 Switching Protocols without an Upgrade header naming the new protocol', expected, ex, request);
        const unasked = named.filter((p) => !spec.asked.some((a) => a.toLowerCase() === p));
        if (unasked.length > 0) return result('fail', `answered 101 switching to ${unasked.join(', ')}, which the client did not ask for`, expected, ex, request);
        if (!spec.switchAllowed) return result('fail', `answered 101 switching to ${named.join(', ')}, a protocol it cannot speak here`, expected, ex, request);
        const after = Buffer.concat(ex.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes)).subarray(switched.end);
        if (/^HTTP\/1\.\d \d{3}/.test(after.toString('latin1', 0, 16))) {
          return result('fail', `answered 101 switching to ${named.join(', ')}, then went on in HTTP/1.1`, expected, ex, request);
        }
        return result('pass', `switched to ${named.join(', ')}`, expected, ex, request);
      }
      if (ex.kind !== 'response') return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, request);
      return result('pass', `answered in HTTP/1.1: ${describeExchange(ex)}`, expected, ex, request);
    },
  }, spec.source);
}

const UNKNOWN = 'wiregrade-unknown/1.0';

export const upgradeChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', sideBySide: true }, [
  upgradeCheck({
    id: 'status.upgrade.unknown-protocol-not-switched',
    source: PEER.upgrade101Header,
    requirement: MAY_IGNORE,
    cite: 'RFC 9110 §7.8, §15.2.2',
    level: 'MUST',
    request: `GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: upgrade\r\nUpgrade: ${UNKNOWN}\r\n\r\n`,
    asked: [UNKNOWN],
    switchAllowed: false,
  }),
  upgradeCheck({
    id: 'status.upgrade.http1-0-upgrade-ignored',
    source: PEER.upgradeHttp10,
    requirement: HTTP10_IGNORED,
    cite: 'RFC 9110 §7.8, §15.2',
    level: 'MUST',
    request: `GET {known} HTTP/1.0\r\nHost: localhost\r\nConnection: upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    asked: ['websocket'],
    switchAllowed: false,
    http10: true,
  }),
  upgradeCheck({
    id: 'status.upgrade.without-connection-option-not-switched',
    source: PEER.upgradeConnection,
    requirement:
      'RFC 9110 §7.8: "When Upgrade is sent, the sender MUST also send a Connection header field that contains the \'upgrade\' connection option"; an Upgrade without it was not sent as an upgrade request and is better ignored (a server MAY ignore any Upgrade).',
    cite: 'RFC 9110 §7.8, §7.6.1',
    level: 'SHOULD',
    request: `GET {known} HTTP/1.1\r\nHost: localhost\r\nUpgrade: ${UNKNOWN}\r\n\r\n`,
    asked: [UNKNOWN],
    switchAllowed: false,
  }),
  upgradeCheck({
    id: 'status.upgrade.websocket-unsupported-version-not-switched',
    source: PEER.wsVersion,
    requirement:
      'RFC 6455 §4.4: a server that does not support the requested WebSocket version answers with the versions it supports (426 or 400 with Sec-WebSocket-Version), or (RFC 9110 §7.8) ignores the Upgrade; it never switches to a version it does not speak (99 here).',
    cite: 'RFC 6455 §4.4, RFC 9110 §7.8',
    level: 'MUST',
    request: `GET {known} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    asked: ['websocket'],
    switchAllowed: false,
  }),
  upgradeCheck({
    id: 'status.upgrade.websocket-on-post-not-switched',
    source: PEER.wsHandshake,
    requirement: 'RFC 6455 §4.1: the opening handshake "MUST be a valid HTTP request ... The method of the request MUST be GET"; a server does not switch a POST to WebSocket (RFC 9110 §7.8: it MAY ignore the Upgrade).',
    cite: 'RFC 6455 §4.1, §4.2.1, RFC 9110 §7.8',
    level: 'SHOULD',
    request: `POST {known} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n`,
    asked: ['websocket'],
    switchAllowed: false,
  }),
  upgradeCheck({
    id: 'status.informational.no-1xx-to-http1-0-expect',
    source: PEER.no1xxTo10,
    requirement: NO_1XX_TO_10,
    cite: 'RFC 9110 §15.2, §10.1.1',
    level: 'MUST',
    request: `POST {known} HTTP/1.0\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}`,
    asked: [],
    switchAllowed: false,
    http10: true,
  }),
]);
