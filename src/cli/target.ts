import { setTimeout as sleep } from 'node:timers/promises';
import { formatEndpoint } from '../reporters/format.js';
import type { Endpoint } from '../wire/types.js';
import { UsageError, type CliIO } from './io.js';

export interface Bundled {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Closes the bundled server, waiting at most `ms`. */
export async function closeQuietly(server: Bundled | null, ms = 3000): Promise<void> {
  if (!server) return;
  await Promise.race([server.close().catch(() => {}), sleep(ms, undefined, { ref: false })]);
}

/** The target to test: the one given, or the bundled reference server started on a free port. */
export async function resolveTarget(given: Endpoint | null, io: CliIO): Promise<{ target: Endpoint; server: Bundled | null }> {
  if (given) return { target: given, server: null };
  const { startReferenceServer } = await import('../../reference-server/index.js');
  let server: Bundled;
  try {
    server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    throw new UsageError(`cannot start the bundled reference server: ${err instanceof Error ? err.message.replace(/\.$/, '') : String(err)}`);
  }
  const target = { host: server.host, port: server.port };
  io.err(`no --target given: testing the bundled reference server on ${formatEndpoint(target)}\n`);
  return { target, server };
}
