/** The one place the CLI gets its checks from. */
import type { Check } from '../checks/types.js';
import { allChecks } from '../checks/catalogue/index.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { UsageError } from './io.js';

export { BASELINE_ID };

export function catalogue(): readonly Check[] {
  return allChecks;
}

/**
 * The checks whose id starts with one of `prefixes` (all of them when there are none). The baseline is
 * always included when it is in the catalogue: the runner needs it to tell "the server does not work at
 * all" (everything blocked) from many separate failures. A prefix that matches nothing is a UsageError.
 */
export function selectChecks(checks: readonly Check[], prefixes: readonly string[]): Check[] {
  if (prefixes.length === 0) return [...checks];
  for (const p of prefixes) {
    if (!checks.some((c) => c.id.startsWith(p))) {
      throw new UsageError(`--checks '${p}' matches no check id (see wiregrade list)`);
    }
  }
  return checks.filter((c) => c.id === BASELINE_ID || prefixes.some((p) => c.id.startsWith(p)));
}
