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
  | { kind: 'never-listened'; port: number; listensOn: number[]; waitedMs?: number }
  /** Another process holds the port: nothing of the submission could be graded there. */
  | { kind: 'port-busy'; port: number; pid: number | null; command: string | null }
  /** The port was still held by the old server's connections (TIME_WAIT) for longer than the kernel should keep them. */
  | { kind: 'port-held'; port: number; waitedMs: number };

/** A started server, or why there is none. */
export type StartOutcome = { ok: true; server: LaunchedServer; startMs: number } | { ok: false; failure: LaunchFailure; stderrTail: string };

/** What the port looks like before a (re)start: free, or held by another process. */
export async function portBusy(port: number): Promise<LaunchFailure | null> {
  const h = await portHolder(port);
  return h ? { kind: 'port-busy', port, pid: h.pid, command: h.command } : null;
}

/** The longest the kernel keeps a closed connection's port (TIME_WAIT is 60 s on Linux), and a margin. */
const PORT_HELD_MAX_MS = 65_000;

/**
 * Waits until `port` is free of what matters: no listener (a killed server's zombie leader can keep its
 * socket a moment) and, with `lingering`, no connection of the old server left in TIME_WAIT or FIN_WAIT
 * either. Returns how long it waited, or null when it gave up.
 */
async function waitPortFree(port: number, lingering: boolean, limitMs = PORT_HELD_MAX_MS): Promise<number | null> {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < limitMs; i++) {
    const listening = await isListening(port).catch(() => false);
    const held = listening ? 1 : lingering ? await lingeringOn(port).catch(() => 0) : 0;
    if (held === 0) return Math.round(performance.now() - t0);
    await sleep(i < 40 ? 25 : 250);
  }
  return null;
}

/**
 * Starts the server once nothing listens on its port; says why when it gives no server.
 *
 * Connections of an old server can linger on the port (TIME_WAIT, FIN_WAIT) after a kill or a close,
 * for up to a minute; the grader resets the ones it can, but a close that crosses the grader's own
 * cannot be undone. A server that binds with SO_REUSEADDR does not mind them, and most do, so the server
 * is started at once. Only when that start fails while such connections were there (a server without
 * SO_REUSEADDR cannot bind) does it wait them out and start the server once more: the verdict is the
 * same either way, only the wait differs.
 */
export async function launchWhenFree(argv: string[], cwd: string, port: number, startTimeoutMs: number): Promise<StartOutcome> {
  if ((await waitPortFree(port, false)) === null) return { ok: false, failure: { kind: 'port-held', port, waitedMs: PORT_HELD_MAX_MS }, stderrTail: '' };
  const first = await launchOnce(argv, cwd, port, startTimeoutMs);
  if (first.ok || first.failure.kind === 'port-busy') return first;
  // Asked only now, of a start that failed: the lingering connections are found in the whole table of
  // sockets, tens of milliseconds of kernel time with the thousands a class run leaves in TIME_WAIT, and
  // most starts succeed. A connection that lingered before the start lingers still (up to a minute); one
  // gone meanwhile left the server its "address already in use".
  const lingered = (await lingeringOn(port).catch(() => 0)) > 0 || (first.failure.kind === 'exited' && first.failure.addressInUse);
  if (!lingered) return first;
  if ((await waitPortFree(port, true)) === null) return { ok: false, failure: { kind: 'port-held', port, waitedMs: PORT_HELD_MAX_MS }, stderrTail: first.stderrTail };
  return launchOnce(argv, cwd, port, startTimeoutMs);
}

async function launchOnce(argv: string[], cwd: string, port: number, startTimeoutMs: number): Promise<StartOutcome> {
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
      return { ok: false, failure: busy ?? { kind: 'never-listened', port, listensOn: r.listensOn, waitedMs: r.waitedMs }, stderrTail: r.stderrTail };
    }
  }
}

