/**
 * `wiregrade grade` on the bundled reference server: full marks, and the same verdicts in three grades
 * run side by side (its own file, so it runs beside the class test of grade.test.ts, which asserts that
 * no process group of the whole test process is left).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { tempFolders } from '../helpers/tmp.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const tmp = tempFolders();

interface GradeJson {
  score: { points: number; max: number };
  restarts: number;
  checks: Array<{ id: string; verdict: string }>;
  notRun: Array<{ verdict: string; checks: string[] }>;
}

describe('wiregrade grade on the reference server', () => {
  it('gives the reference server full marks, three runs side by side, identically', async () => {
    const empty = tmp('wg-ref-');
    // Three grades at once (each its own server and port): the verdicts depend neither on the run nor on the load.
    const runs: GradeJson[] = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const file = path.join(empty, `r${i}.json`);
        const c = captureIO();
        const code = await main(['grade', '--cwd', empty, '--cmd', `${process.execPath} ${WIREGRADE_BIN} serve --port {port}`, '--profile', 'reference', '--runs', '5', '--json', file], c.io);
        expect(code, c.stdout + c.stderr).toBe(0);
        return JSON.parse(readFileSync(file, 'utf8')) as GradeJson;
      }),
    );
    for (const r of runs) {
      expect(r.score.points).toBe(r.score.max);
      expect(r.restarts).toBe(0);
    }
    // Every check that ran (blocked and skipped ones are grouped by cause in `notRun`: none is blocked here).
    for (const r of runs) expect(r.notRun.filter((g) => g.verdict === 'blocked')).toEqual([]);
    const verdicts = runs.map((r) => r.checks.map((c) => `${c.id}=${c.verdict}`).join(','));
    expect(verdicts[1]).toBe(verdicts[0]);
    expect(verdicts[2]).toBe(verdicts[0]);
  }, 150_000);
});
