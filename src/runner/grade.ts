import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PropertyDef } from '../checks/property.js';
import type { Check } from '../checks/types.js';
import { levelUnder } from '../checks/level.js';
import { applies, type Profile } from '../model/profile.js';
import { sleep } from '../wire/deadline.js';
import type { Endpoint } from '../wire/types.js';
import type { GradeResult, LaunchOutcome, ServerDeath } from './grade-types.js';
import { launchServer, type LaunchedServer, type LaunchResult } from './launch.js';
import { isListening } from '../wire/listen-table.js';
import { familyScores, scoreRun } from './score.js';
import { runSession } from './session.js';
import type { RunEvent, RunResult } from './types.js';

/**
 * Limits on the student's process. Each is applied with prlimit where the system has it. Memory is
 * RLIMIT_DATA (heap and private writable mappings), not the address space: Node and WebAssembly reserve
 * far more address space than they use, and an address-space limit kills them at start.
 */
export interface ProcessLimits {
  cpuSeconds: number;
  memoryBytes: number;
  /** Largest file the server may write. */
  fileBytes: number;
  /** Processes (ignored by Linux for root). */
  processes: number;
  /** Wall time for the whole submission: start, every check, every restart. */
  wallMs: number;
}

export const DEFAULT_LIMITS: ProcessLimits = {
  cpuSeconds: 120,
  memoryBytes: 2 * 1024 ** 3,
  fileBytes: 256 * 1024 ** 2,
  processes: 256,
  wallMs: 5 * 60_000,
};

export interface GradeOptions {
  /** The submission's name (its folder name in a class run). */
  submission: string;
  /** The command line that starts the server, run with /bin/sh -c in a scratch copy of `dir`. `{port}` is replaced by the port. */
  cmd: string;
  /** The submission's folder: copied to a scratch folder, which is all the server may write to. */
  dir: string;
  port: number;
  profile: Profile;
  checks: readonly Check[];
  properties: readonly PropertyDef<any>[];
  seed: number;
  runs: number;
  timeoutMs: number;
  maxTimeMs?: number;
  strict: boolean;
  limits: ProcessLimits;
  /** Run the server under bubblewrap: the system read-only, only the scratch copy writable. */
  sandbox: boolean;
  startTimeoutMs: number;
  /** How many times a dead server is started again before the run gives up on it. */
  maxRestarts?: number;
  onEvent?: (e: RunEvent) => void;
  /** The oracle for differential checks. */
  oracle?: Endpoint;
  /** Where scratch copies go (default: the system temp folder). */
  scratchRoot?: string;
}

const MAX_COPY_BYTES = 512 * 1024 ** 2;

/** Where bubblewrap is, if installed. */
export function bubblewrapPath(): string | null {
  for (const p of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) if (existsSync(p)) return p;
  return null;
}

function prlimitPath(): string | null {
  for (const p of ['/usr/bin/prlimit', '/bin/prlimit']) if (existsSync(p)) return p;
  return null;
}

async function folderBytes(dir: string, cap: number): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= cap) {
    const d = stack.pop()!;
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += (await fs.stat(p)).size;
    }
  }
  return total;
}

/** The argv that runs `cmd` in `scratch` with the limits and (if asked and available) the sandbox. */
export function wrapCommand(cmd: string, scratch: string, limits: ProcessLimits, sandbox: string | null): string[] {
  let argv = ['/bin/sh', '-c', cmd];
  if (sandbox) {
    argv = [sandbox, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--bind', scratch, scratch, '--chdir', scratch, '--die-with-parent', '--', ...argv];
  }
  const prlimit = prlimitPath();
  if (prlimit) {
    argv = [prlimit, `--cpu=${limits.cpuSeconds}`, `--data=${limits.memoryBytes}`, `--fsize=${limits.fileBytes}`, `--nproc=${limits.processes}`, '--', ...argv];
  }
  return argv;
}

function outcomeOf(r: LaunchResult, startMs: number): LaunchOutcome {
  switch (r.kind) {
    case 'listening':
      return { kind: 'listening', startMs };
    case 'exited-before-listening':
      return { kind: 'exited-before-listening', code: r.code, signal: r.signal, stderrTail: r.stderrTail };
    case 'never-listened':
      return { kind: 'never-listened', stderrTail: r.stderrTail };
  }
}

/**
 * Starts the server, waiting out a port still in TIME_WAIT (servers without SO_REUSEADDR fail to bind
 * for a while after a restart): a launch that exits at once is tried again, up to `patienceMs`.
 */
async function launchPatiently(argv: string[], cwd: string, port: number, startTimeoutMs: number, patienceMs: number): Promise<LaunchResult> {
  const until = performance.now() + patienceMs;
  // A killed server's listening socket can outlive the moment its process shows as gone (a zombie
  // leader whose other threads are still exiting hold the sockets): readiness read from the listen
  // table would then see the old socket. Wait for the port to be free first.
  for (let i = 0; i < 200 && (await isListening(port).catch(() => false)); i++) await sleep(25);
  for (;;) {
    const r = await launchServer({ cmd: argv, cwd, port, startTimeoutMs, env: { PORT: String(port) } });
    if (r.kind !== 'exited-before-listening' || performance.now() > until || !/address already in use|EADDRINUSE|errno 98/i.test(r.stderrTail)) return r;
    await sleep(500);
  }
}

function emptyRun(o: GradeOptions, reason: string): RunResult {
  const checks = [...o.checks, ...o.properties].map((c) => ({
    id: c.id,
    family: c.family,
    level: levelUnder(c, o.profile),
    requirement: c.requirement,
    verdict: applies(c, o.profile, { oracle: o.oracle, canRestart: true }) ? ('blocked' as const) : ('skip' as const),
    runs: 0,
    failures: 0,
    durationMs: 0,
    reason,
    expected: [],
    actual: '',
  }));
  return { target: { host: '127.0.0.1', port: o.port }, profile: o.profile.name, seed: o.seed, strict: o.strict, startedAt: new Date().toISOString(), durationMs: 0, checks };
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
}

/**
 * Grades one submission: copies it to a scratch folder, starts it there in its own process group with
 * limits, waits for its port without connecting, runs the catalogue and the properties while watching
 * the process (a death fails the check that caused it, and the server is started again), and kills the
 * whole group at the end, whatever happened. Returns data; never prints.
 */
export async function gradeSubmission(o: GradeOptions): Promise<GradeResult> {
  const t0 = performance.now();
  const root = await fs.mkdtemp(path.join(o.scratchRoot ?? os.tmpdir(), 'wiregrade-'));
  const scratch = path.join(root, 'submission');
  const cmd = o.cmd.replaceAll('{port}', String(o.port));
  const bwrap = o.sandbox ? bubblewrapPath() : null;
  const sandbox: GradeResult['sandbox'] = !o.sandbox ? 'none' : bwrap ? 'bubblewrap' : 'unavailable';
  const argv = wrapCommand(cmd, scratch, o.limits, bwrap);
  const deaths: ServerDeath[] = [];
  let server: LaunchedServer | null = null;
  let restarts = 0;
  let hangs = 0;
  const wall = new AbortController();
  const wallTimer = setTimeout(() => wall.abort(`the submission's wall-time limit (${Math.round(o.limits.wallMs / 1000)} s) was reached`), o.limits.wallMs);
  const base = { submission: o.submission, command: cmd, restarts: 0, deaths, sandbox, timedOut: false };
  try {
    const size = await folderBytes(o.dir, MAX_COPY_BYTES);
    if (size > MAX_COPY_BYTES) throw new Error(`the folder ${o.dir} holds more than ${MAX_COPY_BYTES / 1024 ** 2} MiB`);
    await fs.cp(o.dir, scratch, { recursive: true, dereference: false, errorOnExist: false });

    const s0 = performance.now();
    const first = await launchPatiently(argv, scratch, o.port, o.startTimeoutMs, 5000);
    const launch = outcomeOf(first, Math.round(performance.now() - s0));
    if (first.kind !== 'listening') {
      const why = launch.kind === 'exited-before-listening' ? `the server exited before listening (${describeExit(launch.code, launch.signal)})` : `the server never listened on port ${o.port}`;
      const run = emptyRun(o, `not run: ${why}`);
      return { ...base, run, score: scoreRun(run), families: familyScores(run), launch, durationMs: Math.round(performance.now() - t0) };
    }
    server = first.server;

    const recover = async (afterCheck: string): Promise<{ restarted: boolean; reason: string }> => {
      const current = server!;
      let reason: string;
      if (!current.isAlive()) {
        const e = await current.exited;
        reason = `server process exited (${describeExit(e.code, e.signal)}) after this request`;
        deaths.push({ afterCheck, code: e.code, signal: e.signal, stderrTail: current.stderrTail(), restarted: false });
      } else {
        reason = 'the server stopped answering after this request';
        deaths.push({ afterCheck, code: null, signal: null, stderrTail: current.stderrTail(), restarted: false });
      }
      const hung = current.isAlive();
      await current.kill();
      // A server that hangs rather than dies gets one restart: hanging again is how it is.
      if (wall.signal.aborted || restarts >= (o.maxRestarts ?? 10) || (hung && hangs++ >= 1)) return { restarted: false, reason };
      const again = await launchPatiently(argv, scratch, o.port, o.startTimeoutMs, 30_000);
      if (again.kind !== 'listening') return { restarted: false, reason: `${reason}; it could not be started again` };
      if (hung) reason += ' (it was killed and started again)';
      server = again.server;
      restarts++;
      deaths[deaths.length - 1]!.restarted = true;
      return { restarted: true, reason };
    };

    /** A deliberate kill -9 and restart (the durability checks): not counted as a death or a restart. */
    const restart = async (): Promise<boolean> => {
      await server!.kill('SIGKILL');
      const again = await launchPatiently(argv, scratch, o.port, o.startTimeoutMs, 30_000);
      if (again.kind !== 'listening') return false;
      server = again.server;
      return true;
    };

    const { result: run } = await runSession({
      target: { host: '127.0.0.1', port: o.port },
      profile: o.profile,
      checks: o.checks,
      properties: o.properties,
      timeoutMs: o.timeoutMs,
      seed: o.seed,
      runs: o.runs,
      strict: o.strict,
      ...(o.maxTimeMs !== undefined ? { maxTimeMs: o.maxTimeMs } : {}),
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      control: { isDown: () => server !== null && !server.isAlive(), recover, restart },
      signal: wall.signal,
      ...(o.oracle ? { oracle: o.oracle } : {}),
    });
    const failed = run.checks.find((c) => c.verdict === 'fail');
    return {
      ...base,
      run,
      score: scoreRun(run),
      families: familyScores(run),
      launch,
      restarts,
      timedOut: wall.signal.aborted,
      durationMs: Math.round(performance.now() - t0),
      ...(failed ? { topFailure: failed.id } : {}),
    };
  } finally {
    clearTimeout(wallTimer);
    await server?.kill();
    await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}
