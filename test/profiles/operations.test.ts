import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort, launchServer } from '../../src/runner/launch.js';
import { captureIO } from '../cli/helpers.js';
import { profileZooServer, type ProfileName } from '../zoo/profiles/manifest.js';

/**
 * An assignment described only by a profile file's `operations` (no code): the model-based
 * `store.prop.operations` grades it. The text-file and byo-http assignments, written as operations,
 * against their zoo: the correct servers hold, the store bugs are found.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'wg-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const textOps = {
  name: 'text-ops',
  extends: 'any',
  baseline: { target: '/index.txt', status: [200] },
  operations: {
    body: 'raw',
    create: { method: 'POST', target: '/{name}.txt', status: [201], otherwise: [409] },
    read: { method: 'GET', target: '/{name}.txt', status: [200], otherwise: [404] },
    replace: { method: 'PUT', target: '/{name}.txt', status: [200], otherwise: [404] },
    append: { method: 'PATCH', target: '/{name}.txt', status: [200], otherwise: [404] },
  },
};

const byoOps = {
  name: 'byo-files-ops',
  extends: 'any',
  baseline: { target: '/', status: [200] },
  operations: {
    body: 'raw',
    contentType: 'application/octet-stream',
    create: { method: 'POST', target: '/files/{name}', status: [201] },
    read: { method: 'GET', target: '/files/{name}', status: [200], otherwise: [404] },
  },
};

/** key-value, written as operations: routes in the Host header, `key:value` bodies, reads from a listing. */
const kvOps = {
  name: 'kv-ops',
  extends: 'any',
  baseline: { target: '/index.html', status: [200] },
  skip: ['status.header.missing-host', 'status.header.duplicate-host', 'status.header.host-with-space'],
  operations: {
    body: 'raw',
    create: { method: 'POST', target: '/', host: '127.0.0.1/create', body: '{name}:{value}', status: [201] },
    read: { method: 'GET', target: '/index.html', status: [200], readBack: 'contains', shows: '{name}:{value}' },
    replace: { method: 'PUT', target: '/update', body: '{name}:{value}', status: [200], otherwise: [400] },
  },
};

async function grade(profile: object, assignment: ProfileName, slug: string): Promise<{ verdict: string; reason?: string }> {
  const file = path.join(dir, `${(profile as { name: string }).name}.json`);
  writeFileSync(file, JSON.stringify(profile));
  const z = profileZooServer(assignment, slug);
  const d = mkdtempSync(path.join(dir, `${slug}-`));
  cpSync(z.dir, path.join(d, slug), { recursive: true });
  cpSync(z.lib, path.join(d, '_lib'), { recursive: true });
  cpSync(z.common, path.join(d, '_common'), { recursive: true });
  const port = await freePort();
  const r = await launchServer({ cmd: z.cmd(port), cwd: path.join(d, slug), port });
  if (r.kind !== 'listening') throw new Error(`${slug} did not start`);
  try {
    const c = captureIO();
    await main(['fuzz', '--target', `127.0.0.1:${port}`, '--profile', file, '--checks', 'store.prop.operations', '--runs', '100', '--seed', '1', '--no-corpus', '--json', '-'], c.io);
    if (!c.stdout) throw new Error(`fuzz printed no report: ${c.stderr}`);
    const report = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string; firstFailure?: { reason: string } }> };
    const ch = report.checks.find((x) => x.id === 'store.prop.operations')!;
    return { verdict: ch.verdict, ...(ch.firstFailure ? { reason: ch.firstFailure.reason } : {}) };
  } finally {
    await r.server.kill();
  }
}

describe('assignments described by operations only', () => {
  it('text-file: the correct server holds over 100 sequences', async () => {
    expect(await grade(textOps, 'text-file', 'correct')).toEqual({ verdict: 'pass' });
  });
  it('text-file: PATCH that replaces instead of appending is found', async () => {
    const r = await grade(textOps, 'text-file', 'patch-replaces-text');
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/^read #\d: expected /);
  });
  it('byo-http files: the correct server holds', async () => {
    expect(await grade(byoOps, 'byo-http', 'correct')).toEqual({ verdict: 'pass' });
  });
  it('byo-http files: a file cut at 1024 bytes is found', async () => {
    const r = await grade(byoOps, 'byo-http', 'files-truncated');
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/^read #\d: expected "x{100,}/);
  });
  it('key-value (name in the body, route in the Host header, read from a listing): the correct server holds', async () => {
    expect(await grade(kvOps, 'key-value', 'correct')).toEqual({ verdict: 'pass' });
  });
  it('key-value: an update that creates an absent key is found', async () => {
    const r = await grade(kvOps, 'key-value', 'update-creates');
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/^replace #\d .*expected 400, got 200 OK/);
  });
  it('key-value: a server that ignores the route in the Host header is found', async () => {
    expect((await grade(kvOps, 'key-value', 'host-route-ignored')).verdict).toBe('fail');
  });
  it('rejects an operation that puts the record name nowhere, naming the field', async () => {
    const file = path.join(dir, 'bad-ops.json');
    writeFileSync(file, JSON.stringify({ ...textOps, name: 'bad', operations: { ...textOps.operations, read: { method: 'GET', target: '/index.txt', status: [200] } } }));
    const c = captureIO();
    expect(await main(['fuzz', '--profile', file, '--no-corpus'], c.io)).toBe(2);
    expect(c.stderr).toMatch(/field operations\.read\.target: the record name \(\{name\}\) must go somewhere/);
  });
});
