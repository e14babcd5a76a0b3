#!/usr/bin/env node
// The `wiregrade` command.
//
// An installed package runs the compiled JavaScript in dist/ (built by `npm run build`, which `npm pack` runs
// through `prepack`), so nothing is compiled at start-up. In a checkout of the repository (src/ is there), dist/
// is used only while it is newer than every source file it was built from (dist/.built is stamped with the
// build's start time); otherwise, or with WIREGRADE_FROM_SOURCE=1, tsx loads the TypeScript sources in
// place, so an edited source never runs stale code and a fresh clone needs no build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// `wiregrade --version` answers without loading the CLI.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  let v = '0.0.0';
  try {
    v = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version ?? v;
  } catch {}
  process.stdout.write(`${v}\n`);
  process.exit(0);
}

/** The newest modification time (ms) of the .ts sources under `dirs`, tests excluded; bounded depth. */
function newestSource(dirs) {
  let newest = 0;
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 8) walk(p, depth + 1);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  for (const d of dirs) walk(path.join(root, d), 0);
  return newest;
}

function useDist() {
  if (process.env.WIREGRADE_FROM_SOURCE === '1') return false;
  const stamp = path.join(root, 'dist', '.built');
  if (!existsSync(stamp)) return false;
  if (!existsSync(path.join(root, 'src'))) return true; // an installed package: only dist/ is there
  return newestSource(['src', 'properties', 'reference-server']) < statSync(stamp).mtimeMs;
}

let main;
if (useDist()) {
  ({ main } = await import(pathToFileURL(path.join(root, 'dist/src/cli/main.js')).href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('wiregrade: this checkout has no up-to-date dist/ and no tsx to run the sources: run npm ci (tsx is a dev dependency) or npm run build.\n');
    process.exit(2);
  }
  const { register: registerHooks } = await import('node:module');
  register();
  // `import … from 'wiregrade/config'` in a profile file resolves to the sources, not to a dist/ that may be missing or stale.
  registerHooks('./source-conditions.js', import.meta.url);
  ({ main } = await import(pathToFileURL(path.join(root, 'src/cli/main.ts')).href));
}
const code = await main(args);
process.exitCode = code;
// Once the last report is written the command is done: a handle a server under test left open (a socket
// it never closed) must not keep the process alive. Standard streams are synchronous on Linux.
setTimeout(() => process.exit(code), 200).unref();
