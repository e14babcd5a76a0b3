import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wg-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reference protocol, with persistence asked for: `grade` then kills and restarts the server. */
const profile = path.join(dir, 'persistent.json');
writeFileSync(profile, JSON.stringify({ name: 'persistent-store', extends: 'reference', persistent: true }));

async function durability(cmd: string, submission: string): Promise<{ verdict: string; reason: string }> {
  const out = path.join(dir, `${path.basename(submission)}.json`);
  const c = captureIO();
  const code = await main(['grade', '--cwd', submission, '--cmd', cmd, '--profile', profile, '--checks', 'store.durability', '--runs', '0', '--json', out], c.io);
  expect([0, 1], c.stderr).toContain(code);
  const g = JSON.parse(readFileSync(out, 'utf8')) as { checks: Array<{ id: string; verdict: string; firstFailure?: { reason: string } }> };
  const ch = g.checks.find((x) => x.id === 'store.durability.kill-9-keeps-acknowledged')!;
  return { verdict: ch.verdict, reason: ch.firstFailure?.reason ?? '' };
}

describe('durability across kill -9 (grade, persistent profiles)', () => {
  it('the reference server with --data keeps every acknowledged write', async () => {
    const sub = mkdtempSync(path.join(dir, 'ref-'));
    const r = await durability(`${process.execPath} ${WIREGRADE_BIN} serve --port {port} --data store.json`, sub);
    expect(r.reason).toBe('');
    expect(r.verdict).toBe('pass');
  });

  it('a store rewritten in place loses acknowledged writes, and is caught', async () => {
    const sub = path.join(mkdtempSync(path.join(dir, 'zoo-')), 'non-atomic-store');
    cpSync(path.join(ZOO_SERVERS_DIR, 'non-atomic-store'), sub, { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(sub, '_lib'), { recursive: true });
    const r = await durability('python3 server.py {port}', sub);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/after a kill -9 and restart \(round \d\), \/\S+, acknowledged 201 before, got/);
  });

  it('is skipped by fuzz, which cannot restart a server, and by profiles that do not ask for persistence', async () => {
    const c = captureIO();
    await main(['fuzz', '--profile', profile, '--checks', 'store.durability', '--runs', '0', '--no-corpus', '--json', '-'], c.io);
    const r = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string }> };
    expect(r.checks.find((x) => x.id === 'store.durability.kill-9-keeps-acknowledged')!.verdict).toBe('skip');
  });
});

describe('record-dialogue: the JSON file is the store (grade, built-in profile)', () => {
  async function dialogueDurability(slug: string): Promise<string> {
    const { profileZooServer } = await import('../zoo/profiles/manifest.js');
    const z = profileZooServer('record-dialogue', slug);
    const root = mkdtempSync(path.join(dir, `dialogue-${slug}-`));
    const sub = path.join(root, slug);
    cpSync(z.dir, sub, { recursive: true });
    cpSync(z.lib, path.join(sub, '_lib'), { recursive: true });
    cpSync(z.common, path.join(sub, '_common'), { recursive: true });
    const out = path.join(root, 'g.json');
    const c = captureIO();
    await main(['grade', '--cwd', sub, '--cmd', 'python3 server.py {port}', '--profile', 'record-dialogue', '--checks', 'dialogue.durability', '--runs', '0', '--json', out], c.io);
    const g = JSON.parse(readFileSync(out, 'utf8')) as { checks: Array<{ id: string; verdict: string }> };
    return g.checks.find((x) => x.id === 'dialogue.durability.restart-keeps-records')!.verdict;
  }
  it('the correct server keeps its records across kill -9', async () => {
    expect(await dialogueDurability('correct')).toBe('pass');
  });
  it('the server that never rewrites records.json is caught', async () => {
    expect(await dialogueDurability('file-not-persisted')).toBe('fail');
  });
});
