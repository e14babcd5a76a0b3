import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entryKey, loadCorpus, removeEntry, saveEntry, type EntryDraft } from '../../src/corpus/store.js';
import { decodeExample, encodeExample, failureSignature } from '../../src/corpus/codec.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wg-corpus-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function draft(check: string, bytes: Uint8Array, observed = '200 OK', splits: number[] = [], pausesMs: number[] = []): EntryDraft {
  return {
    manifest: {
      format: 'wiregrade-corpus/1',
      check,
      signature: failureSignature(check, `expected 400, got ${observed}`, observed),
      profile: 'reference',
      judge: { kind: 'status', accept: [400], warn: ['close'], mustClose: false },
      expected: ['400'],
      observed,
      reason: `expected 400, got ${observed}`,
      origin: { seed: 1, date: '2026-11-21T00:00:00.000Z', target: '127.0.0.1:1', tool: 'wiregrade test' },
    },
    requests: [{ plan: { bytes, splits, pausesMs }, methods: ['GET'] }],
  };
}

describe('corpus store', () => {
  it('stores request bytes exactly, whatever they are, and loads them back with their split plan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 2, maxLength: 300 }), async (bytes) => {
        const dir = tmp();
        const splits = [1];
        await saveEntry(dir, draft('status.header.no-colon-is-400', bytes, '200 OK', splits, [7]), new Set());
        const { entries, problems } = await loadCorpus(dir);
        expect(problems).toEqual([]);
        expect(entries).toHaveLength(1);
        expect(Buffer.compare(Buffer.from(entries[0]!.requests[0]!.plan.bytes), Buffer.from(bytes))).toBe(0);
        expect(entries[0]!.requests[0]!.plan.splits).toEqual(splits);
        expect(entries[0]!.requests[0]!.plan.pausesMs).toEqual([7]);
      }),
      { numRuns: 25 },
    );
  });

  it('names entries by check id and a content hash, and leaves no temp files', async () => {
    const dir = tmp();
    const { file } = await saveEntry(dir, draft('status.version.http2-is-505', Buffer.from('GET / HTTP/2\r\n\r\n')), new Set());
    expect(path.relative(dir, file)).toMatch(/^status\.version\.http2-is-505\/[0-9a-f]{12}\.json$/);
    expect(readdirSync(path.dirname(file)).sort()).toEqual([path.basename(file).replace('.json', '-0.bin'), path.basename(file)].sort());
  });

  it('does not add the same failure twice (same check and signature)', async () => {
    const dir = tmp();
    const a = draft('status.version.http2-is-505', Buffer.from('GET / HTTP/2\r\nHost: a\r\n\r\n'), 'no complete response within 2001 ms: got nothing');
    await saveEntry(dir, a, new Set());
    const loaded = await loadCorpus(dir);
    const b = draft('status.version.http2-is-505', Buffer.from('GET /x HTTP/2\r\nHost: b\r\n\r\n'), 'no complete response within 1987 ms: got nothing');
    const again = await saveEntry(dir, b, new Set(loaded.entries.map((e) => entryKey(e.manifest))));
    expect(again.added).toBe(false);
    expect((await loadCorpus(dir)).entries).toHaveLength(1);
  });

  it('names a corrupt or unreadable entry with one sentence and still loads the rest', async () => {
    const dir = tmp();
    const good = await saveEntry(dir, draft('status.version.http2-is-505', Buffer.from('GET / HTTP/2\r\n\r\n')), new Set());
    const bad = await saveEntry(dir, draft('status.header.no-colon-is-400', Buffer.from('GET / HTTP/1.1\r\nX\r\n\r\n')), new Set());
    const gone = await saveEntry(dir, draft('status.header.empty-name-is-400', Buffer.from('GET / HTTP/1.1\r\n: x\r\n\r\n')), new Set());
    writeFileSync(bad.file, '{ not json');
    rmSync(gone.file.replace('.json', '-0.bin'));
    const { entries, problems } = await loadCorpus(dir);
    expect(entries.map((e) => e.file)).toEqual([good.file]);
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: bad.file, problem: 'is not valid JSON' },
        { file: gone.file, problem: expect.stringMatching(/names a request file .*-0\.bin that cannot be read/) },
      ]),
    );
  });

  it('rejects a manifest that does not follow the schema, naming the field', async () => {
    const dir = tmp();
    const e = await saveEntry(dir, draft('status.version.http2-is-505', Buffer.from('GET / HTTP/2\r\n\r\n')), new Set());
    const m = JSON.parse(readFileSync(e.file, 'utf8'));
    m.judge = { kind: 'status', accept: [], warn: [], mustClose: false };
    writeFileSync(e.file, JSON.stringify(m));
    const { problems } = await loadCorpus(dir);
    expect(problems[0]!.problem).toMatch(/^is not a wiregrade corpus manifest \(judge\.accept: /);
  });

  it('removes an entry whole', async () => {
    const dir = tmp();
    await saveEntry(dir, draft('status.version.http2-is-505', Buffer.from('GET / HTTP/2\r\n\r\n')), new Set());
    const { entries } = await loadCorpus(dir);
    await removeEntry(entries[0]!);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('corpus codec', () => {
  it('round-trips plain data with bytes, and refuses class instances', () => {
    const v = { label: 'x', bytes: Uint8Array.from([0, 13, 10, 255]), accept: [400, 'close'], plan: [{ at: 1 }] };
    const e = encodeExample(v);
    expect(e.ok).toBe(true);
    expect(decodeExample(JSON.parse(JSON.stringify(e.ok ? e.json : null)))).toEqual(v);
    class Cmd {}
    expect(encodeExample([new Cmd()]).ok).toBe(false);
  });

  it('folds run-specific names, timings, counts and values out of signatures, but keeps different failures apart', () => {
    expect(failureSignature('c', 'expected 505, got timeout', 'GET /wgab12c3f00d1-x got no complete response within 2001 ms: got 17 byte(s)')).toBe(
      failureSignature('c', 'expected 505, got timeout', 'GET /wgzz99a0e3421-y got no complete response within 1999 ms: got 3 byte(s)'),
    );
    expect(failureSignature('c', 'expected 400', '400 Bad Request')).not.toBe(failureSignature('c', 'expected 400', '404 Not Found'));
    // A model run: the same bug with other values and another command list is the same failure ...
    const a = failureSignature('store.prop.model', 'GET #0 body: expected 200 with {"a":false}, got 200 with {} — after: PUT #0 {"a":false},PATCH #0 {},GET #0', '200 OK');
    const b = failureSignature('store.prop.model', 'GET #1 body: expected 200 with {"n":[1,2]}, got 200 with {"c":3} — after: POST #1 {},GET #1', '200 OK');
    expect(a).toBe(b);
    // ... while another bug failing the same check is another.
    expect(failureSignature('store.prop.model', 'GET #0: expected 404 (no such record), got 200 OK — after: PUT #0 {},DELETE #0,GET #0', '200 OK')).not.toBe(a);
  });
});
