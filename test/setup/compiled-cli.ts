/**
 * Global setup: the `wiregrade` the tests start as a process (about sixty times a run: the CLI's own
 * tests, `wiregrade serve` as the graded server of the grade tests, the reference server as a child) runs
 * as compiled JavaScript, not through tsx. tsx compiles the grader's sources again in each process, about
 * 1.2 s of CPU a start on the 2-core machine; the compiled tree starts in a fraction of that.
 *
 * The tree is laid out as the installed package is (test/package/pack.test.ts checks that one): bin/,
 * package.json, dist/ with every source of src/, properties/ and reference-server/ transpiled file by
 * file by esbuild (tsconfig has isolatedModules and verbatimModuleSyntax, so a file needs nothing of the
 * others; the type check is test/typecheck.test.ts), dist/.built, and links to node_modules, docs/,
 * examples/ and action/. esbuild takes about a second for the 166 files on the loaded 2-core machine;
 * TypeScript's own transpileModule took 18 s, an emit with noCheck 12 s. Built from the sources as they
 * are when the run starts, so it is the code under test. test/helpers/cli.ts hands its paths to the tests; without this setup (the
 * unit tier) they fall back to the repository's bin/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The folders compiled, as tsconfig.build.json's `include`. */
export const COMPILED = ['src', 'properties', 'reference-server'] as const;
/** What the package ships beside dist/ and is read at run time, linked from the repository. */
const LINKED = ['node_modules', 'docs', 'examples', 'action'] as const;
/** The environment variable that carries the tree's root to the test workers. */
export const COMPILED_CLI_ENV = 'WIREGRADE_TEST_COMPILED_ROOT';

/** Every .ts source under `dir` (tests excluded), relative to the repository; bounded depth. */
function sources(dir: string, depth = 0): string[] {
  if (depth > 8) return [];
  return fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel, depth + 1);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Builds the compiled tree in a new folder under `parent` and returns its root. */
export async function buildCompiledTree(parent: string = os.tmpdir()): Promise<string> {
  const root = fs.mkdtempSync(path.join(parent, 'wiregrade-cli-'));
  try {
    await build({
      entryPoints: COMPILED.flatMap((d) => sources(d)).map((rel) => path.join(REPO, rel)),
      outdir: path.join(root, 'dist'),
      outbase: REPO,
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    fs.mkdirSync(path.join(root, 'bin'));
    for (const f of fs.readdirSync(path.join(REPO, 'bin'))) fs.copyFileSync(path.join(REPO, 'bin', f), path.join(root, 'bin', f));
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
    for (const l of LINKED) if (fs.existsSync(path.join(REPO, l))) fs.symlinkSync(path.join(REPO, l), path.join(root, l));
    fs.writeFileSync(path.join(root, 'dist', '.built'), '');
    return root;
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

export default async function setup(): Promise<() => void> {
  const root = await buildCompiledTree();
  const before = process.env[COMPILED_CLI_ENV];
  process.env[COMPILED_CLI_ENV] = root;
  return () => {
    if (before === undefined) delete process.env[COMPILED_CLI_ENV];
    else process.env[COMPILED_CLI_ENV] = before;
    fs.rmSync(root, { recursive: true, force: true });
  };
}
