import { referenceProfile } from '../model/builtin-profiles.js';
import { Scheduler } from '../runner/scheduler.js';
import { promises as fs } from 'node:fs';
import { removeEntry } from '../corpus/store.js';
import { replayCorpus } from '../runner/replay-corpus.js';
import { palette } from '../reporters/ansi.js';
import { countReplay, problemLines, replayLines } from '../reporters/corpus.js';
import { formatEndpoint, plural } from '../reporters/format.js';
import { writeFileAtomic } from '../util/write-file.js';
import { parseInteger, parseTarget } from './args.js';
import { catalogue, properties } from './catalogue.js';
import { loadCorpus } from '../corpus/store.js';
import { UsageError, type CliIO } from './io.js';
import { closeQuietly, resolveTarget } from './target.js';
import { resolveProfile } from './profile.js';

import { DEFAULT_CORPUS } from './defaults.js';

export interface ReplayFlags {
  target?: string;
  profile?: string;
  /** With `--profile any`: its known-good path. */
  path?: string;
  timeoutMs: string;
  strict?: boolean;
  prune?: boolean;
  json?: string;
  color: boolean;
}

/**
 * `wiregrade replay [FILE|DIR]`: replays corpus entries and prints FIXED / FAILED / ERROR for each.
 * Exit 0 when every entry is fixed, 1 when any still fails, 2 when any could not be read or run.
 * `--prune` removes the fixed entries, only when asked.
 */
export async function runReplay(where: string | undefined, flags: ReplayFlags, io: CliIO): Promise<number> {
  const dir = where ?? DEFAULT_CORPUS;
  const given = flags.target === undefined ? null : parseTarget(flags.target);
  const timeoutMs = parseInteger('--timeout-ms', flags.timeoutMs, 1, 600_000);
  if (!(await fs.stat(dir).catch(() => null))) throw new UsageError(`there is no corpus at ${dir}`);
  if (flags.path !== undefined && flags.profile === undefined) throw new UsageError('--path goes with --profile any');
  const profile = flags.profile === undefined ? undefined : await resolveProfile(flags.profile, flags.path);
  const loaded = await loadCorpus(dir);
  const p = palette(flags.color && (io.color ?? io.isTTY));
  const { target, server } = await resolveTarget(given, io);
  let results;
  try {
    // Gated by the server's liveness like a fuzz run: an entry that kills the server is FAILED for it,
    // and the entries after it are not sent to a dead socket.
    const scheduler = new Scheduler({ target, profile: profile ?? referenceProfile, timeoutMs });
    results = await replayCorpus(loaded.entries, { target, timeoutMs, checks: catalogue(), properties: properties(), scheduler, strict: flags.strict === true, ...(profile ? { profile } : {}) });
  } finally {
    await closeQuietly(server);
  }
  if (results[0]?.refused === true && !results.some((r) => r.verdict === 'FIXED' || r.verdict === 'FAILED')) {
    io.err(`wiregrade: cannot reach ${formatEndpoint(target)} (connection refused). Is the server running?\n`);
    return 3;
  }
  const lines = [...replayLines(results, p), ...problemLines(loaded.problems, p)];
  const n = countReplay(results);
  lines.push('', `${results.length + loaded.problems.length} entries: ${n.fixed} FIXED, ${n.failed} FAILED, ${n.errors + loaded.problems.length} ERROR — target ${formatEndpoint(target)}`);
  if (flags.prune) {
    let pruned = 0;
    for (const r of results) {
      if (r.verdict !== 'FIXED') continue;
      const e = loaded.entries.find((x) => x.file === r.file);
      if (e) {
        await removeEntry(e);
        pruned++;
      }
    }
    lines.push(`pruned ${plural(pruned, 'fixed entry', 'fixed entries')}`);
  }
  io.out(lines.join('\n') + '\n');
  if (flags.json) {
    await writeFileAtomic(flags.json, JSON.stringify({ target: formatEndpoint(target), replayed: results, problems: loaded.problems }, null, 2) + '\n');
  }
  if (n.failed > 0) return 1;
  if (n.errors > 0 || loaded.problems.length > 0) return 2;
  return 0;
}

