/**
 * Prints test/zoo/expected-failures.ts as the zoo behaves now, to review a change with `git diff`:
 *
 *   node bin/run-ts.js test/zoo/print-matrix.ts > test/zoo/expected-failures.ts
 *
 * With slugs as arguments it prints only those rows (to review one server's row without running all).
 */
import { zoo } from './manifest.js';
import { failingIds, runMatrixRow } from './run-matrix.js';

const head = `/**
 * The self-test matrix: for each zoo server, exactly the checks it must fail under the matrix settings
 * (test/zoo/run-matrix.ts). A correct server fails none. Each list was reviewed against the server's one
 * bug: a check in it is either the check meant for that bug or a direct consequence of it (a body that
 * never ends times out every check that needs the body). Printed by test/zoo/print-matrix.ts and then
 * reviewed: a change here is a change in what the grader says about a student.
 */
export const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {`;
const lines = [head];
const only = process.argv.slice(2);
for (const z of [...zoo].filter((s) => s.kind !== 'hostile' && (only.length === 0 || only.includes(s.slug))).sort((a, b) => a.slug.localeCompare(b.slug))) {
  const ids = failingIds((await runMatrixRow(z.slug)).result);
  lines.push(ids.length === 0 ? `  '${z.slug}': [],` : [`  '${z.slug}': [`, ...ids.map((i) => `    '${i}',`), '  ],'].join('\n'));
  process.stderr.write(`${z.slug}: ${ids.length}\n`);
}
lines.push('};');
process.stdout.write(lines.join('\n') + '\n');
