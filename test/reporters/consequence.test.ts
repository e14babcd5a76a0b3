import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/runner/types.js';
import { renderClassTable, renderGradeTable } from '../../src/reporters/grade-table.js';
import { classRows, gradeStatus, topFailureOf } from '../../src/reporters/grading.js';
import { renderHtmlReport } from '../../src/reporters/html.js';
import { renderText } from '../../src/reporters/text.js';
import { declaredImpact, failCheck, runResult, sent } from './fixtures.js';
import { grade } from './grade-fixtures.js';

/**
 * Seven failures in run order: SHOULD and MUST ones, a smuggling finding, and (7th) the one that crashed
 * the server. Each carries the impact its check declares in the catalogue, as a run's result does.
 */
function fail(id: string, level: 'MUST' | 'SHOULD' = 'MUST'): CheckResult {
  return { ...failCheck, id, level, request: sent('GET / HTTP/1.1\r\n\r\n'), ...declaredImpact(id) };
}
const checks: CheckResult[] = [
  fail('wire.line-ends.crlf'),
  fail('connection.keep-alive.second-request-answered', 'SHOULD'),
  fail('status.version.http2-is-505'),
  fail('framing.transfer-encoding.with-content-length-is-400'),
  fail('status.target.unknown-path-is-404'),
  fail('status.method.options-is-405'),
  fail('robustness.empty-connection.server-survives'),
];
const crash = [{ afterCheck: 'robustness.empty-connection.server-survives', chargedTo: 'robustness.empty-connection.server-survives', down: { kind: 'exited' as const, code: 1, signal: null }, code: 1, signal: null, stderrTail: 'IndexError', restarted: true }];

function order(text: string): string[] {
  return [...text.matchAll(/^✗ (\S+) \[/gm)].map((m) => m[1]!);
}

describe('failures in the order of their consequence', () => {
  it('grade: the crash first, then the security finding, then MUSTs, then the rest', () => {
    const g = grade('alice', checks, { run: runResult(checks, { strict: true }), deaths: crash, restarts: 1 });
    expect(order(renderGradeTable(g, { color: false }))).toEqual([
      'robustness.empty-connection.server-survives',
      'framing.transfer-encoding.with-content-length-is-400',
      'wire.line-ends.crlf',
      'status.version.http2-is-505',
      'status.target.unknown-path-is-404',
      'status.method.options-is-405',
      'connection.keep-alive.second-request-answered',
    ]);
    expect(topFailureOf(g)).toBe('robustness.empty-connection.server-survives');
    const html = renderHtmlReport(g);
    expect(html.indexOf('id="check-robustness.empty-connection.server-survives"')).toBeLessThan(html.indexOf('id="check-wire.line-ends.crlf"'));
  });

  it('fuzz: the check after which the server stopped answering comes first', () => {
    const r = runResult(checks, { stopped: { afterCheck: 'robustness.empty-connection.server-survives', cause: { kind: 'server-down', after: 'robustness.empty-connection.server-survives', down: { kind: 'refused' } } } });
    expect(order(renderText(r, { color: false }))[0]).toBe('robustness.empty-connection.server-survives');
  });
});

describe('the class table status says how the server ran', () => {
  it('died N× / hung / restarted N×, never ok for a server that died', () => {
    const died = Array.from({ length: 11 }, (_, i) => ({ afterCheck: `c${i}`, chargedTo: `c${i}`, down: { kind: 'exited' as const, code: 1, signal: null }, code: 1, signal: null, stderrTail: '', restarted: i < 10 }));
    const hung = [{ afterCheck: 'c', chargedTo: 'c', down: { kind: 'hung' as const }, code: null, signal: null, stderrTail: '', restarted: true }];
    expect(gradeStatus(grade('a', checks, { deaths: died, restarts: 10 }))).toBe('died 11×');
    expect(gradeStatus(grade('b', checks, { deaths: hung, restarts: 1 }))).toBe('hung');
    expect(gradeStatus(grade('c', checks, { deaths: [...died.slice(0, 2), ...hung], restarts: 3 }))).toBe('died 2×, hung');
    expect(gradeStatus(grade('d', checks, { restarts: 2 }))).toBe('restarted 2×');
    expect(gradeStatus(grade('e', checks))).toBe('ok');
    const rows = classRows([grade('a', checks, { deaths: died, restarts: 10 })]);
    expect(rows[1]).toEqual(['a', expect.any(String), expect.any(String), '10', 'died 11×', expect.any(String)]);
    expect(renderClassTable([grade('a', checks, { deaths: died, restarts: 10 }), grade('b', checks, { deaths: hung, restarts: 1 })], { color: false })).toMatch(/2 submissions, mean [\d.]+%, 1 died, 1 hung\n$/);
  });
});
