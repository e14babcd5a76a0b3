/**
 * Global setup: the zoo's Python servers (and the students' servers of the grade tests) are started with
 * `python3 …` some 650 times a run. The tests put a folder first on PATH whose `python3` runs the real
 * interpreter with `-S`, for two costs that are the machine's, not the servers':
 * - when the first `python3` on PATH is a version manager's shim (pyenv's is a bash script that runs five
 *   more before Python: 70 ms of CPU a start), the interpreter is the first real binary further down PATH
 *   of the same version as the shim's, or else the one the shim runs;
 * - `-S` skips the `site` module: a `.pth` file in site-packages runs at every start (this machine's
 *   sandbox has one that imports certifi: about 55 ms of CPU a start, 36 s a run). The servers use only
 *   the standard library, which `-S` keeps; a server that imports an installed package would fail here.
 * The same Python, without those costs. The folder goes at the end.
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
 * The interpreter the wrapper runs: the first `python3` on PATH when it is a binary; when it is a shim, a
 * binary further down PATH of the same version as the one the shim runs (the servers meet the Python the
 * machine chose), else the shim's own interpreter. Null when there is no `python3`.
 */
export function fasterPython(): string | null {
  const all = pythonsOnPath();
  if (all.length === 0) return null;
  if (isBinary(all[0]!)) return fs.realpathSync(all[0]!);
  const chosen = describe(all[0]!);
  if (!chosen) return null;
  const binary = all.slice(1).find((f) => isBinary(f) && describe(f)?.version === chosen.version);
  return binary ? fs.realpathSync(binary) : chosen.exe;
}

export default function setup(): () => void {
  const exe = fasterPython();
  if (!exe) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiregrade-python-'));
  // `exec`: the wrapper's process becomes Python's (the same pid and process group a grade kills).
  fs.writeFileSync(path.join(dir, 'python3'), `#!/bin/sh\nexec '${exe.replaceAll("'", `'\\''`)}' -S "$@"\n`, { mode: 0o755 });
  const before = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${before ?? ''}`;
  return () => {
    process.env.PATH = before;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
