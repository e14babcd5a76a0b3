import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temp-folder maker for one test file: every folder it makes is removed after the file's tests
 * (call it at the top level of the file, so the afterAll hook belongs to the file).
 */
export function tempFolders(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(path.join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
