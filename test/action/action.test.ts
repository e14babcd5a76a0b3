/**
 * The GitHub Action (action.yml), run locally the way a runner runs a composite action: each `run` step
 * with bash (`--noprofile --norc -eo pipefail`, as GitHub does), its `${{ inputs.* }}` and
 * `${{ github.* }}` expressions filled in, and the environment GitHub sets (GITHUB_WORKSPACE,
 * GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP), on a zoo server in a workspace
 * folder. `uses` steps (setup-node) are skipped: this machine has Node already.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const actionSchema = z.object({
  name: z.string(),
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string(), value: z.string() })),
  runs: z.object({
    using: z.literal('composite'),
    steps: z.array(
      z.object({
        name: z.string(),
        id: z.string().optional(),
        uses: z.string().optional(),
        with: z.record(z.string(), z.string()).optional(),
        shell: z.string().optional(),
        'working-directory': z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
        run: z.string().optional(),
      }),
    ),
  }),
});
type Action = z.infer<typeof actionSchema>;
const action: Action = actionSchema.parse(parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')));

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

interface Ran {
  code: number;
  skipped: string[];
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
}

/** `${{ … }}` filled in the way the runner does, for the expressions action.yml may use; anything else is an error. */
function expand(text: string, inputs: Record<string, string>, github: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(inputs|github)\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (!m) throw new Error(`action.yml uses an expression this test does not evaluate: ${expr}`);
    if (m[1] === 'inputs') {
      const def = action.inputs[m[2]!];
      if (!def) throw new Error(`action.yml refers to an undeclared input: ${m[2]}`);
      return inputs[m[2]!] ?? def.default ?? '';
    }
    const v = github[m[2]!];
    if (v === undefined) throw new Error(`unexpected github context field: ${m[2]}`);
    return v;
  });
}

function bash(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stderr });
    });
  });
}

/** Runs the action's steps in order, stopping at the first that fails, as a runner does. */
async function runAction(inputs: Record<string, string>): Promise<Ran> {
  const root = mkdtempSync(path.join(tmpdir(), 'wg-action-'));
  made.push(root);
  const workspace = path.join(root, 'workspace');
  const server = path.join(workspace, 'server');
  mkdirSync(server, { recursive: true });
  cpSync(path.join(ZOO_SERVERS_DIR, 'no-505'), server, { recursive: true });
  cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(server, '_lib'), { recursive: true });
  const summaryFile = path.join(root, 'step_summary');
  const outputFile = path.join(root, 'output');
  writeFileSync(summaryFile, 'an earlier step wrote this\n');
  writeFileSync(outputFile, '');
  const runnerTemp = path.join(root, 'runner-temp');
  mkdirSync(runnerTemp);
  const github = { action_path: REPO, workspace };
  const skipped: string[] = [];
  let code = 0;
  let stderr = '';
  for (const [i, step] of action.runs.steps.entries()) {
    if (step.uses) {
      skipped.push(step.uses);
      continue;
    }
    expect(step.shell).toBe('bash');
    const script = path.join(root, `step-${i}.sh`);
    writeFileSync(script, expand(step.run!, inputs, github));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: runnerTemp,
      NO_COLOR: '1',
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs, github);
    const cwd = step['working-directory'] ? expand(step['working-directory'], inputs, github) : workspace;
    const r = await bash(script, cwd, env);
    stderr += r.stderr;
    if (r.code !== 0) {
      code = r.code;
      break;
    }
  }
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code, skipped, stderr, summary: readFileSync(summaryFile, 'utf8'), outputs, workspace };
}

const NO_505_FAILS = ['status.version.http2-is-505', 'status.version.http2-0-is-505', 'status.version.http3-is-505', 'status.version.http3-0-is-505', 'status.version.http9-9-is-505'];

const classroomResult = z.object({
  version: z.literal(1),
  status: z.enum(['pass', 'fail', 'error']),
  max_score: z.number(),
  tests: z.array(z.object({ name: z.string(), status: z.enum(['pass', 'fail', 'error']), score: z.number(), message: z.string() }).loose()),
});

describe('action.yml, run locally with the environment GitHub sets', () => {
  it('declares the inputs a course sets and the outputs Classroom reads', () => {
    for (const input of ['cmd', 'port', 'profile', 'runs', 'seed', 'fail-under']) expect(Object.keys(action.inputs)).toContain(input);
    expect(action.inputs.cmd!.required).toBe(true);
    for (const output of ['score', 'max-score', 'percent', 'result']) expect(action.outputs[output]!.value).toMatch(/^\$\{\{ steps\.grade\.outputs\./);
    // Inputs reach the script only through the environment (no `${{ }}` pasted into a script).
    for (const step of action.runs.steps) if (step.run) expect(step.run).not.toContain('${{');
  });

  it('at or above fail-under: exit 0, JUnit in the workspace, the summary appended, the outputs set', async () => {
    const r = await runAction({ cmd: 'python3 server.py {port}', 'working-directory': 'server', profile: 'reference', runs: '0', 'fail-under': '50', 'max-score': '10', args: '--checks status.version' });
    expect(r.stderr).not.toContain('profile: any');
    expect(r.stderr).not.toMatch(/internal error|command not found/);
    expect(r.code).toBe(0);
    expect(r.skipped).toEqual(['actions/setup-node@v4']);

    const junit = readFileSync(path.join(r.workspace, 'wiregrade-junit.xml'), 'utf8');
    const failed = [...junit.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*>\s*<failure/g)].map((m) => m[1]);
    expect(failed.sort()).toEqual([...NO_505_FAILS].sort());

    expect(r.summary.startsWith('an earlier step wrote this\n## wiregrade\n')).toBe(true);
    expect(r.summary).toMatch(/\*\*11 \/ 16 points \(68\.8%\)\*\*: ✅ at or above the pass mark of 50%/);
    expect(r.summary).toContain('| family | passed | points | % |');
    expect(r.summary).toContain('### Failures (5)');
    expect(r.summary).toMatch(/replay: {3}\(printf 'GET \/ HTTP\/2\\r\\nHost: localhost\\r\\n\\r\\n'; sleep 1\) \| nc -w 2 127\.0\.0\.1 PORT$/m);

    expect(r.outputs['max-score']).toBe('10');
    expect(r.outputs.percent).toBe('68.8');
    const result = classroomResult.parse(JSON.parse(Buffer.from(r.outputs.result!, 'base64').toString('utf8')));
    expect(result.status).toBe('pass');
    expect(result.max_score).toBe(10);
    const total = result.tests.reduce((s, t) => s + Math.round(t.score * 100), 0);
    expect(total).toBe(Math.round(Number(r.outputs.score) * 100));
    expect(result.tests.filter((t) => t.status === 'fail').map((t) => t.name).sort()).toEqual([...NO_505_FAILS].sort());
    expect(result.tests.find((t) => t.name === 'status.version.http2-is-505')!.message).toMatch(/505/);
  });

  it('below fail-under: the step fails (exit 1), and the summary and the outputs are still written', async () => {
    const r = await runAction({ cmd: 'python3 server.py {port}', 'working-directory': 'server', profile: 'reference', runs: '0', 'fail-under': '90', args: '--checks status.version' });
    expect(r.code).toBe(1);
    expect(r.summary).toContain('❌ below the pass mark of 90%');
    expect(JSON.parse(Buffer.from(r.outputs.result!, 'base64').toString('utf8')).status).toBe('fail');
    expect(r.outputs['max-score']).toBe('16');
  });

  it("the Classroom example workflow uses only the action's inputs and hands its result to the reporter", () => {
    const wf = parse(readFileSync(path.join(REPO, 'examples/github-classroom/classroom.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ id?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> }> }>;
    };
    const steps = Object.values(wf.jobs)[0]!.steps;
    // A real reference: a path in the course repository where the README beside the example puts wiregrade.
    const grade = steps.find((s) => s.uses === './.github/actions/wiregrade')!;
    expect(grade.id).toBeTruthy();
    expect(readFileSync(path.join(REPO, 'examples/github-classroom/README.md'), 'utf8')).toContain('.github/actions/wiregrade');
    for (const k of Object.keys(grade.with ?? {})) expect(Object.keys(action.inputs)).toContain(k);
    const reporter = steps.find((s) => s.uses?.startsWith('classroom-resources/autograding-grading-reporter'))!;
    const runner = (reporter.with as Record<string, string>).runners!;
    expect(reporter.env?.[`${runner.toUpperCase()}_RESULTS`]).toBe(`\${{ steps.${grade.id}.outputs.result }}`);
  });

  it('without a profile: judged by the RFC only (any), said in the log and on the summary page', async () => {
    expect(action.inputs.profile!.default).toBe('');
    const r = await runAction({ cmd: 'python3 server.py {port}', 'working-directory': 'server', runs: '0', 'fail-under': '0', args: '--checks status.version' });
    expect(r.code).toBe(0);
    const notice = "profile: any (RFC 9110/9112 only); set the action's profile input to judge by an assignment's rules";
    expect(r.stderr).toContain(notice);
    expect(r.summary.trimEnd().endsWith(notice)).toBe(true);
    const junit = readFileSync(path.join(r.workspace, 'wiregrade-junit.xml'), 'utf8');
    expect(junit).toContain('status.version.http2-is-505');
  });

  it('without cmd: one sentence and exit 2', async () => {
    const r = await runAction({ cmd: '' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('wiregrade: the action needs the cmd input, the command that starts the server (e.g. python3 server.py {port}).');
  });
});
