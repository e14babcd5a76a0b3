import { renderCheckList, renderCheckListJson, renderCheckListVerbose } from '../reporters/list.js';
import { everything } from './catalogue.js';
import type { CliIO } from './io.js';

export interface ListFlags {
  json?: boolean;
  verbose?: boolean;
}

/**
 * `wiregrade list [PREFIX…] [--json | --verbose]`: every check (or those whose id starts with one of the
 * prefixes), one line each; exit 2 with a sentence when a prefix matches nothing.
 */
export function runList(prefixes: readonly string[], flags: ListFlags, io: CliIO): number {
  const all = everything();
  const checks = prefixes.length === 0 ? all : all.filter((c) => prefixes.some((p) => c.id.startsWith(p)));
  const unmatched = prefixes.filter((p) => !all.some((c) => c.id.startsWith(p)));
  if (unmatched.length > 0) {
    const families = [...new Set(all.map((c) => c.id.split('.')[0]!))].join(', ');
    io.err(`wiregrade: no check's id starts with ${unmatched.map((p) => `"${p}"`).join(' or ')} (ids start with ${families}; see wiregrade list)\n`);
    return 2;
  }
  if (flags.json) io.out(renderCheckListJson(checks));
  else io.out(flags.verbose ? renderCheckListVerbose(checks) : renderCheckList(checks));
  return 0;
}
