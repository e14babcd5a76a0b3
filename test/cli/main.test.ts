import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseTarget } from '../../src/cli/args.js';
import { closeQuietly, startBundled } from '../../src/cli/target.js';
import { captureIO, ERR_500, fixedResponseServer, freePort, isListening, OK_300, type TinyServer } from './helpers.js';

const BASELINE = 'baseline.valid-request-answered';

/** Exactly one non-empty line. */
function oneLine(s: string): string {
  const lines = s.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('usage errors: exit 2 and one sentence on stderr', () => {
  it.each([
    [['fuzz', '--tagret', '127.0.0.1:1'], /^wiregrade: unknown option '--tagret'; did you mean --target\? \(see wiregrade fuzz --help\)$/],
    [['fuzz', '--target'], /^wiregrade: option '--target <host:port>' argument missing \(see wiregrade fuzz --help\)$/],
    [['fuzz', 'extra'], /^wiregrade: too many arguments for 'fuzz' \(expected 0, got 1\)/],
    [['fuz'], /^wiregrade: unknown command 'fuz'; did you mean fuzz\? \(see wiregrade --help\)$/],
    [[], /^wiregrade: no command given/],
    [['list', '--nope'], /^wiregrade: unknown option '--nope' \(see wiregrade list --help\)$/],
    [['fuzz', '--target', 'nope'], /^wiregrade: --target 'nope' is not HOST:PORT \(no port\)/],
    [['fuzz', '--target', '127.0.0.1:0'], /^wiregrade: --target '127\.0\.0\.1:0' is not HOST:PORT/],
    [['fuzz', '--target', '::1:8080'], /IPv6 address goes in brackets/],
    [['fuzz', '--target', 'localhost:http'], /the port must be a number/],
    [['fuzz', '--profile', 'nosuch'], /^wiregrade: unknown profile 'nosuch': not a built-in profile \(reference, any, byo-http, text-file, record-dialogue, key-value\) and no such file\.$/],
    [['fuzz', '--checks', 'zzz-no-such'], /^wiregrade: --checks 'zzz-no-such' matches no check id \(see wiregrade list\)\.$/],
    [['fuzz', '--timeout-ms', 'soon'], /^wiregrade: --timeout-ms 'soon' is not a whole number/],
    [['fuzz', '--seed', '1.5'], /^wiregrade: --seed '1\.5' is not a whole number/],
    [['fuzz', '--runs', '-1'], /^wiregrade: --runs '-1' is not a whole number from 0/],
    [['fuzz', '--replay-path', 'x:1'], /^wiregrade: --replay-path must be fast-check's counterexample path/],
    [['fuzz', '--json', '/no/such/dir/r.json'], /^wiregrade: cannot write the JSON report to \/no\/such\/dir\/r\.json: the directory \/no\/such\/dir does not exist\.$/],
  ])('%j', async (argv, sentence) => {
    const c = captureIO();
    expect(await main(argv, c.io)).toBe(2);
    expect(oneLine(c.stderr)).toMatch(sentence);
    expect(c.stdout).toBe('');
  });

  it('prints help on --help and exits 0', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--help'], c.io)).toBe(0);
    expect(c.stdout).toContain('--target <host:port>');
    expect(c.stdout).toContain('--no-color');
  });
});

describe('parseTarget', () => {
  it('takes IPv4, names and bracketed IPv6', () => {
    expect(parseTarget('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseTarget('localhost:8080')).toEqual({ host: 'localhost', port: 8080 });
    expect(parseTarget('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseTarget('http://x:80')).toEqual({ host: 'x', port: 80 }); // a URL as a browser shows it
    for (const bad of ['', ':80', 'host:', 'host:65536', '[::1]', '[127.0.0.1]:80', 'a b:80', '[::1:80']) {
      expect(() => parseTarget(bad), bad).toThrow(/is not HOST:PORT/);
    }
  });
});

// `wiregrade list`: test/cli/list.test.ts.

describe('fuzz', () => {
  let ok: TinyServer;
  let broken: TinyServer;
  let dir: string;
  beforeAll(async () => {
    ok = await fixedResponseServer(OK_300);
    broken = await fixedResponseServer(ERR_500);
  });
  afterAll(async () => {
    await ok.close();
    await broken.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wg-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 3 with the sentence when nothing listens on the target', async () => {
    const port = await freePort();
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${port}`, '--checks', 'baseline'], c.io)).toBe(3);
    expect(c.stderr).toContain(`wiregrade: cannot reach 127.0.0.1:${port} (connection refused). Is the server running?\n`);
    expect(c.stdout).toBe('');
  });

  it('judges a --target by the RFC only (profile any) when no --profile is given, and says so on stderr', async () => {
    // The server answers 300 to everything. A 404 for an unknown path is the RFC's SHOULD (a warning
    // under `any`) and the reference protocol's MUST (a failure under `reference`).
    const args = ['fuzz', '--no-corpus', '--target', `127.0.0.1:${ok.port}`, '--checks', 'status.target.unknown-path-is-404', '--json', '-'];
    const c = captureIO();
    expect(await main(args, c.io)).toBe(0);
    expect(c.stderr).toMatch(/^profile: any \(RFC 9110\/9112 only, known path \/\); --profile NAME\|FILE judges by an assignment's rules$/m);
    const r = JSON.parse(c.stdout) as { profile: string; checks: Array<{ id: string; verdict: string }> };
    expect(r.profile).toBe('any');
    expect(r.checks.find((x) => x.id === 'status.target.unknown-path-is-404')!.verdict).toBe('warn');
    const d = captureIO();
    expect(await main([...args, '--profile', 'reference'], d.io)).toBe(1);
    expect(d.stderr).not.toMatch(/^profile:/m);
  });

  it('exits 0 against a server that answers the baseline, and prints the report and the seed', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${ok.port}`, '--checks', 'baseline'], c.io)).toBe(0);
    expect(c.stderr).toMatch(/^seed: \d+$/m);
    expect(c.stdout).toMatch(/│ robustness │ +1 │ +0 │/);
    expect(c.stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^1 check: 1 passed, 0 failed, 0 warnings, 0 blocked, 0 skipped, 0 errors — target 127\\.0\\.0\\.1:${ok.port}, profile reference, seed \\d+, \\d+ ms$`),
    );
    expect(c.stdout).not.toMatch(/\x1b\[/);
    expect(c.stderr).not.toContain('[1/');
  });

  it('exits 1 against a server that answers 500, and shows the failure with a replay', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${broken.port}`, '--checks', 'baseline', '--seed', '77'], c.io)).toBe(1);
    expect(c.stderr).toContain('seed: 77\n');
    expect(c.stdout).toContain(`✗ ${BASELINE} [MUST]`);
    expect(c.stdout).toContain('500 Internal Server Error');
    expect(c.stdout).toContain(`| nc -w 2 127.0.0.1 ${broken.port}`);
    expect(c.stdout).toMatch(/seed 77, \d+ ms\n$/);
  });

  it('writes the JSON report with the SPEC keys to --json FILE (and still prints the text)', async () => {
    const file = path.join(dir, 'report.json');
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${broken.port}`, '--checks', 'baseline', '--seed', '5', '--json', file], c.io)).toBe(1);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { checks: Array<Record<string, unknown>> };
    expect(Object.keys(report)).toEqual(['target', 'profile', 'seed', 'durationMs', 'score', 'summary', 'checks']);
    expect(report).toMatchObject({ target: `127.0.0.1:${broken.port}`, profile: 'reference', seed: 5, score: { points: 0, max: 1 } });
    expect(report.checks).toHaveLength(1);
    const check = report.checks[0]!;
    expect(Object.keys(check)).toEqual(['id', 'family', 'level', 'verdict', 'runs', 'failures', 'durationMs', 'requirement', 'source', 'firstFailure']);
    expect(check).toMatchObject({ id: BASELINE, verdict: 'fail', failures: 1 });
    expect(Object.keys(check.firstFailure as object)).toEqual(['reason', 'expected', 'actual', 'request', 'replay', 'corpusFile', 'rerun']);
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(c.stdout).toContain(`✗ ${BASELINE}`);
    expect(c.stderr).toContain(`JSON report written to ${file}`);
  });

  it('prints only JSON on stdout with --json -', async () => {
    const c = captureIO({ isTTY: true });
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${ok.port}`, '--checks', 'baseline', '--json', '-'], c.io)).toBe(0);
    const report = JSON.parse(c.stdout) as { summary: { pass: number }; score: { points: number; max: number } };
    expect(report.summary.pass).toBe(1);
    expect(report.score).toEqual({ points: 1, max: 1 });
    expect(c.stderr).not.toContain('[1/'); // no progress when JSON goes to stdout
  });

  it('shows a progress counter on a TTY stderr, and colour unless --no-color', async () => {
    const c = captureIO({ isTTY: true, color: true });
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${ok.port}`, '--checks', 'baseline'], c.io)).toBe(0);
    expect(c.stderr).toContain(`[1/1] ${BASELINE}`);
    expect(c.stdout).toMatch(/\x1b\[/);
    const d = captureIO({ isTTY: true, color: true });
    expect(await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${ok.port}`, '--checks', 'baseline', '--no-color'], d.io)).toBe(0);
    expect(d.stdout).not.toMatch(/\x1b\[/);
  });

  it('always runs the baseline with a --checks filter', async () => {
    const c = captureIO();
    const code = await main(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${broken.port}`, '--checks', 'status.', '--json', '-', '--timeout-ms', '500'], c.io);
    expect(code).toBe(1);
    const report = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string }> };
    expect(report.checks[0]).toMatchObject({ id: BASELINE, verdict: 'fail' });
    expect(report.checks.length).toBeGreaterThan(1);
    expect(report.checks.slice(1).every((ch) => ch.id.startsWith('status.'))).toBe(true);
  });

  it('with no --target, tests the bundled reference server and closes it afterwards', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--checks', 'baseline'], c.io)).toBe(0);
    const m = /^no --target given: testing the bundled reference server on 127\.0\.0\.1:(\d+)$/m.exec(c.stderr);
    expect(m).not.toBeNull();
    expect(await isListening(Number(m![1]))).toBe(false);
  });

  it('runs the bundled server\'s checks side by side, with every verdict as one at a time (--serial)', async () => {
    const verdicts = async (extra: string[]) => {
      const c = captureIO();
      expect(await main(['fuzz', '--no-corpus', '--runs', '0', '--seed', '1', '--checks', 'status.method', 'framing.smuggling', 'connection', '--json', '-', ...extra], c.io)).toBe(0);
      const report = JSON.parse(c.stdout) as { sideBySide?: { mode: string; why?: string }; checks: Array<{ id: string; verdict: string }> };
      return { side: report.sideBySide, byId: Object.fromEntries(report.checks.map((ch) => [ch.id, ch.verdict])) };
    };
    const side = await verdicts([]);
    const serial = await verdicts(['--serial']);
    expect(side.side?.mode).toBe('side-by-side');
    expect(serial.side).toEqual({ mode: 'serial', why: 'asked', reason: expect.any(String) });
    expect(Object.keys(side.byId).length).toBeGreaterThan(40);
    expect(side.byId).toEqual(serial.byId);
    expect(Object.values(side.byId).filter((v) => v === 'fail')).toEqual([]);
  });
});

describe('the bundled server\'s control', () => {
  it('never exits apart from us, and starts again on the same port with an empty store', async () => {
    const server = await startBundled();
    try {
      expect(server.control.exited()).toBeNull();
      expect(server.control.canExit).toBe(false);
      // Each request on a connection of its own (none kept from before the restart).
      const status = (method: string, body?: string) =>
        new Promise<number | undefined>((resolve, reject) => {
          const r = http.request({ host: server.host, port: server.port, path: '/kept', method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
            res.resume();
            resolve(res.statusCode);
          });
          r.on('error', reject);
          r.end(body);
        });
      expect(await status('POST', '{"a":1}')).toBe(201);
      expect(await status('GET')).toBe(200);
      expect(await server.control.restart()).toEqual({ ok: true });
      expect(await status('GET')).toBe(404);
    } finally {
      await closeQuietly(server);
    }
    expect(await isListening(server.port)).toBe(false);
  });
});

describe('serve', () => {
  it('hands its arguments to the reference server CLI', async () => {
    const c = captureIO();
    expect(await main(['serve', '--help'], c.io)).toBe(0);
    expect(c.stdout).toContain('usage: wiregrade serve');
    const d = captureIO();
    expect(await main(['serve', '--bogus'], d.io)).toBe(2);
    expect(d.stderr).toMatch(/^wiregrade serve: /);
  });
});
