/** The one place the CLI gets its checks and properties from. */
import type { Check } from '../checks/types.js';
import type { PropertyDef } from '../checks/property.js';
import { allChecks } from '../checks/catalogue/index.js';
import { BASELINE_ID } from '../checks/catalogue/baseline.js';
import { allProperties } from '../../properties/index.js';
import { UsageError } from './io.js';

export { BASELINE_ID };

export function catalogue(): readonly Check[] {
  return allChecks;
}

export function properties(): readonly PropertyDef<any>[] {
  return allProperties;
}

/** Everything `wiregrade list` shows: the deterministic checks, then the properties. */
export function everything(): ReadonlyArray<Check | PropertyDef<any>> {
  return [...allChecks, ...allProperties];
}

/**
 * The checks and properties whose id starts with one of `prefixes` (all of them when there are none).
 * The baseline is always included: the runner needs it to tell "the server does not work at all"
 * (everything blocked) from many separate failures. A prefix that matches nothing is a UsageError.
 */
export function selectChecks<C extends Check, P extends PropertyDef<any>>(
  checks: readonly C[],
  prefixes: readonly string[],
  props: readonly P[] = [],
): { checks: C[]; properties: P[] } {
  if (prefixes.length === 0) return { checks: [...checks], properties: [...props] };
  for (const p of prefixes) {
    if (!checks.some((c) => c.id.startsWith(p)) && !props.some((c) => c.id.startsWith(p))) {
      throw new UsageError(`--checks '${p}' matches no check id (see wiregrade list)`);
    }
  }
  const hit = (id: string) => prefixes.some((p) => id.startsWith(p));
  return { checks: checks.filter((c) => c.id === BASELINE_ID || hit(c.id)), properties: props.filter((p) => hit(p.id)) };
}
