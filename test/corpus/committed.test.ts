import { describe, expect, it } from 'vitest';
import { referenceTarget } from '../helpers/target.js';
import { loadCorpus } from '../../src/corpus/store.js';
import { replayCorpus } from '../../src/runner/replay-corpus.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { startZoo } from '../helpers/zoo.js';

/** The project's committed corpus (never a `fuzz` run's default, so no run rewrites it by accident). */
const SEED = 'corpus';

/**
 * The committed corpus holds failures of other servers (the zoo's). Against the reference server each
 * one is a regression test: every entry must read cleanly and replay FIXED.
 */
describe('the committed corpus', () => {
  const target = referenceTarget();
  it('reads cleanly and every entry is FIXED against the reference server', async () => {
    const { entries, problems } = await loadCorpus(SEED);
    expect(problems).toEqual([]);
    expect(entries.length).toBeGreaterThan(0);
    const results = await replayCorpus(entries, { target: target(), timeoutMs: 2000, checks: allChecks, properties: allProperties });
    const notFixed = results.filter((r) => r.verdict !== 'FIXED').map((r) => `${r.verdict} ${r.file}: ${r.reason}`);
    expect(notFixed).toEqual([]);
  });
});

describe('the committed corpus against the servers it came from', () => {
  // One zoo server per way of judging a replay: bytes and statuses, a check run again, a property
  // example, a model-based command sequence replayed by its paths.
  for (const slug of ['no-505', 'lf-line-ends', 'missing-is-200', 'patch-replaces']) {
    it(`${slug}: every entry it produced still FAILS there`, async () => {
      const { entries } = await loadCorpus(SEED);
      const mine = entries.filter((e) => e.manifest.origin.tool.endsWith(`(zoo: ${slug})`));
      expect(mine.length).toBeGreaterThan(0);
      const z = await startZoo(slug);
      try {
        const results = await replayCorpus(mine, { target: { host: z.host, port: z.port }, timeoutMs: 2000, checks: allChecks, properties: allProperties });
        expect(results.filter((r) => r.verdict !== 'FAILED').map((r) => `${r.verdict} ${r.file}: ${r.reason}`)).toEqual([]);
      } finally {
        await z.stop();
      }
    });
  }
});
