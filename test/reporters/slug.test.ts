import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { submissionSlug, submissionSlugs } from '../../src/reporters/slug.js';

describe('report file names for submissions', () => {
  it('keeps a plain name as it is, and gives any other a readable slug with a short hash', () => {
    expect(submissionSlug('alice')).toBe('alice');
    expect(submissionSlug('a_b')).toBe('a_b');
    expect(submissionSlug('a b')).toMatch(/^a-b-[0-9a-f]{6}$/);
    expect(submissionSlug("émile o'brien")).toMatch(/^emile-o-brien-[0-9a-f]{6}$/);
    expect(submissionSlug('index')).toMatch(/^index-[0-9a-f]{6}$/); // the class index keeps its name
    expect(submissionSlug('..')).toMatch(/^submission-[0-9a-f]{6}$/);
  });

  it('never gives two folders of a class the same file, even without letter case', () => {
    const pairs = [['a b', 'a_b'], ["émile o'brien", "emile o'brien"], ['Alice', 'alice'], ['x y', 'x-y'], ['日本', '中文']];
    for (const pair of pairs) {
      const s = submissionSlugs(pair);
      expect(new Set([...s.values()].map((v) => v.toLowerCase())).size, pair.join(' / ')).toBe(2);
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 30 }), (names) => {
        const s = submissionSlugs(names);
        const files = [...s.values()];
        expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(names.length);
        for (const f of files) expect(f).toMatch(/^[a-z0-9_][a-z0-9._-]*$/); // never hidden, never an option
      }),
      { numRuns: 200 },
    );
  });

  it('is stable: a name keeps its slug whatever else is in the class', () => {
    expect(submissionSlugs(['a b']).get('a b')).toBe(submissionSlugs(['a b', 'a_b', 'zoe']).get('a b'));
  });
});
