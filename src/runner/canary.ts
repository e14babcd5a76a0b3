import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Canary } from '../checks/types.js';

/**
 * The security canary of a graded submission: a file planted in the scratch root, beside the scratch
 * copy the server runs in (`<root>/submission`), so outside the server's own folder. Its name and
 * content are secrets made fresh for each submission (from the system's random source: a secret, not a
 * test case, so it takes no part in the seed, and changes no verdict). The `security.*` checks try to
 * read it, and to write beside it, through the server; `grade` removes the whole root afterwards.
 */
export async function plantCanary(root: string, serverDir: string): Promise<Canary> {
  const dir = await fs.realpath(root);
  const real = path.join(dir, path.relative(root, serverDir));
  const readName = `wiregrade-canary-${randomBytes(6).toString('hex')}.txt`;
  const content = `wiregrade canary ${randomBytes(16).toString('hex')}\n`;
  await fs.writeFile(path.join(dir, readName), content, { mode: 0o644 });
  const serverName = path.basename(real);
  const own = (name: string): boolean => name === readName || name === serverName || name.includes('/') || name === '..' || name === '.';
  return {
    dir,
    serverDir: real,
    readName,
    content,
    entries: async () => (await fs.readdir(dir)).sort(),
    head: async (name, bytes) => {
      if (name.includes('/')) return new Uint8Array(0);
      let fh: fs.FileHandle | undefined;
      try {
        // Only a regular file is opened (a FIFO the server made would block the read).
        if (!(await fs.lstat(path.join(dir, name))).isFile()) return new Uint8Array(0);
        fh = await fs.open(path.join(dir, name), 'r');
        const st = await fh.stat();
        if (!st.isFile()) return new Uint8Array(0);
        const buf = Buffer.alloc(Math.min(bytes, st.size));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        return buf.subarray(0, bytesRead);
      } catch {
        return new Uint8Array(0);
      } finally {
        await fh?.close();
      }
    },
    remove: async (name) => {
      if (own(name)) return;
      await fs.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
