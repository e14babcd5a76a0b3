/**
 * Failures in the order of their consequence, so what matters is read first: a check after which the
 * server died or hung, then security findings (the `security.*` canary checks: a file read or written
 * outside the server's folder, a shell command run; a path that escapes the store, framing a proxy would
 * read differently — request smuggling), then a denial of service (one idle or slow client blocks
 * everyone), then the framing of messages (a request split across reads, a body read as the next
 * request: every client of a keep-alive connection can get another's answer), then other broken MUSTs
 * (Host details, status codes), then the rest (SHOULDs in a strict run, errors). Within a rank, the
 * run's own order. Derived from data every run has: the deaths of a grade (their `chargedTo`), the
 * runner's causes, the check after which a run stopped, and each check's id, level and verdict, read
 * against the table below (the one place that says which checks belong to which consequence).
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

/**
 * Check-id prefixes by consequence. `security` counts for a failure at any level; `denial-of-service`
 * and `desync` for a failed MUST (a SHOULD broken in a strict run stays with the rest).
 */
export const CONSEQUENCE_PREFIXES: Readonly<Record<'security' | 'denial-of-service' | 'desync', readonly string[]>> = {
  security: [
    'security.',
    'status.target.dot-dot-',
    'status.target.percent-nul-',
    'framing.content-length.conflicting',
    'framing.transfer-encoding.with-content-length',
    'framing.smuggling.',
    'status.header.bare-cr-',
    'status.header.nul-in-value',
    'status.header.obs-fold',
    'status.header.duplicate-host',
  ],
  'denial-of-service': ['robustness.idle-client.', 'robustness.slow-client.', 'robustness.prop.idle-connections', 'robustness.concurrency.'],
  desync: [
    'metamorphic.prop.split-invariance',
    'metamorphic.split.',
    'robustness.size.2kib-request-answered',
    'framing.',
    'connection.pipelining.',
    'metamorphic.prop.keep-alive-equivalence',
    'metamorphic.keep-alive.',
  ],
};

/** Check-id prefixes whose failure is a security finding. */
export const SECURITY_PREFIXES: readonly string[] = CONSEQUENCE_PREFIXES.security;

const RANK = new Map(CONSEQUENCE_ORDER.map((c, i) => [c, i]));

/** The checks charged with the server dying, hanging or stopping to answer (the runner's causes say which). */
export function serverDownAfter(run: Pick<RunResult, 'stopped'> & Partial<Pick<RunResult, 'checks'>>, deaths: ReadonlyArray<{ chargedTo: string }> = []): Set<string> {
  const ids = new Set(deaths.map((d) => d.chargedTo));
  for (const c of run.checks ?? []) if (c.cause?.kind === 'died' || c.cause?.kind === 'exits-after-serving') ids.add(c.id);
  if (run.stopped) ids.add(run.stopped.afterCheck);
  return ids;
}

const matches = (id: string, prefixes: readonly string[]): boolean => prefixes.some((p) => id.startsWith(p));

export function consequenceOf(c: Pick<CheckResult, 'id' | 'level' | 'verdict'>, down: ReadonlySet<string>): Consequence {
  if (down.has(c.id)) return 'server-down';
  if (c.verdict !== 'fail') return 'other';
  if (matches(c.id, CONSEQUENCE_PREFIXES.security)) return 'security';
  if (c.level !== 'MUST') return 'other';
  if (matches(c.id, CONSEQUENCE_PREFIXES['denial-of-service'])) return 'denial-of-service';
  if (matches(c.id, CONSEQUENCE_PREFIXES.desync)) return 'desync';
  return 'must';
}

/** `checks` sorted by consequence (a stable sort: the run's order within a rank). */
export function byConsequence<C extends Pick<CheckResult, 'id' | 'level' | 'verdict'>>(checks: readonly C[], down: ReadonlySet<string>): C[] {
  return checks
    .map((c, i) => ({ c, i, r: RANK.get(consequenceOf(c, down))! }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
