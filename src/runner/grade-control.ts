/**
 * The control of a graded submission's server, for the scheduler: whether it has exited (and its last
 * words), whether it still listens on its port, starting it again in the same scratch folder, and the
 * record of every death (whom it was charged to, what it said, whether it was started again). Returns
 * data; never prints.
 */
import type { LaunchedServer } from '../supervise/launch.js';
import { groupListeningPorts } from '../supervise/port-owner.js';
import { launchWhenFree } from '../supervise/start.js';
import type { LaunchFailure } from './causes.js';
import type { ServerDeath } from './grade-types.js';
import type { DeathRecord, ServerControl } from './scheduler.js';

/** The last non-empty line of a process's output (a traceback ends with the exception), at most 200 characters. */
export function lastLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0).pop();
  return line === undefined ? undefined : line.slice(0, 200);
}

/** How the submission's server is (re)started: its wrapped command line, its scratch folder, its port. */
export interface StartPlan {
  argv: string[];
  cwd: string;
  port: number;
  startTimeoutMs: number;
}

export interface SupervisedServer {
  control: ServerControl;
  /** The server running now (after the restarts so far), or null once a restart failed. */
  server(): LaunchedServer | null;
  /** How many times the server was started again. */
  restarts(): number;
}

/** Supervises `first` (already listening) under `plan`, appending each death to `deaths`. */
export function superviseSubmission(first: LaunchedServer, plan: StartPlan, deaths: ServerDeath[]): SupervisedServer {
  let server: LaunchedServer | null = first;
  let restarts = 0;
  let lastRestartMs: number | undefined;
  const recorded = new WeakMap<DeathRecord, ServerDeath>();
  let lastStderr = '';
  const restart = async (): Promise<{ ok: true } | { ok: false; failure: LaunchFailure }> => {
    const r0 = performance.now();
    lastStderr = server!.stderrTail();
    await server!.kill('SIGKILL');
    const again = await launchWhenFree(plan.argv, plan.cwd, plan.port, plan.startTimeoutMs);
    lastRestartMs = Math.round(performance.now() - r0);
    if (!again.ok) return { ok: false, failure: again.failure };
    server = again.server;
    return { ok: true };
  };
  const control: ServerControl = {
    exited: () => {
      const s = server;
      if (s === null || s.isAlive()) return null;
      const said = lastLine(s.stderrTail());
      return { ...(s.exitInfo() ?? { code: null, signal: null }), ...(said ? { said } : {}) };
    },
    restart,
    listening: async () => {
      const ports = server ? await groupListeningPorts(server.pid) : null;
      return ports === null ? true : ports.includes(plan.port);
    },
    onRecharge: (d) => {
      const rec = recorded.get(d);
      if (rec) rec.chargedTo = d.chargedTo;
    },
    onDeath: (d) => {
      const exit = d.down.kind === 'exited' ? d.down : { code: null, signal: null };
      const death: ServerDeath = { afterCheck: d.after, chargedTo: d.chargedTo, down: d.down, code: exit.code, signal: exit.signal, stderrTail: d.restarted ? lastStderr : (server?.stderrTail() ?? ''), restarted: d.restarted, ...(d.restarted && lastRestartMs !== undefined ? { restartMs: lastRestartMs } : {}) };
      deaths.push(death);
      recorded.set(d, death);
      if (d.restarted) restarts++;
    },
  };
  return { control, server: () => server, restarts: () => restarts };
}
