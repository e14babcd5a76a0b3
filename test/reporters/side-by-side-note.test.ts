/**
 * A run that owned its server (fuzz --cmd, the bundled server under fuzz, grade) says how its checks ran:
 * side by side and how wide, or one at a time and why. The grade reports say it in their notes
 * (grade-table.test.ts); the text report of `fuzz` says it too, in one dim line.
 */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/reporters/text.js';
import { passCheck, runResult } from './fixtures.js';

describe('how the checks ran, in the text report of a run that owned its server (fuzz --cmd, the bundled server)', () => {
  it('says side by side and how wide, or one at a time and why; nothing for a --target', () => {
    const side = renderText(runResult([passCheck], { sideBySide: { mode: 'side-by-side', width: 16, ran: 238, batches: 7 } }), { color: false });
    expect(side).toContain('checks side by side: 238 in 7 batches, up to 16 at once (the server answered a client while 16 others stalled); --serial runs one at a time');
    expect(renderText(runResult([passCheck], { sideBySide: { mode: 'serial', why: 'asked' } }), { color: false })).toContain('one check at a time (--serial)');
    expect(renderText(runResult([passCheck]), { color: false })).not.toMatch(/side by side|one check at a time/);
  });
});
