/**
 * Start a server under test, wait until it listens, and make sure it (and everything it forked) dies.
 *
 * The server runs in its own process group, so kill() reaches the children a student's `sh -c "... &"`
 * leaves behind. Its output is kept only as a tail of a fixed size, so a server that floods stdout
 * cannot grow our memory. Readiness is read from the kernel's socket table, never by connecting: many
 * servers under test die on a connection that sends nothing. Nothing here prints.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isListening, listenTableAvailable } from '../wire/listen-table.js';
import { trackGroup, untrackGroup } from './cleanup.js';
import { groupListeningPorts, groupListensOn } from './port-owner.js';
import { groupAlive, signalGroup } from './process-group.js';
import { probeByConnect } from './ports.js';
import { TailBuffer } from './tail-buffer.js';

// What the rest of the project (and the tests) take from here: the launcher's parts, each in its file.
export { freePort, probeByConnect } from './ports.js';
export { groupAlive, groupMembers } from './process-group.js';
export { TailBuffer } from './tail-buffer.js';

export interface LaunchOptions {
  /** argv, or a shell command line run with `/bin/sh -c`. */
  cmd: string[] | string;
  cwd: string;
  /** The port the server is told to use and must listen on. */
  port: number;
  /** The address clients will use; by default a socket on any address counts. */
  host?: string;
  /** Added to (and overriding) this process's environment. PYTHONUNBUFFERED=1 is set unless given. */
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  /** How much of the end of stdout and of stderr is kept, each. */
  stdioCapBytes?: number;
  /**
   * How readiness is detected. `auto` (default): the listen table where available, else `connect`,
   * which connects and sends a valid `GET / HTTP/1.1` (only for systems without /proc/net/tcp).
   */
  probe?: 'auto' | 'listen-table' | 'connect';
  /** Only a listening socket held by the server's own process group counts (see port-owner.ts). */
  ownListener?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedServer {
  readonly pid: number;
  /** Resolves when the process we started (the group leader) exits. Never rejects. */
  readonly exited: Promise<ExitInfo>;
  isAlive(): boolean;
  /** How the process we started exited, once it has. */
  exitInfo(): ExitInfo | undefined;
  stderrTail(): string;
  stdoutTail(): string;
  /**
   * SIGTERM to the whole group, SIGKILL after 500 ms; resolves when the group is gone. Idempotent, and
   * never throws. `kill('SIGKILL')` skips the grace period (a crash, for restart tests).
   */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export type LaunchResult =
  | { kind: 'listening'; server: LaunchedServer }
  | {
      kind: 'exited-before-listening';
      pid: number | undefined;
      code: number | null;
      signal: NodeJS.Signals | null;
      stderrTail: string;
      stdoutTail: string;
      /** Set when the command could not be started at all (e.g. ENOENT). */
      spawnError?: string;
    }
  | {
      kind: 'never-listened';
      pid: number;
      stderrTail: string;
      stdoutTail: string;
      /** The ports the process group did listen on (empty when none, or when that cannot be known). */
      listensOn: number[];
      /** How long it was given (the start timeout, twice for a process that listened nowhere). */
      waitedMs: number;
    };

export const DEFAULT_START_TIMEOUT_MS = 10_000;
export const DEFAULT_STDIO_CAP_BYTES = 64 * 1024;
const POLL_MS = 25;
/** After this many polls (a second), a server still starting is polled every POLL_SLOW_MS. */
const POLL_FAST_COUNT = 40;
const POLL_SLOW_MS = 100;
const TERM_GRACE_MS = 500;
const KILL_WAIT_MS = 5_000;

export { trackedGroups } from './cleanup.js';

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= end) return false;
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------------
// Readiness

function makeProbe(opts: LaunchOptions, pid: number | undefined): () => Promise<boolean> {
  const mode = opts.probe ?? 'auto';
  if (mode === 'listen-table' || (mode === 'auto' && listenTableAvailable())) {
    if (opts.ownListener && pid !== undefined) {
      // Ready once a socket of the server's own process group listens on the port: a listener of
      // another process on the same port is not the submission.
      return async () => (await groupListensOn(pid, opts.port)) ?? isListening(opts.port, opts.host);
    }
    return () => isListening(opts.port, opts.host);
  }
  return () => probeByConnect(opts.port, opts.host ?? '127.0.0.1');
}

// ---------------------------------------------------------------------------------------------------
// Launch

export async function launchServer(opts: LaunchOptions): Promise<LaunchResult> {
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const cap = opts.stdioCapBytes ?? DEFAULT_STDIO_CAP_BYTES;
  const [file, args] = typeof opts.cmd === 'string' ? ['/bin/sh', ['-c', opts.cmd]] : [opts.cmd[0], opts.cmd.slice(1)];
  if (file === undefined) throw new Error('launchServer: empty command');

  const out = new TailBuffer(cap);
  const err = new TailBuffer(cap);
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: { PYTHONUNBUFFERED: '1', ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let exitInfo: ExitInfo | undefined;
  let spawnError: string | undefined;
  let resolveExited!: (e: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolveExited = r));
  let stdioClosed = false;
  const stdioClosedP = new Promise<void>((r) => child.on('close', () => ((stdioClosed = true), r())));

  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.on('exit', (code, signal) => {
    exitInfo = { code, signal };
    resolveExited(exitInfo);
    const pid = child.pid;
    if (pid !== undefined && !groupAlive(pid)) untrackGroup(pid);
  });
  child.on('error', (e) => {
    // Spawn failures (ENOENT, EACCES) come here, possibly without an 'exit'.
    if (child.pid === undefined) {
      spawnError = e.message;
      exitInfo ??= { code: null, signal: null };
      resolveExited(exitInfo);
    }
  });

  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);

  let killing: Promise<void> | undefined;
  const gone = (): boolean => pid === undefined || (exitInfo !== undefined && !groupAlive(pid));
  const kill = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    if (signal === 'SIGKILL' && pid !== undefined && !gone()) signalGroup(pid, 'SIGKILL');
    killing ??= (async () => {
      if (pid === undefined) return;
      if (!gone()) {
        signalGroup(pid, 'SIGTERM');
        if (!(await waitUntil(gone, TERM_GRACE_MS))) {
          signalGroup(pid, 'SIGKILL');
          await waitUntil(gone, KILL_WAIT_MS);
        }
      }
      untrackGroup(pid);
    })();
    return killing;
  };

  const tails = async (): Promise<{ stderrTail: string; stdoutTail: string }> => {
    // Let the pipes drain, but do not wait on them forever: an orphan may hold them open.
    if (!stdioClosed) await Promise.race([stdioClosedP, sleep(100)]);
    return { stderrTail: err.toString(), stdoutTail: out.toString() };
  };

  const probe = makeProbe(opts, pid);
  const t0 = Date.now();
  let deadline = t0 + startTimeoutMs;
  let extended = false;
  for (let poll = 0; ; poll++) {
    if (exitInfo) {
      // The leader is gone; anything it left running in its group goes too.
      await kill('SIGKILL');
      return { kind: 'exited-before-listening', pid, ...exitInfo, ...(await tails()), ...(spawnError ? { spawnError } : {}) };
    }
    const listening = await probe();
    if (exitInfo) continue;
    if (listening && pid !== undefined) {
      const server: LaunchedServer = {
        pid,
        exited,
        isAlive: () => exitInfo === undefined,
        exitInfo: () => exitInfo,
        stderrTail: () => err.toString(),
        stdoutTail: () => out.toString(),
        kill,
      };
      return { kind: 'listening', server };
    }
    if (Date.now() >= deadline) {
      const listensOn = pid === undefined ? [] : ((await groupListeningPorts(pid)) ?? []);
      // A deadline verdict is confirmed with a longer deadline: a process that still runs and listens
      // nowhere yet may be a slow start on a loaded machine (a class run starts servers side by side),
      // and one that began to listen on its port since the last poll has started; either gets the
      // start timeout once more. One that listens on another port is told so at once.
      if (!extended && !exitInfo && (listensOn.length === 0 || listensOn.includes(opts.port))) {
        extended = true;
        deadline = Date.now() + startTimeoutMs;
        continue;
      }
      await kill();
      return { kind: 'never-listened', pid: pid ?? 0, ...(await tails()), listensOn, waitedMs: Date.now() - t0 };
    }
    // Quick polls while a server usually starts, then slower ones (each poll reads the socket table).
    await Promise.race([sleep(poll < POLL_FAST_COUNT ? POLL_MS : POLL_SLOW_MS), exited]);
  }
}
