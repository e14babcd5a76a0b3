import { detectProfile } from '../runner/detect.js';
import { renderDetection } from '../reporters/detect.js';
import { parseInteger, parseTarget } from './args.js';
import { DEFAULT_TIMEOUT_MS } from './defaults.js';
import { UsageError, type CliIO } from './io.js';

export interface DetectFlags {
  target?: string;
  timeoutMs?: string;
  json?: boolean;
}

/**
 * `wiregrade detect --target H:P`: which built-in profile fits the server. Exit 0 when one does, 1 when
 * none does (`any`), 3 when nothing answered.
 */
export async function runDetect(flags: DetectFlags, io: CliIO): Promise<number> {
  if (flags.target === undefined) throw new UsageError('detect needs --target HOST:PORT (the server to look at)');
  const target = parseTarget(flags.target);
  const timeoutMs = parseInteger('--timeout-ms', flags.timeoutMs ?? String(DEFAULT_TIMEOUT_MS), 1, 600_000);
  const d = await detectProfile(target, timeoutMs);
  io.out(flags.json ? JSON.stringify({ target: flags.target, profile: d.profile, unanswered: d.unanswered, sameForEveryPath: d.sameForEveryPath, evidence: d.evidence, probes: d.probes }, null, 2) + '\n' : renderDetection(d));
  if (d.unanswered) return 3;
  return d.profile === 'any' ? 1 : 0;
}
