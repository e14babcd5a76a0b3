/**
 * Failures in the order of their consequence, so what matters is read first: a check after which the
 * server died or hung, then security findings (the `security.*` canary checks: a file read or written
 * outside the server's folder, a shell command run; a path that escapes the store, framing a proxy would read
 * differently — request smuggling), then broken MUSTs, then the rest (SHOULDs in a strict run, errors).
 * Within a rank, the run's own order. Derived from data every run has: the deaths of a grade (their
 * `afterCheck`), the check after which a run stopped, and each check's level and verdict.
 */
import type { CheckResult, RunResult } from '../runner/types.js';

/** Check-id prefixes whose failure is a security finding. */
export const SECURITY_PREFIXES: readonly string[] = [
  'security.',
  'status.target.dot-dot-',
  'status.target.percent-nul-',
  'framing.content-length.conflicting',
  'framing.transfer-encoding.with-content-length',
  'status.header.bare-cr-',
  'status.header.nul-in-value',
  'status.header.obs-fold',
  'status.header.duplicate-host',
];

export type Consequence = 'server-down' | 'security' | 'must' | 'other';
const RANK: Record<Consequence, number> = { 'server-down': 0, security: 1, must: 2, other: 3 };

/** The checks charged with the server dying, hanging or stopping to answer (the runner's causes say which). */
export function serverDownAfter(run: Pick<RunResult, 'stopped'> & Partial<Pick<RunResult, 'checks'>>, deaths: ReadonlyArray<{ chargedTo: string }> = []): Set<string> {
  const ids = new Set(deaths.map((d) => d.chargedTo));
  for (const c of run.checks ?? []) if (c.cause?.kind === 'died' || c.cause?.kind === 'exits-after-serving') ids.add(c.id);
  if (run.stopped) ids.add(run.stopped.afterCheck);
  return ids;
}

export function consequenceOf(c: Pick<CheckResult, 'id' | 'level' | 'verdict'>, down: ReadonlySet<string>): Consequence {
  if (down.has(c.id)) return 'server-down';
  if (c.verdict === 'fail' && SECURITY_PREFIXES.some((p) => c.id.startsWith(p))) return 'security';
  if (c.verdict === 'fail' && c.level === 'MUST') return 'must';
  return 'other';
}

/** `checks` sorted by consequence (a stable sort: the run's order within a rank). */
export function byConsequence<C extends Pick<CheckResult, 'id' | 'level' | 'verdict'>>(checks: readonly C[], down: ReadonlySet<string>): C[] {
  return checks
    .map((c, i) => ({ c, i, r: RANK[consequenceOf(c, down)] }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
