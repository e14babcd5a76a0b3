/**
 * One bug, one deduction: a server whose only bug is bare-LF line ends fails the CRLF check and the undici
 * checks that reject its answers for that same reason; it loses the point of the root cause only, and
 * every report lists the others under it.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { linkRootCauses } from '../../src/runner/root-causes.js';
import { scoreRun } from '../../src/runner/score.js';
import { runSession } from '../../src/runner/session.js';
import type { CheckResult } from '../../src/runner/types.js';
import { renderText } from '../../src/reporters/text.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { startZoo } from '../helpers/zoo.js';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { tempFolders } from '../helpers/tmp.js';
import { profileZooServer } from '../zoo/profiles/manifest.js';
import type { JsonReport } from '../../src/reporters/json.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempFolders();

const CRLF = 'wire.line-ends.crlf';

function failed(id: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, family: 'wire', level: 'MUST', requirement: '', verdict: 'fail', runs: 1, failures: 1, durationMs: 0, reason: 'r', expected: [], actual: '', ...extra };
}

describe('root causes', () => {
  it('links a failure to the check it names only when that check failed in the same run', () => {
    const dep = failed('wire.undici.accepts-head', { because: { check: CRLF, finding: 'bare-lf' } });
    expect(linkRootCauses([failed(CRLF), dep])[1]!.rootCause).toBe(CRLF);
    expect(linkRootCauses([{ ...failed(CRLF), verdict: 'pass', failures: 0 }, dep])[1]!.rootCause).toBeUndefined();
    expect(linkRootCauses([dep])[0]!.rootCause).toBeUndefined();
  });

  it('deducts a bare-LF server once, at wire.line-ends.crlf, and lists the undici failures under it', async () => {
    const z = await startZoo('lf-line-ends');
    try {
      const { result } = await runSession({ target: { host: z.host, port: z.port }, profile: referenceProfile, checks: allChecks, properties: [], timeoutMs: 1000, seed: 1, runs: 0 });
      const fails = result.checks.filter((c) => c.verdict === 'fail');
      const undici = fails.filter((c) => c.id.startsWith('wire.undici.'));
      expect(undici.length).toBeGreaterThan(0);
      for (const c of undici) expect(c, c.id).toMatchObject({ rootCause: CRLF, because: { check: CRLF, finding: 'bare-lf' } });
      // Every failure is the root cause or follows from it: one point lost.
      expect(fails.filter((c) => !c.rootCause).map((c) => c.id)).toEqual([CRLF]);
      const s = scoreRun(result);
      expect(s.max - s.points).toBe(1);

      const text = renderText(result, { color: false });
      expect(text).toContain(`Failures (1, and ${undici.length} that follow from them)`);
      const under = text.slice(text.indexOf(`✗ ${CRLF}`));
      expect(under).toMatch(new RegExp(`↳ ${undici.length} failures follow from this one \\(not deducted again\\): ${undici.map((c) => c.id.replace(/\./g, '\\.')).join(', ')}`));
      const json = toJsonReport(result);
      expect(json.checks.find((c) => c.id === CRLF)!.dependants).toEqual(undici.map((c) => c.id));
      expect(json.checks.find((c) => c.id === undici[0]!.id)!.rootCause).toEqual({ check: CRLF, finding: 'bare-lf' });
    } finally {
      await z.stop();
    }
  }, 120_000);

  it('charges a Host-routed server that dies on "Host: localhost" once, at robustness.unrouted-host.server-survives, under grade', async () => {
    // Every check that sends "Host: localhost" kills it; grade restarts it and charges each death to
    // its check, and each follows from the one root cause.
    const z = profileZooServer('key-value', 'host-routed-crash');
    const sub = path.join(tmp('wg-unrouted-'), 'sub');
    cpSync(z.dir, sub, { recursive: true });
    cpSync(z.lib, path.join(sub, '_lib'), { recursive: true });
    cpSync(z.common, path.join(sub, '_common'), { recursive: true });
    const out = path.join(sub, '..', 'g.json');
    const c = captureIO();
    const checks = ['robustness.unrouted-host.server-survives', 'status.target.unknown-path-is-404', 'status.method.connect-is-405', 'status.target.no-leading-slash-is-400'];
    await main(['grade', '--cwd', sub, '--cmd', 'python3 server.py {port}', '--profile', path.join(REPO, 'examples/profiles/key-value.host-routed.json'), '--runs', '0', '--json', out, ...checks.flatMap((id) => ['--checks', id])], c.io);
    if (!existsSync(out)) throw new Error(`no report: ${c.stderr}`);
    const g = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    const root = 'robustness.unrouted-host.server-survives';
    const fails = g.checks.filter((x) => x.verdict === 'fail');
    expect(fails.map((x) => x.id).sort()).toEqual([...checks].sort());
    for (const x of fails.filter((f) => f.id !== root)) {
      expect(x.rootCause, x.id).toEqual({ check: root, finding: 'died-on-unrouted-host' });
      expect(x.reason).toMatch(/^follows from robustness\.unrouted-host\.server-survives \(the server died on a request whose Host carries none of its routes\), deducted there, not here: the server exited/);
    }
    expect(g.checks.find((x) => x.id === root)!.dependants?.sort()).toEqual(checks.filter((id) => id !== root).sort());
    expect(c.stdout).toContain('↳ 3 failures follow from this one (not deducted again)');
  }, 120_000);
});
