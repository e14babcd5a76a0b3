import { lastLines } from '../reporters/grading.js';
import { launchServer } from '../supervise/launch.js';
import { freePort } from '../supervise/ports.js';
import type { Endpoint } from '../wire/types.js';
import { parseTarget } from './args.js';
import { UsageError } from './io.js';

export interface Oracle {
  endpoint: Endpoint;
  stop(): Promise<void>;
}

/**
 * `--oracle HOST:PORT` (a server already running) or `--oracle-cmd CMD` (started here, in the current
 * folder, on a free port put where `{port}` is, and stopped at the end); none when neither is given.
 */
export async function startOracle(flags: { oracle?: string; oracleCmd?: string }): Promise<Oracle | null> {
  if (flags.oracle !== undefined && flags.oracleCmd !== undefined) throw new UsageError('give --oracle or --oracle-cmd, not both');
  if (flags.oracle !== undefined) return { endpoint: parseTarget(flags.oracle), stop: async () => {} };
  if (flags.oracleCmd === undefined) return null;
  if (!flags.oracleCmd.includes('{port}')) throw new UsageError('--oracle-cmd needs {port} where the port goes (e.g. --oracle-cmd "python3 solution.py {port}")');
  const port = await freePort();
  const r = await launchServer({ cmd: flags.oracleCmd.replaceAll('{port}', String(port)), cwd: process.cwd(), port, env: { PORT: String(port) } });
  if (r.kind !== 'listening') {
    const tail = lastLines(r.stderrTail, 3).join(' / ');
    throw new UsageError(`the oracle (--oracle-cmd) did not start listening on port ${port}${tail ? `: ${tail}` : ''}`);
  }
  return { endpoint: { host: '127.0.0.1', port }, stop: () => r.server.kill() };
}
