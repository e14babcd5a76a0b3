import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/runner/types.js';
import { zoo, type ZooServer } from './manifest.js';
import { INTENDED_PROPERTIES } from './intended.js';
import { failingIds, runMatrixRow } from './run-matrix.js';
import { expectChargedOnce, ROOT_CAUSES } from './root-causes.js';
import { byCost } from './row-cost.js';

/**
 * How small a property's shrunk counterexample is: pieces of a split request, requests of a sequence
 * (setup + the judged one), or the bytes of a body.
 */
export function shrunkSize(c: CheckResult): { pieces: number; requests: number } {
  return { pieces: (c.request?.plan.splits?.length ?? 0) + 1, requests: (c.setup?.length ?? 0) + 1 };
}

/**
 * The self-test matrix, one part of it: every non-hostile zoo server runs the catalogue and its
 * intended properties (all of them for a correct server); the checks that fail must be exactly the
 * server's expectFailing, no more, no fewer. A property-targeted server must be caught by its
 * intended property, with a small shrunk case. A server of ROOT_CAUSES is charged its bug once.
 */
export function matrixSuite(part: number, parts: number): void {
  const rows: ZooServer[] = byCost(zoo.filter((z) => z.kind !== 'hostile')).filter((_, i) => i % parts === part);
  // Rows run side by side (vitest's maxConcurrency, 3): a row mostly waits on sockets (about a fifth of a
  // core each), and each row has its own server, ports and seed, so its verdicts do not depend on the
  // others (the scheduler confirms any verdict that rests on a deadline).
  describe.concurrent(`the zoo matrix (part ${part + 1} of ${parts})`, () => {
    for (const z of rows) {
      const root = ROOT_CAUSES[z.slug]?.root;
      const title = z.kind === 'correct' ? `${z.slug}: no check fails` : `${z.slug}: fails exactly its ${z.expectFailing.length} check(s)${root ? `, charged once to ${root}` : ''}`;
      it(title, async () => {
        const { result } = await runMatrixRow(z.slug);
        // A difference says why: each unexpected failure with its reason, each missing one with its verdict.
        const unexpected = result.checks.filter((c) => (c.verdict === 'fail' || c.verdict === 'error') && !z.expectFailing.includes(c.id));
        const missing = z.expectFailing.filter((id) => !unexpected.some((c) => c.id === id) && result.checks.find((c) => c.id === id)?.verdict !== 'fail');
        // (and, when the run stopped early, after which check and why: a server found gone)
        const stopped = result.stopped ? [`the run stopped after ${result.stopped.afterCheck}: ${JSON.stringify(result.stopped.cause)}`] : [];
        const why = [...unexpected.map((c) => `unexpected ${c.id}: ${c.reason}`), ...missing.map((id) => `missing ${id}: ${result.checks.find((c) => c.id === id)?.verdict ?? 'absent'}`), ...stopped].join('\n');
        expect(failingIds(result), why).toEqual([...z.expectFailing].sort());
        for (const id of INTENDED_PROPERTIES[z.slug] ?? []) {
          const c = result.checks.find((x) => x.id === id)!;
          expect(c.verdict, `${id} on ${z.slug}`).toBe('fail');
          const size = shrunkSize(c);
          // Two pieces on an idle machine; on a loaded one a shrink step can fail to reproduce (the pieces
          // of a smaller case arrive together) and the shrink stops a step earlier.
          if (id === 'metamorphic.prop.split-invariance') expect(size.pieces, 'a split request shrinks to two or three pieces').toBeLessThanOrEqual(3);
          if (id === 'store.prop.model') expect(size.requests, 'a store-model failure shrinks to two or three commands').toBeLessThanOrEqual(3);
          if (id === 'store.prop.concurrent-writers') expect(size.requests, 'a lost update shrinks to a few concurrent writes').toBeLessThanOrEqual(4);
        }
        // One bug, one deduction (root-causes.ts).
        if (root) expectChargedOnce(result, z.slug);
      }, 240_000); // a server that hangs on some requests (recv-8-until-short) takes about two minutes
    }
  });
}
