import type { Check } from '../types.js';
import { baselineChecks } from './baseline.js';
import { requestLineChecks } from './request-line.js';
import { headerChecks } from './headers.js';
import { framingChecks } from './framing.js';
import { statusChecks } from './status.js';

/** Every deterministic check, in the order they run (the baseline first). Ids are unique and stable. */
export const allChecks: Check[] = [...baselineChecks, ...requestLineChecks, ...headerChecks, ...framingChecks, ...statusChecks];

const seen = new Set<string>();
for (const c of allChecks) {
  if (seen.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
  seen.add(c.id);
}
