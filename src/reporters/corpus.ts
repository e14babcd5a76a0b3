import { reasonOf } from './causes.js';
import type { CorpusSummary } from '../runner/types.js';
import type { ReplayResult } from '../runner/replay-corpus.js';
import type { CorpusProblem } from '../corpus/store.js';
import type { Palette } from './ansi.js';
import type { Endpoint } from '../wire/types.js';
import { formatEndpoint, plural } from './format.js';
import { shellQuote } from './replay.js';

/**
 * One line per replayed entry: `FIXED   check-id   file  (12 ms)` and, when not fixed, why; with a
 * target, a failed entry also gets the command that replays its exact bytes (a death included).
 */
export function replayLines(results: readonly ReplayResult[], p: Palette, target?: Endpoint, others: (r: ReplayResult) => number = () => 0): string[] {
  const width = Math.max(0, ...results.map((r) => r.check.length));
  return results.map((r) => {
    const word = r.verdict === 'FIXED' ? p.green('FIXED ') : r.verdict === 'FAILED' ? p.red('FAILED') : p.yellow('ERROR ');
    const more = others(r) > 0 ? `; and ${plural(others(r), 'more entry', 'more entries')} of this check` : '';
    const line = `${word} ${r.check.padEnd(width)}  ${r.file}  (${r.durationMs} ms${more})`;
    if (r.verdict === 'FIXED') return line;
    const replay = target && r.verdict === 'FAILED' ? `\n       replay: wiregrade replay ${shellQuote(r.file)} --target ${formatEndpoint(target)}` : '';
    return `${line}\n       ${reasonOf(r)}${replay}`;
  });
}

export function problemLines(problems: readonly CorpusProblem[], p: Palette): string[] {
  return problems.map((x) => `${p.yellow('ERROR ')} ${x.file} ${x.problem}; skipped`);
}

export function countReplay(results: readonly ReplayResult[]): { fixed: number; failed: number; errors: number } {
  return {
    fixed: results.filter((r) => r.verdict === 'FIXED').length,
    failed: results.filter((r) => r.verdict === 'FAILED').length,
    errors: results.filter((r) => r.verdict === 'ERROR').length,
  };
}

/**
 * The corpus section of a fuzz report: what was replayed first, what could not be read, what was added.
 * Each entry is listed once: counted FIXED / FAILED; a failing entry gets details only when its check is
 * not already among the run's failures (`shown`), one line per check (its other entries counted).
 */
export function renderCorpusSection(c: CorpusSummary, p: Palette, target?: Endpoint, shown: ReadonlySet<string> = new Set()): string[] {
  const n = countReplay(c.replayed);
  const out = [
    p.bold(`Corpus ${c.dir}: replayed ${plural(c.replayed.length, 'entry', 'entries')} first: ${n.failed} FAILED (still failing), ${n.fixed} FIXED, ${n.errors + c.problems.length} ERROR`) +
      (c.notSelected > 0 ? `; ${c.notSelected} not for this profile or selection` : ''),
  ];
  const failing = c.replayed.filter((r) => r.verdict === 'FAILED');
  const alreadyShown = failing.filter((r) => shown.has(r.check));
  if (alreadyShown.length) out.push(`${plural(alreadyShown.length, 'failing entry', 'failing entries')} of checks listed above as failures (not repeated)`);
  // One line per check of the rest: its first entry in full, the others counted.
  const byCheck = new Map<string, ReplayResult[]>();
  for (const r of c.replayed) {
    if (r.verdict === 'FIXED' || (r.verdict === 'FAILED' && shown.has(r.check))) continue;
    const key = `${r.verdict} ${r.check}`;
    byCheck.set(key, [...(byCheck.get(key) ?? []), r]);
  }
  const groups = [...byCheck.values()];
  const othersOf = new Map(groups.map((g) => [g[0]!, g.length - 1]));
  out.push(...replayLines(groups.map((g) => g[0]!), p, target, (r) => othersOf.get(r) ?? 0));
  out.push(...problemLines(c.problems, p));
  // A few are named; many are counted (a failure shown in full names its own entry).
  if (c.added.length > 0 && c.added.length <= 3) out.push(`${plural(c.added.length, 'new failure')} saved: ${c.added.join(', ')}`);
  else if (c.added.length > 3) out.push(`${plural(c.added.length, 'new failure')} saved in ${c.dir}, one entry each`);
  return out;
}
