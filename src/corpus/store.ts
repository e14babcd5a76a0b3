import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SentRequest } from '../checks/types.js';
import { writeFileAtomic, writeFileExclusive } from '../util/write-file.js';
import type { Manifest } from './schema.js';

/** The manifest's schema (zod), loaded when an entry is first read or written: a run without a corpus does not carry it. */
const schema = async () => (await import('./schema.js')).manifestSchema;

/** An entry as loaded: its manifest, where it lives, and its requests with their exact bytes. */
export interface CorpusEntry {
  file: string;
  manifest: Manifest;
  requests: SentRequest[];
}

/** An entry that could not be read: the file and one sentence saying why. */
export interface CorpusProblem {
  file: string;
  problem: string;
}

export interface LoadedCorpus {
  entries: CorpusEntry[];
  problems: CorpusProblem[];
}

/** A failure to be saved: the manifest without file names, and the requests themselves. */
export interface EntryDraft {
  manifest: Omit<Manifest, 'requests'>;
  requests: SentRequest[];
}

const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 100_000;

async function walk(dir: string, out: string[]): Promise<void> {
  const items = await fs.readdir(dir, { withFileTypes: true });
  for (const it of items) {
    if (out.length >= MAX_FILES) return;
    const p = path.join(dir, it.name);
    if (it.isDirectory()) await walk(p, out);
    else if (it.isFile() && it.name.endsWith('.json') && !it.name.startsWith('.')) out.push(p);
  }
}

async function loadOne(file: string): Promise<CorpusEntry | CorpusProblem> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { file, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { file, problem: 'is not valid JSON' };
  }
  const parsed = (await schema()).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { file, problem: `is not a wiregrade corpus manifest (${issue.path.join('.') || 'top level'}: ${issue.message})` };
  }
  const m = parsed.data;
  const requests: SentRequest[] = [];
  let total = 0;
  for (const r of m.requests) {
    const bin = path.join(path.dirname(file), r.file);
    let bytes: Buffer;
    try {
      const st = await fs.stat(bin);
      total += st.size;
      if (total > MAX_ENTRY_BYTES) return { file, problem: `has request files larger than ${MAX_ENTRY_BYTES} bytes in all` };
      bytes = await fs.readFile(bin);
    } catch {
      return { file, problem: `names a request file ${r.file} that cannot be read` };
    }
    if (r.splits.some((s) => s <= 0 || s >= bytes.length)) return { file, problem: `has a split point outside the ${bytes.length} bytes of ${r.file}` };
    requests.push({ plan: { bytes: Uint8Array.from(bytes), splits: r.splits, pausesMs: r.pausesMs }, methods: [r.method] });
  }
  return { file, manifest: m, requests };
}

/**
 * Loads every entry under `target` (a folder, walked recursively, or one manifest file). A corrupt or
 * unreadable entry is reported by file name with one sentence and skipped; the rest still load.
 */
export async function loadCorpus(target: string): Promise<LoadedCorpus> {
  const out: LoadedCorpus = { entries: [], problems: [] };
  let st;
  try {
    st = await fs.stat(target);
  } catch {
    return out; // no corpus yet
  }
  const files: string[] = [];
  if (st.isDirectory()) await walk(target, files);
  else files.push(target);
  files.sort();
  for (const f of files) {
    const r = await loadOne(f);
    if ('problem' in r) out.problems.push(r);
    else out.entries.push(r);
  }
  return out;
}

/**
 * The stem of an entry's file names: a hash of everything that makes an entry distinct — the check, the
 * profile it was judged by, the exact requests (bytes, cuts and pauses) and how a replay is judged.
 */
function contentHash(draft: EntryDraft): string {
  const m = draft.manifest;
  const h = createHash('sha256').update(JSON.stringify([m.check, m.profile, m.judge]));
  for (const r of draft.requests) {
    h.update('\0').update(r.plan.bytes).update(JSON.stringify([r.plan.splits ?? [], r.plan.pausesMs ?? []]));
  }
  return h.digest('hex').slice(0, 12);
}

/** The key entries are deduplicated by: the same failure (signature) under the same profile. */
export function entryKey(m: Pick<Manifest, 'profile' | 'signature'>): string {
  return `${m.profile}\u0000${m.signature}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** Is the entry on disk the one this draft would write (same check, profile, failure and requests)? */
function sameEntry(e: CorpusEntry, d: EntryDraft): boolean {
  const m = e.manifest;
  if (m.check !== d.manifest.check || m.profile !== d.manifest.profile || m.signature !== d.manifest.signature) return false;
  if (JSON.stringify(m.judge) !== JSON.stringify(d.manifest.judge) || e.requests.length !== d.requests.length) return false;
  return e.requests.every((r, i) => {
    const p = d.requests[i]!.plan;
    return sameBytes(r.plan.bytes, p.bytes) && JSON.stringify(r.plan.splits ?? []) === JSON.stringify(p.splits ?? []) && JSON.stringify(r.plan.pausesMs ?? []) === JSON.stringify(p.pausesMs ?? []);
  });
}

const MAX_SAME_STEM = 100;

/**
 * Saves a failure as one entry, `DIR/<check id>/<hash>.json` with its requests in `<hash>-<i>.bin`,
 * unless an entry with the same key (profile and signature, see entryKey) is in `known`. The hash covers
 * the check, the profile, the judge and the exact requests. A different entry already under that name is
 * never overwritten: the new one becomes `<hash>.2.json` (then `.3`, …); the same entry is not written
 * twice. Request files are written first and the manifest last (atomically, and only if its name is still
 * free), so a crash never leaves a manifest that points at missing bytes.
 */
export async function saveEntry(dir: string, draft: EntryDraft, known: ReadonlySet<string>): Promise<{ file: string; added: boolean }> {
  const hash = contentHash(draft);
  const folder = path.join(dir, draft.manifest.check);
  if (known.has(entryKey(draft.manifest))) return { file: path.join(folder, `${hash}.json`), added: false };
  await fs.mkdir(folder, { recursive: true });
  for (let n = 1; n <= MAX_SAME_STEM; n++) {
    const stem = n === 1 ? hash : `${hash}.${n}`;
    const file = path.join(folder, `${stem}.json`);
    if (await fs.stat(file).catch(() => null)) {
      const there = await loadOne(file);
      if (!('problem' in there) && sameEntry(there, draft)) return { file, added: false };
      continue; // another entry (or an unreadable file): never overwritten
    }
    const requests = draft.requests.map((r, i) => ({
      file: `${stem}-${i}.bin`,
      method: r.methods[0] ?? 'GET',
      splits: [...(r.plan.splits ?? [])],
      pausesMs: [...(r.plan.pausesMs ?? [])],
    }));
    for (let i = 0; i < draft.requests.length; i++) await writeFileAtomic(path.join(folder, requests[i]!.file), draft.requests[i]!.plan.bytes);
    const manifest: Manifest = (await schema()).parse({ ...draft.manifest, requests });
    if (await writeFileExclusive(file, JSON.stringify(manifest, null, 2) + '\n')) return { file, added: true };
    // Taken between the check and the write (another run): try the next name.
  }
  throw new Error(`${folder} already has ${MAX_SAME_STEM} different entries named ${hash}`);
}

/** Removes an entry: the manifest first (so nothing half-removed is ever loaded), then its bytes. */
export async function removeEntry(entry: CorpusEntry): Promise<void> {
  await fs.rm(entry.file, { force: true });
  for (const r of entry.manifest.requests) await fs.rm(path.join(path.dirname(entry.file), r.file), { force: true });
  await fs.rmdir(path.dirname(entry.file)).catch(() => undefined); // only when empty
}
