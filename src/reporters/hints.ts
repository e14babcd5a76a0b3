/**
 * Advice printed after a fuzz report of a --target: what the run spent waiting, one check at a time, on a
 * server that leaves requests unanswered, and the faster way (`fuzz --cmd`, which waits for such silences
 * side by side and goes on after a crash). Pure: returns the sentence or null.
 */
import type { RunResult } from '../runner/types.js';

/** At least this many checks waiting on a silence, together at least this long, before the advice is worth a line. */
export const SILENCE_HINT_CHECKS = 5;
export const SILENCE_HINT_MS = 15_000;

/** The checks that waited for an answer that never came whole (an exchange that ended on its deadline), and their time. */
export function silenceWaits(result: Pick<RunResult, 'checks'>): { checks: number; ms: number } {
  let checks = 0;
  let ms = 0;
  for (const c of result.checks) {
    if (!c.exchanges?.some((x) => x.kind === 'timeout')) continue;
    checks++;
    ms += c.durationMs;
  }
  return { checks, ms };
}

/**
 * The advice for a --target run that waited long on silences one after another, or null. A run whose
 * silences were waited side by side (RunResult.sideBySide: `waits-side-by-side`, not fallen back) gets none:
 * its checks' times overlap, and --cmd would wait the same way.
 */
export function silenceHint(result: Pick<RunResult, 'checks' | 'durationMs' | 'sideBySide'>): string | null {
  if (result.sideBySide?.mode === 'waits-side-by-side' && result.sideBySide.fellBack === undefined) return null;
  const w = silenceWaits(result);
  if (w.checks < SILENCE_HINT_CHECKS || w.ms < SILENCE_HINT_MS) return null;
  return `${w.checks} checks waited on answers that never came, ${Math.round(w.ms / 1000)} s of this run's ${Math.round(result.durationMs / 1000)} s, one after another. Let wiregrade start your server instead of --target (e.g. --cmd 'python3 server.py {port}' --cwd DIR): it waits for such silences side by side when the server serves several clients, and goes on after a crash (docs/fuzzing.md).`;
}
