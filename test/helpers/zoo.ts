/**
 * Start a zoo server from a scratch copy of its folder (and of the shared `_lib`), on a free port.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, launchServer, type LaunchedServer, type LaunchResult } from '../../src/supervise/launch.js';
import { zoo, zooServer, ZOO_SERVERS_DIR, type ZooServer } from '../zoo/manifest.js';
import { START_MS } from './env.js';

export interface ZooCopy {
  server: ZooServer;
  /** The scratch copy of the server's folder: run it from here. */
  dir: string;
  remove(): Promise<void>;
}

/** Copy a zoo server's folder, and `_lib` beside it, into a new temp dir. */
export async function copyZoo(slug: string): Promise<ZooCopy> {
  const server = zooServer(slug);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `wiregrade-zoo-${slug}-`));
  const dir = path.join(root, slug);
  await fs.cp(server.dir, dir, { recursive: true });
  await fs.cp(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(root, '_lib'), { recursive: true });
  return { server, dir, remove: () => fs.rm(root, { recursive: true, force: true }) };
}

/** Launch a zoo server from a scratch copy; the copy is removed if it does not listen. */
export async function launchZoo(
  slug: string,
  opts: { port?: number; startTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ copy: ZooCopy; port: number; result: LaunchResult }> {
  const copy = await copyZoo(slug);
  const port = opts.port ?? (await freePort());
  const result = await launchServer({
    cmd: copy.server.cmd(port),
    cwd: copy.dir,
    port,
    host: '127.0.0.1',
    startTimeoutMs: opts.startTimeoutMs ?? START_MS,
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (result.kind !== 'listening') await copy.remove();
  return { copy, port, result };
}

export interface StartedZoo {
  port: number;
  host: '127.0.0.1';
  server: LaunchedServer;
  /** Scratch folder the server runs in. */
  dir: string;
  /** Kill the server's process group and remove the scratch copy. Idempotent. */
  stop(): Promise<void>;
}

/** Start a zoo server and wait until it listens; throws (with its stderr) if it does not. `env`: added to its environment. */
export async function startZoo(slug: string, env?: Record<string, string>): Promise<StartedZoo> {
  const { copy, port, result } = await launchZoo(slug, env ? { env } : {});
  if (result.kind !== 'listening') {
    const why = result.kind === 'exited-before-listening' ? `exited (code ${result.code}, signal ${result.signal})` : 'never listened';
    throw new Error(`zoo server ${slug} ${why}:\n${result.stderrTail}`);
  }
  const server = result.server;
  let stopping: Promise<void> | undefined;
  return {
    port,
    host: '127.0.0.1',
    server,
    dir: copy.dir,
    stop: () => (stopping ??= server.kill().then(() => copy.remove())),
  };
}

export { zoo };
