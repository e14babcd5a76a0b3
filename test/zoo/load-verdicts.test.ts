import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { gradeZoo } from '../helpers/grade-zoo.js';
import { tempFolders } from '../helpers/tmp.js';
import { zooServer } from './manifest.js';
import { failingIds, runMatrixRow } from './run-matrix.js';

const tmp = tempFolders();

/**
 * The verdicts are load-proof with the silence window (a deadline from the server's own pace) and the
 * confirmations taken once per class: four zoo servers — a correct one, one that hangs on requests it
 * cannot read whole (single-recv), one whose answers promise more body than they send, so that its
 * silences show first in checks left blocked and confirmed (wrong-content-length), one that crashes on a
 * header line without a colon — run side by side through the matrix settings three times while two busy
 * loops take both cores. Every round gives each server exactly its matrix failures, and every check the
 * same verdict in every round.
 */
const ROWS = ['correct-threaded', 'single-recv', 'wrong-content-length', 'crash-no-colon'];

// Its two busy loops take both cores for minutes, and vitest runs other files beside it: every other test
// of `npm test` would then run on a saturated machine. It runs on its own, when asked:
//   WIREGRADE_LOAD_TEST=1 npx vitest run test/zoo/load-verdicts.test.ts
// (test/grade/truthful.test.ts keeps a short load test of grades in the default suite.)
describe.skipIf(process.env.WIREGRADE_LOAD_TEST !== '1')('verdicts under load', () => {
  it('three rounds of four servers beside two busy loops: identical verdicts, the matrix\'s failures', async () => {
    const loops: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 900000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
    try {
      const rounds: Array<Record<string, Record<string, string>>> = [];
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(ROWS.map(async (slug) => [slug, (await runMatrixRow(slug)).result] as const));
        const verdicts: Record<string, Record<string, string>> = {};
        for (const [slug, result] of results) {
          expect(failingIds(result), `${slug}, round ${round + 1}`).toEqual([...zooServer(slug).expectFailing].sort());
          verdicts[slug] = Object.fromEntries(result.checks.map((c) => [c.id, c.verdict]));
        }
        rounds.push(verdicts);
      }
      expect(rounds[1]).toEqual(rounds[0]);
      expect(rounds[2]).toEqual(rounds[0]);
    } finally {
      for (const l of loops) l.kill('SIGKILL');
    }
  }, 900_000);
});

/**
 * The same for `grade` (issue 22's acceptance), where checks run side by side: a correct server, one that
 * never answers what it cannot read whole, and one that crashes on a header line without a colon, graded
 * three times each, all at once, beside two busy loops; and once each with --serial, on the same loaded
 * machine. Every grade of a server gives every check the same verdict, side by side or not.
 */
const GRADED = ['correct-threaded', 'single-recv', 'crash-no-colon'];

describe.skipIf(process.env.WIREGRADE_LOAD_TEST !== '1')('grades under load, side by side', () => {
  it('three grades of three servers beside two busy loops, and one with --serial: identical verdicts', async () => {
    const loops: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 900000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
    try {
      const runs = await Promise.all(GRADED.flatMap((slug) => [false, false, false, true].map(async (serial) => ({ slug, serial, g: await gradeZoo(slug, tmp('wg-load-'), { checks: allChecks, properties: allProperties, runs: 5, serial }) }))));
      for (const slug of GRADED) {
        const mine = runs.filter((r) => r.slug === slug);
        const verdicts = mine.map((r) => Object.fromEntries(r.g.run.checks.map((c) => [c.id, c.verdict])));
        for (const [k, v] of verdicts.entries()) expect(v, `${slug}, grade ${k + 1} (${mine[k]!.serial ? '--serial' : 'side by side'})`).toEqual(verdicts[0]);
        expect(mine.every((r) => !r.g.timedOut), `${slug}: no grade hit its time limit`).toBe(true);
      }
      expect(runs.find((r) => r.slug === 'single-recv' && !r.serial)!.g.run.sideBySide).toMatchObject({ mode: 'side-by-side' });
    } finally {
      for (const l of loops) l.kill('SIGKILL');
    }
  }, 900_000);
});
