import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PropertyDef } from '../checks/property.js';
import type { Check } from '../checks/types.js';
import type { Profile } from '../model/profile.js';
import { applies, skipReason, type UnitEnv } from '../model/profile-policy.js';
import type { Endpoint } from '../wire/types.js';
import type { GradeResult, LaunchOutcome, ServerDeath } from './grade-types.js';
import { bubblewrapPath, wrapCommand, type ProcessLimits } from '../supervise/limits.js';
import { launchWhenFree, portBusy } from '../supervise/start.js';
import { trackFolder, untrackFolder } from '../supervise/cleanup.js';
import type { BlockCause, LaunchFailure } from './causes.js';
import { notRun } from './plan.js';
import type { RestartPolicy, ServerControl } from './scheduler.js';
import { superviseSubmission, type SupervisedServer } from './grade-control.js';
import { familyScores, scoreRun } from './score.js';
import { runSession } from './session.js';
import { plantCanary } from './canary.js';
import type { RunEvent, RunResult } from './types.js';

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
  /** One check at a time, never side by side (`--serial`). */
  serial?: boolean;
  limits: ProcessLimits;
  /** Run the server under bubblewrap: the system read-only, only the scratch copy writable. */
  sandbox: boolean;
  startTimeoutMs: number;
  /** How often a dead server is started again (per family, in all, for hangs); DEFAULT_RESTARTS when absent. */
  restarts?: RestartPolicy;
  onEvent?: (e: RunEvent) => void;
  /** The oracle for differential checks. */
  oracle?: Endpoint;
  /** Where scratch copies go (default: the system temp folder). */
  scratchRoot?: string;
  /** Runs once the server listens, before the session (the class phase's probes, issue 24), with the server's control. */
  beforeSession?: (target: Endpoint, control: ServerControl) => Promise<void>;
}

const MAX_COPY_BYTES = 512 * 1024 ** 2;

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

function emptyRun(o: GradeOptions, by: BlockCause): RunResult {
  // What a grade provides: the oracle if any, a server it restarts, a canary.
  const env: UnitEnv = { oracle: o.oracle, canRestart: true, canary: true };
  const checks = [...o.checks, ...o.properties].map((c) =>
    applies(c, o.profile, env) ? notRun(c, o.profile, 'blocked', '', by) : notRun(c, o.profile, 'skip', skipReason(c, o.profile, env)),
  );
  return { target: { host: '127.0.0.1', port: o.port }, profile: o.profile.name, seed: o.seed, strict: o.strict, ...(o.profile.weights ? { weights: o.profile.weights } : {}), startedAt: new Date().toISOString(), durationMs: 0, checks };
}

/**
 * Grades one submission: copies it to a scratch folder, makes sure the port is free, starts it there in
 * its own process group with limits, waits until a socket of that group listens on the port (never by
 * connecting), runs the session while watching the process (a death fails the request that caused it,
 * and the server is started again within the restart budgets), and kills the whole group at the end,
 * whatever happened. Returns data; never prints.
 */
export async function gradeSubmission(o: GradeOptions): Promise<GradeResult> {
  const t0 = performance.now();
  const root = await fs.mkdtemp(path.join(o.scratchRoot ?? os.tmpdir(), 'wiregrade-'));
  trackFolder(root);
  const scratch = path.join(root, 'submission');
  const cmd = o.cmd.replaceAll('{port}', String(o.port));
  const bwrap = o.sandbox ? bubblewrapPath() : null;
  const sandbox: GradeResult['sandbox'] = !o.sandbox ? 'none' : bwrap ? 'bubblewrap' : 'unavailable';
  const argv = wrapCommand(cmd, scratch, o.limits, bwrap);
  const deaths: ServerDeath[] = [];
  let supervised: SupervisedServer | undefined;
  const wall = new AbortController();
  const wallCause: BlockCause = { kind: 'wall-time', limitMs: o.limits.wallMs };
  const wallTimer = setTimeout(() => wall.abort(wallCause), o.limits.wallMs);
  const base = { submission: o.submission, command: cmd, restarts: 0, deaths, sandbox, timedOut: false };
  const notStarted = (launch: LaunchOutcome, failure: LaunchFailure): GradeResult => {
    const run = emptyRun(o, { kind: 'not-started', failure });
    return { ...base, run, score: scoreRun(run), families: familyScores(run), launch, durationMs: Math.round(performance.now() - t0) };
  };
  try {
    const size = await folderBytes(o.dir, MAX_COPY_BYTES);
    if (size > MAX_COPY_BYTES) throw new Error(`the folder ${o.dir} holds more than ${MAX_COPY_BYTES / 1024 ** 2} MiB`);
    await fs.cp(o.dir, scratch, { recursive: true, dereference: false, errorOnExist: false });
    // The security canary: a secret file beside the scratch copy, outside the server's folder.
    const canary = await plantCanary(root, scratch);

    // Another process on the port would be graded in the submission's place: refuse, with its name.
    const busy = await portBusy(o.port);
    if (busy?.kind === 'port-busy') return notStarted({ kind: 'port-busy', port: o.port, pid: busy.pid, command: busy.command }, busy);

    const first = await launchWhenFree(argv, scratch, o.port, o.startTimeoutMs);
    if (!first.ok) {
      const f = first.failure;
      const launch: LaunchOutcome =
        f.kind === 'exited'
          ? { kind: 'exited-before-listening', code: f.code, signal: f.signal, stderrTail: first.stderrTail }
          : f.kind === 'port-busy'
            ? { kind: 'port-busy', port: f.port, pid: f.pid, command: f.command }
            : { kind: 'never-listened', stderrTail: first.stderrTail, listensOn: f.kind === 'never-listened' ? f.listensOn : [], ...(f.kind === 'never-listened' && f.waitedMs !== undefined ? { waitedMs: f.waitedMs } : {}) };
      return notStarted(launch, f);
    }
    const launch: LaunchOutcome = { kind: 'listening', startMs: first.startMs };

    supervised = superviseSubmission(first.server, { argv, cwd: scratch, port: o.port, startTimeoutMs: o.startTimeoutMs }, deaths);
    const control = supervised.control;

    if (o.beforeSession) await o.beforeSession({ host: '127.0.0.1', port: o.port }, control);
    const { result: run } = await runSession({
      target: { host: '127.0.0.1', port: o.port },
      profile: o.profile,
      checks: o.checks,
      properties: o.properties,
      timeoutMs: o.timeoutMs,
      seed: o.seed,
      runs: o.runs,
      strict: o.strict,
      ...(o.serial ? { serial: true } : {}),
      ...(o.maxTimeMs !== undefined ? { maxTimeMs: o.maxTimeMs } : {}),
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      control,
      signal: wall.signal,
      ...(o.oracle ? { oracle: o.oracle } : {}),
      ...(o.restarts ? { restarts: o.restarts } : {}),
      canary,
    });
    // The maximum depends on the profile only: a run cut short still lists every check (blocked: 0 points).
    if (run.unreachable) {
      const blocked = emptyRun(o, { kind: 'server-down', after: 'the start', down: { kind: 'refused' } });
      run.checks = blocked.checks;
    }
    const failed = run.checks.find((c) => c.verdict === 'fail');
    return {
      ...base,
      run,
      score: scoreRun(run),
      families: familyScores(run),
      launch,
      restarts: supervised.restarts(),
      timedOut: wall.signal.aborted,
      durationMs: Math.round(performance.now() - t0),
      ...(failed ? { topFailure: failed.id } : {}),
    };
  } finally {
    clearTimeout(wallTimer);
    await (supervised?.server() ?? null)?.kill();
    await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
    untrackFolder(root);
  }
}
