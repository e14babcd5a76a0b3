import fc from 'fast-check';

export interface SplitPlan {
  splits: number[];
  pausesMs: number[];
}

/**
 * Where to cut a message of `length` bytes and how long to pause before each further piece. Shrinks
 * towards fewer pieces, earlier cuts and shorter pauses. Pauses are mostly short (a pause is what makes
 * a separate TCP segment arrive after the server's first read) with a tail up to 200 ms.
 */
export function splitPlan(length: number, opts: { maxPieces?: number; maxPauseMs?: number } = {}): fc.Arbitrary<SplitPlan> {
  if (length < 2) return fc.constant({ splits: [], pausesMs: [] });
  const maxPause = opts.maxPauseMs ?? 200;
  const pause = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(20, maxPause) }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: maxPause }) },
  );
  return fc
    .uniqueArray(fc.record({ at: fc.integer({ min: 1, max: length - 1 }), pause }), {
      maxLength: Math.max(0, (opts.maxPieces ?? 6) - 1),
      selector: (c) => c.at,
    })
    .map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a.at - b.at);
      return { splits: sorted.map((c) => c.at), pausesMs: sorted.map((c) => c.pause) };
    });
}

/** A plan that always has at least one cut, with a pause long enough to make a separate segment. */
export function splitPlanAtLeastTwo(length: number): fc.Arbitrary<SplitPlan> {
  if (length < 2) return fc.constant({ splits: [], pausesMs: [] });
  return fc
    .tuple(fc.integer({ min: 1, max: length - 1 }), fc.integer({ min: 5, max: 200 }), splitPlan(length, { maxPieces: 4 }))
    .map(([at, p, rest]) => {
      const cuts = new Map<number, number>([[at, p]]);
      rest.splits.forEach((s, i) => {
        if (!cuts.has(s)) cuts.set(s, rest.pausesMs[i] ?? 0);
      });
      const sorted = [...cuts.entries()].sort((a, b) => a[0] - b[0]);
      return { splits: sorted.map(([s]) => s), pausesMs: sorted.map(([, q]) => q) };
    });
}
