import { describe, expect, it } from 'vitest';
import { toGradescope } from '../../src/reporters/gradescope.js';
import type { CheckResult } from '../../src/runner/types.js';
import { COURSE_WEIGHTS } from '../../src/model/profile.js';
import { failCheck, passCheck } from './fixtures.js';
import { runResult } from './fixtures.js';
import { allChecks, crashedAtStart, diedTwice, grade, hostileFailCheck } from './grade-fixtures.js';

const TOP_KEYS = ['execution_time', 'output', 'output_format', 'score', 'stdout_visibility', 'tests', 'visibility'];
const TEST_KEYS = ['max_score', 'name', 'output', 'output_format', 'score', 'status', 'tags', 'visibility'];

/** The text inside a test's fenced Markdown block (what the terminal shows). */
function fenced(md: string): string {
  const m = /^(`{3,})text\n([\s\S]*)\n\1$/.exec(md);
  if (!m) throw new Error(`not one fenced block: ${md.slice(0, 80)}`);
  return m[2]!;
}

/** Sums in hundredths, as Gradescope shows them, so float noise does not matter. */
function cents(xs: number[]): number {
  return xs.reduce((s, x) => s + Math.round(x * 100), 0);
}

describe('toGradescope', () => {
  const g = grade('alice');
  const r = toGradescope(g);

  it('has exactly the results.json keys, top level and per test, and survives JSON', () => {
    expect(Object.keys(r).sort()).toEqual(TOP_KEYS);
    for (const t of r.tests) expect(Object.keys(t).sort()).toEqual(TEST_KEYS);
    expect(r.stdout_visibility).toBe('visible');
    expect(r.visibility).toBe('visible');
    expect(r.output_format).toBe('md');
    expect(r.tests.every((t) => t.visibility === 'visible' && t.output_format === 'md')).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.execution_time).toBe(5.432);
  });

  it('has one test per counted check (skipped ones and non-strict SHOULD ones left out), tagged with the family', () => {
    const counted = allChecks.filter((c) => c.verdict !== 'skip' && c.level === 'MUST');
    expect(r.tests.map((t) => t.name)).toEqual(counted.map((c) => c.id));
    expect(r.tests.map((t) => t.tags)).toEqual(counted.map((c) => [c.family]));
  });

  it('scores each test with the points it earned; they sum to the score, and the maxima to the maximum', () => {
    expect(r.score).toBe(g.score.points);
    expect(r.tests.reduce((s, t) => s + t.score, 0)).toBe(r.score);
    expect(r.tests.reduce((s, t) => s + t.max_score, 0)).toBe(g.score.max);
    expect(r.tests.filter((t) => t.status === 'passed').map((t) => t.name)).toEqual(['baseline.valid-request-answered', 'robustness.survives-empty-request']);
    for (const t of r.tests) expect(t.status === 'passed').toBe(t.score === t.max_score);
  });

  it('scales to maxScore in hundredths that add up exactly', () => {
    const s = toGradescope(g, { maxScore: 100 });
    expect(cents(s.tests.map((t) => t.max_score))).toBe(10000);
    expect(cents(s.tests.map((t) => t.score))).toBe(Math.round(s.score * 100));
    expect(s.score).toBe(20);
    const thirds = toGradescope(grade('b', allChecks.slice(0, 3)), { maxScore: 10 });
    expect(thirds.tests.map((t) => t.max_score)).toEqual([3.34, 3.33, 3.33]);
    expect(thirds.score).toBe(6.67);
    expect(cents(thirds.tests.map((t) => t.score))).toBe(667);
  });

  it('counts SHOULD checks in a strict run (a warning then fails its test)', () => {
    const strict = grade('s', allChecks, { run: runResult(allChecks, { strict: true }) });
    const t = toGradescope(strict).tests.find((x) => x.name === 'wire.date-header')!;
    expect(t).toMatchObject({ score: 0, max_score: 1, status: 'failed' });
    expect(fenced(t.output)).toMatch(/^warning: no Date header/);
  });

  it('gives a failed test the requirement, expected vs actual, request bytes and replay, as plain text in one fenced block', () => {
    const out = fenced(r.tests.find((t) => t.name === hostileFailCheck.id)!.output);
    expect(out).toContain(hostileFailCheck.requirement);
    expect(out).toContain('expected: 400 or the connection closed without a response');
    expect(out).toContain('actual:   200 OK <script>\\x01');
    expect(out).toContain('request:  GET /<script>alert(1)</script>\\x00x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
    expect(out).toContain("replay:   (printf 'GET /<script>alert(1)</script>\\000x");
    expect(out).toContain('rerun:    wiregrade fuzz');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]|\x1b\[/);
  });

  it('says why a blocked or errored test scored nothing', () => {
    expect(r.tests.find((t) => t.name === 'store.put-creates')!.output).toBe('```text\n[MUST] requirement of store.put-creates\nnot run: the baseline request (baseline.valid-request-answered) failed\n```');
    const own = toGradescope(grade('x', [{ ...allChecks[7]!, reason: 'the record could not be created', cause: undefined }]));
    expect(own.tests[0]!.output).toContain('\nnot run: the record could not be created');
    expect(r.tests.find((t) => t.name === 'wire.broken-check')!.output).toContain('the grader could not run this check: the check itself failed: boom');
  });

  it('opens the output with the score table and the run notes in Markdown, and lists warnings that do not count', () => {
    const d = toGradescope(diedTwice());
    expect(d.output.split('\n')[0]).toBe('dave: **2 / 10 points (20.0%)**');
    expect(d.output).toContain('| family | passed | points | % |');
    expect(d.output).toContain('the server died 3 times and was restarted 2 times');
    expect(d.output).toContain('Warnings (1), not counted in the score:\n\n- `wire.date-header`: no Date header');
  });

  it('sets the visibility of every check, the default and stdout; a launch failure stays visible', () => {
    const h = toGradescope(g, { visibility: 'after_due_date' });
    expect(h.visibility).toBe('after_due_date');
    expect(h.stdout_visibility).toBe('after_due_date');
    expect(h.tests.every((t) => t.visibility === 'after_due_date')).toBe(true);
    const c = toGradescope(crashedAtStart(), { visibility: 'hidden' });
    expect(c.tests[0]).toMatchObject({ name: 'launch', visibility: 'visible' });
  });

  it('fences server text with a fence longer than any backtick run in it', () => {
    const sneaky = grade('m', [{ ...hostileFailCheck, actual: '200 OK ```` </pre> **bold**' }]);
    const out = toGradescope(sneaky).tests[0]!.output;
    expect(out.startsWith('`````text\n')).toBe(true);
    expect(fenced(out)).toContain('200 OK ```` </pre> **bold**');
  });

  it('adds a launch test worth nothing when the server did not start', () => {
    const c = toGradescope(crashedAtStart());
    expect(c.score).toBe(0);
    expect(c.tests).toHaveLength(1);
    expect(Object.keys(c.tests[0]!).sort()).toEqual(TEST_KEYS.filter((k) => k !== 'tags'));
    expect(c.tests[0]).toMatchObject({ name: 'launch', score: 0, max_score: 0, status: 'failed' });
    expect(fenced(c.tests[0]!.output)).toContain('the server exited before listening (exit code 1)');
    expect(c.tests[0]!.output).toContain('OSError: [Errno 98] Address already in use');
    expect(toGradescope(crashedAtStart(), { maxScore: 50 })).toMatchObject({ score: 0 });
  });
});

/** Whether `x` is a whole number of hundredths (as a double can hold it: 0.07 is, 0.041 is not). */
function inHundredths(x: number): boolean {
  return Math.abs(x * 100 - Math.round(x * 100)) < 1e-6 && Math.round(x * 100) / 100 === x;
}

describe('Gradescope totals add up (issue 20)', () => {
  // 166 checks over the four areas of a weighted (course) score, a quarter failed, odd weights.
  const families = ['store', 'robustness', 'security', 'status', 'framing', 'wire'] as const;
  const many: CheckResult[] = Array.from({ length: 166 }, (_, i) => {
    const c = i % 4 === 1 ? failCheck : passCheck;
    return { ...c, id: `${families[i % families.length]}.c${i}`, family: families[i % families.length]!, weight: 1 + (i % 3) };
  });
  const weighted = grade('w', many, { run: runResult(many, { weights: COURSE_WEIGHTS }) });

  it.each([50, 100, 7, 33.33])('with weights, --max-score %s: maxima and scores in hundredths, summing exactly; one score everywhere', (maxScore) => {
    const r = toGradescope(weighted, { maxScore });
    expect(r.tests).toHaveLength(166);
    for (const t of r.tests) {
      expect(inHundredths(t.max_score), `${t.name} max ${t.max_score}`).toBe(true);
      expect(inHundredths(t.score), `${t.name} score ${t.score}`).toBe(true);
      expect(t.score === t.max_score || t.score === 0).toBe(true);
    }
    expect(cents(r.tests.map((t) => t.max_score))).toBe(Math.round(maxScore * 100));
    expect(cents(r.tests.map((t) => t.score))).toBe(Math.round(r.score * 100));
    expect(inHundredths(r.score)).toBe(true);
    // The grade's own score (out of 100), scaled: the same number in the output as in `score`.
    const scaled = Math.round(((maxScore * weighted.score.points) / weighted.score.max) * 100) / 100;
    expect(r.score).toBe(scaled);
    if (maxScore !== 100) expect(r.output.split('\n')[0]).toBe(`**Score on Gradescope: ${scaled} / ${maxScore}** (${((100 * scaled) / maxScore).toFixed(1)}%): the ${weighted.score.points} / 100 points below, scaled to ${maxScore}`);
    else expect(r.output).not.toContain('Score on Gradescope');
    // A failed check scores nothing, a passed one its whole maximum.
    for (const [i, t] of r.tests.entries()) {
      expect(t.score).toBe(many[i]!.verdict === 'fail' ? 0 : t.max_score);
      expect(t.status).toBe(many[i]!.verdict === 'fail' ? 'failed' : 'passed');
    }
  });

  it('without --max-score: the checks\' own points, their sum the score', () => {
    const plain = grade('p', many);
    const r = toGradescope(plain);
    expect(r.tests.map((t) => t.max_score)).toEqual(many.map((c) => c.weight));
    expect(r.score).toBe(plain.score.points);
    expect(cents(r.tests.map((t) => t.score))).toBe(Math.round(plain.score.points * 100));
    expect(cents(r.tests.map((t) => t.max_score))).toBe(Math.round(plain.score.max * 100));
    expect(r.output).not.toContain('Score on Gradescope');
  });
});

