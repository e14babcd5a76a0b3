/**
 * The layer rule of docs/architecture.md, held true: the folders of src/ listed in "How it is built", in that order,
 * and each source file imports only from its own folder or from folders above it in the list. The one
 * exception it names (the properties use the arbitraries, which use two leaves of src/checks
 * and nothing else of it) is the only one allowed; src/cli may start the bundled server, and
 * reference-server/ imports nothing from src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** All that src/arbitraries may import from src/checks (the exception docs/architecture.md names). */
const ARBITRARIES_MAY_USE = ['src/checks/verify.ts', 'src/checks/level.ts'];
/** The checks that may use src/arbitraries, though it is below src/checks. */
const PROPERTIES = 'src/checks/properties/';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

/** The relative imports of a file (static, re-exports and dynamic `import()` types), resolved to repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** `src/<folder>` of a repo path, or null outside src/. */
function layerOf(file: string): string | null {
  const m = /^src\/([^/]+)\//.exec(file);
  return m ? `src/${m[1]}` : null;
}

/** The folders the "How it is built" block of docs/architecture.md lists, in order. */
function readmeLayers(): string[] {
  const readme = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## How it is built'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  return [...block.matchAll(/^(src\/[a-z0-9-]+)\s/gm)].map((m) => m[1]!);
}

describe('layers', () => {
  const layers = readmeLayers();
  const files = sources('src');

  it('docs/architecture.md lists every folder of src/, once each', () => {
    const folders = readdirSync(path.join(root, 'src'))
      .filter((n) => statSync(path.join(root, 'src', n)).isDirectory())
      .map((n) => `src/${n}`)
      .sort();
    expect([...layers].sort()).toEqual(folders);
    expect(new Set(layers).size).toBe(layers.length);
  });

  it('every import in src/ goes to its own folder or one above it in the list of docs/architecture.md', () => {
    const rank = new Map(layers.map((l, i) => [l, i]));
    const violations: string[] = [];
    let crossing = 0;
    const excepted: string[] = [];
    for (const file of files) {
      const from = layerOf(file)!;
      for (const target of importsOf(file)) {
        const to = layerOf(target);
        if (to === null && from === 'src/cli' && target.startsWith('reference-server/')) continue;
        if (to === null) {
          violations.push(`${file} imports ${target}, outside src/`);
          continue;
        }
        if (to === from) continue;
        crossing += 1;
        if (from === 'src/arbitraries' && to === 'src/checks' && !ARBITRARIES_MAY_USE.includes(target)) {
          violations.push(`${file} imports ${target}: the arbitraries use only ${ARBITRARIES_MAY_USE.join(' and ')} of src/checks`);
          continue;
        }
        if (file.startsWith(PROPERTIES) && to === 'src/arbitraries') {
          excepted.push(`${file} -> ${target}`);
          continue;
        }
        if (rank.get(to)! > rank.get(from)!) violations.push(`${file} (${from}) imports ${target} (${to}, below it)`);
      }
    }
    expect(violations).toEqual([]);
    // The scan saw the imports it is about: hundreds cross a folder, and the exception is really used.
    expect(crossing).toBeGreaterThan(200);
    expect(excepted.length).toBeGreaterThan(0);
  });

  it('reference-server/ imports nothing from src/', () => {
    const reaching = sources('reference-server').flatMap((f) => importsOf(f).filter((t) => !t.startsWith('reference-server/')).map((t) => `${f} -> ${t}`));
    expect(reaching).toEqual([]);
  });
});
