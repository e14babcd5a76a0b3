/**
 * The class benchmark of `npm run bench` (issue 15): a generated class of submissions graded by one
 * `wiregrade grade CLASS_DIR` process, as a course runs it, and the start-up time of the command.
 *
 * - The class: N submissions (default 200), each a copy of a zoo server with `{port}` in the command:
 *   half correct (the threaded and the asyncio Python servers, alternating), half the zoo's mix of the
 *   others (a rotation of classic buggy zoo servers, a crashing one and one that hangs on what it cannot
 *   read whole included, and hostile ones: silent, resetting, answering garbage, crashing at start, an
 *   endless body). Graded with the default
 *   --jobs, then a slice of the same class with --jobs 1, in the same run; both as submissions per
 *   minute. A class's grade is only worth its speed if it stays right under load, so the figures come
 *   with a check: every correct submission full marks, every planted bug points lost.
 * - Start-up: `wiregrade --version` next to `node -e 0`, alternating, median of 15 each.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZOO_SERVERS_DIR } from '../test/zoo/manifest.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin', 'wiregrade.js');

export const CORRECT = ['correct-threaded', 'correct-asyncio'] as const;
/** Planted bugs: each loses points on the catalogue alone, one crashes the server (deaths and restarts). */
export const PLANTED = ['no-505', 'post-200', 'missing-is-200', 'head-with-body', 'lf-line-ends', 'unknown-method-400', 'garbage-405', 'patch-replaces', 'delete-keeps', 'crash-no-body', 'wrong-content-length', 'no-reason-phrase', 'single-recv'] as const;
/** Hostile submissions, in the same rotation: each must lose points too (most get none). */
export const HOSTILE = ['hostile-silent', 'hostile-reset', 'hostile-garbage', 'hostile-crash-at-start', 'hostile-endless-body'] as const;
/** The half of the class that is not correct, in the order it is dealt out. */
const NOT_CORRECT: readonly string[] = [...PLANTED, ...HOSTILE];

export interface ClassRun {
  jobs: string;
  submissions: number;
  wallMs: number;
  perMinute: number;
  /** Correct submissions with full marks / correct submissions. */
  correctFull: [number, number];
  /** Planted bugs that lost points / planted bugs. */
  bugsCaught: [number, number];
  /** Submissions whose grade is wrong: a correct one that lost points, a bug that kept full marks. */
  wrong: string[];
  exitCode: number | null;
}

/** Writes a class folder: `s001-correct-threaded/`, `s002-no-505/`, … each with the server and its `_lib`. */
export async function generateClass(root: string, size: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < size; i++) {
    const slug = i % 2 === 0 ? CORRECT[(i / 2) % CORRECT.length]! : NOT_CORRECT[((i - 1) / 2) % NOT_CORRECT.length]!;
    const name = `s${String(i + 1).padStart(3, '0')}-${slug}`;
    const dir = path.join(root, name);
    await fs.cp(path.join(ZOO_SERVERS_DIR, slug), dir, { recursive: true });
    await fs.cp(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, '_lib'), { recursive: true });
    names.push(name);
  }
  return names;
}

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Grades the class folder in one `wiregrade grade` process; `jobs` null = the default. */
export async function gradeClass(classDir: string, jobs: number | null, timeoutMs: number): Promise<ClassRun> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'wiregrade-bench-class-run-'));
  try {
    const json = path.join(work, 'class.json');
    const scratch = path.join(work, 'scratch');
    await fs.mkdir(scratch);
    // The zoo's servers implement the reference protocol, and their planted bugs are bugs of it: graded
    // by `grade`'s default profile (`any`, the RFC only), most of them rightly keep full marks.
    const args = ['grade', classDir, '--cmd', 'python3 server.py {port}', '--profile', 'reference', '--json', json, '--scratch', scratch, '--no-color', ...(jobs === null ? [] : ['--jobs', String(jobs)])];
    const t0 = performance.now();
    const r = await run(args, timeoutMs);
    const wallMs = performance.now() - t0;
    const results = JSON.parse(await fs.readFile(json, 'utf8').catch(() => '[]')) as Array<{
      submission: string;
      score: { points: number; max: number };
      restarts: number;
      checks: Array<{ id: string; verdict: string; firstFailure?: { reason?: string } }>;
    }>;
    if (results.length === 0) throw new Error(`wiregrade grade wrote no results (exit ${r.code}): ${r.stderr.split('\n').slice(-3).join(' ')}`);
    const correct = results.filter((g) => CORRECT.some((c) => g.submission.endsWith(`-${c}`)));
    const planted = results.filter((g) => !correct.includes(g));
    const lost = (g: (typeof results)[number]): string =>
      g.checks
        .filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip' && c.verdict !== 'warn')
        .map((c) => `${c.id} ${c.verdict}${c.firstFailure?.reason ? ` (${c.firstFailure.reason.slice(0, 160)})` : ''}`)
        .join('; ');
    const wrong = [
      ...correct.filter((g) => g.score.points < g.score.max).map((g) => `${g.submission} ${g.score.points}/${g.score.max}, restarts ${g.restarts}: ${lost(g)}`),
      ...planted.filter((g) => g.score.points >= g.score.max).map((g) => `${g.submission} ${g.score.points}/${g.score.max}`),
    ];
    const jobsUsed = /grading \d+ submissions, (\d+) at a time/.exec(r.stderr)?.[1];
    return {
      jobs: jobs === null ? `default${jobsUsed ? ` (${jobsUsed})` : ''}` : String(jobs),
      submissions: results.length,
      wallMs,
      perMinute: (results.length / wallMs) * 60_000,
      correctFull: [correct.length - correct.filter((g) => g.score.points < g.score.max).length, correct.length],
      bugsCaught: [planted.length - planted.filter((g) => g.score.points >= g.score.max).length, planted.length],
      wrong,
      exitCode: r.code,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

export interface ClassBench {
  size: number;
  baselineSize: number;
  cores: number;
  loadAverage: number[];
  fast: ClassRun;
  jobs1: ClassRun;
  /** The --jobs 1 rate projected to the whole class, in ms. */
  jobs1ProjectedMs: number;
}

/**
 * The whole class with the default --jobs, then its first `baselineSize` submissions with --jobs 1 (the
 * whole class one at a time would take the better part of half an hour here: it is projected from the slice).
 */
export async function benchClass(opts: { size: number; baselineSize: number; progress: (m: string) => void; timeoutMs: number }): Promise<ClassBench> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wiregrade-bench-class-'));
  try {
    const all = path.join(root, 'class');
    await fs.mkdir(all);
    const names = await generateClass(all, opts.size);
    const slice = path.join(root, 'slice');
    await fs.mkdir(slice);
    for (const n of names.slice(0, opts.baselineSize)) await fs.cp(path.join(all, n), path.join(slice, n), { recursive: true });
    const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
    opts.progress(`class: ${opts.size} submissions, default --jobs (load average ${loadAverage.join(', ')})`);
    const fast = await gradeClass(all, null, opts.timeoutMs);
    opts.progress(`class: ${fast.submissions} in ${(fast.wallMs / 1000).toFixed(0)} s = ${fast.perMinute.toFixed(1)}/min with --jobs ${fast.jobs}; now ${opts.baselineSize} of them with --jobs 1`);
    const jobs1 = await gradeClass(slice, 1, opts.timeoutMs);
    opts.progress(`class: --jobs 1: ${jobs1.submissions} in ${(jobs1.wallMs / 1000).toFixed(0)} s = ${jobs1.perMinute.toFixed(1)}/min`);
    return { size: opts.size, baselineSize: opts.baselineSize, cores: os.availableParallelism(), loadAverage, fast, jobs1, jobs1ProjectedMs: (opts.size / jobs1.perMinute) * 60_000 };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

function timeOnce(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: REPO, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
      else resolve(performance.now() - t0);
    });
  });
}

export interface StartupBench {
  repeats: number;
  /** Which code bin/wiregrade.js ran: dist/ (compiled) or the sources through tsx. */
  mode: 'dist' | 'source';
  versionMs: number;
  nodeMs: number;
  /** `wiregrade list`: the whole CLI loaded (the catalogue, fast-check, undici, zod), for comparison. */
  listMs: number;
  versionRuns: number[];
  nodeRuns: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `wiregrade --version` and `node -e 0`, alternating, `repeats` each; medians. */
export async function benchStartup(repeats = 15): Promise<StartupBench> {
  const versionRuns: number[] = [];
  const nodeRuns: number[] = [];
  const listRuns: number[] = [];
  await timeOnce(process.execPath, [BIN, '--version']); // warm the file cache
  for (let i = 0; i < repeats; i++) {
    nodeRuns.push(await timeOnce(process.execPath, ['-e', '0']));
    versionRuns.push(await timeOnce(process.execPath, [BIN, '--version']));
    if (i < 5) listRuns.push(await timeOnce(process.execPath, [BIN, 'list', '--json']));
  }
  const stamp = await fs.stat(path.join(REPO, 'dist', '.built')).catch(() => null);
  return { repeats, mode: stamp ? 'dist' : 'source', versionMs: median(versionRuns), nodeMs: median(nodeRuns), listMs: median(listRuns), versionRuns, nodeRuns };
}
