#!/usr/bin/env node
// `npm run build` (also run by `npm pack`, through `prepack`): compiles the CLI (its properties included) and
// the reference server to dist/ with tsc (tsconfig.build.json), from a clean folder, and stamps dist/.built
// with the time the build STARTED, so bin/wiregrade.js treats a source edited during the build as newer than dist/.
// It emits without type checking (`--noCheck`: 7 s of CPU instead of 16 on the 2-core machine, also for every
// `npm pack` and `gradescope init` from a checkout): the type check is `npm run typecheck`, part of `npm test`.
// The declarations are the same (two inferred unions list their members in another order).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const started = new Date();
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  console.error('wiregrade: the build failed (tsc -p tsconfig.build.json --noCheck); dist/ was removed.');
  process.exit(r.status ?? 1);
}
const stamp = path.join(dist, '.built');
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, started, started);
