/**
 * Global setup: the zoo's Python servers (and the students' servers of the grade tests) are started with
 * `python3 …` some four hundred times a run. When the first `python3` on PATH is a version manager's
 * shim (pyenv's is a bash script that runs five more before Python: 70 ms of CPU a start, and its Python
 * imports certifi at every start), the tests put a folder first on PATH whose `python3` is the first real
 * interpreter further down PATH of the same version as the shim's, or else the one the shim runs. The
 * same Python, without the shim's cost; nothing changes for a machine whose `python3` is already a
 * binary. The folder goes at the end.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Whether `file` is an executable binary (ELF), not a script. */
function isBinary(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(4);
      fs.readSync(fd, head, 0, 4, 0);
      return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The `python3` files on PATH, in order. */
function pythonsOnPath(): string[] {
  return (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'python3')).filter((f) => fs.existsSync(f));
}

/** What `python3` at `file` says of itself: its interpreter and its version (`3.11`), or null. */
function describe(file: string): { exe: string; version: string } | null {
  try {
    const [exe, version] = execFileSync(file, ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', timeout: 10_000 }).trim().split('\n');
    return exe && version && isBinary(exe) ? { exe, version } : null;
  } catch {
    return null;
  }
}

/**
 * The interpreter to put first, or null when the first `python3` on PATH is already a binary (or there is
 * none). A binary further down PATH only when it is the same version as the one the shim runs (the
 * servers meet the Python the machine chose), else the shim's own interpreter.
 */
export function fasterPython(): string | null {
  const all = pythonsOnPath();
  if (all.length === 0 || isBinary(all[0]!)) return null;
  const chosen = describe(all[0]!);
  if (!chosen) return null;
  const binary = all.slice(1).find((f) => isBinary(f) && describe(f)?.version === chosen.version);
  return binary ? fs.realpathSync(binary) : chosen.exe;
}

export default function setup(): () => void {
  const exe = fasterPython();
  if (!exe) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiregrade-python-'));
  fs.symlinkSync(exe, path.join(dir, 'python3'));
  const before = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${before ?? ''}`;
  return () => {
    process.env.PATH = before;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
