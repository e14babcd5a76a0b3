/**
 * A run that owned its server (fuzz --cmd, the bundled server under fuzz, grade) says how its checks ran:
 * side by side and how wide, or one at a time and why. The grade reports say it in their notes
 * (grade-table.test.ts); the text report of `fuzz` says it too, in one dim line.
 */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/reporters/text.js';
import { passCheck, runResult } from './fixtures.js';

describe('how the checks ran, in the text report of a run that owned its server (fuzz --cmd, the bundled server)', () => {
  it('says side by side and how wide, or one at a time and why; nothing for a run that says nothing of it', () => {
    const side = renderText(runResult([passCheck], { sideBySide: { mode: 'side-by-side', width: 16, ran: 238, batches: 7 } }), { color: false });
    expect(side).toContain('checks side by side: 238 in 7 batches, up to 16 at once (the server answered a client while 16 others stalled); --serial runs one at a time');
    expect(renderText(runResult([passCheck], { sideBySide: { mode: 'serial', why: 'asked' } }), { color: false })).toContain('one check at a time (--serial)');
    expect(renderText(runResult([passCheck]), { color: false })).not.toMatch(/side by side|one check at a time/);
  });

  it('against a --target: the waits side by side and how many at once, or one at a time and which check did not show it', () => {
    const waits = renderText(runResult([passCheck], { sideBySide: { mode: 'waits-side-by-side', ran: 238, batches: 8, peak: 15 } }), { color: false });
    expect(waits).toContain('silences waited side by side: 238 checks in 8 batches, up to 15 requests waiting at once, every request sent and every connection closed one check at a time; --serial runs one at a time');
    const back = renderText(runResult([passCheck], { sideBySide: { mode: 'waits-side-by-side', ran: 30, batches: 2, peak: 4, fellBack: { after: 'framing.x', why: 'hung' } } }), { color: false });
    expect(back).toContain('; one at a time from framing.x on, where the server stopped answering while requests waited;');
    const failed = renderText(runResult([passCheck], { sideBySide: { mode: 'serial', why: 'not-shown', check: 'robustness.slow-client.does-not-block-others', verdict: 'fail' } }), { color: false });
    expect(failed).toContain('one check at a time: robustness.slow-client.does-not-block-others did not pass (fail), so the server was not seen answering a client while another waits');
    const absent = renderText(runResult([passCheck], { sideBySide: { mode: 'serial', why: 'not-shown', check: 'robustness.slow-client.does-not-block-others' } }), { color: false });
    expect(absent).toContain('did not run, so the server was not seen answering a client while another waits (with it in --checks, the waits for unanswered requests overlap)');
  });
});
