/**
 * Regenerates the committed seed corpus: every failure the zoo's buggy servers produce, found with the
 * matrix's settings and saved as `wiregrade fuzz` saves them. Run from the repository root:
 *
 *   node bin/run-ts.js test/zoo/seed-corpus.ts [CORPUS_DIR]
 *
 * Entries already there (same check and failure signature) are kept as they are.
 */
import { saveFailures } from '../../src/cli/corpus.js';
import { version } from '../../src/cli/version.js';
import { loadCorpus } from '../../src/corpus/store.js';
import { zoo } from './manifest.js';
import { runMatrixRow } from './run-matrix.js';

const dir = process.argv[2] ?? 'corpus';
let added = 0;
for (const z of zoo.filter((s) => s.kind === 'buggy')) {
  const loaded = await loadCorpus(dir);
  const { result, propertyFailures } = await runMatrixRow(z.slug);
  const files = await saveFailures(dir, result, loaded, propertyFailures, `wiregrade ${version()} (zoo: ${z.slug})`);
  added += files.length;
  process.stdout.write(`${z.slug}: ${files.length} new entr${files.length === 1 ? 'y' : 'ies'}\n`);
}
process.stdout.write(`${added} entries added to ${dir}\n`);
