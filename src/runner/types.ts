import type { Exchange } from '../client/exchange.js';
import type { Family, Level, SentRequest, Verdict } from '../checks/types.js';
import type { Endpoint } from '../wire/types.js';

export interface CheckResult {
  id: string;
  family: Family;
  level: Level;
  requirement: string;
  cite?: string;
  verdict: Verdict;
  /** How many cases the check ran (1 for a deterministic check). */
  runs: number;
  failures: number;
  durationMs: number;
  reason: string;
  expected: string[];
  actual: string;
  request?: SentRequest;
  setup?: SentRequest[];
  /** For property-based checks: how to replay the failing case exactly. */
  property?: { seed: number; path: string; shrinks: number };
  /** Kept for checks that did not pass, so a report can show the bytes both ways. */
  exchanges?: Exchange[];
}

export interface RunResult {
  target: Endpoint;
  profile: string;
  seed: number;
  strict: boolean;
  startedAt: string;
  durationMs: number;
  /** No TCP connection could be made before the first check. */
  unreachable?: string;
  /** Set when the server stopped answering and the run stopped sending hostile input. */
  stopped?: { afterCheck: string; reason: string };
  checks: CheckResult[];
}

export type RunEvent =
  | { type: 'start'; total: number }
  | { type: 'check-start'; id: string; index: number }
  | { type: 'check-end'; result: CheckResult; index: number }
  | { type: 'server-down'; afterCheck: string; restarted: boolean };

export function countVerdicts(checks: readonly CheckResult[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { pass: 0, fail: 0, warn: 0, blocked: 0, skip: 0, error: 0 };
  for (const r of checks) c[r.verdict]++;
  return c;
}
