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

/**
 * The live members of group `pgid` found from its leader (whose pid is `pgid`) down: the leader and its
 * descendants still in the group, read from /proc/PID/task/TID/children (a few files, where groupMembers
 * reads every process's). While the leader lives, these are the group (a member outside them would be a
 * child its dead parent left to init). Null when the leader is gone or this cannot be read.
 */
export function groupFromLeader(pgid: number): number[] | null {
  const out: number[] = [];
  const queue = [pgid];
  for (let i = 0; i < queue.length && i < MAX_FAMILY; i++) {
    const pid = queue[i]!;
    const stat = readProcStat(String(pid));
    if (stat === null || stat.state === 'Z' || stat.state === 'X') {
      if (pid === pgid) return null;
      continue;
    }
    if (stat.pgrp === pgid) out.push(pid);
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      if (pid === pgid) return null;
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').split(' ')) if (/^\d+$/.test(c)) queue.push(Number(c));
      } catch {
        // the thread ended meanwhile (or the kernel has no children files: then the leader's read fails first)
        if (pid === pgid && tid === String(pid)) return null;
      }
    }
  }
  return out;
}

/** A bound on the processes groupFromLeader walks (a fork bomb is not followed). */
const MAX_FAMILY = 256;

/** Does any live process remain in group `pgid`? */
export function groupAlive(pgid: number): boolean {
  // No process at all in the group (zombies included): gone, without reading every process's stat.
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
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
