import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` (text as UTF-8, or bytes exactly) to `file` so that a reader sees the old content or the new, never half of it: a temp
 * file in the same directory, fsync, rename over the target, then fsync of the directory (best effort).
 * The temp file is removed when anything fails. A device or a pipe is written to directly.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  // A target that is not a regular file (`--json /dev/null`, /dev/stdout, a named pipe) is written to as
  // it is: renamed over, /dev/null became a regular file, and every later write to it landed there.
  const st = await fs.stat(file).catch(() => null);
  if (st !== null && !st.isFile() && !st.isDirectory()) {
    await fs.writeFile(file, data);
    return;
  }
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Writes `data` to `file` only if no file of that name exists, atomically: a temp file in the same
 * directory, fsync, then a hard link to the name (which fails if the name is taken: no race can
 * overwrite anything), then the temp file is removed. Returns false when `file` already existed.
 */
export async function writeFileExclusive(file: string, data: string | Uint8Array): Promise<boolean> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    try {
      await fs.link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    return true;
  } finally {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
  }
}
