import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckResult } from '../../src/runner/types.js';
import type { ReplayResult } from '../../src/runner/replay-corpus.js';
import { renderText } from '../../src/reporters/text.js';
import { main } from '../../src/cli/main.js';
import { startZoo } from '../helpers/zoo.js';
import { captureIO } from '../cli/helpers.js';
import { declaredImpact, failCheck, runResult, sent, warnCheck } from './fixtures.js';

/**
 * Issue 20 item 6: the text report of a server with 40+ failures is ordered by consequence (the death,
 * the denial of service and the split bug before any Host detail) and complete (every failure, no
 * pointer at a --json that was not given), warnings counted by family, corpus entries listed once.
 */

function fail(id: string, over: Partial<CheckResult> = {}): CheckResult {
  return { ...failCheck, id, family: id.split('.')[0] as CheckResult['family'], cite: undefined, request: sent('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), ...declaredImpact(id), ...over };
}

// In run order: the Host details first, the consequential ones last (the report must reorder them).
const HOST = Array.from({ length: 30 }, (_, i) => fail(`status.host.detail-${i}-is-400`, { actual: '200 OK', expected: ['400'] }));
const OTHER = Array.from({ length: 8 }, (_, i) => fail(`status.version.v${i}-is-505`));
const SPLIT = fail('metamorphic.split.two-pieces-same-answer', { actual: '400 Bad Request', expected: ['the same status as the plain request (200 OK)'] });
const FRAMING = fail('framing.content-length.non-numeric-is-400');
const DOS = fail('robustness.idle-client.does-not-block-others', { actual: 'no complete response within 2000 ms', expected: ['a response to another client while an idle connection is open'] });
const DEATH = fail('status.header.no-colon-is-400', { level: 'MAY', cause: { kind: 'died', down: { kind: 'exited', code: 1, signal: null }, restarted: true } });
const FOLLOWS = fail('metamorphic.prop.split-invariance', { rootCause: SPLIT.id, because: { check: SPLIT.id, finding: 'header-syntax' } });
const WARN_FAMILIES = ['wire', 'status', 'connection'] as const;
const WARNINGS: CheckResult[] = Array.from({ length: 49 }, (_, i) => ({ ...warnCheck, id: `${WARN_FAMILIES[i % 3]!}.w${i}`, family: WARN_FAMILIES[i % 3]! }));
const checks: CheckResult[] = [...HOST, ...OTHER, FRAMING, SPLIT, FOLLOWS, DOS, ...WARNINGS, DEATH];
const FAILED = checks.filter((c) => c.verdict === 'fail' && !c.rootCause);

const entry = (check: string, verdict: ReplayResult['verdict'], n: number): ReplayResult => ({ file: `corpus/${check}-${n}.json`, check, verdict, reason: verdict === 'FIXED' ? 'fixed' : 'got 200 OK', durationMs: 3 });
const corpus = {
  dir: 'corpus',
  replayed: [
    ...HOST.slice(0, 15).map((c, i) => entry(c.id, 'FAILED', i)),
    ...[0, 1, 2].map((i) => entry('status.method.trace-is-405', 'FAILED', i)),
    entry('wire.fixed-one', 'FIXED', 0),
    entry('wire.fixed-two', 'FIXED', 0),
  ],
  problems: [],
  notSelected: 0,
  added: [],
};

const ids = (text: string): string[] => [...text.matchAll(/^✗ (\S+) \[/gm)].map((m) => m[1]!);

describe('the text report of a server with 40+ failures', () => {
  const text = renderText(runResult(checks, { corpus }), { color: false });
  const order = ids(text);

  it('has 40+ failures, and shows every one of them once', () => {
    expect(FAILED.length).toBeGreaterThanOrEqual(40);
    expect([...order].sort()).toEqual(FAILED.map((c) => c.id).sort());
    expect(text).toContain(`Failures (${FAILED.length}, and 1 that follow from them), most serious first:`);
    expect(text).toContain(`↳ 1 failure follows from this one (not deducted again): ${FOLLOWS.id}`);
  });

  it('puts the death, then the denial of service, then the framing and split bugs before any Host detail', () => {
    const at = (id: string): number => order.indexOf(id);
    const firstHost = Math.min(...HOST.map((c) => at(c.id)));
    expect(at(DEATH.id)).toBe(0);
    expect(at(DOS.id)).toBe(1);
    expect([at(FRAMING.id), at(SPLIT.id)]).toEqual([2, 3]);
    expect(firstHost).toBe(4);
    expect(text.split('\n').find((l) => l.startsWith(`✗ ${DEATH.id}`))).toContain('[MAY] the server exited (code 1) after this request');
  });

  it('never points at a --json that was not given; names the file when one was', () => {
    expect(text).not.toMatch(/see --json|JSON report/);
    expect(text).toContain(`${FAILED.length - 5} more failures, one line each (--max-failures N shows N in full, --all every one; --json FILE writes every detail to FILE):`);
    expect(renderText(runResult(checks), { color: false, jsonFile: 'report.json' })).toContain('every detail is in the JSON report report.json');
  });

  it('counts the 49 warnings by family instead of listing them', () => {
    expect(text).toContain('! 49 warnings (SHOULDs, not failures) by family: wire 17, status 16, connection 16; --verbose lists each');
    expect(text).not.toMatch(/^! wire\.w0:/m);
    expect(renderText(runResult(checks), { color: false, verbose: true }).match(/^! \S+: /gm)).toHaveLength(49);
  });

  it('lists corpus entries once: counted, with details only for a check not already shown', () => {
    const section = text.slice(text.indexOf('Corpus corpus:'));
    expect(section).toContain('Corpus corpus: replayed 20 entries first: 18 FAILED (still failing), 2 FIXED, 0 ERROR');
    expect(section).toContain('15 failing entries of checks listed above as failures (not repeated)');
    expect(section.match(/^FAILED /gm)).toHaveLength(1);
    expect(section).toMatch(/^FAILED status\.method\.trace-is-405 +corpus\/status\.method\.trace-is-405-0\.json +\(3 ms; and 2 more entries of this check\)$/m);
    expect(section).not.toMatch(/^FIXED/m);
    for (const c of HOST.slice(0, 15)) expect(section).not.toContain(`${c.id}-`);
  });
});

describe('for real: a zoo server that dies', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('crash-no-colon: the death first, said on its first line, every failure of the JSON in the text', async () => {
    const z = await startZoo('crash-no-colon');
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'wg-text-'));
      dirs.push(dir);
      const json = path.join(dir, 'r.json');
      const c = captureIO();
      expect(await main(['fuzz', '--target', `127.0.0.1:${z.port}`, '--runs', '0', '--no-corpus', '--no-color', '--json', json, '--checks', 'status.header', 'status.host'], c.io)).toBe(1);
      const failed = (JSON.parse(readFileSync(json, 'utf8')) as { checks: Array<{ id: string; verdict: string; rootCause?: unknown }> }).checks.filter((x) => x.verdict === 'fail' && !x.rootCause);
      const order = ids(c.stdout);
      expect([...order].sort()).toEqual(failed.map((x) => x.id).sort());
      expect(order[0]).toBe('status.header.no-colon-is-400');
      expect(c.stdout.split('\n').find((l) => l.startsWith('✗ status.header.no-colon-is-400'))).toMatch(/ the server (exited \(code 1\)|stopped accepting connections) after this request — /);
    } finally {
      await z.stop();
    }
  }, 60_000);
});
