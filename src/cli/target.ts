import { setTimeout as sleep } from 'node:timers/promises';
import { formatEndpoint } from '../reporters/format.js';
import type { ServerControl } from '../runner/scheduler.js';
import type { Endpoint } from '../wire/types.js';
import { UsageError, type CliIO } from './io.js';

export interface Bundled {
  host: string;
  port: number;
  /** Closes the server (the one listening now, after any restart). */
  close(): Promise<void>;
  /**
   * What the run may know of and do to it, as for a server started with `--cmd`: it runs in this process,
   * so it never exits apart from us (`canExit: false`: no moment spent watching for an exit); started
   * again (after a hang), it listens on the same port with an empty store. With it, the checks and the
   * property cases run side by side on the bundled server too, as `grade` runs them.
   */
  control: ServerControl;
}

/** Closes the bundled server, waiting at most `ms`. */
export async function closeQuietly(server: Bundled | null, ms = 3000): Promise<void> {
  if (!server) return;
  await Promise.race([server.close().catch(() => {}), sleep(ms, undefined, { ref: false })]);
}

/** The target to test: the one given, or the bundled reference server started on a free port. */
export async function resolveTarget(given: Endpoint | null, io: CliIO): Promise<{ target: Endpoint; server: Bundled | null }> {
  if (given) return { target: given, server: null };
  const server = await startBundled();
  const target = { host: server.host, port: server.port };
  io.err(`no --target given: testing the bundled reference server on ${formatEndpoint(target)}\n`);
  return { target, server };
}

/** The bundled reference server, started in this process on a free loopback port, with its control (see Bundled). */
export async function startBundled(): Promise<Bundled> {
  const { startReferenceServer } = await import('../../reference-server/index.js');
  let current: { host: string; port: number; close(): Promise<void> };
  try {
    current = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    throw new UsageError(`cannot start the bundled reference server: ${err instanceof Error ? err.message.replace(/\.$/, '') : String(err)}`);
  }
  const { host, port } = current;
  const server: Bundled = {
    host,
    port,
    close: () => current.close(),
    control: {
      exited: () => null,
      canExit: false,
      restart: async () => {
        await closeQuietly(server);
        try {
          current = await startReferenceServer({ host, port });
          return { ok: true };
        } catch {
          return { ok: false, failure: { kind: 'port-busy', port, pid: null, command: null } };
        }
      },
    },
  };
  return server;
}
