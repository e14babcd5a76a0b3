/**
 * Runs `reference-server/main.ts` as a child process (in its own process group, so a kill reaches it
 * all) and waits for its "listening" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REFERENCE_SERVER_ARGS } from '../helpers/cli.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildServer {
  readonly process: ChildProcess;
  readonly port: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<Pick<ChildServer, 'kill' | 'exited'>>();

/** SIGKILLs every child still running (call from afterEach / afterAll). */
export async function killAllChildren(): Promise<void> {
  const children = [...running];
  running.clear();
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => child.exited));
}

/**
 * Spawns the server with `args` (killAllChildren will reap it); the result's `exited` settles when it
 * ends. Does not wait for it to listen.
 */
export function spawnServer(args: readonly string[]): Omit<ChildServer, 'port'> {
  const child = spawn(process.execPath, [...REFERENCE_SERVER_ARGS, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawned: Omit<ChildServer, 'port'> = {
    process: child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    kill(signal) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
  running.add(spawned);
  void exited.then(() => running.delete(spawned));
  return spawned;
}

/** Spawns the server on a free port and resolves once it listens; rejects if it exits first. */
export async function startChildServer(args: readonly string[], timeoutMs = 10_000): Promise<ChildServer> {
  const spawned = spawnServer(['--port', '0', ...args]);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${spawned.stderr()}`)), timeoutMs);
    const check = (): void => {
      const match = /listening on http:\/\/[^\s]+:(\d+)\n/.exec(spawned.stdout());
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    spawned.process.stdout?.on('data', check);
    void spawned.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${spawned.stderr()}`));
    });
  });
  return { ...spawned, port };
}
