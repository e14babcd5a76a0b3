import { describe, expect, it } from 'vitest';
import { prettyJson, toGradeJson, type JsonGrade } from '../../src/reporters/json.js';
import { renderHtmlReport } from '../../src/reporters/html.js';
import { neverStarted, typical, GRADER_PORT } from './grade-size-fixtures.js';

/**
 * Reports sized for a class (issue 25): the JSON of a submission that never started under 20 KB, of a
 * typical one (40 failures, 50 warnings) under 100 KB, HTML under 200 KB; built from result data, no socket.
 */
const KB = 1024;
const bytes = (s: string): number => Buffer.byteLength(s);
/** The class JSON holds one line per submission; one submission's JSON is pretty-printed. */
const classLine = (g: ReturnType<typeof neverStarted>): string => JSON.stringify(toGradeJson(g));

describe('grade reports sized for a class', () => {
  const never = neverStarted();
  const tom = typical('tom', 40, 50);

  it('a submission that never started: JSON under 20 KB (both forms), HTML well under 200 KB', () => {
    expect(never.run.checks.length).toBeGreaterThan(300);
    expect(bytes(classLine(never))).toBeLessThan(20 * KB);
    expect(bytes(prettyJson(toGradeJson(never)))).toBeLessThan(20 * KB);
    expect(bytes(renderHtmlReport(never))).toBeLessThan(200 * KB);
  });

  it('a typical submission with 40 failures: JSON under 100 KB (both forms), HTML under 200 KB', () => {
    expect(tom.run.checks.filter((c) => c.verdict === 'fail')).toHaveLength(40);
    expect(bytes(classLine(tom))).toBeLessThan(100 * KB);
    expect(bytes(prettyJson(toGradeJson(tom)))).toBeLessThan(100 * KB);
    expect(bytes(renderHtmlReport(tom))).toBeLessThan(200 * KB);
  });

  it('lists a blocked or skipped check once, by id, under its typed cause: no sentence repeated', () => {
    const j = JSON.parse(classLine(never)) as JsonGrade;
    expect(j.checks).toEqual([]);
    const ids = j.notRun!.flatMap((g) => g.checks);
    // Every check exactly once, and the counts agree with the summary.
    expect([...ids].sort()).toEqual(never.run.checks.map((c) => c.id).sort());
    expect(j.notRun!.filter((g) => g.verdict === 'blocked').reduce((n, g) => n + g.checks.length, 0)).toBe(j.summary.blocked);
    expect(j.notRun!.filter((g) => g.verdict === 'skip').reduce((n, g) => n + g.checks.length, 0)).toBe(j.summary.skip);
    const blocked = j.notRun!.find((g) => g.verdict === 'blocked')!;
    expect(blocked.cause).toEqual({ kind: 'blocked', by: { kind: 'not-started', failure: { kind: 'exited', code: 1, signal: null, addressInUse: false } } });
    expect(blocked.reason).toBe('not run: the server exited before listening (exit code 1)');
    const text = classLine(never);
    expect(text.split(blocked.reason).length - 1).toBe(1);
    // No check's requirement is written out for a check that did not run.
    for (const c of never.run.checks.slice(0, 20)) expect(text).not.toContain(c.requirement);
  });

  it('keeps what a class needs of a failure: its requirement, expected and actual, request bytes, corpus entry; a pass is its id and time', () => {
    const j = JSON.parse(prettyJson(toGradeJson(tom))) as JsonGrade;
    const fails = j.checks.filter((c) => c.verdict === 'fail');
    expect(fails).toHaveLength(40);
    for (const c of fails) {
      expect(c.requirement, c.id).toBeTruthy();
      expect(c.firstFailure!.expected!.length).toBeGreaterThan(0);
      expect(c.firstFailure!.actual).toBe('200 OK, then the connection closed before the other response(s)');
      expect(c.firstFailure!.request!.text).toContain('Transfer-Encoding: \\x0bchunked');
      expect(c.firstFailure!.corpusFile).toMatch(/^\/home\/ta\/reports\/corpus\/tom\/.+\.json$/);
    }
    const pass = j.checks.find((c) => c.verdict === 'pass')!;
    expect(Object.keys(pass)).toEqual(['id', 'verdict', 'durationMs']);
    const warn = j.checks.find((c) => c.verdict === 'warn')!;
    expect(warn.firstFailure).toEqual({ reason: expect.any(String), actual: expect.any(String) });
    // One rerun line for all (a check id for ID), aimed at the student's own server, and the command that starts it.
    expect(j.rerun).toBe('wiregrade fuzz --target 127.0.0.1:PORT --checks ID --profile any --no-corpus --runs 0');
    expect(j.regrade).toBe("wiregrade grade --cwd . --cmd 'python3 server.py {port}' --profile any --seed 20261121 --checks ID");
    // The grader's port is history (`target`), never a command's.
    expect(j.target).toBe(`127.0.0.1:${GRADER_PORT}`);
    expect(JSON.stringify(j.checks).includes(String(GRADER_PORT))).toBe(false);
  });
});
