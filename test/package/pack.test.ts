/**
 * The published package: `npm pack` (which builds dist/ through `prepare`) from a clean copy of the
 * repository, then an install of the tarball in an empty folder, which must run `wiregrade grade` on a
 * zoo server from the compiled JavaScript alone, and load a TypeScript profile that imports
 * `wiregrade/config`.
 *
 * The copy keeps the build away from the repository's own dist/, which other test files run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function npmVersion(): string | null {
  try {
    return execFileSync('npm', ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const npm = npmVersion();

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!npm)(`npm pack, then install in an empty folder${npm ? '' : ' (skipped: npm is not on PATH)'}`, () => {
  it(
    'ships only what users run, and the installed command grades a zoo server from dist/',
    async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'wg-pack-'));
      scratch.push(work);

      // A clean copy of what the build needs; node_modules is the repository's (typescript for the build).
      const src = path.join(work, 'src-copy');
      mkdirSync(src);
      for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'scripts', 'src', 'reference-server', 'examples', 'docs']) {
        if (existsSync(path.join(REPO, entry))) cpSync(path.join(REPO, entry), path.join(src, entry), { recursive: true });
      }
      rmSync(path.join(src, 'dist'), { recursive: true, force: true });
      symlinkSync(realpathSync(path.join(REPO, 'node_modules')), path.join(src, 'node_modules'));

      const packed = await run('npm', ['pack', '--json', '--pack-destination', work], src, 240_000);
      expect(packed.stderr.split('\n').filter((l) => /\berror\b/i.test(l))).toEqual([]);
      expect(packed.code).toBe(0);
      const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = info!.files.map((f) => f.path);
      expect(files).toContain('dist/src/cli/main.js');
      expect(files).toContain('dist/reference-server/cli.js');
      expect(files).toContain('dist/src/model/profile-file.d.ts');
      expect(files).toContain('bin/wiregrade.js');
      expect(files).toContain('README.md');
      expect(files.filter((f) => !/^(dist\/|bin\/|examples\/|docs\/|README\.md$|package\.json$|LICENSE)/.test(f))).toEqual([]);
      expect(files.filter((f) => /\.test\.|^src\/|^test\/|^bench\/|^corpus\/|zoo/.test(f))).toEqual([]);
      expect(files.length).toBeLessThan(400);

      // An empty folder: install the tarball (dependencies from the npm cache or the registry).
      const app = path.join(work, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'course', private: true, type: 'module' }));
      const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, info!.filename)], app, 240_000);
      expect(installed.stderr.split('\n').filter((l) => /npm (error|ERR!)/.test(l))).toEqual([]);
      expect(installed.code).toBe(0);
      const pkgDir = path.join(app, 'node_modules', 'wiregrade');
      expect(existsSync(path.join(pkgDir, 'src'))).toBe(false);
      const bin = path.join(app, 'node_modules', '.bin', 'wiregrade');

      const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
      const v = await run(bin, ['--version'], app, 30_000);
      expect(v.stdout.trim()).toBe(version);

      // A zoo submission with one bug (HTTP/2 served as HTTP/1.1), graded from the installed package,
      // with a TypeScript profile that imports wiregrade/config from the installed package.
      const sub = path.join(app, 'alice');
      cpSync(path.join(ZOO_SERVERS_DIR, 'no-505'), sub, { recursive: true });
      cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(sub, '_lib'), { recursive: true });
      writeFileSync(
        path.join(app, 'lab.config.ts'),
        `import { defineConfig } from 'wiregrade/config';\nexport default defineConfig({ name: 'lab-pack', extends: 'reference', points: { 'status.version.': 2 } });\n`,
      );
      const json = path.join(app, 'alice.json');
      const graded = await run(
        bin,
        ['grade', '--cwd', sub, '--cmd', 'python3 server.py {port}', '--profile', './lab.config.ts', '--checks', 'status.version', '--runs', '0', '--json', json, '--no-color'],
        app,
        120_000,
        { ...process.env, NO_COLOR: '1', WIREGRADE_FROM_SOURCE: '' },
      );
      expect(graded.stderr).not.toMatch(/internal error|Cannot find|ERR_/);
      expect(graded.code).toBe(1); // points lost
      const report = JSON.parse(readFileSync(json, 'utf8')) as { profile: string; score: { points: number; max: number }; checks: Array<{ id: string; verdict: string }> };
      expect(report.profile).toBe('lab-pack');
      expect(report.checks.find((c) => c.id === 'status.version.http2-is-505')?.verdict).toBe('fail');
      expect(report.checks.find((c) => c.id === 'baseline.valid-request-answered')?.verdict).toBe('pass');
      expect(report.score.points).toBeLessThan(report.score.max);
    },
    600_000,
  );
});
