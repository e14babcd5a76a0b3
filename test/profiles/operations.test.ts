import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort, launchServer } from '../../src/supervise/launch.js';
import { captureIO } from '../cli/helpers.js';
import { profileZooServer, type ProfileName } from '../zoo/profiles/manifest.js';
import { startZoo } from '../helpers/zoo.js';

/**
 * An assignment described only by a profile file's `operations` (no code): the model-based
 * `store.prop.operations` grades it. The text-file and byo-http assignments, written as operations,
 * against their zoo: the correct servers hold, the store bugs are found.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'wg-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example profile files (examples/profiles/), as a teacher would write them. */
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/profiles');
const example = (f: string): Record<string, any> => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as Record<string, any>;
const textOps = example('text-file.operations.json');
const byoOps = example('byo-http-files.operations.json');
const kvOps = example('key-value.operations.json');

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
  it('tolerates the statuses an operation lists as tolerated (200 where 201 is preferred)', async () => {
    const z = await startZoo('post-200');
    try {
      const run = async (tolerated: number[] | undefined): Promise<string> => {
        const prof = {
          name: `json-ops-${tolerated ? 'tolerant' : 'strict'}`,
          extends: 'any',
          operations: {
            body: 'json-object',
            create: { method: 'POST', target: '/{name}', status: [201], otherwise: [409], ...(tolerated ? { tolerated } : {}) },
            read: { method: 'GET', target: '/{name}', status: [200], otherwise: [404] },
          },
        };
        const file = path.join(dir, `${prof.name}.json`);
        writeFileSync(file, JSON.stringify(prof));
        const c = captureIO();
        await main(['fuzz', '--target', `127.0.0.1:${z.port}`, '--profile', file, '--checks', 'store.prop.operations', '--runs', '50', '--seed', '1', '--no-corpus', '--json', '-'], c.io);
        return (JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string }> }).checks.find((x) => x.id === 'store.prop.operations')!.verdict;
      };
      expect(await run(undefined)).toBe('fail');
      expect(await run([200])).toBe('pass');
    } finally {
      await z.stop();
    }
  });
  it('rejects an operation that puts the record name nowhere, naming the field', async () => {
    const file = path.join(dir, 'bad-ops.json');
    writeFileSync(file, JSON.stringify({ ...textOps, name: 'bad', operations: { ...textOps.operations, read: { method: 'GET', target: '/index.txt', status: [200] } } }));
    const c = captureIO();
    expect(await main(['fuzz', '--profile', file, '--no-corpus'], c.io)).toBe(2);
    expect(c.stderr).toMatch(/field operations\.read\.target: the record name \(\{name\}\) must go somewhere/);
  });
});
