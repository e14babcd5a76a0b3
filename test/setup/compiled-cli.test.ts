/**
 * The compiled tree the tests start `wiregrade` from (test/setup/compiled-cli.ts): laid out as the
 * installed package, it runs from dist/ (there is no src/ beside it), and what it runs is the sources as
 * they are now.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildCompiledTree, COMPILED_CLI_ENV } from './compiled-cli.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';
import { tempFolders } from '../helpers/tmp.js';

const tmp = tempFolders();

it('builds a tree that runs the CLI from dist/ with the sources\' catalogue', async () => {
  const root = await buildCompiledTree(tmp('wg-compiled-'));
  expect(existsSync(path.join(root, 'src'))).toBe(false);
  expect(existsSync(path.join(root, 'dist', '.built'))).toBe(true);
  expect(existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
  expect(existsSync(path.join(root, 'dist', 'reference-server', 'main.js'))).toBe(true);
  // No TypeScript left in the compiled files (a type annotation would be a syntax error at start-up).
  expect(readFileSync(path.join(root, 'dist', 'src', 'runner', 'deadlines.js'), 'utf8')).not.toMatch(/: readonly Exchange\[\]/);
  const listed = execFileSync(process.execPath, [path.join(root, 'bin', 'wiregrade.js'), 'list'], { encoding: 'utf8', timeout: 30_000 });
  expect(listed).toContain('robustness.size.1mib-request-line-rejected');
});

it('is what the tests start, when the run built one', () => {
  const root = process.env[COMPILED_CLI_ENV];
  if (root === undefined) return expect(WIREGRADE_BIN).toMatch(/\/bin\/wiregrade\.js$/);
  expect(WIREGRADE_BIN).toBe(path.join(root, 'bin', 'wiregrade.js'));
  expect(existsSync(WIREGRADE_BIN)).toBe(true);
});
