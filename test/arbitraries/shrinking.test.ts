import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonObject, notAJsonObject } from '../../properties/arbitraries/json.js';
import {
  badContentLength,
  badVersion,
  brokenHeader,
  invalidMethod,
  malformedRequest,
  missingOrBadBody,
  oversizedHeaders,
  payloadSize,
  unknownMethod,
} from '../../properties/arbitraries/malformations.js';
import { headerSet, headerSetWith, validRead, type GenRequest } from '../../properties/arbitraries/requests.js';
import { splitPlan, splitPlanAtLeastTwo, type SplitPlan } from '../../properties/arbitraries/split-plan.js';
import type { Accept } from '../../src/checks/verify.js';
import { anyProfile, referenceProfile } from '../../src/model/builtin-profiles.js';
import { DEFAULT_LIMITS } from '../../reference-server/limits.js';
import { RequestParser } from '../../reference-server/parser.js';
import { route } from '../../reference-server/routes.js';
import { RecordStore } from '../../reference-server/store.js';

/**
 * The arbitraries of properties/arbitraries: they generate what their doc comments promise, and a failing
 * predicate shrinks to the small counterexample a report should show (a split request to two pieces,
 * the plainest request, the first cut).
 */

const SEED = 1616;
const RUNS = 200;

/** The first counterexample fast-check shrinks to, for a predicate that fails. */
function shrunk<T>(arb: fc.Arbitrary<T>, fails: (v: T) => boolean, seed = SEED): T {
  const out = fc.check(fc.property(arb, (v) => !fails(v)), { seed, numRuns: 500 });
  expect(out.failed, 'the predicate never failed: nothing to shrink').toBe(true);
  return out.counterexample![0];
}

let names = 0;
const fresh = () => `wgshrink${++names}`;

/** What the reference server answers to `bytes`: its parser's error status, or its route's status. */
async function referenceStatus(bytes: Uint8Array): Promise<number | 'incomplete'> {
  const parser = new RequestParser(DEFAULT_LIMITS);
  parser.push(Buffer.from(bytes));
  for (let i = 0; i < 4; i++) {
    const ev = parser.next();
    if (ev.kind === 'error') return ev.error.status;
    if (ev.kind === 'request') return (await route(ev.request, RecordStore.inMemory())).status;
    if (ev.kind === 'incomplete') return 'incomplete';
  }
  return 'incomplete';
}

function accepts(list: readonly Accept[], status: number, ok: readonly number[]): boolean {
  return list.some((a) => (a === 'ok' ? ok.includes(status) : typeof a === 'number' ? a === status : a !== 'close' && Math.floor(status / 100) === Number(a[0])));
}

describe('splitPlan', () => {
  function wellFormed(p: SplitPlan, length: number, maxPieces: number, maxPause: number): void {
    expect(p.pausesMs).toHaveLength(p.splits.length);
    expect(p.splits.length).toBeLessThanOrEqual(maxPieces - 1);
    for (let i = 0; i < p.splits.length; i++) {
      const s = p.splits[i]!;
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(length);
      if (i > 0) expect(s).toBeGreaterThan(p.splits[i - 1]!);
      expect(p.pausesMs[i]).toBeGreaterThanOrEqual(0);
      expect(p.pausesMs[i]).toBeLessThanOrEqual(maxPause);
    }
  }

  it('cuts strictly inside the bytes, sorted, distinct, at most maxPieces pieces, pauses within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (length, maxPieces, maxPauseMs, seed) => {
        for (const p of fc.sample(splitPlan(length, { maxPieces, maxPauseMs }), { seed, numRuns: 5 })) wellFormed(p, length, maxPieces, maxPauseMs);
        for (const p of fc.sample(splitPlan(length), { seed, numRuns: 5 })) wellFormed(p, length, 6, 200);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('has nothing to cut in fewer than two bytes', () => {
    for (const n of [0, 1]) {
      expect(fc.sample(splitPlan(n), { seed: SEED, numRuns: 5 })).toEqual(Array(5).fill({ splits: [], pausesMs: [] }));
      expect(fc.sample(splitPlanAtLeastTwo(n), { seed: SEED, numRuns: 5 })).toEqual(Array(5).fill({ splits: [], pausesMs: [] }));
    }
  });

  it('reaches every place: each offset of a short message is cut somewhere in a sample', () => {
    const seen = new Set(fc.sample(splitPlan(12), { seed: SEED, numRuns: 300 }).flatMap((p) => p.splits));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('splitPlanAtLeastTwo: always two pieces or more, one of them after a pause that makes its own segment (≥ 5 ms)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (length, seed) => {
        for (const p of fc.sample(splitPlanAtLeastTwo(length), { seed, numRuns: 5 })) {
          wellFormed(p, length, 5, 200);
          expect(p.splits.length).toBeGreaterThanOrEqual(1);
          expect(Math.max(...p.pausesMs)).toBeGreaterThanOrEqual(5);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a failure that needs two pieces shrinks to exactly two: one cut, at the first byte, with no pause', () => {
    expect(shrunk(splitPlan(100), (p) => p.splits.length >= 1)).toEqual({ splits: [1], pausesMs: [0] });
  });

  it('a failure that needs three pieces shrinks to exactly three, at the first bytes', () => {
    expect(shrunk(splitPlan(100), (p) => p.splits.length >= 2)).toEqual({ splits: [1, 2], pausesMs: [0, 0] });
  });

  it('a failure that needs a cut past byte 40 shrinks to one cut at byte 40', () => {
    expect(shrunk(splitPlan(100), (p) => p.splits.some((s) => s >= 40))).toEqual({ splits: [40], pausesMs: [0] });
  });

  it('a failure that needs a long pause shrinks to the shortest pause that shows it', () => {
    expect(shrunk(splitPlan(100), (p) => p.pausesMs.some((ms) => ms >= 50))).toEqual({ splits: [1], pausesMs: [50] });
  });

  it('splitPlanAtLeastTwo: any failure shrinks to two pieces, cut at the first byte, after the shortest segment pause', () => {
    expect(shrunk(splitPlanAtLeastTwo(100), () => true)).toEqual({ splits: [1], pausesMs: [5] });
  });
});

describe('validRead and headerSet', () => {
  const HARMLESS = ['accept', 'user-agent', 'accept-language', 'x-request-id', 'cache-control'];

  function headNames(bytes: Uint8Array): string[] {
    const text = Buffer.from(bytes).toString('latin1');
    return text.split('\r\n\r\n')[0]!.split('\r\n').slice(1).map((l) => l.slice(0, l.indexOf(':')));
  }

  it('headerSet: exactly one Host, the rest distinct harmless fields, in any order and letter case', () => {
    const seenCases = new Set<string>();
    fc.assert(
      fc.property(headerSet, (hs) => {
        const lower = hs.map(([n]) => n.toLowerCase());
        expect(lower.filter((n) => n === 'host')).toHaveLength(1);
        expect(new Set(lower).size).toBe(lower.length);
        for (const n of lower) expect(['host', ...HARMLESS]).toContain(n);
        for (const [n, v] of hs) {
          seenCases.add(n);
          if (n.toLowerCase() === 'host') expect(v).toBe('localhost');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // "any case": some name was sent in a case other than its usual one.
    expect([...seenCases].some((n) => n !== n.toLowerCase() && !/^[A-Z][a-z]*(-[A-Z][a-z]*)*$/.test(n))).toBe(true);
  });

  it("headerSetWith keeps the profile's fields in order, together", () => {
    const known: Array<[string, string]> = [['Host', 'kv.local'], ['X-Key', 'k1']];
    fc.assert(
      fc.property(headerSetWith(known), (hs) => {
        const i = hs.findIndex(([n]) => n.toLowerCase() === 'host');
        expect(hs[i]![1]).toBe('kv.local');
        expect(hs[i + 1]![0].toLowerCase()).toBe('x-key');
        expect(hs[i + 1]![1]).toBe('k1');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('validRead: a GET or HEAD that the reference server answers with the status the case accepts', async () => {
    const cases = fc.sample(validRead(referenceProfile, fresh), { seed: SEED, numRuns: 100 });
    const statuses = new Set<number>();
    for (const g of cases) {
      expect(['GET', 'HEAD']).toContain(g.method);
      const status = await referenceStatus(g.bytes);
      expect(status, g.label).not.toBe('incomplete');
      statuses.add(status as number);
      expect(accepts(g.accept, status as number, referenceProfile.baselineStatuses), `${g.label}: ${status}`).toBe(true);
      expect(g.warn).toBeUndefined();
    }
    // Both the known path (300 under the reference protocol) and a missing record (404) come up.
    expect([...statuses].sort()).toEqual([300, 404]);
  });

  it('validRead under any: only the known path, which must answer the baseline status', () => {
    const profile = anyProfile('/index.html');
    for (const g of fc.sample(validRead(profile, fresh), { seed: SEED, numRuns: 50 })) {
      expect(Buffer.from(g.bytes).toString('latin1')).toMatch(/^(GET|HEAD) \/index\.html HTTP\/1\.1\r\n/);
      expect(g.accept).toEqual([200]);
    }
  });

  it('a failure of any valid read shrinks to the plainest request: GET of the known path with Host alone', () => {
    const g = shrunk(validRead(referenceProfile, fresh), () => true);
    expect(Buffer.from(g.bytes).toString('latin1').toLowerCase()).toBe('get / http/1.1\r\nhost: localhost\r\n\r\n');
    expect(headNames(g.bytes)).toHaveLength(1);
  });

  it('a failure that needs an extra header shrinks to Host and that one header', () => {
    const g = shrunk(validRead(referenceProfile, fresh), (r) => headNames(r.bytes).some((n) => n.toLowerCase() === 'cache-control'));
    expect(headNames(g.bytes).map((n) => n.toLowerCase()).sort()).toEqual(['cache-control', 'host']);
    expect(g.method).toBe('GET');
  });

  it('a split-request failure (request + splitPlanAtLeastTwo, as the split-invariance property draws them) shrinks to the plainest request in two pieces', () => {
    const arb = validRead(referenceProfile, fresh).chain((g) => fc.tuple(fc.constant(g), splitPlanAtLeastTwo(g.bytes.length)));
    const [g, plan] = shrunk(arb, ([, p]) => p.splits.length >= 1);
    expect(Buffer.from(g.bytes).toString('latin1').toLowerCase()).toBe('get / http/1.1\r\nhost: localhost\r\n\r\n');
    expect(plan).toEqual({ splits: [1], pausesMs: [5] });
  });
});

describe('malformations: what the reference server does with them is what they accept', () => {
  const ok = referenceProfile.baselineStatuses;
  const each: Array<[string, fc.Arbitrary<GenRequest>]> = [
    ['invalidMethod', invalidMethod(referenceProfile)],
    ['badVersion', badVersion(referenceProfile)],
    ['brokenHeader', brokenHeader(referenceProfile)],
    ['unknownMethod', unknownMethod(referenceProfile)],
    ['missingOrBadBody', missingOrBadBody(referenceProfile, fresh)],
    ['badContentLength', badContentLength(referenceProfile, fresh)],
    ['oversizedHeaders', oversizedHeaders(referenceProfile)],
  ];

  it.each(each)('%s: the reference server answers one of the accepted statuses', async (_name, arb) => {
    for (const g of fc.sample(arb, { seed: SEED, numRuns: 60 })) {
      const status = await referenceStatus(g.bytes);
      expect(status, `${g.label}: ${JSON.stringify(Buffer.from(g.bytes).toString('latin1').slice(0, 120))}`).not.toBe('incomplete');
      expect(accepts(g.accept, status as number, ok), `${g.label} got ${status}, accepts ${JSON.stringify(g.accept)}`).toBe(true);
    }
  });

  it('malformedRequest under any: never a request the reference server serves with its baseline status unless the case accepts it', async () => {
    const any = anyProfile();
    for (const g of fc.sample(malformedRequest(any, fresh), { seed: SEED, numRuns: 100 })) {
      const status = await referenceStatus(g.bytes);
      expect(status).not.toBe('incomplete');
      // The reference server is stricter than the RFC asks: its answer is accepted (or tolerated).
      expect(accepts([...g.accept, ...(g.warn ?? [])], status as number, any.baselineStatuses), `${g.label} got ${status}`).toBe(true);
    }
  });

  it('notAJsonObject is never a JSON object; jsonObject always is, with at most 4 keys from the small set, and round-trips', () => {
    fc.assert(
      fc.property(notAJsonObject, jsonObject, (bad, good) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(bad);
        } catch {
          parsed = undefined;
        }
        expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(false);
        expect(Object.keys(good).length).toBeLessThanOrEqual(4);
        for (const k of Object.keys(good)) expect(['a', 'b', 'c', 'color', 'size', 'name', 'n', 'tags']).toContain(k);
        expect(Object.getPrototypeOf(good)).toBe(Object.prototype);
        expect(JSON.parse(JSON.stringify(good))).toEqual(good);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('payloadSize stays in [16, min(4 MiB, 2 × limit)] and reaches past the limit and near the recv sizes', () => {
    const limit = 100_000;
    const sizes = fc.sample(payloadSize(limit), { seed: SEED, numRuns: 500 });
    for (const s of sizes) {
      expect(s).toBeGreaterThanOrEqual(16);
      expect(s).toBeLessThanOrEqual(2 * limit);
    }
    expect(sizes.some((s) => s > limit)).toBe(true);
    for (const n of [1024, 2048, 4096, 65536]) expect(sizes.some((s) => Math.abs(s - n) <= 8), String(n)).toBe(true);
  });

  it('shrinking: a failure of any bad version shrinks to HTTP/2; of any invalid method to one control byte before GET', () => {
    expect(shrunk(badVersion(referenceProfile), () => true).label).toBe('version HTTP/2');
    const m = shrunk(invalidMethod(referenceProfile), () => true);
    expect(Buffer.from(m.bytes).toString('latin1').split(' ')[0]).toBe('\x00GET');
  });

  it('shrinking: a failure that needs a JSON object with a key shrinks to one key with the smallest value', () => {
    expect(shrunk(jsonObject, (o) => Object.keys(o).length >= 1)).toEqual({ a: 0 });
    // Two keys: fast-check does not shrink across the value's oneof branches, so each value is the
    // smallest of its branch (0, or an empty list).
    const two = shrunk(jsonObject, (o) => Object.keys(o).length >= 2);
    expect(Object.keys(two)).toHaveLength(2);
    for (const v of Object.values(two)) expect([0, []]).toContainEqual(v);
  });
});
