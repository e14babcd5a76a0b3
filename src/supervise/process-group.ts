/**
 * Process groups read from /proc: who is in a group, whether any of it is alive, and a signal to all of
 * it. A server under test runs in its own group, so these reach what a student's `sh -c "… &"` forked.
 */
import fs from 'node:fs';

function readProcStat(pid: string): { state: string; pgrp: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', pgrp: Number(rest[2]) };
  } catch {
    return null;
  }
}

/**
 * The live members of process group `pgid` (zombies excluded), or null where /proc is not available.
 * Zombies are left out on purpose: when a group leader dies before its children, the children are
 * re-parented to PID 1, and in some containers PID 1 never reaps them; they are dead all the same.
 */
export function groupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const live: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(name);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') live.push(Number(name));
  }
  return live;
}

/** Does any live process remain in group `pgid`? */
export function groupAlive(pgid: number): boolean {
  const members = groupMembers(pgid);
  if (members) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to every process of group `pgid` (nothing when the group is gone). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
