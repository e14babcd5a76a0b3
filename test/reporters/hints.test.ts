import { describe, expect, it } from 'vitest';
import { SILENCE_HINT_CHECKS, SILENCE_HINT_MS, silenceHint, silenceWaits } from '../../src/reporters/hints.js';
import type { CheckResult } from '../../src/runner/types.js';
import { exchangeReceiving, passCheck } from './fixtures.js';

/** `n` checks of `ms` each whose exchange ended on its deadline (`timeout`), or was answered (`response`). */
function checks(n: number, ms: number, kind: 'timeout' | 'response'): CheckResult[] {
  return Array.from({ length: n }, (_, i) => ({ ...passCheck, id: `x.check-${kind}-${i}`, verdict: 'fail' as const, durationMs: ms, exchanges: [exchangeReceiving('', kind)] }));
}

describe('silenceHint: the advice after a --target run that waited long on silences', () => {
  it('counts only the checks with an exchange that ended on its deadline, and their time', () => {
    expect(silenceWaits({ checks: [...checks(3, 2000, 'timeout'), ...checks(4, 9000, 'response'), passCheck] })).toEqual({ checks: 3, ms: 6000 });
  });

  it('speaks once enough checks waited long enough, and names --cmd', () => {
    const many = checks(SILENCE_HINT_CHECKS, Math.ceil(SILENCE_HINT_MS / SILENCE_HINT_CHECKS), 'timeout');
    const hint = silenceHint({ checks: many, durationMs: 75_000 });
    expect(hint).toMatch(/^5 checks waited on answers that never came, 15 s of this run's 75 s, one after another\. Let wiregrade start your server instead of --target \(e\.g\. --cmd 'python3 server\.py \{port\}' --cwd DIR\)/);
  });

  it('is silent for a run that did not wait much: too few checks, too little time, or answers that came', () => {
    expect(silenceHint({ checks: checks(SILENCE_HINT_CHECKS - 1, 60_000, 'timeout'), durationMs: 240_000 })).toBeNull();
    expect(silenceHint({ checks: checks(40, 100, 'timeout'), durationMs: 20_000 })).toBeNull();
    expect(silenceHint({ checks: checks(40, 2000, 'response'), durationMs: 80_000 })).toBeNull();
  });

  it('is silent for a run whose silences were waited side by side, and speaks again when that fell back', () => {
    const many = checks(40, 2000, 'timeout');
    const side = { mode: 'waits-side-by-side' as const, ran: 200, batches: 6, peak: 8 };
    expect(silenceHint({ checks: many, durationMs: 30_000, sideBySide: side })).toBeNull();
    expect(silenceHint({ checks: many, durationMs: 80_000, sideBySide: { ...side, fellBack: { after: 'framing.x', why: 'hung' } } })).toMatch(/^40 checks waited/);
  });
});
