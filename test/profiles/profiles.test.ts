import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadProfileFile } from '../../src/model/profile-file.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { launchServer, freePort, type LaunchedServer } from '../../src/supervise/launch.js';
import { captureIO } from '../cli/helpers.js';
import { PROFILE_ZOO_DIR } from '../zoo/profiles/manifest.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'wg-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}

describe('profile files', () => {
  it('loads a JSON profile on top of a built-in one', async () => {
    const p = await loadProfileFile(
      file('ok.json', { name: 'lab-3', extends: 'any', baseline: { target: '/index.html', status: [200] }, skip: ['status.header.missing-host'], points: { 'store.': 3 } }),
      profiles,
    );
    expect(p).toMatchObject({ name: 'lab-3', baseline: { method: 'GET', target: '/index.html' }, baselineStatuses: [200], knownPath: '/index.html', capabilities: [] });
    expect(p.skip).toEqual(['status.header.missing-host']);
    expect(p.points).toEqual({ 'store.': 3 });
  });

  it("loads a typed wiregrade.config.ts written as the README shows (import from 'wiregrade/config')", async () => {
    // Inside the package, so that 'wiregrade/config' resolves as it does for a user who installed it.
    const inside = mkdtempSync(path.join(REPO, '.wiregrade-tmp-'));
    try {
      const f = path.join(inside, 'wiregrade.config.ts');
      writeFileSync(f, `import { defineConfig } from 'wiregrade/config';\nexport default defineConfig({ name: 'lab-4', extends: 'reference', points: { 'status.': 2 } });\n`);
      const p = await loadProfileFile(f, profiles);
      expect(p).toMatchObject({ name: 'lab-4', capabilities: ['reference'], baselineStatuses: [300], points: { 'status.': 2 } });
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });

  it.each([
    ['unknown-field.json', { name: 'x', baselin: {} }, /field baselin|Unrecognized key.*baselin/],
    ['bad-status.json', { name: 'x', baseline: { target: '/', status: [700] } }, /field baseline\.status\.0: a status code is from 100 to 599/],
    ['bad-template.json', { name: 'x', baseline: { target: 'index.html', status: [200] } }, /field baseline\.target: a request target starts with "\/"/],
    ['bad-points.json', { name: 'x', points: { 'status.': -1 } }, /field points\.status\.: points are 0 or more/],
  ])('rejects %s with one sentence that names the file and the field', async (name, content, why) => {
    const f = file(name, content);
    const c = captureIO();
    expect(await main(['fuzz', '--profile', f, '--no-corpus'], c.io)).toBe(2);
    const lines = c.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(f);
    expect(lines[0]).toMatch(why);
  });

  it('says which file is not JSON', async () => {
    const f = file('broken.json', '{ "name": ');
    const c = captureIO();
    expect(await main(['fuzz', '--profile', f, '--no-corpus'], c.io)).toBe(2);
    expect(c.stderr).toMatch(new RegExp(`^wiregrade: the profile file ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });
});

describe.concurrent('an assignment profile on a byo-http style server (extends any, with skips and points)', () => {
  const servers: LaunchedServer[] = [];
  const ports: Record<string, number> = {};
  beforeAll(async () => {
    for (const slug of ['correct', 'unknown-path-200']) {
      const d = mkdtempSync(path.join(dir, `byo-${slug}-`));
      cpSync(path.join(PROFILE_ZOO_DIR, 'byo-http', slug), path.join(d, slug), { recursive: true });
      cpSync(path.join(PROFILE_ZOO_DIR, 'byo-http', '_lib'), path.join(d, '_lib'), { recursive: true });
      cpSync(path.join(PROFILE_ZOO_DIR, '_common'), path.join(d, '_common'), { recursive: true });
      const port = await freePort();
      const r = await launchServer({ cmd: ['python3', 'server.py', String(port)], cwd: path.join(d, slug), port });
      if (r.kind !== 'listening') throw new Error(`${slug} did not start: ${r.stderrTail}`);
      servers.push(r.server);
      ports[slug] = port;
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.kill();
  });

  // What this assignment does not ask of students (the RFC's Host rules, 431, 505 for HTTP/2 without a minor).
  const profileFile = () =>
    file('byo.json', {
      name: 'byo-lab',
      extends: 'any',
      baseline: { target: '/', status: [200] },
      skip: ['status.header.missing-host', 'status.header.duplicate-host', 'status.header.host-with-space', 'status.host.', 'status.header.bare-cr-line-end', 'status.header.oversized', 'status.header.too-many', 'status.version.http2-is-505', 'status.version.http3-is-505', 'status.prop.malformed-rejected'],
      points: { 'status.target.unknown-path-is-404': 5 },
    });

  it('gives the correct server full marks', async () => {
    const c = captureIO();
    const code = await main(['fuzz', '--target', `127.0.0.1:${ports.correct}`, '--profile', profileFile(), '--no-corpus', '--runs', '10', '--seed', '1', '--json', '-'], c.io);
    const r = JSON.parse(c.stdout) as { score: { points: number; max: number }; checks: Array<{ id: string; verdict: string }> };
    expect(r.checks.filter((x) => x.verdict === 'fail').map((x) => x.id)).toEqual([]);
    expect(code).toBe(0);
    expect(r.score.points).toBe(r.score.max);
    expect(r.checks.find((x) => x.id === 'status.header.missing-host-is-400')!.verdict).toBe('skip');
  });

  it('catches the server that answers 200 for unknown paths, at the weight the profile gives it', async () => {
    // RFC 9110 names no MUST status for a missing resource, so 404 is a SHOULD: a warning by default,
    // a failure worth the profile's 5 points with --strict.
    const lax = captureIO();
    await main(['fuzz', '--target', `127.0.0.1:${ports['unknown-path-200']}`, '--profile', profileFile(), '--no-corpus', '--runs', '0', '--seed', '1', '--checks', 'status.target.unknown-path', '--json', '-'], lax.io);
    const l = JSON.parse(lax.stdout) as { checks: Array<{ id: string; verdict: string }> };
    expect(l.checks.find((x) => x.id === 'status.target.unknown-path-is-404')!.verdict).toBe('warn');
    const c = captureIO();
    const code = await main(['fuzz', '--target', `127.0.0.1:${ports['unknown-path-200']}`, '--profile', profileFile(), '--no-corpus', '--runs', '10', '--seed', '1', '--strict', '--json', '-'], c.io);
    const r = JSON.parse(c.stdout) as { score: { points: number; max: number }; checks: Array<{ id: string; verdict: string }> };
    expect(code).toBe(1);
    expect(r.checks.filter((x) => x.verdict === 'fail').map((x) => x.id)).toContain('status.target.unknown-path-is-404');
    expect(r.score.max - r.score.points).toBeGreaterThanOrEqual(5);
  });
});

describe.concurrent('the differential oracle', () => {
  it('finds a store bug with no store profile (--profile any), comparing with a correct server started by --oracle-cmd', async () => {
    const zoo = path.join(REPO, 'test/zoo/servers');
    const port = await freePort();
    const target = await launchServer({ cmd: ['python3', path.join(zoo, 'delete-keeps/server.py'), String(port)], cwd: dir, port });
    if (target.kind !== 'listening') throw new Error('delete-keeps did not start');
    try {
      const c = captureIO();
      const code = await main(
        ['fuzz', '--target', `127.0.0.1:${port}`, '--profile', 'any', '--checks', 'differential', '--oracle-cmd', `python3 ${path.join(zoo, 'correct-threaded/server.py')} {port}`, '--no-corpus', '--runs', '100', '--seed', '1', '--json', '-'],
        c.io,
      );
      expect(code, c.stderr).toBe(1);
      const r = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string; firstFailure?: { reason: string } }> };
      const d = r.checks.find((x) => x.id === 'differential.prop.same-answers')!;
      expect(d.verdict).toBe('fail');
      expect(d.firstFailure!.reason).toMatch(/the oracle answered 404 Not Found, this server 200 OK|bodies differ|the oracle answered 201/);
    } finally {
      await target.server.kill();
    }
  });

  it('finds no difference between two correct servers written independently (no false alarm)', async () => {
    const zoo = path.join(REPO, 'test/zoo/servers');
    const port = await freePort();
    const target = await launchServer({ cmd: ['python3', path.join(zoo, 'correct-asyncio/server.py'), String(port)], cwd: dir, port });
    if (target.kind !== 'listening') throw new Error('correct-asyncio did not start');
    try {
      const c = captureIO();
      const code = await main(
        ['fuzz', '--target', `127.0.0.1:${port}`, '--profile', 'any', '--checks', 'differential', '--oracle-cmd', `python3 ${path.join(zoo, 'correct-threaded/server.py')} {port}`, '--no-corpus', '--runs', '100', '--seed', '2', '--json', '-'],
        c.io,
      );
      const r = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string; runs: number }> };
      const d = r.checks.find((x) => x.id === 'differential.prop.same-answers')!;
      expect(d.verdict).toBe('pass');
      expect(d.runs).toBe(100);
      expect(code).toBe(0);
    } finally {
      await target.server.kill();
    }
  });

  it("follows the profile's allow-list: equivalent statuses and bodies that do not count", async () => {
    const zoo = path.join(REPO, 'test/zoo/servers');
    const oracleCmd = `python3 ${path.join(zoo, 'correct-threaded/server.py')} {port}`;
    const verdict = async (slug: string, rules: object | null): Promise<string> => {
      const port = await freePort();
      const t = await launchServer({ cmd: ['python3', path.join(zoo, `${slug}/server.py`), String(port)], cwd: dir, port });
      if (t.kind !== 'listening') throw new Error(`${slug} did not start`);
      try {
        const prof = rules ? file(`${slug}-rules.json`, { name: 'diff-rules', extends: 'any', differential: rules }) : 'any';
        const c = captureIO();
        await main(['fuzz', '--target', `127.0.0.1:${port}`, '--profile', prof, '--checks', 'differential', '--oracle-cmd', oracleCmd, '--no-corpus', '--runs', '100', '--seed', '1', '--json', '-'], c.io);
        return (JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string }> }).checks.find((x) => x.id === 'differential.prop.same-answers')!.verdict;
      } finally {
        await t.server.kill();
      }
    };
    // 200 instead of 201 on create: a difference by default, none when the profile says 200 ≡ 201.
    expect(await verdict('post-200', null)).toBe('fail');
    expect(await verdict('post-200', { equivalentStatuses: [[200, 201]] })).toBe('pass');
    // PATCH that replaces: only the bodies differ; with compareBodies "never" that does not count.
    expect(await verdict('patch-replaces', null)).toBe('fail');
    expect(await verdict('patch-replaces', { compareBodies: 'never' })).toBe('pass');
  });

  it('is skipped, saying why, when no oracle is given', async () => {
    const c = captureIO();
    await main(['fuzz', '--checks', 'differential', '--no-corpus', '--runs', '5', '--json', '-'], c.io);
    const r = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string }> };
    expect(r.checks.find((x) => x.id === 'differential.prop.same-answers')!.verdict).toBe('skip');
  });
});
