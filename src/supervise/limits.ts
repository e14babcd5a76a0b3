/**
 * The limits a student's server runs under, and the command line that applies them (prlimit, and
 * bubblewrap when asked for). Nothing here starts anything.
 */
import { existsSync } from 'node:fs';

/**
 * Limits on the student's process. Each is applied with prlimit where the system has it. Memory is
 * RLIMIT_DATA (heap and private writable mappings), not the address space: Node and WebAssembly reserve
 * far more address space than they use, and an address-space limit kills them at start.
 */
export interface ProcessLimits {
  cpuSeconds: number;
  memoryBytes: number;
  /** Largest file the server may write. */
  fileBytes: number;
  /** Processes (ignored by Linux for root). */
  processes: number;
  /** Wall time for the whole submission: start, every check, every restart. */
  wallMs: number;
}

export const DEFAULT_LIMITS: ProcessLimits = {
  cpuSeconds: 120,
  memoryBytes: 2 * 1024 ** 3,
  fileBytes: 256 * 1024 ** 2,
  processes: 256,
  wallMs: 5 * 60_000,
};

/** Where bubblewrap is, if installed. */
export function bubblewrapPath(): string | null {
  for (const p of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) if (existsSync(p)) return p;
  return null;
}

function prlimitPath(): string | null {
  for (const p of ['/usr/bin/prlimit', '/bin/prlimit']) if (existsSync(p)) return p;
  return null;
}

/** The argv that runs `cmd` in `scratch` with the limits and (if asked and available) the sandbox. */
export function wrapCommand(cmd: string, scratch: string, limits: ProcessLimits, sandbox: string | null): string[] {
  let argv = ['/bin/sh', '-c', cmd];
  if (sandbox) {
    argv = [sandbox, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--bind', scratch, scratch, '--chdir', scratch, '--die-with-parent', '--', ...argv];
  }
  const prlimit = prlimitPath();
  if (prlimit) {
    argv = [prlimit, `--cpu=${limits.cpuSeconds}`, `--data=${limits.memoryBytes}`, `--fsize=${limits.fileBytes}`, `--nproc=${limits.processes}`, '--', ...argv];
  }
  return argv;
}

