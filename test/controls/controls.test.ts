import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { runSession } from '../../src/runner/session.js';
import { allProperties } from '../../properties/index.js';
import { controls, startControl } from './servers.js';
import { TRUE_FINDINGS } from './true-findings.js';

/**
 * The real-server controls: `wiregrade fuzz --profile any --path /index.html` against nginx, lighttpd,
 * Apache httpd, Python's http.server and a node:http static server. A correct server is never blamed
 * for what RFC 9110/9112 allow: each gets no `fail` but its reviewed true findings (true-findings.ts,
 * each with the sentence it breaks), and each of those must keep failing. A server whose binary is
 * absent is skipped, saying so (CI installs them: .ci/run).
 */
describe.concurrent('real servers under --profile any', () => {
  for (const c of controls) {
    it(`${c.slug}: fails exactly its reviewed true findings`, async (t) => {
      const s = await startControl(c);
      if ('skipped' in s) {
        console.warn(`skipped: ${s.skipped}`);
        t.skip();
        return;
      }
      try {
        const { result } = await runSession({
          target: { host: '127.0.0.1', port: s.port },
          profile: anyProfile('/index.html'),
          checks: allChecks,
          properties: allProperties,
          timeoutMs: 2000,
          seed: 1,
          runs: 20,
        });
        const failing = result.checks.filter((x) => x.verdict === 'fail' || x.verdict === 'error');
        const why = failing.map((x) => `${x.id}: ${x.reason}`).join('\n');
        expect(failing.map((x) => x.id).sort(), why).toEqual(Object.keys(TRUE_FINDINGS[c.slug] ?? {}).sort());
        // The baseline was served: the run judged a working server, not a dead one.
        expect(result.checks.find((x) => x.id === 'baseline.valid-request-answered')?.verdict).toBe('pass');
      } finally {
        await s.stop();
      }
    }, 180_000);
  }
});
