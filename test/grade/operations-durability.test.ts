import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { tempFolders } from '../helpers/tmp.js';
import { profileZooServer } from '../zoo/profiles/manifest.js';

/**
 * Durability through a profile file's own operations: under a profile that says "persistent": true,
 * `grade` kills the server (-9) in the middle of a create, starts it again, and reads back every create
 * it acknowledged, with the same operations.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempFolders();
const dir = tmp('wg-ops-durable-');
const ID = 'store.operations.kill-9-keeps-acknowledged';

/** The Host-routed key-value example, asked to persist. */
const profile = path.join(dir, 'persistent-kv.json');
const example = JSON.parse(readFileSync(path.join(REPO, 'examples/profiles/key-value.host-routed.json'), 'utf8')) as Record<string, unknown>;
writeFileSync(profile, JSON.stringify({ ...example, name: 'key-value-host-routed-persistent', persistent: true }));

async function run(command: 'grade' | 'fuzz', slug: string): Promise<{ verdict: string; reason: string }> {
  const z = profileZooServer('key-value', slug);
  const sub = path.join(tmp(`wg-ops-durable-${slug}-`), slug);
  cpSync(z.dir, sub, { recursive: true });
  cpSync(z.lib, path.join(sub, '_lib'), { recursive: true });
  cpSync(z.common, path.join(sub, '_common'), { recursive: true });
  const out = path.join(sub, '..', 'g.json');
  const c = captureIO();
  const args = command === 'grade' ? ['grade', '--cwd', sub, '--cmd', 'python3 server.py {port}'] : ['fuzz', '--no-corpus'];
  await main([...args, '--profile', profile, '--checks', ID, '--runs', '0', '--json', out], c.io);
  if (!existsSync(out)) throw new Error(`no report: ${c.stderr}`);
  const g = JSON.parse(readFileSync(out, 'utf8')) as { checks: Array<{ id: string; verdict: string; firstFailure?: { reason: string } }> };
  const ch = g.checks.find((x) => x.id === ID)!;
  return { verdict: ch.verdict, reason: ch.firstFailure?.reason ?? '' };
}

describe('durability through the operations of a persistent profile file (grade)', () => {
  it('the Host-routed server that writes store.txt before answering keeps every acknowledged create', async () => {
    expect(await run('grade', 'host-routed')).toEqual({ verdict: 'pass', reason: '' });
  }, 60_000);

  it('the one that keeps its pairs in memory only is caught', async () => {
    const r = await run('grade', 'memory-only');
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/^after a kill -9 and restart \(round 1\), \S+, acknowledged before, was not read back: 200 OK/);
  }, 60_000);

  it('is skipped by fuzz, which cannot restart a server', async () => {
    expect((await run('fuzz', 'host-routed')).verdict).toBe('skip');
  }, 60_000);
});
