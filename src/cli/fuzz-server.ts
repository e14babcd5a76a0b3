/**
 * `wiregrade fuzz --cmd`: the user's own server, started by wiregrade in the user's folder (`--cwd`, as
 * it is, no copy), in its own process group, on a free port put where `{port}` is (or `--port N`).
 * Owning the process, the run can do what it cannot against a --target: see a crash as a crash, charge
 * it to the request that caused it, start the server again and go on (instead of blocking everything
 * after the first death), and run independent checks side by side on a server that serves several
 * clients at once. The whole group is killed at the end, also on a signal. Nothing here prints.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { superviseSubmission, type SupervisedServer } from '../runner/grade-control.js';
import { phraseLaunchFailure } from '../reporters/causes.js';
import { lastLines } from '../reporters/grading.js';
import { DEFAULT_START_TIMEOUT_MS } from '../supervise/launch.js';
import { freePort } from '../supervise/ports.js';
import { launchWhenFree } from '../supervise/start.js';
import type { Endpoint } from '../wire/types.js';
import { parseInteger } from './args.js';
import { UsageError } from './io.js';

/** The flags of fuzz that start the server. */
export interface OwnServerFlags {
  cmd?: string;
  cwd?: string;
  port?: string;
  startTimeoutMs?: string;
  target?: string;
}

export interface OwnServerSettings {
  /** The command line as given, `{port}` included. */
  cmd: string;
  /** The folder it runs in, as given (`.` by default). */
  cwd: string;
  /** `--port N`: the port the server listens on by itself; null when `{port}` gives it one. */
  port: number | null;
  startTimeoutMs: number;
}

/** Validates the flags that start the server; null when there is no --cmd. Throws a UsageError with one sentence. */
export async function ownServerSettings(flags: OwnServerFlags): Promise<OwnServerSettings | null> {
  if (flags.cmd === undefined) {
    for (const [flag, v] of [['--cwd', flags.cwd], ['--port', flags.port], ['--start-timeout-ms', flags.startTimeoutMs]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} goes with --cmd (the command that starts your server)`);
    }
    return null;
  }
  if (flags.target !== undefined) throw new UsageError('give --target (a server already running) or --cmd (a command that starts it), not both');
  if (flags.cmd.trim() === '') throw new UsageError('--cmd needs the command that starts your server (e.g. --cmd "python3 server.py {port}")');
  const templated = flags.cmd.includes('{port}');
  if (!templated && flags.port === undefined) throw new UsageError('--cmd needs {port} where the port goes (e.g. --cmd "python3 server.py {port}"), or --port N for a server that always listens on N');
  const port = flags.port === undefined ? null : parseInteger('--port', flags.port, 1, 65535);
  const cwd = flags.cwd ?? '.';
  if (!(await fs.stat(cwd).catch(() => null))?.isDirectory()) throw new UsageError(`there is no folder ${cwd} (--cwd)`);
  return { cmd: flags.cmd, cwd, port, startTimeoutMs: parseInteger('--start-timeout-ms', flags.startTimeoutMs ?? String(DEFAULT_START_TIMEOUT_MS), 100, 600_000) };
}

export interface OwnServer {
  target: Endpoint;
  supervised: SupervisedServer;
  /** Kills the whole process group (of the server running now). */
  stop(): Promise<void>;
}

/**
 * Starts the server and waits until its own process group listens on the port (never by connecting);
 * throws a StartFailed with one sentence when it does not.
 */
export async function startOwnServer(s: OwnServerSettings): Promise<OwnServer> {
  const port = s.port ?? (await freePort());
  const cmd = s.cmd.replaceAll('{port}', String(port));
  const cwd = path.resolve(s.cwd);
  const argv = ['/bin/sh', '-c', cmd];
  const first = await launchWhenFree(argv, cwd, port, s.startTimeoutMs);
  if (!first.ok) {
    const tail = lastLines(first.stderrTail, 3).join(' / ');
    throw new StartFailed(`your server did not start (${cmd}, in ${s.cwd}): ${phraseLaunchFailure(first.failure)}${tail ? `; it said: ${tail}` : ''}`);
  }
  // (the deaths are in the run's results, each on the check it is charged to)
  const supervised = superviseSubmission(first.server, { argv, cwd, port, startTimeoutMs: s.startTimeoutMs }, []);
  return {
    target: { host: '127.0.0.1', port },
    supervised,
    stop: async () => {
      await supervised.server()?.kill();
    },
  };
}

/** The server given with --cmd did not start: exit code 3, like a target that cannot be reached. */
export class StartFailed extends Error {}
