/**
 * A corpus entry that kills the server is a failure of that entry, not an unreachable target: `fuzz`
 * names it, shows its bytes, blocks the rest, prints and writes its report, and exits 1.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { startZoo } from '../helpers/zoo.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('fuzz with a corpus entry that kills the server', () => {
  it('charges the death to the entry, reports, and exits 1 (not 3)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wg-deadly-'));
    made.push(dir);
    const corpus = path.join(dir, 'corpus');
    cpSync(path.join(REPO, 'corpus/status.header.no-colon-is-400'), path.join(corpus, 'status.header.no-colon-is-400'), { recursive: true });
    const json = path.join(dir, 'report.json');
    const z = await startZoo('crash-no-colon');
    try {
      for (let run = 0; run < 2; run++) {
        // The second run is a student's second run: the server was started again by hand, and the
        // corpus now holds what the first run found.
        const c = captureIO();
        const code = await main(['fuzz', '--profile', 'reference', '--target', `127.0.0.1:${z.port}`, '--corpus', corpus, '--runs', '0', '--no-color', '--json', json], c.io);
        expect(code, c.stderr).toBe(1);
        expect(c.stderr).not.toContain('cannot reach');
        expect(c.stdout).toContain('FAILED');
        const report = JSON.parse(readFileSync(json, 'utf8')) as {
          corpus: { replayed: Array<{ check: string; verdict: string; cause?: { kind: string } }> };
          stopped?: { afterCheck: string };
          checks: Array<{ id: string; verdict: string }>;
        };
        const deadly = report.corpus.replayed.find((r) => r.cause?.kind === 'died');
        expect(deadly?.check).toBe('status.header.no-colon-is-400');
        expect(deadly?.verdict).toBe('FAILED');
        expect(report.stopped?.afterCheck).toBe('status.header.no-colon-is-400');
        expect(report.checks.find((x) => x.id === 'baseline.valid-request-answered')?.verdict).toBe('pass');
        expect(report.checks.filter((x) => x.verdict === 'blocked').length).toBeGreaterThan(100);
        if (run === 0) {
          // Start it again for the second run (the first one killed it).
          await z.stop();
          const again = await startZoo('crash-no-colon');
          Object.assign(z, { port: again.port, stop: again.stop });
        }
      }
    } finally {
      await z.stop();
    }
  }, 120_000);
});
