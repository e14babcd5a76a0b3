/**
 * The grader stays truthful when the student's server misbehaves: a malformed answer is a finding, not a
 * death; a death is charged to the request that caused it, once; a server without SO_REUSEADDR is
 * started again; a port held by another process is never graded; a signal leaves nothing behind; and a
 * loaded machine does not change a score.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { main } from '../../src/cli/main.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { gradeSubmission } from '../../src/runner/grade.js';
import { DEFAULT_LIMITS } from '../../src/supervise/limits.js';
import type { GradeResult } from '../../src/runner/grade-types.js';
import { KEEPS_SERVING_ID } from '../../src/runner/scheduler.js';
import { freePort } from '../../src/supervise/launch.js';
import { allProperties } from '../../properties/index.js';
import { captureIO } from '../cli/helpers.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { tempFolders } from '../helpers/tmp.js';
import { processesUnder, waitFor } from '../helpers/processes.js';
import { START_MS } from '../helpers/env.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempFolders();

/** A submission folder made from a zoo server (with its _lib). */
function submission(slug: string, into = tmp('wg-sub-')): string {
  const dir = path.join(into, slug);
  cpSync(path.join(ZOO_SERVERS_DIR, slug), dir, { recursive: true });
  cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, '_lib'), { recursive: true });
  return dir;
}

async function grade(slug: string, extra: { runs?: number; port?: number; scratchRoot?: string; checks?: string[] } = {}): Promise<GradeResult> {
  return gradeSubmission({
    submission: slug,
    cmd: 'python3 server.py {port}',
    dir: submission(slug),
    port: extra.port ?? (await freePort()),
    profile: profiles.reference!,
    checks: extra.checks ? allChecks.filter((c) => extra.checks!.some((p) => c.id.startsWith(p))) : allChecks,
    properties: extra.checks ? [] : allProperties,
    seed: 20261121,
    runs: extra.runs ?? 5,
    timeoutMs: 2000,
    strict: false,
    limits: { ...DEFAULT_LIMITS, wallMs: 120_000 },
    sandbox: false,
    startTimeoutMs: START_MS,
    ...(extra.scratchRoot ? { scratchRoot: extra.scratchRoot } : {}),
  });
}

const counted = (g: GradeResult) => g.run.checks.filter((c) => c.verdict !== 'skip');
const blockedShare = (g: GradeResult) => counted(g).filter((c) => c.verdict === 'blocked').length / counted(g).length;
/** The blocked checks with their causes: what a failing share assertion prints. */
const blockedList = (g: GradeResult) => counted(g).filter((c) => c.verdict === 'blocked').map((c) => `${c.id}: ${c.reason} ${JSON.stringify(c.cause)}`).join('\n');

// One suite whose parts run side by side: each test has its own servers, ports and folders.
describe.concurrent('the grader stays truthful', () => {
  describe.concurrent('grading a server that misbehaves', () => {
    it('judges a server that answers every request with a malformed head: findings, no death, few blocked', async () => {
      const g = await grade('malformed-head');
      expect(g.deaths).toEqual([]);
      expect(g.run.stopped).toBeUndefined();
      expect(g.run.checks.some((c) => c.cause?.kind === 'died')).toBe(false);
      expect(blockedShare(g), blockedList(g)).toBeLessThan(0.25);
      const byId = new Map(g.run.checks.map((c) => [c.id, c]));
      expect(byId.get('baseline.valid-request-answered')!.verdict).toBe('pass');
      expect(byId.get('wire.headers.field-syntax')!.verdict).toBe('fail');
      expect(byId.get('wire.line-ends.crlf')!.verdict).toBe('fail');
    }, 180_000);

    it('restarts a server without SO_REUSEADDR that closes first and dies on a non-ASCII method within 5 s, charging the crash to that check', async () => {
      const g = await grade('no-reuseaddr-crash');
      const died = g.run.checks.filter((c) => c.cause?.kind === 'died');
      expect(died.map((c) => c.id)).toEqual(['status.method.non-ascii-is-400']);
      expect(died[0]!.verdict).toBe('fail');
      // The replay is the request that killed it: a method with a non-ASCII byte.
      expect(Buffer.from(died[0]!.request!.plan.bytes).toString('latin1')).toMatch(/^G\xc9T /);
      // Twice: the death is confirmed by running the check again on the restarted server.
      expect(g.deaths).toHaveLength(2);
      for (const d of g.deaths) {
        expect(d).toMatchObject({ afterCheck: 'status.method.non-ascii-is-400', chargedTo: 'status.method.non-ascii-is-400', restarted: true, down: { kind: 'exited', code: 1 } });
        expect(d.restartMs!).toBeLessThan(5000);
      }
      expect(blockedShare(g), blockedList(g)).toBeLessThan(0.1);
    }, 180_000);

    it('judges a server that exits (code 0) after each client on a fresh process per connection: one deduction, under 5 % blocked', async () => {
      // A check per family that needs more than one connection or request (each costs a start of the server).
      const g = await grade('one-client-exits', { checks: ['baseline', 'robustness.server', 'robustness.empty-connection', 'robustness.garbage.binary', 'connection.keep-alive', 'connection.pipelining', 'framing.smuggling.cl-te-embedded-get', 'status.version.http2', 'metamorphic.split.two-pieces'] });
      const failing = g.run.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
      // One root cause: every other failure follows from it (a server with no accept loop also cannot
      // answer a second client while an idle one holds the first: that one is its own true finding).
      const roots = failing.filter((c) => !c.rootCause && c.id !== 'robustness.idle-client.does-not-block-others');
      expect(roots.map((c) => `${c.id}: ${c.reason} ${JSON.stringify(c.cause)}`)).toEqual([expect.stringContaining(KEEPS_SERVING_ID)]);
      expect(g.run.stopped).toBeUndefined();
      expect(blockedShare(g), blockedList(g)).toBeLessThan(0.05);
      expect(g.deaths.filter((d) => d.down.kind !== 'exited' || d.down.code !== 0)).toEqual([]);
    }, 240_000);

    it('names a crash when a client closes (exit code 1) at the empty connection, with the traceback\'s last line, and lists its repeats under it', async () => {
      const g = await grade('crash-on-close', { checks: ['baseline', 'robustness.empty-connection', 'robustness.server.keeps-serving', 'status.version.http2'] });
      const byId = new Map(g.run.checks.map((c) => [c.id, c]));
      const empty = byId.get('robustness.empty-connection.server-survives')!;
      expect(empty.verdict).toBe('fail');
      expect(empty.cause).toMatchObject({ kind: 'died', down: { kind: 'exited', code: 1, said: expect.stringMatching(/IndexError/) } });
      expect(empty.rootCause).toBeUndefined();
      // The same crash after other connections follows from it: deducted once.
      for (const id of [KEEPS_SERVING_ID]) {
        const c = byId.get(id)!;
        expect(c.verdict, id).toBe('fail');
        expect(c.rootCause, id).toBe('robustness.empty-connection.server-survives');
      }
      const lost = g.run.checks.filter((c) => c.verdict === 'fail' && !c.rootCause);
      expect(lost.map((c) => c.id)).toEqual(['robustness.empty-connection.server-survives']);
      expect(blockedShare(g), blockedList(g)).toBeLessThan(0.05);
    }, 240_000);

    it('is not hung by its own liveness probe: a server reading in 8-byte pieces until a short read keeps being judged', async () => {
      // The baseline, the robustness and wire checks (a liveness watch after each), the status checks of methods.
      const g = await grade('recv-8-until-short', { checks: ['baseline', 'robustness', 'wire', 'status.method'] });
      expect(g.run.stopped).toBeUndefined();
      expect(g.deaths.filter((d) => d.down.kind === 'hung')).toEqual([]);
      expect(g.run.checks.find((c) => c.id === 'baseline.valid-request-answered')!.verdict).toBe('pass');
    }, 240_000);
  });

  describe.concurrent('the port', () => {
    it('refuses to grade a port another process listens on: one sentence, score 0', async () => {
      const foreign = net.createServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
      await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()));
      const port = (foreign.address() as net.AddressInfo).port;
      try {
        const c = captureIO();
        const code = await main(['grade', '--cwd', submission('correct-threaded'), '--cmd', `python3 server.py ${port}`, '--port', String(port), '--runs', '0', '--no-color'], c.io);
        expect(code).toBe(1);
        expect(c.stdout).toContain(`port ${port} is already in use by another process (pid ${process.pid}`);
        expect(c.stdout).toMatch(/: 0 \/ \d+ points/);
      } finally {
        await new Promise((r) => foreign.close(r));
      }
    }, 60_000);

    it('tells a server that listens on another port which port it listens on', async () => {
      const wanted = await freePort();
      const other = await freePort();
      const dir = tmp('wg-otherport-');
      const c = captureIO();
      // A student who hard-coded their port: they listen on `other` whatever they are told.
      const code = await main(['grade', '--cwd', dir, '--cmd', `python3 -m http.server ${other} --bind 127.0.0.1`, '--port', String(wanted), '--runs', '0', '--start-timeout-ms', '1500', '--no-color'], c.io);
      expect(code).toBe(1);
      expect(c.stdout).toContain(`your server listens on ${other}, not ${wanted}`);
    }, 60_000);
  });

  /** Live processes whose cwd is under `root`, and the scratch folders left there. */
  function leftovers(root: string): { processes: string[]; folders: string[] } {
    return { processes: processesUnder(root), folders: existsSync(root) ? readdirSync(root) : [] };
  }



  describe.concurrent('signals during a class', () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`${signal} kills every server, removes every scratch copy and exits ${code}`, async () => {
        const cls = tmp('wg-sigclass-');
        for (const s of ['correct-threaded', 'single-recv', 'lf-line-ends']) submission(s, cls);
        const scratch = tmp('wg-sigscratch-');
        const child: ChildProcess = spawn(process.execPath, [WIREGRADE_BIN, 'grade', cls, '--cmd', 'python3 server.py {port}', '--jobs', '2', '--scratch', scratch, '--runs', '5', '--no-color'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
        const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
        try {
          // Mid-class: servers are running in their scratch copies.
          expect(await waitFor(() => leftovers(scratch).processes.length > 0, 30_000), err).toBe(true);
          child.kill(signal);
          expect(await exited).toBe(code);
          expect(err).toContain('interrupted');
          // Every group got its SIGKILL before the exit; on a loaded machine a killed process can take a
          // moment to finish dying. One that was never killed is still there after 5 s.
          await waitFor(() => leftovers(scratch).processes.length === 0, 5_000);
          const left = leftovers(scratch);
          expect(left.processes).toEqual([]);
          expect(left.folders).toEqual([]);
        } finally {
          child.kill('SIGKILL');
        }
      }, 90_000);
    }
  });

  describe.concurrent('a loaded machine', () => {
    it('gives the same score three times, graded side by side while two busy loops load both cores', async () => {
      const loops = [0, 1].map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 600000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
      try {
        const scores = await Promise.all(
          [0, 1, 2].map(async () => {
            const g = await grade('lf-line-ends', { runs: 5 });
            return `${g.score.points}/${g.score.max} ${g.run.checks.filter((c) => c.verdict === 'fail').map((c) => c.id).join(',')}`;
          }),
        );
        expect(scores[0]).toMatch(/^\d+\/\d+ \S/);
        expect(scores[1]).toBe(scores[0]);
        expect(scores[2]).toBe(scores[0]);
      } finally {
        for (const l of loops) l.kill('SIGKILL');
      }
    }, 280_000);
  });
});
