/**
 * `grade SUBMISSIONS_DIR` with its class phase (issue 24), end to end through the CLI: a class of seven
 * (five correct, two whose DELETE keeps the record), graded on the baseline only so the class phase is
 * most of the time. The class findings land in the students' reports (weighed with --class-weight), the
 * class page and the proposed profile are written, and a late submission graded alone against the saved
 * signatures gets the same findings. --no-class turns it off; a bad threshold is a usage error.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { captureIO } from './helpers.js';
import { tempFolders } from '../helpers/tmp.js';

const tmp = tempFolders();

function classFolder(): string {
  const root = tmp('wg-class-cli-');
  const add = (name: string, slug: string): void => {
    cpSync(path.join(ZOO_SERVERS_DIR, slug), path.join(root, name), { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(root, name, '_lib'), { recursive: true });
  };
  for (const n of ['ana', 'ben', 'cat', 'dan', 'ed']) add(n, 'correct-threaded');
  for (const n of ['eve', 'fox']) add(n, 'delete-keeps');
  return root;
}

interface JsonCheck {
  id: string;
  verdict: string;
}

describe('grade: the class phase', () => {
  it('findings in the reports, the class page, the proposed profile, and a late submission compared with the saved class', async () => {
    const subs = classFolder();
    const out = tmp('wg-class-out-');
    const f = (n: string): string => path.join(out, n);
    const common = ['--cmd', 'python3 server.py {port}', '--profile', 'any', '--checks', 'baseline', '--runs', '0', '--class-weight', '2', '--class-signatures', f('sigs.json')];
    const io = captureIO();
    expect(await main(['grade', subs, ...common, '--json', f('class.json'), '--report', f('reports'), '--class-page', f('reports/class.html'), '--propose-profile', f('proposed.json')], io.io)).toBe(0);
    expect(io.stderr).toMatch(/class phase: 7 submissions, \d+ probes; 2 root findings in 2 submissions/);
    const results = JSON.parse(readFileSync(f('class.json'), 'utf8')) as Array<{ submission: string; score: { points: number; max: number }; checks: JsonCheck[] }>;
    const classIds = (r: (typeof results)[number]): string[] => r.checks.filter((c) => c.id.startsWith('class.')).map((c) => `${c.id} ${c.verdict}`);
    for (const r of results) {
      if (r.submission === 'eve' || r.submission === 'fox') {
        expect(classIds(r)).toEqual(['class.route.record.delete-read fail']);
        expect(r.score).toEqual({ points: 1, max: 3 });
      } else {
        expect(classIds(r), r.submission).toEqual([]);
        expect(r.score).toEqual({ points: 1, max: 1 });
      }
    }
    const page = readFileSync(f('reports/class.html'), 'utf8');
    expect(page).toContain('<a href="eve.html#check-class.route.record.delete-read">');
    const proposed = JSON.parse(readFileSync(f('proposed.json'), 'utf8')) as { extends: string; operations: { delete: { status: number[] } } };
    expect(proposed.extends).toBe('any');
    expect(proposed.operations.delete.status).toEqual([204]);

    // The late submission: fox again, alone, against the saved class.
    const late = captureIO();
    expect(await main(['grade', '--cwd', path.join(subs, 'fox'), ...common, '--json', f('fox.json')], late.io)).toBe(1);
    const alone = JSON.parse(readFileSync(f('fox.json'), 'utf8')) as { checks: JsonCheck[] };
    expect(alone.checks.filter((c) => c.id.startsWith('class.')).map((c) => `${c.id} ${c.verdict}`)).toEqual(['class.route.record.delete-read fail']);
  }, 120_000);

  it('--no-class: no class phase, no class page', async () => {
    const subs = classFolder();
    const out = tmp('wg-class-off-');
    const io = captureIO();
    expect(await main(['grade', subs, '--cmd', 'python3 server.py {port}', '--profile', 'any', '--checks', 'baseline', '--runs', '0', '--no-class', '--report', path.join(out, 'r')], io.io)).toBe(0);
    expect(io.stderr).not.toMatch(/class phase/);
    expect(existsSync(path.join(out, 'r', 'class.html'))).toBe(false);
  }, 60_000);

  it('a threshold that is no majority is a usage error, before anything runs', async () => {
    const io = captureIO();
    expect(await main(['grade', classFolder(), '--cmd', 'python3 server.py {port}', '--class-threshold', '40'], io.io)).toBe(2);
    expect(io.stderr).toMatch(/--class-threshold must be a percentage above 50 and at most 100, not '40'/);
  });
});
