/**
 * An id leads to its check: every id `wiregrade list` prints is written literally, in quotes, in the
 * file (or folder) its prefix names, and every check's family is its prefix's. The table below is the
 * "Where each check lives" of docs/architecture.md; the test holds that table, the catalogue's groups and the built-in
 * profiles' skip lists to it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import type { Family } from '../../src/checks/types.js';
import { everything } from '../../src/cli/catalogue.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { FAMILY_ORDER } from '../../src/runner/score.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Id prefix (the first segment) → its family and where its checks are declared (a file, or a folder ending in /). */
const PLACES: Record<string, { family: Family; checks?: string }> = {
  baseline: { family: 'robustness', checks: 'src/checks/catalogue/baseline.ts' },
  wire: { family: 'wire', checks: 'src/checks/catalogue/wire/' },
  status: { family: 'status', checks: 'src/checks/catalogue/status/' },
  framing: { family: 'framing', checks: 'src/checks/catalogue/framing/' },
  connection: { family: 'connection', checks: 'src/checks/catalogue/connection.ts' },
  store: { family: 'store', checks: 'src/checks/catalogue/store/' },
  metamorphic: { family: 'metamorphic', checks: 'src/checks/catalogue/metamorphic.ts' },
  robustness: { family: 'robustness', checks: 'src/checks/catalogue/robustness.ts' },
  security: { family: 'security', checks: 'src/checks/catalogue/security.ts' },
  byo: { family: 'assignment', checks: 'src/checks/catalogue/assignments/byo-http.ts' },
  text: { family: 'assignment', checks: 'src/checks/catalogue/assignments/text-file.ts' },
  dialogue: { family: 'assignment', checks: 'src/checks/catalogue/assignments/record-dialogue.ts' },
  kv: { family: 'assignment', checks: 'src/checks/catalogue/assignments/key-value.ts' },
  differential: { family: 'differential' },
};
/** Every property (`<prefix>.prop.<name>`) is declared in this folder, at the top of the repository. */
const PROPERTIES = 'properties/';

/** The TypeScript sources (tests excluded) of a file or a folder, by path relative to the repo. */
function sources(place: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (statSync(abs).isDirectory()) {
      for (const e of readdirSync(abs).sort()) walk(path.posix.join(rel, e));
    } else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) {
      out.set(rel, readFileSync(abs, 'utf8'));
    }
  };
  walk(place);
  return out;
}

/** Is `id` written out in full, in quotes, in one of these sources? (A template such as `status.version.${v}` is not.) */
function declaredLiterally(id: string, files: Map<string, string>): boolean {
  return [...files.values()].some((text) => text.includes(`'${id}'`) || text.includes(`"${id}"`));
}

const prefixOf = (id: string) => id.slice(0, id.indexOf('.'));

describe('an id leads to its check', () => {
  const cache = new Map<string, Map<string, string>>();
  const at = (place: string) => cache.get(place) ?? cache.set(place, sources(place)).get(place)!;

  it('the detector itself: a literal id is found, one built from a template is not', () => {
    const literal = new Map([['a.ts', "caseCheck({ id: 'status.version.http2-is-505', requirement: 'x' })"]]);
    const template = new Map([['b.ts', "['HTTP/2'].map((v) => caseCheck({ id: `status.version.${v.toLowerCase()}-is-505` }))\n// status.version.http2-is-505"]]);
    expect(declaredLiterally('status.version.http2-is-505', literal)).toBe(true);
    expect(declaredLiterally('status.version.http2-is-505', template)).toBe(false);
  });

  it('wiregrade list prints the catalogue and the properties, nothing else', () => {
    const listed = everything().map((c) => c.id);
    expect(listed).toEqual([...allChecks, ...allProperties].map((c) => c.id));
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('every check id is written literally in the file its prefix names, and its family is the prefix\'s', () => {
    const misplaced: string[] = [];
    for (const c of allChecks) {
      const place = PLACES[prefixOf(c.id)];
      if (!place?.checks) {
        misplaced.push(`${c.id}: its prefix has no place in the table`);
        continue;
      }
      if (!declaredLiterally(c.id, at(place.checks))) misplaced.push(`${c.id}: not written literally in ${place.checks}`);
      if (c.family !== place.family) misplaced.push(`${c.id}: family ${c.family}, but ${place.checks} holds ${place.family}`);
    }
    expect(misplaced).toEqual([]);
    expect(allChecks.length).toBeGreaterThan(300);
  });

  it(`every property id (<prefix>.prop.<name>) is written literally in ${PROPERTIES}, with its prefix's family`, () => {
    const misplaced: string[] = [];
    for (const p of allProperties) {
      const place = PLACES[prefixOf(p.id)];
      if (!/^[a-z]+\.prop\.[a-z0-9-]+$/.test(p.id)) misplaced.push(`${p.id}: not <prefix>.prop.<name>`);
      if (!declaredLiterally(p.id, at(PROPERTIES))) misplaced.push(`${p.id}: not written literally in ${PROPERTIES}`);
      if (!place || p.family !== place.family) misplaced.push(`${p.id}: family ${p.family}, its prefix's is ${place?.family}`);
    }
    expect(misplaced).toEqual([]);
  });

  it('each catalogue file declares one group, whose prefix and family are its place\'s; no file is outside the table', () => {
    const placeOf = (file: string) => Object.entries(PLACES).find(([, p]) => p.checks && (p.checks.endsWith('/') ? file.startsWith(p.checks) : file === p.checks));
    const wrong: string[] = [];
    for (const [file, text] of at('src/checks/catalogue/')) {
      if (file === 'src/checks/catalogue/index.ts') continue;
      const entry = placeOf(file);
      if (!entry) {
        wrong.push(`${file}: in no place of the table`);
        continue;
      }
      const groups = [...text.matchAll(/checkGroup\(\{ prefix: '([a-z]+)', family: '([a-z]+)'/g)].map((m) => `${m[1]} ${m[2]}`);
      if (groups.length !== 1 || groups[0] !== `${entry[0]} ${entry[1].family}`) wrong.push(`${file}: groups [${groups.join(', ')}], expected ${entry[0]} ${entry[1].family}`);
      if (/^\s*family:\s*'/m.test(text)) wrong.push(`${file}: a check names its own family (its group gives it)`);
    }
    expect(wrong).toEqual([]);
  });

  it('every family is in the score\'s order, so no check drops out of the per-family scores', () => {
    const families = new Set([...allChecks, ...allProperties].map((c) => c.family));
    expect([...families].filter((f) => !FAMILY_ORDER.includes(f))).toEqual([]);
    expect(new Set(Object.values(PLACES).map((p) => p.family))).toEqual(families);
  });

  it('the table "Where each check lives" of docs/architecture.md is this table', () => {
    const readme = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
    const start = readme.indexOf('### Where each check lives');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const rows = [...section.matchAll(/^\| `([a-z]+)\.` \| ([a-z]+) \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!, m[3]!] as const);
    expect(rows.map(([prefix, family]) => [prefix, family])).toEqual(Object.entries(PLACES).map(([prefix, p]) => [prefix, p.family]));
    for (const [prefix, , where] of rows) {
      const place = PLACES[prefix]!;
      if (place.checks) expect(where, prefix).toContain(`\`${place.checks}\``);
      if (allProperties.some((p) => prefixOf(p.id) === prefix)) expect(where, prefix).toContain(`\`${PROPERTIES}\``);
    }
  });

  it('a built-in profile skips checks by their full id (or a prefix ending in a dot), each of which exists', () => {
    const ids = [...allChecks, ...allProperties].map((c) => c.id);
    const wrong: string[] = [];
    for (const [name, profile] of Object.entries(profiles)) {
      for (const s of profile.skip ?? []) {
        if (s.endsWith('.') ? !ids.some((id) => id.startsWith(s)) : !ids.includes(s)) wrong.push(`${name}: ${s}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('src/checks imports nothing from the runner, the reporters or the CLI (the layers flow one way)', () => {
    const wrong: string[] = [];
    for (const [file, text] of sources('src/checks/')) {
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!));
        if (/^src\/(runner|reporters|cli|supervise)\//.test(target)) wrong.push(`${file} imports ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
