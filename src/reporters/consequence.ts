/**
 * Failures in the order of their consequence, so what matters is read first: a check after which the
 * server died or hung, then security findings (the `security.*` canary checks: a file read or written
 * outside the server's folder, a shell command run; a path that escapes the store, framing a proxy would
 * read differently — request smuggling), then a denial of service (one idle or slow client blocks
 * everyone), then the framing of messages (a request split across reads, a body read as the next
 * request: every client of a keep-alive connection can get another's answer), then other broken MUSTs
 * (Host details, status codes), then the rest (SHOULDs in a strict run, errors). Within a rank, the
 * run's own order. Derived from data every run has: the deaths of a grade (their `chargedTo`), the
 * runner's causes, the check after which a run stopped, and each check's level, verdict and the impact
 * its declaration gives it (`Check.impact`, data on the check: no list of ids here).
 */
import type { CheckResult, RunResult } from '../runner/types.js';

export type Consequence = 'server-down' | 'security' | 'denial-of-service' | 'desync' | 'must' | 'other';

/** What a consequence is, in the words a report's section heading uses. */
export const CONSEQUENCE_TITLES: Readonly<Record<Consequence, string>> = {
  'server-down': 'the server died or hung',
  security: 'security',
  'denial-of-service': 'denial of service',
  desync: 'message framing',
  must: 'broken MUSTs',
  other: 'other',
};

/** The order of the consequences: the first is read first. */
export const CONSEQUENCE_ORDER: readonly Consequence[] = ['server-down', 'security', 'denial-of-service', 'desync', 'must', 'other'];

const RANK = new Map(CONSEQUENCE_ORDER.map((c, i) => [c, i]));

/** The checks charged with the server dying, hanging or stopping to answer (the runner's causes say which). */
export function serverDownAfter(run: Pick<RunResult, 'stopped'> & Partial<Pick<RunResult, 'checks'>>, deaths: ReadonlyArray<{ chargedTo: string }> = []): Set<string> {
  const ids = new Set(deaths.map((d) => d.chargedTo));
  for (const c of run.checks ?? []) if (c.cause?.kind === 'died' || c.cause?.kind === 'exits-after-serving') ids.add(c.id);
  if (run.stopped) ids.add(run.stopped.afterCheck);
  return ids;
}

/**
 * The consequence of a result: the server went down after it; else, for a failure, the impact its check
 * declares (src/checks/types.ts, `Impact`): `security` at any level, `denial-of-service` and `desync`
 * for a failed MUST (a SHOULD broken in a strict run stays with the rest); else a broken MUST, or other.
 */
export function consequenceOf(c: Pick<CheckResult, 'id' | 'level' | 'verdict' | 'impact'>, down: ReadonlySet<string>): Consequence {
  if (down.has(c.id)) return 'server-down';
  if (c.verdict !== 'fail') return 'other';
  if (c.impact === 'security') return 'security';
  if (c.level !== 'MUST') return 'other';
  return c.impact ?? 'must';
}

/** `checks` sorted by consequence (a stable sort: the run's order within a rank). */
export function byConsequence<C extends Pick<CheckResult, 'id' | 'level' | 'verdict' | 'impact'>>(checks: readonly C[], down: ReadonlySet<string>): C[] {
  return checks
    .map((c, i) => ({ c, i, r: RANK.get(consequenceOf(c, down))! }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
