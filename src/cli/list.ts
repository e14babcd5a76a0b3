import { renderCheckList, renderCheckListJson } from '../reporters/list.js';
import { everything } from './catalogue.js';
import type { CliIO } from './io.js';

/** `wiregrade list [--json]`. */
export function runList(flags: { json?: boolean }, io: CliIO): number {
  const checks = everything();
  io.out(flags.json ? renderCheckListJson(checks) : renderCheckList(checks, { width: io.columns ?? 120 }));
  return 0;
}
