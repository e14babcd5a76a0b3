/**
 * Under `any`, "served" is the server's own answer to the known path (issue 20): every report says what
 * that answer was, and for a 4xx how to name a path the server serves, in one sentence.
 */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/reporters/text.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { judgedByLine } from '../../src/reporters/grading.js';
import type { RunResult } from '../../src/runner/types.js';
import { passCheck, runResult } from './fixtures.js';

function run(status?: number): RunResult {
  return runResult([passCheck], { profile: 'any', ...(status !== undefined ? { baselineAnswer: { method: 'GET', target: '/', status } } : {}) });
}

describe('the baseline answer "served" was judged by', () => {
  it('is named in the text report, the grade line and the JSON', () => {
    const text = renderText(run(300), { color: false });
    expect(text).toContain('GET / answered 300: a request is judged "served" when it is answered 300 as GET / was');
    expect(judgedByLine({ run: run(300) })).toContain('GET / answered 300');
    expect(toJsonReport(run(300)).baselineAnswer).toMatchObject({ status: 300, reason: expect.stringContaining('answered 300') });
  });

  it('suggests --path when the known path answers 4xx', () => {
    expect(renderText(run(404), { color: false })).toMatch(/GET \/ answered 404: .* name it with --path/);
  });

  it('says nothing when the server answered the profile\'s own default', () => {
    expect(renderText(run(), { color: false })).not.toContain('judged "served"');
    expect(toJsonReport(run()).baselineAnswer).toBeUndefined();
  });
});
