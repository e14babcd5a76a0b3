/**
 * The `wiregrade` a test starts as a process: the compiled tree of the run (test/setup/compiled-cli.ts),
 * or, without that setup, the repository's own bin/ (which runs the sources through tsx).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_CLI_ENV } from '../setup/compiled-cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const compiled = process.env[COMPILED_CLI_ENV];

/** bin/wiregrade.js to run with `node`. */
export const WIREGRADE_BIN = path.join(compiled ?? REPO, 'bin', 'wiregrade.js');

/** `node` arguments that start the reference server (reference-server/main.ts) before its own arguments. */
export const REFERENCE_SERVER_ARGS: readonly string[] = compiled
  ? [path.join(compiled, 'dist', 'reference-server', 'main.js')]
  : [path.join(REPO, 'bin', 'run-ts.js'), path.join(REPO, 'reference-server', 'main.ts')];
