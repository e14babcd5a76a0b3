import { defineProperty } from '../src/checks/property.js';
import { fill } from '../src/checks/case.js';
import { connectionEnded, FOLLOW_UP, fillFraming, judgeFraming, postKnown, settleWatchesOnlyFaults, type FramingSpec } from '../src/checks/pipeline.js';
import { PEER } from '../src/checks/peer-sources.js';
import type { SentRequest } from '../src/checks/types.js';
import { describeExchange } from '../src/checks/verify.js';
import type { Exchange } from '../src/client/exchange.js';
import { teByteSweep, type TeByteCase } from './arbitraries/te-byte-sweep.js';
import { EXTRA_ANSWER_WINDOW_MS, window } from '../src/checks/windows.js';

/**
 * How each case of the byte sweep is judged: Content-Length covers the whole body, the mangled
 * Transfer-Encoding line may be read as chunked or not. Read as chunked, both fields are present and
 * the server MUST close after its response (RFC 9112 §6.1); not read, the body is framed by
 * Content-Length. Either way the request hidden after the last chunk is never answered, and the GET
 * pipelined behind is answered as itself (or the connection closes). Refusing it (400) passes.
 */
const SWEEP_SPEC: Omit<FramingSpec, 'request'> = {
  id: 'status.prop.te-byte-sweep',
  requirement: '',
  cite: 'RFC 9112 §6.1',
  source: PEER.clAndTe,
  level: 'MUST',
  refuse: [400],
  refuseWarn: ['4xx', '5xx'],
  close: 'pass',
  serve: 'yes',
};

/**
 * 0x0a before the name: read with a bare LF as a line end, as RFC 9112 §2.2 lets a recipient do ("a
 * recipient MAY recognize a single LF as a line terminator"), it is an empty line right after the
 * Content-Length line's CRLF. The head ends there; the Transfer-Encoding line and what follows are the
 * body Content-Length counts, and the bytes left after it are the tail of the hidden request: no request.
 */
export function lfEndsHead(c: Pick<TeByteCase, 'place' | 'byte'>): boolean {
  return c.place === 'before-name' && c.byte === 0x0a;
}

/**
 * What a server that reads the case so (lfEndsHead) answers, when it answers right: the POST (any status),
 * then at most a 400 for the bytes left after its body, then the GET behind as itself (`ok`), or the
 * connection closed. Those bytes are the last 30 of the hidden request (the body starts 30 bytes, the
 * Transfer-Encoding line and the blank line, earlier than Content-Length was counted for): the end of its
 * request line and its Host field (" HTTP/1.1\r\nHost: localhost\r\n\r\n"), an invalid request line
 * (RFC 9112 §3: 400). Another status there is the hidden request answered (a 404 for its path): a desync
 * under any reading. Judged beside the sweep's usual judgement, which a server reading the line otherwise
 * is held to.
 */
export function heldReadingLfAsLineEnd(ex: Exchange, ok: readonly number[]): boolean {
  const [post, ...rest] = ex.finals;
  if (post === undefined || post.status === null) return false;
  const closed = connectionEnded(ex);
  let i = 0;
  if (rest[i] !== undefined && rest[i]!.status === 400 && !ok.includes(400)) i++;
  const get = rest[i];
  if (get === undefined) return closed;
  return get.status !== null && ok.includes(get.status) && rest.length === i + 1;
}

export const teByteSweepProperty = defineProperty<TeByteCase>({
  id: 'status.prop.te-byte-sweep',
  casesSideBySide: true,
  family: 'status',
  level: 'MUST',
  requirement:
    'A Transfer-Encoding line with one control byte or byte over 0x7E before or after its name or value (smuggler\'s sweep), beside a Content-Length that covers the whole body, never desyncs the connection: the request hidden after the last chunk is not answered, and the GET pipelined behind is answered as itself (or the connection closed).',
  source: PEER.clAndTe,
  cite: 'RFC 9112 §6.1',
  arbitrary: () => teByteSweep(),
  async verify(ctx, c) {
    const spec: FramingSpec = { ...SWEEP_SPEC, request: postKnown(['Content-Length: {length}', c.line], '0\r\n\r\n{smuggled}') };
    const text = fillFraming(spec.request, ctx) + fill(FOLLOW_UP, ctx);
    const request: SentRequest = { plan: { bytes: Buffer.from(text, 'latin1') }, methods: ['POST', 'GET'] };
    const ex = await ctx.send(request, { settleMs: window(EXTRA_ANSWER_WINDOW_MS, ctx.timeoutMs), settleWatchesFaults: (finals) => settleWatchesOnlyFaults(spec, finals) });
    const j = judgeFraming(ex, spec, ctx.profile.baselineStatuses);
    if (j.verdict !== 'fail') return null;
    if (lfEndsHead(c) && heldReadingLfAsLineEnd(ex, ctx.profile.baselineStatuses)) return null;
    return { reason: `${c.label}: ${j.reason}`, expected: j.expected, actual: describeExchange(ex), request, exchanges: [ex] };
  },
});

/** In the status family, beside status.prop.malformed-rejected (which sends malformed Content-Lengths): both generate malformed request heads. */
export const framingProperties = [teByteSweepProperty];
