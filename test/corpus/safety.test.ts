import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshenNames } from '../../src/corpus/codec.js';
import { entryKey, loadCorpus, saveEntry, type EntryDraft } from '../../src/corpus/store.js';
import { replayCorpus } from '../../src/runner/replay-corpus.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { startReferenceServer } from '../../reference-server/index.js';
import { fixedResponseServer, OK_300 } from '../cli/helpers.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wg-corpus-safety-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function draft(profile: string, bytes: string, observed = '200 OK'): EntryDraft {
  return {
    manifest: {
      format: 'wiregrade-corpus/1',
      check: 'status.request-line.empty-method-is-400',
      signature: `status.request-line.empty-method-is-400 :: expected N, got ${observed} :: ${observed}`,
      profile,
      judge: { kind: 'status', accept: [400], warn: [], mustClose: false },
      expected: ['400'],
      observed,
      reason: `expected 400, got ${observed}`,
      origin: { seed: 1, date: '2026-11-30T00:00:00.000Z', target: '127.0.0.1:1', tool: 'wiregrade test' },
    },
    requests: [{ plan: { bytes: Buffer.from(bytes, 'latin1'), splits: [], pausesMs: [] }, methods: ['GET'] }],
  };
}

describe('a corpus entry never overwrites a different one', () => {
  it('the same check and bytes under another profile is another entry, in another file; the first is untouched', async () => {
    const dir = tmp();
    const ref = await saveEntry(dir, draft('reference', ' / HTTP/1.1\r\nHost: a\r\n\r\n'), new Set());
    const before = readFileSync(ref.file, 'utf8');
    const any = await saveEntry(dir, draft('any', ' / HTTP/1.1\r\nHost: a\r\n\r\n', '404 Not Found'), new Set());
    expect(any.added).toBe(true);
    expect(any.file).not.toBe(ref.file);
    expect(readFileSync(ref.file, 'utf8')).toBe(before);
    const { entries } = await loadCorpus(dir);
    expect(entries.map((e) => e.manifest.profile).sort()).toEqual(['any', 'reference']);
  });

  it('deduplicates by profile and signature: the same failure under another profile is still saved', async () => {
    const dir = tmp();
    await saveEntry(dir, draft('reference', 'X / HTTP/1.1\r\n\r\n'), new Set());
    const loaded = await loadCorpus(dir);
    const known = new Set(loaded.entries.map((e) => entryKey(e.manifest)));
    expect((await saveEntry(dir, draft('reference', 'Y / HTTP/1.1\r\n\r\n'), known)).added).toBe(false);
    expect((await saveEntry(dir, draft('any', 'Y / HTTP/1.1\r\n\r\n'), known)).added).toBe(true);
  });

  it('a different entry already under the computed name is kept; the new one gets the next free name', async () => {
    const dir = tmp();
    const first = await saveEntry(dir, draft('reference', ' / HTTP/1.1\r\n\r\n'), new Set());
    // Another entry sits under the name this draft hashes to (a collision, or a file edited by hand).
    const other = draft('reference', ' / HTTP/1.1\r\n\r\n', '204 No Content');
    const foreign = readFileSync(first.file, 'utf8').replaceAll('200 OK', '201 Created');
    writeFileSync(first.file, foreign);
    const again = await saveEntry(dir, draft('reference', ' / HTTP/1.1\r\n\r\n'), new Set());
    expect(again.added).toBe(true);
    expect(path.basename(again.file)).toBe(path.basename(first.file).replace('.json', '.2.json'));
    expect(readFileSync(first.file, 'utf8')).toBe(foreign);
    // The same entry saved again is not written twice.
    expect(await saveEntry(dir, draft('reference', ' / HTTP/1.1\r\n\r\n'), new Set())).toEqual({ file: again.file, added: false });
    expect((await saveEntry(dir, other, new Set())).added).toBe(true);
    const { entries, problems } = await loadCorpus(dir);
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(3);
  });
});

describe('record names are made fresh at replay time', () => {
  it('rewrites the run tag of every record name, the same way in every request, keeping the length', () => {
    const a = Buffer.from('PUT /wgdc3v5a97be6-s1 HTTP/1.1\r\nContent-Length: 27\r\n\r\n{"ref":"/wgdc3v5a97be6-s1"}', 'latin1');
    const b = Buffer.from('GET /wgdc3v5a97be6-s1 HTTP/1.1\r\nUser-Agent: wget/1.0\r\n\r\n', 'latin1');
    const reqs = [a, b].map((bytes) => ({ plan: { bytes: Uint8Array.from(bytes), splits: [5], pausesMs: [1] }, methods: ['GET'] }));
    const out = freshenNames(reqs, 'zz9zz');
    const texts = out.map((r) => Buffer.from(r.plan.bytes).toString('latin1'));
    expect(texts[0]).toBe(a.toString('latin1').replaceAll('wgdc3v5a97be6', 'wgzz9zza97be6'));
    expect(texts[1]).toBe(b.toString('latin1').replace('wgdc3v5a97be6', 'wgzz9zza97be6'));
    expect(out.map((r) => r.plan.bytes.length)).toEqual([a.length, b.length]);
    expect(out[0]!.plan.splits).toEqual([5]);
    // The originals (the stored bytes) are not touched.
    expect(Buffer.from(reqs[0]!.plan.bytes).toString('latin1')).toContain('wgdc3v5a97be6');
  });

  it('the committed seed corpus replayed twice in a row against one fresh reference server gives the same verdicts', async () => {
    const { entries, problems } = await loadCorpus(path.join(root, 'corpus'));
    expect(problems).toEqual([]);
    const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    try {
      const target = { host: '127.0.0.1', port: server.port };
      const once = await replayCorpus(entries, { target, timeoutMs: 2000, checks: allChecks, properties: allProperties });
      const twice = await replayCorpus(entries, { target, timeoutMs: 2000, checks: allChecks, properties: allProperties });
      const verdicts = (rs: typeof once) => rs.map((r) => `${r.verdict} ${path.relative(root, r.file)}${r.verdict === 'FIXED' ? '' : `: ${r.reason}`}`);
      expect(verdicts(twice)).toEqual(verdicts(once));
      expect(twice.filter((r) => r.verdict !== 'FIXED').map((r) => `${r.file}: ${r.reason}`)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('where a corpus lives', () => {
  it("fuzz saves to ./wiregrade-corpus in the user's folder by default, never to the project's seed corpus", async () => {
    const cwd = tmp();
    const broken = await fixedResponseServer(OK_300); // answers HTTP/2 with 300: fails http2-is-505
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [WIREGRADE_BIN, 'fuzz', '--profile', 'reference', '--target', `127.0.0.1:${broken.port}`, '--checks', 'status.version.http2-is-505', '--runs', '0', '--no-color'], {
          cwd,
          stdio: 'ignore',
          env: { ...process.env, NO_COLOR: '1' },
        });
        child.on('error', reject);
        child.on('close', resolve);
      });
      expect(code).toBe(1);
      expect(readdirSync(path.join(cwd, 'wiregrade-corpus'))).toContain('status.version.http2-is-505');
      expect(existsSync(path.join(cwd, 'corpus'))).toBe(false);
    } finally {
      await broken.close();
    }
  });
});
