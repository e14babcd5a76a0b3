/**
 * Starting a submission's server on its port: only once the port is free (no other listener, nothing of
 * an old server lingering), and only counting a listener of the server's own process group. Says why
 * when it gives no server. Nothing here prints.
 */
import { sleep } from '../wire/deadline.js';
import { isListening, lingeringOn } from '../wire/listen-table.js';
import { launchServer, type LaunchedServer } from './launch.js';
import { portHolder } from './port-owner.js';

/** Why starting the server (again) did not give a server to grade. */
export type LaunchFailure =
  | { kind: 'exited'; code: number | null; signal: string | null; addressInUse: boolean }
  | { kind: 'never-listened'; port: number; listensOn: number[] }
  /** Another process holds the port: nothing of the submission could be graded there. */
  | { kind: 'port-busy'; port: number; pid: number | null; command: string | null }
  /** The port was still held by the old server's connections (TIME_WAIT) for longer than the kernel should keep them. */
  | { kind: 'port-held'; port: number; waitedMs: number };

/** What the port looks like before a (re)start: free, or held by another process. */
export async function portBusy(port: number): Promise<LaunchFailure | null> {
  const h = await portHolder(port);
  return h ? { kind: 'port-busy', port, pid: h.pid, command: h.command } : null;
}

/** The longest the kernel keeps a closed connection's port (TIME_WAIT is 60 s on Linux), and a margin. */
const PORT_HELD_MAX_MS = 65_000;

/**
 * Waits until nothing holds `port`: no listener (a killed server's zombie leader can keep its socket a
 * moment), and no connection of the old server lingering in TIME_WAIT or FIN_WAIT (a server that binds
 * without SO_REUSEADDR cannot bind until they are gone; the grader resets the connections a server
 * closes first, so there are rarely any). Returns how long it waited, or null when it gave up.
 */
async function waitPortFree(port: number, limitMs = PORT_HELD_MAX_MS): Promise<number | null> {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < limitMs; i++) {
    const listening = await isListening(port).catch(() => false);
    const lingering = listening ? 1 : await lingeringOn(port).catch(() => 0);
    if (lingering === 0) return Math.round(performance.now() - t0);
    await sleep(i < 40 ? 25 : 250);
  }
  return null;
}

/** Starts the server once the port is free; says why when it gives no server. */
export async function launchWhenFree(argv: string[], cwd: string, port: number, startTimeoutMs: number): Promise<{ ok: true; server: LaunchedServer; startMs: number } | { ok: false; failure: LaunchFailure; stderrTail: string }> {
  const waited = await waitPortFree(port);
  if (waited === null) return { ok: false, failure: { kind: 'port-held', port, waitedMs: PORT_HELD_MAX_MS }, stderrTail: '' };
  const s0 = performance.now();
  const r = await launchServer({ cmd: argv, cwd, port, startTimeoutMs, env: { PORT: String(port) }, ownListener: true });
  switch (r.kind) {
    case 'listening':
      return { ok: true, server: r.server, startMs: Math.round(performance.now() - s0) };
    case 'exited-before-listening': {
      // Its own words, when it says why it could not bind (Python's errno 98, Node's EADDRINUSE).
      const addressInUse = /address already in use|EADDRINUSE|errno 98/i.test(r.stderrTail);
      return { ok: false, failure: { kind: 'exited', code: r.code, signal: r.signal, addressInUse }, stderrTail: r.stderrTail };
    }
    case 'never-listened': {
      const busy = r.listensOn.includes(port) ? null : await portBusy(port);
      return { ok: false, failure: busy ?? { kind: 'never-listened', port, listensOn: r.listensOn }, stderrTail: r.stderrTail };
    }
  }
}

