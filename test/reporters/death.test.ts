import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/runner/types.js';
import { deathHeadline } from '../../src/reporters/causes.js';
import { toGradescope } from '../../src/reporters/gradescope.js';
import { renderHtmlReport } from '../../src/reporters/html.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { toJUnit } from '../../src/reporters/junit.js';
import { renderMarkdownGrade } from '../../src/reporters/markdown.js';
import { failureLine, renderFailure, renderText } from '../../src/reporters/text.js';
import { palette } from '../../src/reporters/ansi.js';
import { failCheck, passCheck, runResult, sent } from './fixtures.js';
import { grade } from './grade-fixtures.js';

/**
 * Issue 20 item 5: a death is not a pass that failed. A check after which the server died says so on
 * its first line, in every reporter, in the same words (reporters/causes.ts phrases it once).
 */

const died: CheckResult = {
  ...failCheck,
  id: 'status.header.bare-lf-line-ends-accepted',
  level: 'MAY',
  requirement: 'A request whose lines end in a bare LF is answered or refused.',
  expected: ['200', '400', 'the connection closed'],
  actual: 'the connection closed',
  request: sent('GET / HTTP/1.1\nHost: x\n\n'),
  cite: 'RFC 9112 §2.2',
  cause: { kind: 'died', down: { kind: 'exited', code: 1, signal: null }, restarted: true },
};
const HEADLINE = 'the server exited (code 1) after this request';
const run = runResult([passCheck, died]);
const g = grade('eve', [passCheck, died], { run });

describe('a death on the first line', () => {
  it('is phrased once, for each way a server goes', () => {
    expect(deathHeadline(died)).toBe(HEADLINE);
    expect(deathHeadline({ cause: { kind: 'died', down: { kind: 'exited', code: null, signal: 'SIGSEGV' }, restarted: false } })).toBe('the server exited (signal SIGSEGV) after this request');
    expect(deathHeadline({ cause: { kind: 'died', down: { kind: 'hung' }, restarted: false } })).toMatch(/^the server hung after this request/);
    expect(deathHeadline({ cause: { kind: 'died', down: { kind: 'refused' }, restarted: false } })).toBe('the server stopped accepting connections after this request');
    expect(deathHeadline({ cause: { kind: 'died', down: { kind: 'stopped-listening' }, restarted: false } })).toMatch(/^the server stopped listening after this request/);
    expect(deathHeadline({ cause: { kind: 'exits-after-serving', times: 3, firstAfter: 'baseline.x', down: { kind: 'exited', code: 0, signal: null } } })).toBe(
      'the server exited (code 0) after answering a client correctly (3 times, first after baseline.x)',
    );
    expect(deathHeadline(failCheck)).toBeNull();
  });

  it('text: the full block and the one-line form', () => {
    const p = palette(false);
    expect(renderFailure(run, died, p).split('\n')[0]).toBe(`✗ ${died.id} [MAY] ${HEADLINE} — ${died.requirement} (RFC 9112 §2.2)`);
    expect(failureLine(died, p)).toBe(`✗ ${died.id} [MAY] ${HEADLINE}`);
    // In the list, first: not only in a footer.
    const t = renderText(runResult([{ ...failCheck }, died]), { color: false });
    expect([...t.matchAll(/^✗ (\S+)/gm)].map((m) => m[1])).toEqual([died.id, failCheck.id]);
    expect(renderFailure(run, failCheck, p).split('\n')[0]).not.toContain('the server');
  });

  it('Markdown, HTML, JUnit, JSON and Gradescope', () => {
    expect(renderMarkdownGrade(g)).toContain(`**\`${died.id}\`** \\[MAY\\] **${HEADLINE}** — `);
    expect(renderHtmlReport(g)).toContain(`<span class="tag fail">fail</span> <code>${died.id}</code> — ${HEADLINE}</h3>`);
    const junit = toJUnit([g]);
    expect(junit).toContain(`<failure message="${HEADLINE} (it was started again)`);
    expect(junit).toContain(`>✗ ${died.id} [MAY] ${HEADLINE} — `);
    const json = toJsonReport(run).checks.find((c) => c.id === died.id)!;
    expect(json.reason!.startsWith(HEADLINE)).toBe(true);
    // A MAY check does not count in Gradescope; the same check as a MUST does, and its output opens with the death.
    const must = grade('eve', [passCheck, { ...died, level: 'MUST' }]);
    const test = toGradescope(must).tests.find((t) => t.name === died.id)!;
    expect(test.output.split('\n')[1]).toBe(`✗ ${died.id} [MUST] ${HEADLINE} — ${died.requirement} (RFC 9112 §2.2)`);
  });

  it('fuzz: a corpus entry replayed first that took the server down is in the list, first, not only in the corpus section', () => {
    const r = runResult([{ ...failCheck }], {
      corpus: {
        dir: 'corpus',
        replayed: [{ file: 'corpus/status.header.no-colon-is-400/ab12.json', check: 'status.header.no-colon-is-400', verdict: 'FAILED', reason: '', durationMs: 4, cause: { kind: 'died', down: { kind: 'refused' }, restarted: false } }],
        problems: [],
        notSelected: 0,
        added: [],
      },
    });
    const t = renderText(r, { color: false });
    expect(t).toContain('Failures (2), most serious first:');
    expect([...t.matchAll(/^✗ (\S+)/gm)].map((m) => m[1])).toEqual(['status.header.no-colon-is-400', failCheck.id]);
    expect(t).toContain('✗ status.header.no-colon-is-400 [corpus] the server stopped accepting connections after this request — the regression corpus entry corpus/status.header.no-colon-is-400/ab12.json, replayed first');
    expect(t).toContain('  replay:   wiregrade replay corpus/status.header.no-colon-is-400/ab12.json --target 127.0.0.1:8080');
    expect(t).toContain('1 failing entry of checks listed above as failures (not repeated)');
    expect(t).not.toMatch(/^FAILED /m);
  });
});
