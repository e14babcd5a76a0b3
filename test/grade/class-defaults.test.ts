/**
 * What a class grade does with no options, and what it keeps when it is stopped: without --profile it
 * judges by `any` and says so, naming the profile (and seed) in the table, the CSV and every report; a
 * profile typo gets a did-you-mean; Ctrl-C mid-class writes the grades already finished, marked partial,
 * kills every server and exits 130.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CSV_HEADER } from '../../src/reporters/csv.js';
import { captureIO } from '../cli/helpers.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { processesUnder, waitFor } from '../helpers/processes.js';
import { tempFolders } from '../helpers/tmp.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempFolders();

/** A class folder of zoo servers (each with its _lib), under the given names. */
function klass(subs: Record<string, string>): string {
  const root = tmp('wg-class-');
  for (const [name, slug] of Object.entries(subs)) {
    cpSync(path.join(ZOO_SERVERS_DIR, slug), path.join(root, name), { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(root, name, '_lib'), { recursive: true });
  }
  return root;
}

/** A CSV of plain cells (no quoting needed here: names and ids are plain) as records of the header's columns. */
function csvRecords(text: string): Array<Record<string, string>> {
  const [head, ...rows] = text.trimEnd().split('\r\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}


const QUICK = ['--cmd', 'python3 server.py {port}', '--checks', 'status.version', '--runs', '0', '--no-color'];

describe.concurrent('grade of a class with no --profile', () => {
  it('judges by any, says so, and names the profile and seed in the table, the CSV and every report', async () => {
    const cls = klass({ ann: 'correct-threaded', bob: 'no-505' });
    const out = tmp('wg-class-out-');
    const f = (name: string): string => path.join(out, name);
    const c = captureIO();
    const code = await main(['grade', cls, ...QUICK, '--jobs', '2', '--json', f('class.json'), '--csv', f('class.csv'), '--report', f('reports'), '--junit', f('junit.xml'), '--markdown', f('summary.md')], c.io);
    expect(code, c.stderr).toBe(0);
    // On screen: the assumption, as fuzz says it, and the table's header.
    expect(c.stderr).toContain("profile: any (RFC 9110/9112 only, known path /); --profile NAME|FILE judges by an assignment's rules\n");
    // (and, under any, the known path's own answer that "served" is judged by: these servers list records at /)
    expect(c.stdout.split('\n')[0]).toMatch(/^profile any, seed 20261121; GET \/ answered 300: /);
    // The CSV: a profile and a seed column on every row.
    const rows = csvRecords(readFileSync(f('class.csv'), 'utf8'));
    expect(Object.keys(rows[0]!)).toEqual([...CSV_HEADER]);
    expect(rows.map((r) => [r.student, r.profile, r.seed, r.partial])).toEqual([
      ['ann', 'any', '20261121', ''],
      ['bob', 'any', '20261121', ''],
    ]);
    // JSON, HTML (each page and the index), JUnit and Markdown.
    const json = JSON.parse(readFileSync(f('class.json'), 'utf8')) as Array<{ submission: string; profile: string; seed: number; partial?: boolean }>;
    expect(json.map((g) => [g.submission, g.profile, g.seed, g.partial])).toEqual([
      ['ann', 'any', 20261121, undefined],
      ['bob', 'any', 20261121, undefined],
    ]);
    for (const page of ['ann.html', 'bob.html']) expect(readFileSync(path.join(f('reports'), page), 'utf8')).toContain('<dt>profile</dt><dd>any</dd>');
    expect(readFileSync(path.join(f('reports'), 'index.html'), 'utf8')).toContain('<p class="judged">Judged by profile any, seed 20261121; GET / answered 300: ');
    expect(readFileSync(f('junit.xml'), 'utf8').match(/<property name="profile" value="any"\/>/g)).toHaveLength(2);
    expect(readFileSync(f('summary.md'), 'utf8')).toContain('profile any, seed 20261121');
  }, 120_000);

  it('answers a profile name typo with a did-you-mean and exits 2, before anything starts', async () => {
    const c = captureIO();
    expect(await main(['grade', klass({ ann: 'correct-threaded' }), ...QUICK, '--profile', 'refrence'], c.io)).toBe(2);
    expect(c.stderr).toContain("unknown profile 'refrence': not a built-in profile (");
    expect(c.stderr).toContain("did you mean 'reference'?");
    const d = captureIO();
    expect(await main(['grade', klass({ ann: 'correct-threaded' }), ...QUICK, '--profile', 'byo_http'], d.io)).toBe(2);
    expect(d.stderr).toContain("did you mean 'byo-http'?");
  }, 60_000);
});

describe.concurrent('Ctrl-C during a class', () => {
  it('writes the grades already finished (CSV, JSON, reports, marked partial), kills every server, removes every scratch copy, exits 130', async () => {
    const cls = klass({ a1: 'correct-threaded', b2: 'correct-threaded', c3: 'correct-threaded', d4: 'correct-threaded' });
    const scratch = tmp('wg-ctrlc-scratch-');
    const out = tmp('wg-ctrlc-out-');
    const f = (name: string): string => path.join(out, name);
    const child: ChildProcess = spawn(
      process.execPath,
      [WIREGRADE_BIN, 'grade', cls, ...QUICK, '--jobs', '1', '--scratch', scratch, '--json', f('class.json'), '--csv', f('class.csv'), '--report', f('reports')],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let stdout = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      // The first grade is finished (its line is printed); the next one is running.
      expect(await waitFor(() => /^graded a1: /m.test(err), 60_000), err).toBe(true);
      child.kill('SIGINT');
      expect(await exited, err).toBe(130);
      const graded = [...err.matchAll(/^graded (\S+): /gm)].map((m) => m[1]!);
      expect(graded.length, err).toBeGreaterThanOrEqual(1);
      expect(graded.length, err).toBeLessThan(4);
      expect(err).toContain('wiregrade: interrupted; every server started was stopped and every scratch copy removed');
      expect(err).toMatch(/wiregrade: writing the \d+ finished grades? \(partial: \d+ submissions? not graded: /);
      // The finished rows, and only those, each marked partial.
      const rows = csvRecords(readFileSync(f('class.csv'), 'utf8'));
      expect(rows.map((r) => r.student), err).toEqual(graded);
      for (const r of rows) expect([r.partial, r.profile, r.score !== '']).toEqual(['yes', 'any', true]);
      const json = JSON.parse(readFileSync(f('class.json'), 'utf8')) as Array<{ submission: string; partial?: boolean; score: { points: number } }>;
      expect(json.map((g) => [g.submission, g.partial])).toEqual(graded.map((s) => [s, true]));
      expect(json[0]!.score.points).toBeGreaterThan(0);
      expect(readdirSync(f('reports')).filter((x) => x.endsWith('.html')).sort()).toEqual([...graded.map((s) => `${s}.html`), 'index.html'].sort());
      expect(readFileSync(path.join(f('reports'), 'index.html'), 'utf8')).toMatch(/partial: interrupted after \d of 4 submissions were graded/);
      expect(stdout).toMatch(/partial: interrupted after \d of 4 submissions were graded/);
      // Nothing left behind: no server, no scratch copy.
      await waitFor(() => processesUnder(scratch).length === 0, 5_000);
      expect(processesUnder(scratch), err).toEqual([]);
      expect(existsSync(scratch) ? readdirSync(scratch) : [], err).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
