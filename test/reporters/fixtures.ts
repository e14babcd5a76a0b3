import type { Exchange } from '../../src/client/exchange.js';
import type { SentRequest } from '../../src/checks/types.js';
import type { CheckResult, RunResult } from '../../src/runner/types.js';
import { latin1 } from '../../src/wire/bytes.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';

export function sent(text: string, method = 'GET', splits?: number[], pausesMs?: number[]): SentRequest {
  const plan: SentRequest['plan'] = { bytes: latin1(text) };
  if (splits) plan.splits = splits;
  if (pausesMs) plan.pausesMs = pausesMs;
  return { plan, methods: [method] };
}

export function exchangeReceiving(received: string, kind: Exchange['kind'] = 'closed-without-response'): Exchange {
  const bytes = latin1(received);
  return {
    kind,
    responses: [],
    finals: [],
    partial: null,
    connection: 'closed',
    sentBytes: 10,
    receivedBytes: bytes.length,
    elapsedMs: 3,
    transcript: [
      { dir: 'sent', atMs: 0, bytes: latin1('GET / HTTP/1.1\r\n\r\n') },
      { dir: 'received', atMs: 1, bytes },
    ],
  };
}

function base(id: string, over: Partial<CheckResult>): CheckResult {
  return {
    id,
    family: 'status',
    level: 'MUST',
    requirement: `requirement of ${id}`,
    verdict: 'pass',
    runs: 1,
    failures: 0,
    durationMs: 1,
    reason: 'fine',
    expected: ['200'],
    actual: '200 OK',
    ...over,
  };
}

export const passCheck = base('baseline.valid-request-answered', { family: 'robustness', actual: '300 Multiple Choices', expected: ['300'] });

export const failCheck = base('status.version.http2-is-505', {
  verdict: 'fail',
  failures: 1,
  cite: 'RFC 9110 §15.6.6',
  requirement: 'A request with an HTTP/2 version gets 505.',
  reason: 'the server answered 200 to an HTTP/2 request line',
  expected: ['505', 'the connection closed without a response'],
  actual: '200 OK',
  request: sent("GET /it's%\\ HTTP/2\r\nHost: x\r\n\r\n"),
  exchanges: [exchangeReceiving('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'response')],
});

export const splitFailCheck = base('metamorphic.split.any-byte', {
  family: 'metamorphic',
  impact: 'desync', // as every metamorphic.split check declares
  verdict: 'fail',
  failures: 1,
  runs: 40,
  reason: 'split at byte 3 the answer changed',
  expected: ['the same answer as the whole request: 300'],
  actual: 'the connection closed without a response',
  request: sent('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET', [3, 10], [50, 1500]),
  exchanges: [exchangeReceiving('')],
});

export const sequenceFailCheck = base('store.post-then-get', {
  family: 'store',
  verdict: 'fail',
  failures: 1,
  reason: 'the record written was not read back',
  expected: ['200'],
  actual: '404 Not Found',
  setup: [sent('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', 'POST')],
  request: sent('GET /a HTTP/1.1\r\nHost: x\r\n\r\n'),
  exchanges: [exchangeReceiving('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', 'response')],
});

export const warnCheck = base('wire.date-header', {
  family: 'wire',
  level: 'SHOULD',
  verdict: 'warn',
  reason: 'no Date header',
  expected: ['a Date header'],
  actual: 'no Date header',
  request: sent('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
});

export const blockedCheck = base('store.put-creates', {
  family: 'store',
  verdict: 'blocked',
  reason: '',
  cause: { kind: 'blocked', by: { kind: 'baseline-failed', baseline: 'baseline.valid-request-answered' } },
  expected: [],
  actual: '',
});

export const skipCheck = base('store.skip-me', { family: 'store', verdict: 'skip', reason: 'not part of the x profile', expected: [], actual: '' });

export const errorCheck = base('wire.broken-check', { family: 'wire', verdict: 'error', reason: 'the check itself failed: boom', expected: [], actual: '' });

export function runResult(checks: CheckResult[], over: Partial<RunResult> = {}): RunResult {
  return {
    target: { host: '127.0.0.1', port: 8080 },
    profile: 'reference',
    seed: 42,
    strict: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    checks,
    ...over,
  };
}

/** The impact the catalogue or a property declares for `id` (what a run's result of it carries), as a spreadable field. */
export function declaredImpact(id: string): Pick<CheckResult, 'impact'> {
  const impact = [...allChecks, ...allProperties].find((c) => c.id === id)?.impact;
  return impact ? { impact } : {};
}
