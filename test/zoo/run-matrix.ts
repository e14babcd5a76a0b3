import { allChecks } from '../../src/checks/catalogue/index.js';
import { anyProfile, referenceProfile } from '../../src/model/builtin-profiles.js';
import { runSession, type SessionResult } from '../../src/runner/session.js';
import type { RunEvent, RunResult } from '../../src/runner/types.js';
import { DEFAULT_RUNS } from '../../src/cli/fuzz.js';
import { allProperties } from '../../properties/index.js';
import { startZoo } from '../helpers/zoo.js';
import { zooServer } from './manifest.js';
import { INTENDED_PROPERTIES } from './intended.js';

/** The matrix's settings: the seed is fixed so the property cases are the same on every run. */
export const MATRIX_SEED = 1;
export const MATRIX_TIMEOUT_MS = 1000;

/**
 * Runs one zoo server through the deterministic catalogue and its intended properties (all of them,
 * for a correct server), as `wiregrade fuzz` would, and returns the run. `onEvent` sees its progress
 * (the bench times the first failure by it).
 */
export async function runMatrixRow(slug: string, onEvent?: (e: RunEvent) => void): Promise<SessionResult> {
  const z = await startZoo(slug);
  try {
    const { kind, profile } = zooServer(slug);
    const wanted = INTENDED_PROPERTIES[slug] ?? [];
    const properties = kind === 'correct' ? allProperties : allProperties.filter((p) => wanted.includes(p.id));
    return await runSession({
      target: { host: z.host, port: z.port },
      profile: profile === 'any' ? anyProfile() : referenceProfile,
      checks: allChecks,
      properties,
      timeoutMs: MATRIX_TIMEOUT_MS,
      seed: MATRIX_SEED,
      runs: kind === 'correct' ? 10 : DEFAULT_RUNS,
      ...(onEvent ? { onEvent } : {}),
    });
  } finally {
    await z.stop();
  }
}

/** The ids a run failed (or errored on): what the matrix compares with a server's expectFailing. */
export function failingIds(r: RunResult): string[] {
  return r.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error').map((c) => c.id).sort();
}
