import { describe, expect, it } from 'vitest';
import { renderJson, score, toJsonReport } from '../../src/reporters/json.js';
import { blockedCheck, errorCheck, failCheck, passCheck, runResult, sequenceFailCheck, skipCheck, splitFailCheck, warnCheck } from './fixtures.js';

const CHECK_KEYS = ['id', 'family', 'level', 'verdict', 'runs', 'failures', 'durationMs', 'requirement'];
const FAILURE_KEYS = ['reason', 'expected', 'actual', 'request', 'replay', 'corpusFile', 'rerun'];

describe('toJsonReport', () => {
  const result = runResult([passCheck, failCheck, splitFailCheck, sequenceFailCheck, warnCheck, blockedCheck, skipCheck, errorCheck]);
  const report = toJsonReport(result);

  it('has exactly the SPEC keys plus summary', () => {
    expect(Object.keys(report)).toEqual(['target', 'profile', 'seed', 'durationMs', 'score', 'summary', 'checks']);
    expect(report.target).toBe('127.0.0.1:8080');
    expect(report.profile).toBe('reference');
    expect(report.seed).toBe(42);
    expect(report.durationMs).toBe(1234);
    expect(Object.keys(report.score)).toEqual(['points', 'max']);
    expect(report.summary).toEqual({ total: 8, pass: 1, fail: 3, warn: 1, blocked: 1, skip: 1, error: 1 });
  });

  it('gives each check the SPEC keys, and firstFailure only for fail, warn and error', () => {
    for (const c of report.checks) {
      const keys = Object.keys(c);
      if (['fail', 'warn', 'error'].includes(c.verdict)) {
        expect(keys).toEqual([...CHECK_KEYS, ...(c.verdict === 'fail' && c.impact ? ['impact'] : []), ...(c.cause ? ['cause', 'reason'] : []), 'firstFailure']);
      } else {
        expect(keys).toEqual([...CHECK_KEYS, ...(c.cause ? ['cause', 'reason'] : [])]);
      }
    }
  });

  it('gives a failure the impact its check declares (the split failure: desync), and nothing else one', () => {
    expect(report.checks.filter((c) => c.impact).map((c) => [c.id, c.impact])).toEqual([['metamorphic.split.any-byte', 'desync']]);
  });

  it("gives each check the time it took", () => {
    const timed = toJsonReport(runResult([{ ...passCheck, durationMs: 7 }, { ...failCheck, durationMs: 2250 }]));
    expect(timed.checks.map((c) => [c.id, c.durationMs])).toEqual([[passCheck.id, 7], [failCheck.id, 2250]]);
  });

  it('describes a failure: reason, expected, actual, the exact request, a replay, no corpus file yet', () => {
    const f = report.checks.find((c) => c.id === failCheck.id)!.firstFailure!;
    expect(Object.keys(f)).toEqual(FAILURE_KEYS);
    expect(f.reason).toBe(failCheck.reason);
    expect(f.expected).toEqual(['505', 'the connection closed without a response']);
    expect(f.actual).toBe('200 OK');
    expect(f.request).toEqual({
      text: "GET /it's%\\\\ HTTP/2\\r\\nHost: x\\r\\n\\r\\n",
      base64: Buffer.from(failCheck.request!.plan.bytes).toString('base64'),
      length: failCheck.request!.plan.bytes.length,
      splits: [],
      pausesMs: [],
    });
    expect(Buffer.from(f.request!.base64!, 'base64')).toEqual(Buffer.from(failCheck.request!.plan.bytes));
    expect(f.replay).toMatch(/^\(printf 'GET \/it'\\''s%%\\\\ HTTP\/2\\r\\n.*; sleep 1\) \| nc -w 2 127\.0\.0\.1 8080$/);
    expect(f.corpusFile).toBeNull();
  });

  it('keeps split points and pauses', () => {
    const f = report.checks.find((c) => c.id === splitFailCheck.id)!.firstFailure!;
    expect(f.request).toMatchObject({ splits: [3, 10], pausesMs: [50, 1500] });
    expect(f.replay).toContain('sleep 0.05');
    expect(f.replay).toContain('sleep 1.5');
  });

  it('adds setup (only) for sequences, and replays them first', () => {
    const f = report.checks.find((c) => c.id === sequenceFailCheck.id)!.firstFailure!;
    expect(Object.keys(f)).toEqual(['reason', 'expected', 'actual', 'request', 'setup', 'replay', 'corpusFile', 'rerun']);
    expect(f.setup).toHaveLength(1);
    expect(f.setup![0]!.text).toContain('POST /a');
    expect(f.replay!.split('\n')).toHaveLength(2);
    expect(f.replay!.split('\n')[0]).toContain("printf 'POST /a");
  });

  it('has a null request and replay for an error', () => {
    const f = report.checks.find((c) => c.id === errorCheck.id)!.firstFailure!;
    expect(f.request).toBeNull();
    expect(f.replay).toBeNull();
  });

  it('renders as JSON that parses back to the same object', () => {
    const text = renderJson(result);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('adds unreachable and stopped only when set, and brackets an IPv6 target', () => {
    const r = toJsonReport(runResult([], { unreachable: { kind: 'refused', message: 'ECONNREFUSED: connect ECONNREFUSED ::1:9' }, target: { host: '::1', port: 9 } }));
    expect(r.target).toBe('[::1]:9');
    expect(r.unreachable).toEqual({ kind: 'refused', message: 'ECONNREFUSED: connect ECONNREFUSED ::1:9', reason: 'connection refused' });
    expect(r.checks).toEqual([]);
    const cause = { kind: 'server-down' as const, after: failCheck.id, down: { kind: 'exited' as const, code: 1, signal: null } };
    const s = toJsonReport(runResult([failCheck], { stopped: { afterCheck: failCheck.id, cause } }));
    expect(s.stopped).toEqual({ afterCheck: failCheck.id, cause, reason: `the server process exited (exit code 1) after ${failCheck.id}` });
  });
});

describe('score', () => {
  it('counts MUST checks only, passes (and warnings) earn a point, skips are left out', () => {
    const mustWarn = { ...warnCheck, id: 'wire.must-warn', level: 'MUST' as const };
    const r = runResult([passCheck, failCheck, warnCheck, mustWarn, blockedCheck, skipCheck, errorCheck]);
    // MUST: pass, fail, mustWarn, blocked, error → max 5; points: pass + mustWarn.
    expect(score(r)).toEqual({ points: 2, max: 5 });
  });

  it('counts SHOULD checks in a strict run, where a warning earns nothing', () => {
    const should = { ...passCheck, id: 'wire.should-pass', level: 'SHOULD' as const };
    const mustWarn = { ...warnCheck, id: 'wire.must-warn', level: 'MUST' as const };
    expect(score(runResult([passCheck, should, warnCheck, mustWarn], { strict: true }))).toEqual({ points: 2, max: 4 });
    expect(score(runResult([passCheck, should, warnCheck, mustWarn], { strict: false }))).toEqual({ points: 2, max: 2 });
  });
});
