/**
 * `wiregrade gradescope init`, then its `run_autograder` in a temporary folder laid out like
 * Gradescope's (/autograder/source from the zip, /autograder/submission, /autograder/results), on zoo
 * submissions; results.json is checked against Gradescope's documented format
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format").
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { tempFolders } from '../helpers/tmp.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Gradescope's results.json, as documented: every field it names, nothing else. */
const visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible']);
const format = z.enum(['text', 'html', 'simple_format', 'md', 'ansi']);
const gsTest = z.strictObject({
  score: z.number().optional(),
  max_score: z.number().optional(),
  status: z.enum(['passed', 'failed']).optional(),
  name: z.string().optional(),
  name_format: format.optional(),
  number: z.string().optional(),
  output: z.string().optional(),
  output_format: format.optional(),
  tags: z.array(z.string()).optional(),
  visibility: visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
});
const gsResults = z
  .strictObject({
    score: z.number().optional(),
    execution_time: z.number().optional(),
    output: z.string().optional(),
    output_format: format.optional(),
    test_output_format: format.optional(),
    test_name_format: format.optional(),
    visibility: visibility.optional(),
    stdout_visibility: visibility.optional(),
    extra_data: z.record(z.string(), z.unknown()).optional(),
    tests: z.array(gsTest).optional(),
    leaderboard: z.array(z.object({ name: z.string(), value: z.union([z.number(), z.string()]), order: z.enum(['asc', 'desc']).optional() })).optional(),
  })
  .refine((r) => r.score !== undefined || (r.tests ?? []).every((t) => t.score !== undefined), { message: 'a score, at the top level or on every test' });
type GsResults = z.infer<typeof gsResults>;

const tmp = tempFolders();

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs the generated autograder on one zoo submission in a Gradescope-shaped folder; returns results.json. */
async function runAutograder(autograder: string, slug: string, env: NodeJS.ProcessEnv = {}): Promise<{ results: GsResults; stdout: string; code: number | null }> {
  const root = tmp('wg-autograder-root-');
  const source = path.join(root, 'source');
  mkdirSync(source);
  if (hasUnzip()) execFileSync('unzip', ['-q', `${autograder}.zip`, '-d', source], { timeout: 30_000 });
  else cpSync(autograder, source, { recursive: true });
  const submission = path.join(root, 'submission');
  cpSync(path.join(ZOO_SERVERS_DIR, slug), submission, { recursive: true });
  cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(submission, '_lib'), { recursive: true });
  // Gradescope copies run_autograder to the root and runs it from there.
  copyFileSync(path.join(source, 'run_autograder'), path.join(root, 'run_autograder'));
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(path.join(root, 'run_autograder'), [], {
      cwd: root,
      env: { ...process.env, AUTOGRADER_ROOT: root, WIREGRADE_BIN, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out });
    });
  });
  const results = gsResults.parse(JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')));
  return { results, stdout, code };
}

function cents(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + Math.round(x * 100), 0);
}

const NO_505_FAILS = ['status.version.http2-is-505', 'status.version.http2-0-is-505', 'status.version.http3-is-505', 'status.version.http3-0-is-505', 'status.version.http9-9-is-505'];

describe('wiregrade gradescope init', () => {
  const out = path.join(tmp('wg-gs-init-'), 'autograder');
  // A stand-in for the packed wiregrade (test/package/pack.test.ts packs the real one and installs it from
  // the zip offline): packing the repository here would rebuild the dist/ other test files run.
  const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
  const tarball = path.join(tmp('wg-gs-tgz-'), `wiregrade-${version}.tgz`);
  writeFileSync(tarball, 'not really a tarball');

  it('writes setup.sh and run_autograder (executable) and the same files zipped, with Node pinned and the wiregrade tarball installed offline', async () => {
    const c = captureIO();
    const code = await main(
      ['gradescope', 'init', '--cmd', 'python3 server.py {port}', '--profile', 'reference', '--out', out, '--max-score', '50', '--visibility', 'after_due_date', '--runs', '0', '--checks', 'status.version', '--package', tarball],
      c.io,
    );
    expect(c.stderr).toContain('written: ');
    expect(code).toBe(0);
    for (const f of ['setup.sh', 'run_autograder']) expect(statSync(path.join(out, f)).mode & 0o777).toBe(0o755);
    expect(c.stderr).not.toContain('profile: any'); // a profile was given
    const setup = readFileSync(path.join(out, 'setup.sh'), 'utf8');
    expect(setup).toContain(`npm install -g --offline --no-audit --no-fund "$SOURCE/"'wiregrade-${version}.tgz'`);
    expect(readFileSync(path.join(out, `wiregrade-${version}.tgz`), 'utf8')).toBe('not really a tarball');
    expect(setup).toMatch(/https:\/\/nodejs\.org\/dist\/v(\d+\.\d+\.\d+)\/node-v\1-linux-/);
    execFileSync('bash', ['-n', path.join(out, 'setup.sh')]);
    execFileSync('bash', ['-n', path.join(out, 'run_autograder')]);
    if (hasUnzip()) {
      const listed = execFileSync('unzip', ['-Z1', `${out}.zip`], { encoding: 'utf8' }).trim().split('\n');
      expect(listed.sort()).toEqual(readdirSync(out).sort());
    }
  });

  it('run_autograder on a zoo submission writes a results.json in Gradescope\'s format: per-check max_score, visibility, md, total scaled to --max-score', async () => {
    const { results, code } = await runAutograder(out, 'no-505');
    expect(code).toBe(0);
    const tests = results.tests!;
    expect(tests.length).toBeGreaterThan(5);
    for (const t of tests) {
      expect(t.max_score).toBeGreaterThan(0);
      expect(t.visibility).toBe('after_due_date');
      expect(t.output_format).toBe('md');
    }
    expect(cents(tests.map((t) => t.max_score!))).toBe(5000);
    expect(cents(tests.map((t) => t.score!))).toBe(Math.round(results.score! * 100));
    expect(results.score).toBeGreaterThan(0);
    expect(results.score).toBeLessThan(50);
    expect(tests.filter((t) => t.status === 'failed').map((t) => t.name).sort()).toEqual([...NO_505_FAILS].sort());
    expect(results.output_format).toBe('md');
  });

  it('a server that crashes at start: a visible launch test says why, score 0', async () => {
    const { results } = await runAutograder(out, 'hostile-crash-at-start');
    expect(results.score).toBe(0);
    expect(results.tests![0]).toMatchObject({ name: 'launch', status: 'failed', visibility: 'visible' });
    expect(results.tests![0]!.output).toContain('the server exited before listening');
  });

  it('when wiregrade itself cannot run, results.json still says so in the documented format', async () => {
    const { results } = await runAutograder(out, 'no-505', { WIREGRADE_BIN: '/bin/false' });
    expect(results.score).toBe(0);
    expect(results.output).toContain('could not grade this submission (wiregrade exited with code 1)');
  });

  it('without --profile: any (the RFC only), said as fuzz says it; a registry spec is installed from the registry', async () => {
    const dir = path.join(tmp('wg-gs-any-'), 'autograder');
    const c = captureIO();
    expect(await main(['gradescope', 'init', '--cmd', 'python3 server.py {port}', '--out', dir, '--package', 'wiregrade@9.9.9'], c.io)).toBe(0);
    expect(c.stderr).toMatch(/^profile: any \(RFC 9110\/9112 only, known path \/\); --profile NAME\|FILE judges by an assignment's rules$/m);
    expect(readFileSync(path.join(dir, 'run_autograder'), 'utf8')).toContain("--profile 'any'");
    const setup = readFileSync(path.join(dir, 'setup.sh'), 'utf8');
    expect(setup).toContain("npm install -g --no-audit --no-fund 'wiregrade@9.9.9'");
    expect(setup).not.toContain('--offline');
    expect(readdirSync(dir).sort()).toEqual(['run_autograder', 'setup.sh']);
  });

  it('refuses a bad profile, visibility, missing --cmd or a missing tarball with one sentence', async () => {
    for (const [args, why] of [
      [['--cmd', 'x {port}', '--profile', 'nope'], /unknown profile 'nope'/],
      [['--cmd', 'x {port}', '--visibility', 'later'], /--visibility must be one of/],
      [['--profile', 'reference'], /gradescope init needs --cmd/],
      [['--cmd', 'x {port}', '--package', '/nonexistent/wiregrade-0.1.0.tgz'], /--package \/nonexistent\/wiregrade-0\.1\.0\.tgz: no such file/],
    ] as const) {
      const c = captureIO();
      expect(await main(['gradescope', 'init', '--out', path.join(tmp('wg-gs-bad-'), 'a'), ...args], c.io)).toBe(2);
      expect(c.stderr.trim().split('\n')).toHaveLength(1);
      expect(c.stderr).toMatch(why);
    }
  });
});
