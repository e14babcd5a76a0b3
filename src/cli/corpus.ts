import path from 'node:path';
import type { PropertyDef } from '../checks/property.js';
import type { Check } from '../checks/types.js';
import { decodeExample } from '../corpus/codec.js';
import { entryKey, loadCorpus, saveEntry, type CorpusEntry, type LoadedCorpus } from '../corpus/store.js';
import type { Profile } from '../model/profile.js';
import { draftFromResult } from '../runner/corpus-draft.js';
import type { PropertyOutcome } from '../runner/run-properties.js';
import type { RunResult } from '../runner/types.js';
import { formatEndpoint } from '../reporters/format.js';
import type { CliIO } from './io.js';

/** Loads the corpus and says, one sentence each, which files were skipped. */
export async function loadAndReport(dir: string, io: CliIO): Promise<LoadedCorpus> {
  const loaded = await loadCorpus(dir);
  for (const p of loaded.problems) io.err(`wiregrade: corpus file ${p.file} ${p.problem}; skipped.\n`);
  return loaded;
}

/** The entries this run replays: the profile's, for the selected checks and properties. */
export function selectEntries(entries: readonly CorpusEntry[], profile: Profile, checks: readonly Check[], props: readonly PropertyDef<any>[]): CorpusEntry[] {
  const ids = new Set([...checks.map((c) => c.id), ...props.map((p) => p.id)]);
  return entries.filter((e) => e.manifest.profile === profile.name && ids.has(e.manifest.check));
}

/** Property entries with a stored example, by property id: fast-check tries them first. */
export function examplesOf(entries: readonly CorpusEntry[]): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const e of entries) {
    const j = e.manifest.judge;
    if (j.kind !== 'property' || j.example === undefined) continue;
    const list = m.get(e.manifest.check) ?? [];
    list.push(decodeExample(j.example));
    m.set(e.manifest.check, list);
  }
  return m;
}

/** A path as a person wants to read it: relative to the current folder when it is inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Saves every failure of the run as a corpus entry (one per distinct failure) and records the file on
 * the result. Returns the files added.
 */
export async function saveFailures(dir: string, result: RunResult, loaded: LoadedCorpus, propertyFailures: readonly PropertyOutcome[], tool: string): Promise<string[]> {
  const known = new Map(loaded.entries.map((e) => [entryKey(e.manifest), e.file]));
  const added: string[] = [];
  const date = new Date().toISOString();
  for (const c of result.checks) {
    if (c.verdict !== 'fail') continue;
    if (!c.request && !c.property) continue; // nothing to replay (e.g. the check could not send at all)
    const counterexample = propertyFailures.find((o) => o.result === c)?.failure?.counterexample;
    const draft = draftFromResult(c, { seed: result.seed, target: formatEndpoint(result.target), profile: result.profile, date, tool }, counterexample);
    const key = entryKey(draft.manifest);
    const already = known.get(key);
    if (already) {
      c.corpusFile = shown(already);
      continue;
    }
    const saved = await saveEntry(dir, draft, new Set(known.keys()));
    known.set(key, saved.file);
    c.corpusFile = shown(saved.file);
    if (saved.added) added.push(c.corpusFile);
  }
  return added;
}
