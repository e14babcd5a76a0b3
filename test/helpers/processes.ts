/** What the tests of signals and cleanup ask of the machine: live processes under a folder, and a bounded wait. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Live (not zombie) processes whose cwd is under `root`, as `PID in CWD`. */
export function processesUnder(root: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
      if (cwd.startsWith(root) && state !== 'Z') out.push(`${pid} in ${cwd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Resolves true once `cond()` holds (polled every 50 ms), false after `ms`. */
export function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const tick = (): void => {
      if (cond()) resolve(true);
      else if (Date.now() - t0 > ms) resolve(false);
      else setTimeout(tick, 50);
    };
    tick();
  });
}
