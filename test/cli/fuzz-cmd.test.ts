/**
 * `wiregrade fuzz --cmd`: fuzz starts the user's server itself. Owning the process, it charges a crash
 * to the request that caused it, starts the server again and goes on (against a --target the first death
 * ends the run), and runs independent checks side by side on a server that serves several clients at
 * once, with the verdicts the zoo matrix holds for a --target. Its reports aim the replays at PORT (the
 * port it chose is gone) and rerun with --cmd; nothing of the server is left behind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { trackedGroups } from '../../src/supervise/launch.js';
import { isListening } from '../../src/wire/listen-table.js';
import type { RunResult } from '../../src/runner/types.js';
import { copyZoo, type ZooCopy } from '../helpers/zoo.js';
import { tempFolders } from '../helpers/tmp.js';
import { EXPECTED_FAILURES } from '../zoo/expected-failures.js';
import { captureIO } from './helpers.js';

const tmp = tempFolders();
const copies: ZooCopy[] = [];
afterAll(async () => {
  for (const c of copies) await c.remove();
});

async function zooFolder(slug: string): Promise<string> {
  const c = await copyZoo(slug);
  copies.push(c);
  return c.dir;
}

/** The port the run's server listened on, from the line fuzz prints when it starts it. */
function startedPort(stderr: string): number {
  const m = /^started your server on 127\.0\.0\.1:(\d+) /m.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return Number(m![1]);
}

describe('fuzz --cmd', () => {
  it('charges a crash to its request, starts the server again and judges the rest; replays aimed at PORT, reruns with --cmd; nothing left behind', async () => {
    const dir = await zooFolder('crash-on-empty');
    const json = path.join(tmp('wg-fuzz-cmd-'), 'run.json');
    const c = captureIO();
    const code = await main(['fuzz', '--cmd', 'python3 server.py {port}', '--cwd', dir, '--checks', 'robustness.empty-connection', 'status.version', '--runs', '0', '--no-corpus', '--seed', '1', '--json', json], c.io);
    expect(code, c.stderr).toBe(1);
    const port = startedPort(c.stderr);
    expect(c.stderr).toMatch(/^profile: any \(RFC 9110\/9112 only/m); // the assumption is said, as for a --target
    const r = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    const byId = new Map(r.checks.map((x) => [x.id, x]));
    const crash = byId.get('robustness.empty-connection.server-survives')!;
    expect(crash.verdict).toBe('fail');
    expect(crash.cause).toMatchObject({ kind: 'died', restarted: true, down: { kind: 'exited', code: 1 } });
    // The run went on, on the restarted server: the version checks were judged, none blocked.
    const version = r.checks.filter((x) => x.id.startsWith('status.version.'));
    expect(version.length).toBeGreaterThan(5);
    expect(version.filter((x) => x.verdict === 'blocked')).toEqual([]);
    expect(version.filter((x) => x.verdict === 'pass').length).toBeGreaterThan(0);
    expect(r.stopped).toBeUndefined();
    // Its port is gone: the replay is aimed at PORT; the rerun starts the server the same way.
    expect(c.stdout).toMatch(/^ {2}replay: +(nc -z|\(printf) .*127\.0\.0\.1 PORT$/m);
    expect(c.stdout).toMatch(/\| nc -w \d+ 127\.0\.0\.1 PORT$/m);
    expect(c.stdout).not.toContain(`127.0.0.1 ${port}`);
    expect(c.stdout).toContain(`rerun:    wiregrade fuzz --cmd 'python3 server.py {port}' --cwd ${dir} --checks robustness.empty-connection.server-survives --profile any --no-corpus --runs 0`);
    expect(c.stdout).toContain('The replay commands are aimed at your own server: start it and put the port it listens on for PORT');
    // The whole process group is gone, and nothing listens on its port.
    expect(trackedGroups()).toEqual([]);
    expect(await isListening(port)).toBe(false);
  });

  it("runs checks side by side on a server that serves several clients, with the matrix's verdicts", async () => {
    // single-recv hangs on every request it does not get in one read: against a --target each of those
    // costs its silence one after another (75 s for the catalogue); here they are waited on together.
    const dir = await zooFolder('single-recv');
    const prefixes = ['metamorphic.split', 'framing.smuggling', 'status.version'];
    const json = path.join(tmp('wg-fuzz-cmd-'), 'run.json');
    const c = captureIO();
    const code = await main(['fuzz', '--cmd', 'python3 server.py {port}', '--cwd', dir, '--profile', 'reference', '--checks', ...prefixes, '--runs', '0', '--no-corpus', '--json', json], c.io);
    expect(code, c.stderr).toBe(1);
    const r = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    expect(r.sideBySide).toMatchObject({ mode: 'side-by-side' });
    expect(r.sideBySide?.mode === 'side-by-side' && r.sideBySide.batches).toBeGreaterThan(0);
    const failing = r.checks.filter((x) => x.verdict === 'fail' || x.verdict === 'error').map((x) => x.id).sort();
    const expected = EXPECTED_FAILURES['single-recv']!.filter((id) => prefixes.some((p) => id.startsWith(`${p}.`))).sort();
    expect(expected.length).toBeGreaterThan(10);
    expect(failing).toEqual(expected);
    expect(trackedGroups()).toEqual([]);
  });

  it('--serial runs one check at a time, as the report says it would', async () => {
    const dir = await zooFolder('correct-threaded');
    const ran = async (extra: string[]): Promise<RunResult> => {
      const json = path.join(tmp('wg-fuzz-cmd-'), 'run.json');
      const c = captureIO();
      expect(await main(['fuzz', '--cmd', 'python3 server.py {port}', '--cwd', dir, '--checks', 'status.version', '--runs', '0', '--no-corpus', '--json', json, ...extra], c.io), c.stderr).toBe(0);
      return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    };
    const side = await ran([]);
    expect(side.sideBySide).toMatchObject({ mode: 'side-by-side' });
    // (the JSON report adds the sentence the text report prints)
    expect((side.sideBySide as { reason?: string } | undefined)?.reason).toContain('--serial runs one at a time');
    expect((await ran(['--serial'])).sideBySide).toMatchObject({ mode: 'serial', why: 'asked' });
  });

  it('says in one sentence when the server does not start (exit 3), and refuses bad usage (exit 2)', async () => {
    const dir = tmp('wg-fuzz-cmd-bad-');
    const c = captureIO();
    expect(await main(['fuzz', '--cmd', 'python3 -c "import sys; print(\'no such file: data.db\', file=sys.stderr); sys.exit(4)" {port}', '--cwd', dir, '--no-corpus', '--runs', '0'], c.io)).toBe(3);
    expect(c.stderr.trim().split('\n').at(-1)).toMatch(/^wiregrade: your server did not start \(python3 .*\): the server exited before listening \(exit code 4\); it said: no such file: data\.db$/);
    expect(trackedGroups()).toEqual([]);

    const usage = async (args: string[], sentence: RegExp): Promise<void> => {
      const u = captureIO();
      expect(await main(['fuzz', ...args], u.io), args.join(' ')).toBe(2);
      expect(u.stderr.trim().split('\n'), args.join(' ')).toEqual([expect.stringMatching(sentence)]);
    };
    await usage(['--cmd', 'python3 server.py {port}', '--target', '127.0.0.1:1'], /give --target .* or --cmd .*, not both/);
    await usage(['--cmd', 'python3 server.py'], /--cmd needs \{port\} where the port goes .* or --port N/);
    await usage(['--cwd', dir], /--cwd goes with --cmd/);
    await usage(['--cmd', 'python3 server.py {port}', '--cwd', path.join(dir, 'nowhere')], /there is no folder .*nowhere \(--cwd\)/);
  });
});
