import { cpSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort, trackedGroups } from '../../src/supervise/launch.js';
import { bubblewrapPath } from '../../src/supervise/limits.js';
import { captureIO } from '../cli/helpers.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { tempFolders } from '../helpers/tmp.js';
import { START_MS } from '../helpers/env.js';
import { gradeZoo } from '../helpers/grade-zoo.js';
import { allChecks } from '../../src/checks/catalogue/index.js';

const tmp = tempFolders();

/** A class folder: one subfolder per zoo server, each a self-contained submission (with its _lib). */
function classFolder(slugs: readonly string[]): string {
  const dir = tmp('wg-class-');
  for (const s of slugs) {
    cpSync(path.join(ZOO_SERVERS_DIR, s), path.join(dir, s), { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, s, '_lib'), { recursive: true });
  }
  return dir;
}

/** Live (not zombie) processes running in a grading scratch folder under `root` (`root/wiregrade-XXXXXX/submission`). */
function liveGradedProcesses(root: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
      if (cwd.startsWith(root) && /\/wiregrade-[^/]+\/submission/.test(cwd) && state !== 'Z') out.push(`${pid} in ${cwd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

interface GradeJson {
  submission: string;
  score: { points: number; max: number };
  restarts: number;
  launch: { kind: string; stderrTail?: string };
  deaths: Array<{ afterCheck: string; chargedTo: string }>;
  checks: Array<{ id: string; verdict: string }>;
}

describe('wiregrade grade', () => {
  it('grades a class of hostile and buggy submissions into one table, a CSV and a report each, in bounded time, and leaves no process behind', async () => {
    const slugs = [
      'correct-threaded',
      'crash-on-empty',
      'crash-no-body',
      'one-client-exits',
      'no-505',
      'lf-line-ends',
      'hostile-crash-at-start',
      'hostile-never-binds',
      'hostile-silent',
      'hostile-floods-stdout',
      'hostile-hardcoded-port',
    ];
    const dir = classFolder(slugs);
    // hostile-hardcoded-port's "hard-coded" port: one found free now (its servers inherit this environment).
    const hardcoded = process.env.ZOO_HARDCODED_PORT;
    process.env.ZOO_HARDCODED_PORT = String(await freePort());
    onTestFinished(() => {
      if (hardcoded === undefined) delete process.env.ZOO_HARDCODED_PORT;
      else process.env.ZOO_HARDCODED_PORT = hardcoded;
    });
    const out = tmp('wg-class-out-');
    const scratch = tmp('wg-class-scratch-');
    const t0 = performance.now();
    const c = captureIO();
    const code = await main(
      // (the class phase is tested on its own, test/zoo/class: here the time of the grades themselves)
      ['grade', dir, '--cmd', 'python3 server.py {port}', '--profile', 'reference', '--runs', '0', '--jobs', '6', '--start-timeout-ms', String(START_MS), '--time-limit', '60', '--scratch', scratch, '--no-class',
        '--json', path.join(out, 'class.json'), '--csv', path.join(out, 'class.csv'), '--report', path.join(out, 'reports'), '--junit', path.join(out, 'junit.xml')],
      c.io,
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(code, c.stderr).toBe(0);
    expect(seconds).toBeLessThan(200);

    // One table row per submission, one CSV row each, one HTML report each.
    for (const s of slugs) expect(c.stdout).toContain(s);
    const csv = readFileSync(path.join(out, 'class.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(slugs.length + 1);
    // (and the class index, and the corpus the reports replay long requests from)
    expect(readdirSync(path.join(out, 'reports')).sort()).toEqual([...slugs.map((s) => `${s}.html`), 'corpus', 'index.html'].sort());

    const byName = new Map((JSON.parse(readFileSync(path.join(out, 'class.json'), 'utf8')) as GradeJson[]).map((g) => [g.submission, g]));
    const g = (s: string): GradeJson => byName.get(s)!;
    const failing = (s: string) => g(s).checks.filter((x) => x.verdict === 'fail').map((x) => x.id);

    // Correct servers (one of them flooding its stdout) get full marks.
    for (const s of ['correct-threaded', 'hostile-floods-stdout']) expect(g(s).score.points, s).toBe(g(s).score.max);
    // Every submission is scored out of the same maximum.
    expect(new Set(slugs.map((s) => g(s).score.max)).size).toBe(1);
    // Crashes are charged to the check that caused them; the server is restarted and grading goes on.
    // Each death is confirmed (the check runs again on the restarted server and kills it again): twice each.
    const said = (s: string) => JSON.stringify({ deaths: g(s).deaths, failing: failing(s) }, ['afterCheck', 'chargedTo', 'down', 'kind', 'code', 'said', 'deaths', 'failing']);
    expect(g('crash-no-body').deaths.map((d) => d.chargedTo), said('crash-no-body')).toEqual(['framing.body.post-without-body-is-400', 'framing.body.post-without-body-is-400', 'framing.body.zero-length-is-400', 'framing.body.zero-length-is-400', 'status.body.put-empty-is-400', 'status.body.put-empty-is-400']);
    expect(g('crash-no-body').restarts).toBe(6);
    expect(failing('crash-no-body').sort()).toEqual(['framing.body.post-without-body-is-400', 'framing.body.zero-length-is-400', 'status.body.put-empty-is-400']);
    expect(g('crash-on-empty').deaths[0]!.afterCheck).toBe('robustness.empty-connection.server-survives');
    // A server that exits after every client: one root cause, every death charged to it.
    expect(failing('one-client-exits'), said('one-client-exits')).toEqual(['robustness.server.keeps-serving']);
    expect(new Set(g('one-client-exits').deaths.map((d) => d.chargedTo))).toEqual(new Set(['robustness.server.keeps-serving']));
    // Bugs without crashes: exactly their checks.
    expect(failing('no-505')).toContain('status.version.http2-is-505');
    expect(failing('lf-line-ends')).toContain('wire.line-ends.crlf');
    // Submissions that never serve get 0, with the reason.
    expect(g('hostile-crash-at-start').launch.kind).toBe('exited-before-listening');
    expect(g('hostile-crash-at-start').launch.stderrTail).toMatch(/Traceback/);
    expect(g('hostile-never-binds').launch.kind).toBe('never-listened');
    expect(g('hostile-hardcoded-port').launch.kind).toBe('never-listened');
    for (const s of ['hostile-crash-at-start', 'hostile-never-binds', 'hostile-hardcoded-port', 'hostile-silent']) expect(g(s).score.points, s).toBe(0);
    expect(g('hostile-silent').restarts).toBeLessThanOrEqual(1);

    // No student process survives the run.
    expect(trackedGroups()).toEqual([]);
    expect(liveGradedProcesses(scratch)).toEqual([]);
  }, 240_000); // its own bound is 200 s (above: two rounds of six, each at most its 60 s limit, and the starts); vitest's default 60 s cut it short under load

  it('ends at its wall-time limit for a server that exits after each client (the rest blocked, not waited on one by one)', async () => {
    // Each unit of such a server began with a 250 ms watch for its exit, also once the limit had stopped
    // the run: some 300 blocked units made a 10 s limit take 89 s.
    const g = await gradeZoo('one-client-exits', tmp('wg-wall-'), { checks: allChecks, wallMs: 3000 });
    expect(g.timedOut).toBe(true);
    expect(g.durationMs).toBeLessThan(3000 + 5000); // the start and the final kill besides, on a loaded machine
    expect(g.run.checks.filter((c) => c.verdict === 'blocked').length).toBeGreaterThan(100);
  });

  it('says clearly when --sandbox is asked for but bubblewrap is not there, and records which sandbox ran', async () => {
    const dir = tmp('wg-sb-');
    const file = path.join(dir, 'g.json');
    const c = captureIO();
    await main(['grade', '--cwd', dir, '--cmd', 'exit 3', '--port', '1', '--sandbox', '--start-timeout-ms', '500', '--json', file], c.io);
    const g = JSON.parse(readFileSync(file, 'utf8')) as { sandbox: string };
    if (bubblewrapPath()) {
      expect(g.sandbox).toBe('bubblewrap');
      expect(c.stderr).not.toMatch(/bubblewrap \(bwrap\) is not installed/);
    } else {
      expect(g.sandbox).toBe('unavailable');
      expect(c.stderr).toMatch(/--sandbox was asked for, but bubblewrap \(bwrap\) is not installed/);
    }
  });

  it('refuses bad usage with one sentence', async () => {
    const c = captureIO();
    expect(await main(['grade', '--port', '8080'], c.io)).toBe(2);
    expect(c.stderr).toMatch(/^wiregrade: grade needs --cmd/);
    const d = captureIO();
    expect(await main(['grade', '--cmd', 'python3 server.py'], d.io)).toBe(2);
    expect(d.stderr).toMatch(/needs --port P, or \{port\} in --cmd/);
  });
});
