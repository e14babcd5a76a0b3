import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { captureIO, fixedResponseServer, OK_300 } from './helpers.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wg-small-'));
  made.push(d);
  return d;
}

describe('--target', () => {
  it('takes the URL a browser shows, http://HOST:PORT/, and refuses https and paths with a sentence that says why', async () => {
    expect(parseTarget('http://127.0.0.1:8080/')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseTarget('http://localhost')).toEqual({ host: 'localhost', port: 80 });
    expect(parseTarget('http://[::1]:9/')).toEqual({ host: '::1', port: 9 });
    expect(() => parseTarget('https://127.0.0.1:8443/')).toThrow(/plain HTTP\/1\.1 over TCP, without TLS/);
    expect(() => parseTarget('http://127.0.0.1:8080/index.html')).toThrow(/has a path.*--path/);
    const s = await fixedResponseServer(OK_300);
    try {
      const c = captureIO();
      expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `http://127.0.0.1:${s.port}/`, '--checks', 'baseline'], c.io), c.stderr).toBe(0);
      expect(c.stdout).toContain(`target 127.0.0.1:${s.port}`);
    } finally {
      await s.close();
    }
  });
});

describe('a usage error', () => {
  it('leaves no --report folder behind', async () => {
    const dir = tmp();
    const report = path.join(dir, 'reports');
    for (const bad of [['--scratch', path.join(dir, 'nope')], ['--seed', 'x'], ['--gradescope', path.join(dir, 'r.json'), path.join(dir)]]) {
      const c = captureIO();
      expect(await main(['grade', '--cwd', dir, '--cmd', 'true {port}', '--report', report, ...bad], c.io)).toBe(2);
      expect(existsSync(report), bad.join(' ')).toBe(false);
    }
  });
});

describe('help', () => {
  it('names every built-in profile, from the profile list, and no line is cut mid-sentence', async () => {
    for (const cmd of ['fuzz', 'grade']) {
      const c = captureIO();
      expect(await main([cmd, '--help'], c.io)).toBe(0);
      const help = c.stdout.replace(/\s+/g, ' ');
      expect(help).toContain(`a built-in profile (${Object.keys(profiles).join(', ')})`);
      expect(Object.keys(profiles)).toHaveLength(6);
      expect(help).toContain("the differential checks compare every answer with the oracle's");
    }
  });
});
