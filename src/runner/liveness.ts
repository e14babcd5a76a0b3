/**
 * Is the server still there? Asked over a socket, the only thing `fuzz` has: alive means it accepts a
 * connection and then answers with any bytes at all, or closes (or resets) it. A malformed answer is an
 * answer: its form is judged by the checks that judge answers, never taken for a death.
 */
import type { Profile } from '../model/profile.js';
import { knownHost } from '../model/profile-policy.js';
import { latin1 } from '../wire/bytes.js';
import { Connection } from '../wire/connection.js';
import { Deadline, sleep } from '../wire/deadline.js';
import type { Endpoint } from '../wire/types.js';

/** `reset`: the connection was reset before a byte of an answer came (`closed`: it was closed). */
export type ProbeOutcome = 'answered' | 'closed' | 'reset' | 'refused' | 'silent';

/**
 * The probe request: a plain request for the profile's known path, with its Host and header fields. Its length is odd, so a server that
 * reads in pieces of 2^k bytes until a short read (a classic) always gets a short read and answers;
 * a probe whose length were a multiple of its piece size would hang it.
 */
export function probeBytes(profile: Profile): Uint8Array {
  // The profile's own Host and header fields: a server that routes through Host is asked a route it serves.
  const extra = Object.entries(profile.baseline.headers ?? {}).map(([k, v]) => `\r\n${k}: ${v}`).join('');
  const head = `${profile.baseline.method} ${profile.baseline.target} HTTP/1.1\r\nHost: ${knownHost(profile)}${extra}\r\nConnection: close\r\nUser-Agent: wiregrade-probe`;
  const pad = (head.length + 4) % 2 === 0 ? '1' : '';
  return latin1(`${head}${pad}\r\n\r\n`);
}

/**
 * One probe: connect, send the probe request, and wait for the first byte or a close. Halfway through
 * the deadline with nothing, our side is closed (FIN) too: a server that reads until the end of input
 * before answering then answers.
 */
export async function probeOnce(target: Endpoint, profile: Profile, timeoutMs: number, peerCloseMs = PROBE_PEER_CLOSE_MS): Promise<ProbeOutcome> {
  const r = await Connection.open(target, { connectTimeoutMs: timeoutMs, capBytes: 64 * 1024 });
  if (!r.ok) return r.kind === 'refused' ? 'refused' : r.code === 'ECONNRESET' ? 'reset' : 'silent';
  const c = r.conn;
  let answered = false;
  try {
    const deadline = new Deadline(timeoutMs);
    await c.send({ bytes: probeBytes(profile) }, deadline);
    const something = (): boolean => c.receivedBytes > 0;
    let end = await c.waitFor(something, new Deadline(Math.max(1, deadline.remaining() / 2)));
    if (end === 'timeout') {
      c.endWrite();
      end = await c.waitFor(something, deadline);
    }
    if (end === 'done' || end === 'overflow') {
      answered = true;
      return 'answered';
    }
    if (end === 'closed') return 'closed';
    if (end === 'reset') return 'reset';
    return 'silent';
  } finally {
    // The probe asks for `Connection: close`: a server that answered closes first, and our side then
    // resets rather than crossing its FIN with ours. Crossed closes leave the server's side of the
    // connection in TIME_WAIT for a minute, and a server without SO_REUSEADDR that must be started
    // again cannot bind its port until then (a probe before a batch of checks side by side, in which
    // the server died, cost the restart 60 s).
    await c.close(100, answered, peerCloseMs);
  }
}

/**
 * How long a probe that was answered waits for the server's announced close (one that ignores it pays
 * this), unless told less: a server we do not own is never started again, so a crossed close costs it
 * nothing, and one that ignores `Connection: close` is asked after every check (Scheduler.probeCloseMs).
 */
export const PROBE_PEER_CLOSE_MS = 100;

/**
 * The liveness verdict, confirmed before it counts: a refusal is tried again a moment later (a server
 * between two accept() calls, a restart in progress), and silence is tried again with twice the deadline
 * (a loaded machine, not a hung server). Returns null while the server is there.
 */
export async function probeAlive(target: Endpoint, profile: Profile, timeoutMs: number, peerCloseMs = PROBE_PEER_CLOSE_MS): Promise<'refused' | 'hung' | null> {
  let last: ProbeOutcome = 'silent';
  for (let attempt = 0; attempt < 2; attempt++) {
    last = await probeOnce(target, profile, attempt === 0 ? timeoutMs : 2 * timeoutMs, peerCloseMs);
    if (last === 'answered' || last === 'closed') return null;
    // A reset before any byte is what a process on its way out does to the connections waiting in its
    // listen queue: asked again a moment later, a server that is leaving refuses, one that merely resets
    // this kind of request (alive) does not.
    if (last === 'reset') {
      if (attempt > 0) return null;
      await sleep(RESET_RECHECK_MS);
      continue;
    }
    if (last === 'refused') await sleep(150);
  }
  return last === 'refused' ? 'refused' : 'hung';
}

/** How long after a reset probe the server is asked again (its listener is gone by then if it exited). */
const RESET_RECHECK_MS = 150;
