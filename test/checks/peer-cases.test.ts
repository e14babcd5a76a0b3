import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import * as malformations from '../../properties/arbitraries/malformations.js';

/** docs/peer-cases.md names only checks and generators that exist, and maps every peer case once. */
const doc = readFileSync(new URL('../../docs/peer-cases.md', import.meta.url), 'utf8');
const rows = doc.split('\n').filter((l) => /^\| [^|]+ \| /.test(l) && !l.startsWith('| case |') && !l.startsWith('| ---'));

describe('docs/peer-cases.md', () => {
  it('names only check ids that are in the catalogue (or properties)', () => {
    const known = new Set([...allChecks, ...allProperties].map((c) => c.id));
    const named = [...doc.matchAll(/`([a-z0-9]+(?:\.[a-z0-9-]+){2,})`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(150);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });

  it('names only generators that properties/arbitraries/malformations.ts exports', () => {
    const gens = [...doc.matchAll(/generator `([A-Za-z]+)`/g)].map((m) => m[1]!);
    expect(gens.length).toBeGreaterThan(3);
    for (const g of gens) expect(typeof (malformations as Record<string, unknown>)[g], g).toBe('function');
  });

  it('maps each case once: Http11Probe ids and h1spec descriptions, each with a counterpart or a reason', () => {
    const cases = rows.map((l) => l.split('|')[1]!.trim());
    expect(new Set(cases).size).toBe(cases.length);
    // 194 Http11Probe cases in tables (CAP and COOK are listed in prose) and h1spec's 33.
    expect(cases.filter((c) => /^(SMUG|COMP|RFC|MAL|NORM)-?/.test(c)).length).toBeGreaterThanOrEqual(190);
    expect(cases.filter((c) => /^[A-Z][a-z]/.test(c) && !c.startsWith('Garden #')).length).toBe(33);
    for (const l of rows) expect(l.split('|')[2]!.trim().length, l).toBeGreaterThan(10);
  });

  it('maps every llhttp request case (166 at commit 01e105a, by file and heading) and every HTTP Garden server bug (1–48)', () => {
    const cases = rows.map((l) => l.split('|')[1]!.trim());
    const llhttp = cases.filter((c) => /^[a-z-]+\.md \/ /.test(c));
    expect(llhttp).toHaveLength(166);
    const perFile = Object.fromEntries([...new Set(llhttp.map((c) => c.split(' / ')[0]!))].map((f) => [f, llhttp.filter((c) => c.startsWith(`${f} / `)).length]));
    // The count of cases in each file of test/request/ at llhttp 01e105a.
    expect(perFile).toEqual({
      'connection.md': 21,
      'content-length.md': 18,
      'finish.md': 3,
      'invalid.md': 24,
      'lenient-header-value-relaxed.md': 5,
      'lenient-headers.md': 4,
      'lenient-version.md': 1,
      'method.md': 16,
      'pausing.md': 13,
      'pipelining.md': 1,
      'sample.md': 18,
      'transfer-encoding.md': 31,
      'uri.md': 11,
    });
    const garden = cases.filter((c) => c.startsWith('Garden #')).map((c) => Number(c.slice('Garden #'.length)));
    expect(garden).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    // Each maps to a check or generator (named in backticks), or says why it does not apply.
    for (const l of rows.filter((r) => /^\| ([a-z-]+\.md \/ |Garden #)/.test(r))) {
      const mapping = l.split('|').slice(2).join('|');
      expect(/`[a-z0-9]+(\.[a-z0-9-]+){2,}`|generator `|does not apply|not judged|parser-API case/.test(mapping), l).toBe(true);
    }
  });

  it('names the smuggler byte sweep as a property over places × bytes, shrinking to one byte', () => {
    expect(doc).toMatch(/`status\.prop\.te-byte-sweep`/);
  });
});
