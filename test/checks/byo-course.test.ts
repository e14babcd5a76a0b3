import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';

/**
 * The CodeCrafters course's fourteen stages, each mapped to the checks that judge it, in
 * docs/peer-cases.md and in docs/checks.md's byo-http section: every stage is there once, every check
 * named exists, and every `byo.*` check is named by a stage (a new one must say which stage it judges).
 */
const peer = readFileSync(new URL('../../docs/peer-cases.md', import.meta.url), 'utf8');
const checksDoc = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');

/** The table rows of the section that starts at `heading` (up to the next heading of the same level). */
function sectionRows(text: string, heading: string): string[] {
  const at = text.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const rest = text.slice(at + heading.length);
  const next = rest.search(/\n#{2,3} /);
  return (next < 0 ? rest : rest.slice(0, next)).split('\n').filter((l) => /^\| [^|]+ \| /.test(l) && !/^\| (case|stage) \|/.test(l) && !l.startsWith('| ---'));
}

const idsIn = (s: string): string[] => [...s.matchAll(/`([a-z0-9]+(?:\.[a-z0-9-]+)+)`/g)].map((m) => m[1]!);

const SLUGS = ['at4', 'ia4', 'ih0', 'cn2', 'fs3', 'ej5', 'ap6', 'qv8', 'df4', 'ij8', 'cr8', 'ag9', 'ul1', 'kh7'];

describe('the CodeCrafters stages', () => {
  const known = new Map(allChecks.map((c) => [c.id, c]));
  const byo = allChecks.filter((c) => c.id.startsWith('byo.')).map((c) => c.id);

  it('docs/peer-cases.md maps each of the fourteen stages, in order, to checks that exist', () => {
    const rows = sectionRows(peer, '## CodeCrafters');
    expect(rows.map((l) => l.split('|')[1]!.trim().split(' ')[0])).toEqual(SLUGS);
    for (const l of rows) {
      const ids = idsIn(l);
      expect(ids.length, l).toBeGreaterThan(0);
      expect(ids.filter((id) => !known.has(id)), l).toEqual([]);
    }
  });

  it('every byo check judges a stage, in both docs', () => {
    const inPeer = new Set(sectionRows(peer, '## CodeCrafters').flatMap(idsIn));
    const inChecks = new Set(sectionRows(checksDoc, '### The byo-http assignment').flatMap(idsIn));
    expect(sectionRows(checksDoc, '### The byo-http assignment')).toHaveLength(14);
    expect(byo.filter((id) => !inPeer.has(id))).toEqual([]);
    expect(byo.filter((id) => !inChecks.has(id))).toEqual([]);
  });

  it('the stage checks are the byo-http profile\'s MUSTs, with the docs\' heading in their cite', () => {
    for (const id of byo) {
      const c = known.get(id)!;
      expect([c.needs, c.level, c.family], id).toEqual(['byo-http', 'MUST', 'assignment']);
      expect(c.cite ?? '', id).toContain('docs/checks.md#the-byo-http-assignment');
    }
  });
});
