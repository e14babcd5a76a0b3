import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/runner/types.js';
import { zoo, type ZooServer } from './manifest.js';
import { INTENDED_PROPERTIES } from './intended.js';
import { failingIds, runMatrixRow } from './run-matrix.js';

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
 * intended property, with a small shrunk case.
 */
export function matrixSuite(part: number, parts: number): void {
  const rows: ZooServer[] = zoo.filter((z) => z.kind !== 'hostile').filter((_, i) => i % parts === part);
  describe(`the zoo matrix (part ${part + 1} of ${parts})`, () => {
    for (const z of rows) {
      const title = z.kind === 'correct' ? `${z.slug}: no check fails` : `${z.slug}: fails exactly its ${z.expectFailing.length} check(s)`;
      it(title, async () => {
        const { result } = await runMatrixRow(z.slug);
        expect(failingIds(result)).toEqual([...z.expectFailing].sort());
        for (const id of INTENDED_PROPERTIES[z.slug] ?? []) {
          const c = result.checks.find((x) => x.id === id)!;
          expect(c.verdict, `${id} on ${z.slug}`).toBe('fail');
          const size = shrunkSize(c);
          if (id === 'metamorphic.prop.split-invariance') expect(size.pieces, 'a split request shrinks to two pieces').toBe(2);
          if (id === 'store.prop.model') expect(size.requests, 'a store-model failure shrinks to two or three commands').toBeLessThanOrEqual(3);
          if (id === 'store.prop.concurrent-writers') expect(size.requests, 'a lost update shrinks to a few concurrent writes').toBeLessThanOrEqual(4);
        }
      }, 240_000); // a server that hangs on some requests (recv-8-until-short) takes about two minutes
    }
  });
}
