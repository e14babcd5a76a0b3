import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { zooServer } from './manifest.js';
import { failingIds, runMatrixRow } from './run-matrix.js';

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
