/**
 * The security canaries of `grade`: a file planted beside the submission's scratch copy, that no
 * request may read; writes that climb out of the server's folder; shell commands carried in a request.
 * Each buggy zoo server is caught by the check written for its bug, under its own profile; the correct
 * servers of the profile zoo pass all three; and nothing is left outside the grader's scratch root.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { readTargets, writeTargets, injections } from '../../src/checks/catalogue/security.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { gradeSubmission } from '../../src/runner/grade.js';
import type { GradeResult } from '../../src/runner/grade-types.js';
import { byConsequence, consequenceOf } from '../../src/reporters/consequence.js';
import { topFailureOf } from '../../src/reporters/grading.js';
import { runSession } from '../../src/runner/session.js';
import { DEFAULT_LIMITS } from '../../src/supervise/limits.js';
import { freePort, launchServer } from '../../src/supervise/launch.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { profileZooServer, type ProfileName } from '../zoo/profiles/manifest.js';
import { START_MS } from '../helpers/env.js';

const IDS = ['security.path-traversal.read', 'security.path-traversal.write', 'security.command-injection'] as const;
const checks = allChecks.filter((c) => c.id === 'baseline.valid-request-answered' || c.id.startsWith('security.'));

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A submission folder made from a profile zoo server, with `_lib` and `_common` inside it. */
function submission(profile: ProfileName, slug: string): string {
  const z = profileZooServer(profile, slug);
  const root = mkdtempSync(path.join(tmpdir(), 'wg-sec-sub-'));
  made.push(root);
  const dir = path.join(root, slug);
  cpSync(z.dir, dir, { recursive: true });
  cpSync(z.lib, path.join(dir, '_lib'), { recursive: true });
  cpSync(z.common, path.join(dir, '_common'), { recursive: true });
  return dir;
}

async function grade(profile: ProfileName, slug: string, scratchRoot: string): Promise<GradeResult> {
  return gradeSubmission({
    submission: slug,
    cmd: 'python3 server.py {port}',
    dir: submission(profile, slug),
    port: await freePort(),
    profile: profiles[profile]!,
    checks,
    properties: [],
    seed: 1,
    runs: 0,
    timeoutMs: 2000,
    strict: false,
    limits: { ...DEFAULT_LIMITS, wallMs: 60_000 },
    sandbox: false,
    startTimeoutMs: START_MS,
    scratchRoot,
  });
}

function verdicts(g: GradeResult): Record<string, string> {
  return Object.fromEntries(IDS.map((id) => [id, g.run.checks.find((c) => c.id === id)?.verdict ?? 'missing']));
}

/** Grades in a scratch root of its own, and proves afterwards that nothing was left in or beside it. */
async function gradeAlone(profile: ProfileName, slug: string): Promise<GradeResult> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'wg-sec-scratch-'));
  made.push(scratch);
  const g = await grade(profile, slug, scratch);
  expect(readdirSync(scratch), 'the scratch root is removed whole').toEqual([]);
  return g;
}

describe('security canaries (grade)', () => {
  it('text-file/dot-dot-served: GET /../canary.txt returns the planted file, and a write lands beside the folder', async () => {
    const g = await gradeAlone('text-file', 'dot-dot-served');
    expect(g.run.checks.find((c) => c.id === 'baseline.valid-request-answered')!.verdict).toBe('pass');
    const v = verdicts(g);
    expect(v['security.path-traversal.read']).toBe('fail');
    // The same bug lets a write climb out: one request of the write check made a file beside the folder.
    expect(v['security.path-traversal.write']).toBe('fail');
    expect(v['security.command-injection']).toBe('pass');
    const read = g.run.checks.find((c) => c.id === 'security.path-traversal.read')!;
    expect(read.reason).toMatch(/^GET \/\.\.\/wiregrade-canary-[0-9a-f]+\.txt returned the content of /);
    expect(read.level).toBe('MUST');
    expect(read.source).toEqual({ profile: 'any', note: expect.stringContaining('RFC 9110 §17.3') });
    const write = g.run.checks.find((c) => c.id === 'security.path-traversal.write')!;
    expect(write.reason).toMatch(/^(PUT|POST) \S+ created \S+, outside the server's folder/);
    // Ranked with the security findings, ahead of the broken MUSTs.
    expect(consequenceOf(read, new Set())).toBe('security');
    expect(topFailureOf(g)).toBe('security.path-traversal.read');
    // Ahead of a broken MUST that came first in the run.
    const must = { id: 'status.version.http2-is-505', level: 'MUST' as const, verdict: 'fail' as const };
    expect(byConsequence([must, read, write], new Set()).map((c) => c.id)).toEqual(['security.path-traversal.read', 'security.path-traversal.write', 'status.version.http2-is-505']);
  }, 90_000);

  it('byo-http/echo-gzip-shell: /echo/$(touch …) with Accept-Encoding: gzip runs the command', async () => {
    const g = await gradeAlone('byo-http', 'echo-gzip-shell');
    expect(verdicts(g)).toEqual({ 'security.path-traversal.read': 'pass', 'security.path-traversal.write': 'pass', 'security.command-injection': 'fail' });
    const inj = g.run.checks.find((c) => c.id === 'security.command-injection')!;
    expect(inj.reason).toMatch(/^the server ran a shell command carried in the target \(\/echo\/…\), gzip accepted: it created \/\S+\/wiregrade-pwned-\S+-0$/);
    expect(Buffer.from(inj.request!.plan.bytes).toString('latin1')).toMatch(/^GET \/echo\/\$\(touch\$IFS\/\S+\) HTTP\/1\.1\r\n[\s\S]*Accept-Encoding: gzip\r\n/);
  }, 90_000);

  it('the zoo\'s path-traversal server (reference profile) writes outside its folder and is caught', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wg-sec-sub-'));
    made.push(root);
    const dir = path.join(root, 'path-traversal');
    cpSync(path.join(ZOO_SERVERS_DIR, 'path-traversal'), dir, { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, '_lib'), { recursive: true });
    const scratch = mkdtempSync(path.join(tmpdir(), 'wg-sec-scratch-'));
    made.push(scratch);
    const g = await gradeSubmission({
      submission: 'path-traversal', cmd: 'python3 server.py {port}', dir, port: await freePort(), profile: profiles.reference!, checks, properties: [],
      seed: 1, runs: 0, timeoutMs: 2000, strict: false, limits: { ...DEFAULT_LIMITS, wallMs: 60_000 }, sandbox: false, startTimeoutMs: START_MS, scratchRoot: scratch,
    });
    expect(verdicts(g)).toEqual({ 'security.path-traversal.read': 'pass', 'security.path-traversal.write': 'fail', 'security.command-injection': 'pass' });
    expect(readdirSync(scratch)).toEqual([]);
  }, 90_000);

  for (const profile of ['byo-http', 'text-file', 'record-dialogue', 'key-value'] as const) {
    it(`${profile}/correct passes all three`, async () => {
      const g = await gradeAlone(profile, 'correct');
      expect(verdicts(g)).toEqual({ 'security.path-traversal.read': 'pass', 'security.path-traversal.write': 'pass', 'security.command-injection': 'pass' });
    }, 90_000);
  }

  it('a server that never answers the payloads costs two deadlines per check, not one per request: blocked, not passed', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wg-sec-sub-'));
    made.push(root);
    // Answers GET / (the baseline and the liveness probe), and holds every other request open unanswered.
    writeFileSync(
      path.join(root, 'server.py'),
      [
        'import socket, sys, threading',
        'def serve(c):',
        '    data = b""',
        '    while b"\\r\\n\\r\\n" not in data:',
        '        more = c.recv(4096)',
        '        if not more: return c.close()',
        '        data += more',
        '    if data.startswith(b"GET / "):',
        '        c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok"); c.close()',
        's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
        's.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)',
        'while True:',
        '    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()',
      ].join('\n'),
    );
    const scratch = mkdtempSync(path.join(tmpdir(), 'wg-sec-scratch-'));
    made.push(scratch);
    const t0 = performance.now();
    const g = await gradeSubmission({
      submission: 'silent-on-payloads', cmd: 'python3 server.py {port}', dir: root, port: await freePort(), profile: profiles.any!, checks, properties: [],
      seed: 1, runs: 0, timeoutMs: 500, strict: false, limits: { ...DEFAULT_LIMITS, wallMs: 60_000 }, sandbox: false, startTimeoutMs: START_MS, scratchRoot: scratch,
    });
    expect(verdicts(g)).toEqual({ 'security.path-traversal.read': 'blocked', 'security.path-traversal.write': 'blocked', 'security.command-injection': 'blocked' });
    expect(g.run.checks.find((c) => c.id === 'security.path-traversal.read')!.reason).toBe('not judged: the server did not answer 2 of the first 2 of 15 requests in time, so the rest were not sent');
    // 43 requests at 500 ms (twice that when a deadline verdict is confirmed) would be 20 s and more.
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 60_000);

  it('fuzz skips them: without a folder wiregrade owns there is no canary', async () => {
    const dir = submission('text-file', 'dot-dot-served');
    const port = await freePort();
    const r = await launchServer({ cmd: ['python3', 'server.py', String(port)], cwd: dir, port });
    try {
      expect(r.kind).toBe('listening');
      const { result } = await runSession({ target: { host: '127.0.0.1', port }, profile: profiles['text-file']!, checks, properties: [], timeoutMs: 1000, seed: 1, runs: 0 });
      for (const id of IDS) {
        const c = result.checks.find((x) => x.id === id)!;
        expect([c.verdict, c.reason]).toEqual(['skip', 'needs a folder wiregrade owns around the server (wiregrade grade)']);
      }
    } finally {
      if (r.kind === 'listening') await r.server.kill();
    }
  }, 30_000);
});

describe('the payloads stay inside the canary folder', () => {
  const dir = '/tmp/wiregrade-AbC123';
  it('every write target lands in the folder, or inside the server\'s own, however a server resolves it', () => {
    const bases = [`${dir}/submission`, `${dir}/submission/files`, `${dir}/submission/a/b/c`, '/'];
    for (const t of writeTargets(dir, 'w.txt')) {
      for (const decoded of [t, decodeURIComponent(t)]) {
        for (const name of [decoded, decoded.replace(/^\/files\//, '/')]) {
          for (const base of bases) {
            // Pasted after the folder (`base + path`), joined the Python way (`os.path.join(base, path[1:])`:
            // an absolute rest replaces the base), or opened as it is (`open(path)`).
            for (const at of [path.join(base, name), path.resolve(base, name.slice(1)), path.resolve('/', name)]) {
              const ok = at === `${dir}/w.txt` || (base !== '/' && at.startsWith(`${base}/`));
              expect(ok, `${t} (as ${name}) from ${base} lands at ${at}`).toBe(true);
            }
          }
        }
      }
    }
  });
  it('every injection carries the profile\'s Host and header fields (a Host-routed server gets its route)', () => {
    const routed = injections(dir, 'wiregrade-pwned-x', { knownPath: '/', baseline: { method: 'GET', target: '/', host: '127.0.0.1/echo', headers: { 'X-Course': 'net101' } } });
    for (const x of routed) {
      const head = Buffer.from(x.request.plan.bytes).toString('latin1');
      expect(head).toContain('\r\nHost: 127.0.0.1/echo\r\nX-Course: net101\r\n');
      expect(head).not.toContain('Host: localhost');
    }
  });

  it('every read target is a single request-line token, and every injection creates a file in the folder only', () => {
    for (const t of readTargets({ dir, readName: 'wiregrade-canary-0.txt' })) expect(t).toMatch(/^[\x21-\x7e]+$/);
    const list = injections(dir, 'wiregrade-pwned-x', { knownPath: '/', baseline: { method: 'GET', target: '/' } });
    expect(list.length).toBeLessThanOrEqual(20);
    for (const x of list) {
      expect(path.dirname(x.file)).toBe(dir);
      const line = Buffer.from(x.request.plan.bytes).toString('latin1').split('\r\n')[0]!;
      expect(line.split(' ')).toHaveLength(3);
    }
  });
});
