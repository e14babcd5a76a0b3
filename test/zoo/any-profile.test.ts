/**
 * Under `any`, "served" is the server's own answer to its known path (issue 20): a correct server whose
 * `/` answers 300 (an independent implementation of the reference protocol, which lists records there)
 * gets no failure from `fuzz --target`'s defaults, and every report names the answer it was judged by.
 * (The 404 case is the matrix row of test/zoo/servers/root-404, run under `any`.)
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { runSession } from '../../src/runner/session.js';
import { startZoo } from '../helpers/zoo.js';
import { failingIds, MATRIX_SEED, MATRIX_TIMEOUT_MS } from './run-matrix.js';

describe.concurrent('a correct server whose known path answers 300, under any', () => {
  for (const slug of ['correct-node', 'correct-asyncio']) {
    it(`${slug}: no failure, judged against its own 300`, async () => {
      const z = await startZoo(slug);
      try {
        const { result } = await runSession({ target: { host: z.host, port: z.port }, profile: anyProfile(), checks: allChecks, properties: allProperties, timeoutMs: MATRIX_TIMEOUT_MS, seed: MATRIX_SEED, runs: 10 });
        expect(result.baselineAnswer).toEqual({ method: 'GET', target: '/', status: 300 });
        expect(failingIds(result)).toEqual([]);
      } finally {
        await z.stop();
      }
    }, 180_000);
  }
});
