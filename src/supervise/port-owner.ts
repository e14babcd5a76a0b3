/**
 * Who listens on a port: the kernel's table of sockets (/proc/net/tcp{,6}) gives each listening
 * socket's inode, and /proc/PID/fd gives which process holds that inode. Used to refuse to grade a
 * port another process already holds, to make sure the listener is the submission's own, and to tell a
 * student which port their server did listen on. Never connects. Linux only; elsewhere every answer is
 * "unknown" (null), and grading goes on without these checks.
 */
import fs from 'node:fs';
import { listenTableAvailable, readListenTable } from '../wire/listen-table.js';
import { groupFromLeader, groupMembers } from './process-group.js';

/** The socket inodes process `pid` holds open (empty when it cannot be read). */
function socketInodes(pid: number): Set<number> {
  const out = new Set<number>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch {
      // the descriptor closed meanwhile
    }
  }
  return out;
}

/** The socket inodes the processes `pids` hold open. */
function groupSocketInodes(pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) for (const i of socketInodes(pid)) inodes.add(i);
  return inodes;
}

/** The command line of `pid`, shortened, or null. */
function commandOf(pid: number): string | null {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
    return argv.length > 80 ? `${argv.slice(0, 77)}...` : argv || null;
  } catch {
    return null;
  }
}

/** Is anything listening on `port`, and if so which process (when it can be found)? Null: nothing listens, or it cannot be known. */
export async function portHolder(port: number): Promise<{ pid: number | null; command: string | null } | null> {
  if (!listenTableAvailable()) return null;
  const inodes = new Set((await readListenTable()).filter((e) => e.port === port).map((e) => e.inode));
  if (inodes.size === 0) return null;
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return { pid: null, command: null };
  }
  for (const p of pids) {
    const pid = Number(p);
    const mine = socketInodes(pid);
    for (const i of inodes) if (mine.has(i)) return { pid, command: commandOf(pid) };
  }
  return { pid: null, command: null };
}

/**
 * The ports on which processes of group `pgid` listen, or null when that cannot be known (no /proc).
 * A server that forks keeps its listening socket in the group, so the whole group is read.
 */
export async function groupListeningPorts(pgid: number): Promise<number[] | null> {
  if (!listenTableAvailable()) return null;
  const members = groupMembers(pgid);
  if (members === null) return null;
  const inodes = groupSocketInodes(members);
  const ports = (await readListenTable()).filter((e) => inodes.has(e.inode)).map((e) => e.port);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * Does a process of group `pgid` listen on `port`? Null when that cannot be known (no /proc). Polled while
 * a server starts: the group is found from its leader down, and a group that holds no socket yet (a
 * server still loading) is answered without reading the kernel's socket table, whose read costs
 * milliseconds of kernel time once thousands of closed connections wait in it.
 */
export async function groupListensOn(pgid: number, port: number): Promise<boolean | null> {
  if (!listenTableAvailable()) return null;
  const members = groupFromLeader(pgid) ?? groupMembers(pgid);
  if (members === null) return null;
  const inodes = groupSocketInodes(members);
  if (inodes.size === 0) return false;
  return (await readListenTable()).some((e) => e.port === port && inodes.has(e.inode));
}
