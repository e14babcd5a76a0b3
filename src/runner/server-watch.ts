import type { Profile } from '../model/profile.js';
import type { Endpoint } from '../wire/types.js';
import { exchange } from '../client/exchange.js';
import { latin1 } from '../wire/bytes.js';

/**
 * What the runner knows of the server beyond the socket. `fuzz` knows nothing (only probes);
 * `grade` owns the process: it can tell a death at once, say how it died, and start it again.
 */
export interface ServerControl {
  /** True when the server process is known to have exited (checked after every check, no network). */
  isDown?: () => boolean;
  /**
   * The server stopped answering (or exited) after `afterCheck`: say why in one phrase, and start it
   * again if possible. Without it the run stops sending and the remaining checks are blocked.
   */
  recover?: (afterCheck: string) => Promise<{ restarted: boolean; reason: string }>;
  /** Kill the server (SIGKILL, the whole group) and start it again; true once it listens. */
  restart?: () => Promise<boolean>;
}

/** Is the server still answering a plain valid request? Two tries, a moment apart. */
export async function probeAlive(target: Endpoint, profile: Profile, timeoutMs: number): Promise<boolean> {
  const bytes = latin1(`${profile.baseline.method} ${profile.baseline.target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  for (let attempt = 0; attempt < 2; attempt++) {
    const ex = await exchange(target, { bytes }, { methods: [profile.baseline.method], timeoutMs, headOnly: true });
    if (ex.kind === 'response') return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

/**
 * After every check: is the server still there? A process known dead is down at once; otherwise a
 * liveness probe (one plain request) asks. Probing after every check, not only after hostile ones, puts
 * the blame on the check after which the server went away (a server that exits after its first client
 * fails the baseline, not whichever check happens to be refused next). When it is down, `recover` (if
 * any) explains and restarts it. Returns null while the server is fine, else why and whether it is back.
 */
export async function afterCheck(
  checkId: string,
  target: Endpoint,
  profile: Profile,
  timeoutMs: number,
  control: ServerControl = {},
): Promise<{ reason: string; restarted: boolean } | null> {
  const dead = control.isDown?.() === true;
  if (!dead && (await probeAlive(target, profile, timeoutMs))) return null;
  if (control.recover) return control.recover(checkId);
  return { reason: 'the server stopped answering after this request', restarted: false };
}
