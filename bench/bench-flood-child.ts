/**
 * Child process of `npm run bench`: runs the deterministic catalogue against 127.0.0.1:PORT, as
 * `wiregrade fuzz --runs 0` would, and prints one JSON line on stdout with this process's peak memory
 * (VmHWM from /proc/self/status, and getrusage's maxRSS), so the grader's memory is measured apart from
 * the bench's own.
 *
 *   node bin/run-ts.js bench/bench-flood-child.ts PORT
 *   node bin/run-ts.js bench/bench-flood-child.ts --idle   the same process, modules loaded, nothing run
 */
import { blockWhy, phraseUnreachable } from '../src/reporters/causes.js';
import { readFileSync } from 'node:fs';
import { allChecks } from '../src/checks/catalogue/index.js';
import { DEFAULT_TIMEOUT_MS } from '../src/cli/defaults.js';
import { referenceProfile } from '../src/model/builtin-profiles.js';
import { runChecks } from '../src/runner/run-checks.js';
import { countVerdicts } from '../src/runner/types.js';

export interface FloodChildReport {
  port: number;
  durationMs: number;
  summary: Record<string, number>;
  stopped: string | null;
  /** Peak resident set size of this process, in KiB, from /proc/self/status (null where there is none). */
  vmHwmKiB: number | null;
  /** getrusage(RUSAGE_SELF).ru_maxrss, in KiB. */
  maxRssKiB: number;
}

function vmHwmKiB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const idle = process.argv[2] === '--idle';
const port = idle ? 0 : Number(process.argv[2]);
if (!idle && (!Number.isInteger(port) || port < 1 || port > 65535)) {
  process.stderr.write('usage: node bin/run-ts.js bench/bench-flood-child.ts PORT|--idle\n');
  process.exit(2);
}
const t0 = performance.now();
const result = idle ? null : await runChecks({ target: { host: '127.0.0.1', port }, checks: allChecks, profile: referenceProfile, timeoutMs: DEFAULT_TIMEOUT_MS, seed: 1 });
const report: FloodChildReport = {
  port,
  durationMs: Math.round(performance.now() - t0),
  summary: result ? countVerdicts(result.checks) : {},
  stopped: !result ? null : result.stopped ? `${blockWhy(result.stopped.cause)} (after ${result.stopped.afterCheck})` : result.unreachable ? phraseUnreachable(result.unreachable) : null,
  vmHwmKiB: vmHwmKiB(),
  maxRssKiB: process.resourceUsage().maxRSS,
};
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
