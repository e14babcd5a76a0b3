import { defineProperty } from '../src/checks/property.js';
import { fill } from '../src/checks/case.js';
import { FOLLOW_UP, fillFraming, judgeFraming, postKnown, settleWatchesOnlyFaults, type FramingSpec } from '../src/checks/pipeline.js';
import { PEER } from '../src/checks/peer-sources.js';
import type { SentRequest } from '../src/checks/types.js';
import { describeExchange } from '../src/checks/verify.js';
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
    return { reason: `${c.label}: ${j.reason}`, expected: j.expected, actual: describeExchange(ex), request, exchanges: [ex] };
  },
});

/** In the status family, beside status.prop.malformed-rejected (which sends malformed Content-Lengths): both generate malformed request heads. */
export const framingProperties = [teByteSweepProperty];
