import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/write-file.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wg-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes to a pipe or a device as it is, never renaming a file over it (--json /dev/null)', async () => {
    // A named pipe of our own stands for /dev/null: renamed over, /dev/null became a regular file.
    const fifo = path.join(dir, 'report.pipe');
    execFileSync('mkfifo', [fifo]);
    // The read end opened without blocking (a blocking open would wait forever for a writer that, renamed
    // over the pipe, never comes): what was written is there to read once the write has ended.
    const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await writeFileAtomic(fifo, 'a report');
      expect(statSync(fifo).isFIFO()).toBe(true);
      const buf = Buffer.alloc(64);
      const n = readSync(fd, buf, 0, buf.length, null);
      expect(buf.toString('utf8', 0, n)).toBe('a report');
      expect(readdirSync(dir)).toEqual(['report.pipe']);
    } finally {
      closeSync(fd);
    }
  });

  it('writes a new file and replaces an old one, leaving no temp file', async () => {
    const f = path.join(dir, 'report.json');
    await writeFileAtomic(f, 'one');
    expect(readFileSync(f, 'utf8')).toBe('one');
    await writeFileAtomic(f, 'two ✓');
    expect(readFileSync(f, 'utf8')).toBe('two ✓');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('fails without touching the old file or leaving a temp file when the target cannot be replaced', async () => {
    const f = path.join(dir, 'a-dir');
    // A non-empty directory cannot be renamed over.
    await import('node:fs').then((fs) => {
      fs.mkdirSync(f);
      writeFileSync(path.join(f, 'x'), 'keep');
    });
    await expect(writeFileAtomic(f, 'new')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['a-dir']);
    expect(readFileSync(path.join(f, 'x'), 'utf8')).toBe('keep');
  });

  it('rejects when the directory does not exist', async () => {
    await expect(writeFileAtomic(path.join(dir, 'nope', 'r.json'), 'x')).rejects.toThrow(/ENOENT/);
  });
});
