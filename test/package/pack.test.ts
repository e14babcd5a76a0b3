/**
 * The published package, as a new user meets it: `npm pack` (which builds dist/ through `prepack`) from
 * a clean copy of the repository, then
 * - a global install of the tarball into an empty prefix with no registry (an unreachable one) and an
 *   empty npm cache: the dependencies are bundled in the tarball; then `wiregrade fuzz --target` against
 *   a zoo server, run from an empty folder;
 * - an install in a project folder, which grades a zoo submission with a JavaScript profile that imports
 *   `wiregrade/config`, and refuses a TypeScript profile in one sentence (tsx is an optional peer);
 * - the unpacked tarball as a GitHub Action (a course's `.github/actions/wiregrade`): its grading step;
 * - `wiregrade gradescope init` from the installed copy, whose zip holds the packed tarball, and the
 *   install step of its setup.sh, run offline into another empty prefix.
 *
 * The copy keeps the build away from the repository's own dist/, which other test files run.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/supervise/launch.js';
import { tempFolders } from '../helpers/tmp.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
const RUNTIME_DEPS = Object.keys(JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).dependencies as Record<string, string>);

function npmVersion(): string | null {
  try {
    return execFileSync('npm', ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const npm = npmVersion();

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const tmp = tempFolders();

/**
 * npm with no way to reach a registry (port 9 on loopback refuses) and its own empty cache: whatever it
 * installs must come from the tarball.
 */
function offlineEnv(prefix: string, cache: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: cache,
    npm_config_prefix: prefix,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    WIREGRADE_FROM_SOURCE: '',
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  };
}

/** What `npm install` printed that is a warning or an error (there must be none). */
function complaints(r: Ran): string[] {
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /npm (warn|error|ERR!)/i.test(l));
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts a zoo server (`node server.js PORT`) on a free port; resolves once it accepts connections. */
async function startZoo(slug: string): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['server.js', String(port)], { cwd: path.join(ZOO_SERVERS_DIR, slug), stdio: 'ignore' });
  children.push(child);
  const net = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the zoo server ${slug} did not listen on ${port} within 10 s`);
}

describe.skipIf(!npm)(`npm pack, then install with no registry${npm ? '' : ' (skipped: npm is not on PATH)'}`, () => {
  let work = '';
  let tarball = '';
  let files: string[] = [];
  let prefix = '';

  beforeAll(async () => {
    work = tmp('wg-pack-');
    // A clean copy of what the build needs; node_modules is the repository's (typescript for the build,
    // and the runtime dependencies that are bundled into the tarball).
    const src = path.join(work, 'src-copy');
    mkdirSync(src);
    for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'scripts', 'src', 'properties', 'reference-server', 'action.yml', 'action', 'examples', 'docs']) {
      if (existsSync(path.join(REPO, entry))) cpSync(path.join(REPO, entry), path.join(src, entry), { recursive: true });
    }
    // A real copy, not a link: npm pack, in a folder whose node_modules is a symlink, bundled only the
    // bundled packages themselves and not their own dependencies (pure-rand, ajv…) in a fresh clone.
    cpSync(realpathSync(path.join(REPO, 'node_modules')), path.join(src, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    cpSync(path.join(REPO, 'package-lock.json'), path.join(src, 'package-lock.json'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], src, 280_000);
    expect(packed.stderr.split('\n').filter((l) => /\berror\b/i.test(l))).toEqual([]);
    expect(packed.code).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info!.filename);
    files = info!.files.map((f) => f.path);
  }, 300_000);

  it('ships what users run and its runtime dependencies, nothing of the sources, tests or tsx', () => {
    expect(path.basename(tarball)).toBe(`wiregrade-${VERSION}.tgz`);
    for (const f of ['dist/src/cli/main.js', 'dist/reference-server/cli.js', 'dist/src/model/profile-file.d.ts', 'bin/wiregrade.js', 'README.md']) expect(files).toContain(f);
    for (const dep of RUNTIME_DEPS) expect(files, dep).toContain(`node_modules/${dep}/package.json`);
    expect(files.filter((f) => /^node_modules\/(tsx|esbuild|@esbuild|typescript|vitest)\//.test(f))).toEqual([]);
    for (const f of ['action.yml', 'action/grade.sh']) expect(files).toContain(f); // the unpacked tarball is a working Action
    expect(files.filter((f) => !/^(dist\/|bin\/|action\/|action\.yml$|examples\/|docs\/|node_modules\/|README\.md$|package\.json$|LICENSE)/.test(f))).toEqual([]);
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.test\.|^src\/|^test\/|^bench\/|^corpus\/|zoo/.test(f))).toEqual([]);
  });

  it(
    'installs globally into an empty prefix offline, and `wiregrade fuzz --target` runs from an empty folder',
    async () => {
      prefix = path.join(work, 'prefix');
      const env = offlineEnv(prefix, path.join(work, 'cache'));
      const installed = await run('npm', ['install', '-g', '--offline', tarball], work, 280_000, env);
      expect(complaints(installed)).toEqual([]);
      expect(installed.code, installed.stderr).toBe(0);
      const bin = path.join(prefix, 'bin', 'wiregrade');
      expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'wiregrade', 'src'))).toBe(false);
      expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'tsx'))).toBe(false);

      const empty = path.join(work, 'empty');
      mkdirSync(empty);
      expect((await run('wiregrade', ['--version'], empty, 30_000, env)).stdout.trim()).toBe(VERSION);

      const port = await startZoo('correct-node');
      const fuzzed = await run(bin, ['fuzz', '--target', `127.0.0.1:${port}`, '--checks', 'baseline', 'status.version', '--runs', '0', '--no-corpus', '--no-color'], empty, 120_000, env);
      expect(fuzzed.stderr).not.toMatch(/internal error|Cannot find|ERR_/);
      expect(fuzzed.stderr).toMatch(/^profile: any \(RFC 9110\/9112 only/m); // the assumption is said
      expect(fuzzed.code, fuzzed.stdout + fuzzed.stderr).toBe(0);
      expect(fuzzed.stdout).toMatch(/^\d+ checks: [1-9]\d* passed, 0 failed, .* — target 127\.0\.0\.1:\d+, profile any, /m);
      expect(fuzzed.stdout).toMatch(/│ robustness +│ +1 │ +0 │/); // the baseline ran and passed
      expect(readdirSync(empty)).toEqual([]); // --no-corpus: nothing written in the user's folder
    },
    300_000,
  );

  it(
    'in a project: grades a zoo submission with a .mjs profile that imports wiregrade/config; a .ts profile without tsx is one sentence',
    async () => {
      const app = path.join(work, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'course', private: true, type: 'module' }));
      const env = offlineEnv(path.join(work, 'unused-prefix'), path.join(work, 'cache-app'));
      const installed = await run('npm', ['install', '--offline', tarball], app, 280_000, env);
      expect(complaints(installed)).toEqual([]);
      expect(installed.code, installed.stderr).toBe(0);
      const bin = path.join(app, 'node_modules', '.bin', 'wiregrade');

      const sub = path.join(app, 'alice');
      cpSync(path.join(ZOO_SERVERS_DIR, 'no-505'), sub, { recursive: true });
      cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(sub, '_lib'), { recursive: true });
      const config = `import { defineConfig } from 'wiregrade/config';\nexport default defineConfig({ name: 'lab-pack', extends: 'reference', points: { 'status.version.': 2 } });\n`;
      writeFileSync(path.join(app, 'lab.config.mjs'), config);
      writeFileSync(path.join(app, 'lab.config.ts'), config);
      const json = path.join(app, 'alice.json');
      const gradeArgs = ['grade', '--cwd', sub, '--cmd', 'python3 server.py {port}', '--checks', 'status.version', '--runs', '0', '--json', json, '--no-color'];
      const graded = await run(bin, [...gradeArgs, '--profile', './lab.config.mjs'], app, 120_000, env);
      expect(graded.stderr).not.toMatch(/internal error|Cannot find|ERR_/);
      expect(graded.code).toBe(1); // points lost
      const report = JSON.parse(readFileSync(json, 'utf8')) as { profile: string; score: { points: number; max: number }; checks: Array<{ id: string; verdict: string }> };
      expect(report.profile).toBe('lab-pack');
      expect(report.checks.find((c) => c.id === 'status.version.http2-is-505')?.verdict).toBe('fail');
      expect(report.checks.find((c) => c.id === 'baseline.valid-request-answered')?.verdict).toBe('pass');
      expect(report.score.points).toBeLessThan(report.score.max);

      const ts = await run(bin, [...gradeArgs, '--profile', './lab.config.ts'], app, 60_000, env);
      expect(ts.code).toBe(2);
      expect(ts.stderr.trim()).toMatch(/^wiregrade: the profile file \.\/lab\.config\.ts is TypeScript, which needs tsx: install it .* or write the profile as \.js, \.mjs or \.json/);
      expect(ts.stderr.trim().split('\n')).toHaveLength(1);
    },
    300_000,
  );

  it(
    'the unpacked tarball is a working GitHub Action: its grading step runs with nothing installed',
    async () => {
      const actionDir = path.join(work, 'course-repo', '.github', 'actions');
      mkdirSync(actionDir, { recursive: true });
      execFileSync('tar', ['-xzf', tarball, '-C', actionDir], { timeout: 60_000 });
      const action = path.join(actionDir, 'wiregrade');
      renameSync(path.join(actionDir, 'package'), action);
      // action.yml's install step runs only when node_modules is missing: the tarball brings it, and dist/.
      expect(existsSync(path.join(action, 'node_modules', 'zod'))).toBe(true);
      expect(existsSync(path.join(action, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
      const workspace = path.join(work, 'course-repo');
      cpSync(path.join(ZOO_SERVERS_DIR, 'no-505'), path.join(workspace, 'server'), { recursive: true });
      cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(workspace, 'server', '_lib'), { recursive: true });
      const summary = path.join(work, 'step-summary.md');
      const output = path.join(work, 'step-output');
      writeFileSync(summary, '');
      writeFileSync(output, '');
      const runnerTemp = path.join(work, 'runner-temp');
      mkdirSync(runnerTemp);
      const env = {
        ...offlineEnv(path.join(work, 'unused-prefix'), path.join(work, 'cache-action')),
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: action,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: runnerTemp,
        INPUT_CMD: 'python3 server.py {port}',
        INPUT_WORKING_DIRECTORY: 'server',
        INPUT_RUNS: '0',
        INPUT_FAIL_UNDER: '0',
        INPUT_JUNIT: 'wiregrade-junit.xml',
        INPUT_ARGS: '--checks status.version',
      };
      const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', path.join(action, 'action', 'grade.sh')], workspace, 180_000, env);
      expect(r.stderr).not.toMatch(/internal error|Cannot find|ERR_/);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('profile: any (RFC 9110/9112 only)');
      expect(readFileSync(path.join(workspace, 'wiregrade-junit.xml'), 'utf8')).toContain('status.version.http2-is-505');
      expect(readFileSync(summary, 'utf8')).toContain('## wiregrade');
      expect(readFileSync(output, 'utf8')).toMatch(/^percent=\d/m);
    },
    240_000,
  );

  it(
    "gradescope init (from the installed copy) puts the tarball in the zip, and setup.sh's install step works offline",
    async () => {
      expect(prefix, 'the global install above ran').not.toBe('');
      const env = offlineEnv(prefix, path.join(work, 'cache'));
      const here = path.join(work, 'course');
      mkdirSync(here);
      const init = await run(path.join(prefix, 'bin', 'wiregrade'), ['gradescope', 'init', '--cmd', 'python3 server.py {port}', '--out', 'autograder'], here, 280_000, env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stderr).toMatch(/^profile: any \(RFC 9110\/9112 only/m);
      const tgz = `wiregrade-${VERSION}.tgz`;
      const source = path.join(work, 'source');
      if (hasUnzip()) {
        const listed = execFileSync('unzip', ['-Z1', path.join(here, 'autograder.zip')], { encoding: 'utf8' }).trim().split('\n');
        expect(listed.sort()).toEqual(['run_autograder', 'setup.sh', tgz]);
        execFileSync('unzip', ['-q', path.join(here, 'autograder.zip'), '-d', source], { timeout: 30_000 });
      } else {
        cpSync(path.join(here, 'autograder'), source, { recursive: true });
      }
      const setup = readFileSync(path.join(source, 'setup.sh'), 'utf8');
      expect(readFileSync(path.join(source, 'run_autograder'), 'utf8')).toContain("--profile 'any'");
      // The install step: from "# wiregrade" to `wiregrade --version` (Node itself comes from nodejs.org and is here already).
      const lines = setup.split('\n');
      const from = lines.findIndex((l) => l.startsWith('# wiregrade '));
      const to = lines.findIndex((l, i) => i > from && l.trim() === 'wiregrade --version');
      expect(from).toBeGreaterThan(0);
      expect(to).toBeGreaterThan(from);
      const step = lines.slice(from, to + 1);
      expect(step.join('\n')).toContain(`npm install -g --offline --no-audit --no-fund "$SOURCE/"'${tgz}'`);
      const script = path.join(work, 'install-step.sh');
      writeFileSync(script, ['set -euo pipefail', `SOURCE=${JSON.stringify(source)}`, ...step].join('\n') + '\n');
      const prefix2 = path.join(work, 'prefix-gradescope');
      const ran = await run('bash', [script], work, 280_000, offlineEnv(prefix2, path.join(work, 'cache-gradescope')));
      expect(complaints(ran)).toEqual([]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout.trim().split('\n').pop()).toBe(VERSION);
      expect(existsSync(path.join(prefix2, 'bin', 'wiregrade'))).toBe(true);
    },
    300_000,
  );
});
