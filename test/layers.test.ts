/**
 * The layer rule of docs/architecture.md, held true: the folders of src/ and the top-level properties/
 * listed in "How it is built", in that order, and each source file imports only from its own folder or
 * from folders above it in the list, with no exception; src/cli may start the bundled server, and
 * reference-server/ imports nothing from src/. And no import circle, between files of one folder
 * included (a type-only import counts: it is a dependency a reader follows all the same).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The layers outside src/: the properties and their generators (properties/arbitraries/). */
const TOP_LAYERS = ['properties'];

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

/** `src/<folder>` or a top layer (`properties`) of a repo path, or null outside them. */
function layerOf(file: string): string | null {
  const m = /^src\/([^/]+)\//.exec(file);
  if (m) return `src/${m[1]}`;
  const top = file.slice(0, file.indexOf('/'));
  return TOP_LAYERS.includes(top) ? top : null;
}

/** The import circles of the files of `src/` and the top layers. */
const circles = (files: readonly string[]): string[][] => circlesOf(Object.fromEntries(files.map((f) => [f, importsOf(f)])));

/** The circles of an import graph (file → the files it imports): each the files that reach each other (Tarjan's components). */
function circlesOf(imports: Record<string, readonly string[]>): string[][] {
  const graph = new Map(Object.entries(imports).map(([f, to]) => [f, to.filter((t) => t !== f)]));
  const files = [...graph.keys()];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

/** The folders the "How it is built" block of docs/architecture.md lists, in order. */
function readmeLayers(): string[] {
  const readme = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## How it is built'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  return [...block.matchAll(/^(src\/[a-z0-9-]+|[a-z0-9-]+(?=\/\s))/gm)].map((m) => m[1]!).filter((l) => l.startsWith('src/') || TOP_LAYERS.includes(l));
}

describe('layers', () => {
  const layers = readmeLayers();
  const files = [...sources('src'), ...TOP_LAYERS.flatMap((l) => sources(l))];

  it('docs/architecture.md lists every folder of src/ and the top layers, once each', () => {
    const folders = [
      ...readdirSync(path.join(root, 'src'))
        .filter((n) => statSync(path.join(root, 'src', n)).isDirectory())
        .map((n) => `src/${n}`),
      ...TOP_LAYERS,
    ].sort();
    expect([...layers].sort()).toEqual(folders);
    expect(new Set(layers).size).toBe(layers.length);
  });

  it('every import in src/ goes to its own folder or one above it in the list of docs/architecture.md', () => {
    const rank = new Map(layers.map((l, i) => [l, i]));
    const violations: string[] = [];
    let crossing = 0;
    let fromProperties = 0;
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
        if (from === 'properties') fromProperties += 1;
        if (rank.get(to)! > rank.get(from)!) violations.push(`${file} (${from}) imports ${target} (${to}, below it)`);
      }
    }
    expect(violations).toEqual([]);
    // The scan saw the imports it is about: hundreds cross a folder, the properties' among them.
    expect(crossing).toBeGreaterThan(200);
    expect(fromProperties).toBeGreaterThan(20);
  });

  it('has no import circle, inside a folder or across folders', () => {
    expect(circles(files)).toEqual([]);
    // The finder finds one: two files of a made-up folder that import each other.
    expect(circlesOf({ 'x/a.ts': ['x/b.ts'], 'x/b.ts': ['x/c.ts'], 'x/c.ts': ['x/a.ts'], 'x/d.ts': ['x/a.ts'] })).toEqual([['x/a.ts', 'x/b.ts', 'x/c.ts']]);
  });

  it('reference-server/ imports nothing from src/', () => {
    const reaching = sources('reference-server').flatMap((f) => importsOf(f).filter((t) => !t.startsWith('reference-server/')).map((t) => `${f} -> ${t}`));
    expect(reaching).toEqual([]);
  });
});
