import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../cli/helpers.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

/**
 * Profile files load from anywhere: a folder outside the repository with no wiregrade installed, with and
 * without `"type": "module"`, as .ts, .mts, .js, .mjs or .json; `wiregrade/config` names the running
 * wiregrade's module.
 */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const TS = `import { defineConfig } from 'wiregrade/config';

export default defineConfig({ name: 'lab-3', extends: 'any', skip: ['status.header.missing-host'] });
`;
const JS = `import { defineConfig } from 'wiregrade/config';
export default defineConfig({ name: 'lab-3', extends: 'any' });
`;

function run(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIREGRADE_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a profile file outside the repository', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'wg-profile-anywhere-'));
  made.push(base);
  const plain = path.join(base, 'plain');
  const esm = path.join(base, 'esm');
  mkdirSync(plain);
  mkdirSync(esm);
  writeFileSync(path.join(plain, 'package.json'), JSON.stringify({ name: 'lab', private: true }));
  writeFileSync(path.join(esm, 'package.json'), JSON.stringify({ name: 'lab', private: true, type: 'module' }));
  const files: Array<[string, string]> = [
    [path.join(plain, 'wiregrade.config.ts'), TS],
    [path.join(esm, 'wiregrade.config.ts'), TS],
    [path.join(plain, 'lab.mts'), TS],
    [path.join(plain, 'lab.js'), JS],
    [path.join(esm, 'lab.js'), JS],
    [path.join(plain, 'lab.mjs'), JS],
    [path.join(plain, 'lab.json'), JSON.stringify({ name: 'lab-3', extends: 'any' })],
  ];
  for (const [f, text] of files) writeFileSync(f, text);

  for (const [f] of files) {
    const label = `${path.basename(path.dirname(f))}/${path.basename(f)}`;
    it(`${label} loads, run from its own folder, with wiregrade/config resolved to the running wiregrade`, async () => {
      const port = await freePort(); // nothing listens: the run stops right after loading the profile
      const r = await run(path.dirname(f), ['fuzz', '--profile', `./${path.basename(f)}`, '--target', `127.0.0.1:${port}`, '--no-corpus', '--json', '-']);
      expect(r.code, r.stderr).toBe(3);
      expect(JSON.parse(r.stdout).profile).toBe('lab-3');
    });
  }
});
