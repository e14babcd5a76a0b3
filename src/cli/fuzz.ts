import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../model/profile.js';
import { resolveProfile } from './profile.js';
import { startOracle, type Oracle } from './oracle.js';
import { runSession } from '../runner/session.js';
import type { RunResult } from '../runner/types.js';
import { formatEndpoint } from '../reporters/format.js';
import { renderJson } from '../reporters/json.js';
import { renderText } from '../reporters/text.js';
import { silenceHint } from '../reporters/hints.js';
import { writeFileAtomic } from '../util/write-file.js';
import type { Endpoint } from '../wire/types.js';
import { parseInteger, parseTarget, splitPrefixes } from './args.js';
import { catalogue, properties, selectChecks } from './catalogue.js';
import { UsageError, type CliIO } from './io.js';
import { Progress } from './progress.js';
import { closeQuietly, resolveTarget } from './target.js';
import { examplesOf, loadAndReport, saveFailures, selectEntries } from './corpus.js';
import type { ReplayResult } from '../runner/replay-corpus.js';
import type { Unreachable } from '../runner/causes.js';
import { phraseUnreachable } from '../reporters/causes.js';
import { exitCleanlyOnSignals } from '../supervise/cleanup.js';
import type { PropertyOutcome } from '../runner/run-properties.js';
import { version } from './version.js';
import { reportSettings, writeReports, type ReportFlags, type ReportSettings } from './report-files.js';
import { gradeOfRun } from '../runner/run-view.js';
import { ownServerSettings, startOwnServer, StartFailed, type OwnServer, type OwnServerSettings } from './fuzz-server.js';

/** The flags of `wiregrade fuzz` as commander hands them over (strings, unvalidated). */
export interface FuzzFlags extends ReportFlags {
  target?: string;
  /** `--cmd`: the command that starts the user's own server (fuzz-server.ts), with `--cwd`, `--port`, `--start-timeout-ms`. */
  cmd?: string;
  cwd?: string;
  port?: string;
  startTimeoutMs?: string;
  /** With --cmd: one check at a time, never side by side. */
  serial?: boolean;
  checks?: string[];
  strict?: boolean;
  timeoutMs: string;
  json?: string;
  corpus: string | false;
  seed?: string;
  runs?: string;
  maxTime?: string;
  replayPath?: string;
  replayCommands?: string;
  oracle?: string;
  oracleCmd?: string;
  /** `--path`: the known path of the `any` profile (not a replay: `--replay-path` is replayPath). */
  path?: string;
  /** Absent: `reference` for the bundled server, `any` (the RFC only) for a --target or a --cmd. */
  profile?: string;
  color: boolean;
  /** Text report: failures in full (`--max-failures N`), all of them (`--all`), each warning (`--verbose`). */
  maxFailures?: string;
  all?: boolean;
  verbose?: boolean;
}

import { DEFAULT_TIMEOUT_MS } from './defaults.js';
/** Cases per property by default: enough to find the zoo's bugs, small enough for a quick first run. */
export const DEFAULT_RUNS = 50;

function parseReplayPath(p: string): string {
  if (!/^\d+(:\d+)*$/.test(p)) throw new UsageError(`--replay-path must be fast-check's counterexample path, digits separated by colons (e.g. 12:0:3), not '${p}'`);
  return p;
}
const MAX_TIMEOUT_MS = 600_000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export interface FuzzSettings {
  target: Endpoint | null;
  /** `--cmd`: the server wiregrade starts, restarts after a death, and stops at the end. */
  own: OwnServerSettings | null;
  prefixes: string[];
  strict: boolean;
  timeoutMs: number;
  json: string | null;
  corpus: string | null;
  seed: number | null;
  runs: number;
  maxTimeMs: number | null;
  /** `--replay-path`: the property case to replay (fast-check's path), or null. */
  casePath: string | null;
  profile: Profile;
  color: boolean;
  /** How the text report shows failures and warnings. */
  text: { maxFailures?: number; all: boolean; verbose: boolean };
  /** --junit, --gradescope, --report, --markdown: the grade reporters, on a GradeResult view of the run. */
  reports: ReportSettings;
}

/**
 * The profile a fuzz run judges by: the one given, else `reference` for the bundled reference server
 * (it implements that protocol) and `any` for a --target or a --cmd (wiregrade cannot know the
 * assignment: the RFC only).
 */
export function profileNameOf(flags: Pick<FuzzFlags, 'profile' | 'target' | 'cmd'>): string {
  return flags.profile ?? (flags.target === undefined && flags.cmd === undefined ? 'reference' : 'any');
}

/** Validates every flag before anything runs; throws a UsageError with one sentence. */
export async function fuzzSettings(flags: FuzzFlags): Promise<FuzzSettings> {
  const profile = await resolveProfile(profileNameOf(flags), flags.path);
  const json = flags.json ?? null;
  if (json !== null && json !== '-') {
    if (json === '') throw new UsageError('--json needs a file name (or - for standard output)');
    const dir = path.dirname(path.resolve(json));
    const st = await fs.stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new UsageError(`cannot write the JSON report to ${json}: the directory ${dir} does not exist`);
  }
  const reports = await reportSettings(flags, { classMode: false });
  const own = await ownServerSettings(flags);
  return {
    reports,
    own,
    target: flags.target === undefined ? null : parseTarget(flags.target),
    prefixes: splitPrefixes(flags.checks ?? []),
    strict: flags.strict === true,
    timeoutMs: parseInteger('--timeout-ms', flags.timeoutMs, 1, MAX_TIMEOUT_MS),
    json,
    corpus: flags.corpus === false ? null : flags.corpus,
    seed: flags.seed === undefined ? null : parseInteger('--seed', flags.seed, INT32_MIN, INT32_MAX),
    runs: flags.runs === undefined ? DEFAULT_RUNS : parseInteger('--runs', flags.runs, 0, 1_000_000),
    maxTimeMs: flags.maxTime === undefined ? null : parseInteger('--max-time', flags.maxTime, 1, 86_400) * 1000,
    casePath: flags.replayPath === undefined ? null : parseReplayPath(flags.replayPath),
    profile,
    color: flags.color,
    text: {
      ...(flags.maxFailures !== undefined ? { maxFailures: parseInteger('--max-failures', flags.maxFailures, 0, 1_000_000) } : {}),
      all: flags.all === true,
      verbose: flags.verbose === true,
    },
  };
}

/** The sentence for an unreachable target: `cannot reach HOST:PORT (connection refused). Is the server running?` */
export function unreachableSentence(target: Endpoint, u: Unreachable): string {
  return `wiregrade: cannot reach ${formatEndpoint(target)} (${phraseUnreachable(u)}). Is the server running?`;
}

/**
 * 3 unreachable; 1 any failure or error (a corpus entry that still fails included); 2 when the only
 * trouble is an unreadable corpus file; else 0.
 */
export function exitCodeFor(result: RunResult): number {
  if (result.unreachable) return 3;
  if (result.checks.some((c) => c.verdict === 'fail' || c.verdict === 'error')) return 1;
  if (result.corpus?.replayed.some((r) => r.verdict === 'FAILED')) return 1;
  if (result.corpus && (result.corpus.problems.length > 0 || result.corpus.replayed.some((r) => r.verdict === 'ERROR'))) return 2;
  return 0;
}

/** `wiregrade fuzz`: validate, (start the bundled server,) run, report. Returns the exit code. */
export async function runFuzz(flags: FuzzFlags, io: CliIO): Promise<number> {
  const s = await fuzzSettings(flags);
  const selected = selectChecks(catalogue(), s.prefixes, properties());
  if (s.casePath !== null && selected.properties.length !== 1) {
    throw new UsageError('--replay-path replays one property case: name exactly one property with --checks');
  }
  const profile = s.profile;
  const seed = s.seed ?? randomInt(0, INT32_MAX);
  const jsonToStdout = s.json === '-';

  const loaded = s.corpus === null ? { entries: [], problems: [] } : await loadAndReport(s.corpus, io);
  const replaying = selectEntries(loaded.entries, profile, selected.checks, selected.properties);
  // A signal ends the run at once: the bundled server, the user's server (its whole process group) and
  // any oracle process go with this process, the terminal gets its line back, and nothing is
  // half-written (reports are written whole, then renamed).
  const progress = new Progress(io, io.isTTY && !jsonToStdout);
  const offSignals = exitCleanlyOnSignals(() => {
    progress.clear();
    io.err('wiregrade: interrupted\n');
  });
  let own: OwnServer | null = null;
  let target: Endpoint;
  let server: Awaited<ReturnType<typeof resolveTarget>>['server'] = null;
  let oracle: Oracle | null = null;
  try {
    if (s.own) {
      try {
        own = await startOwnServer(s.own);
      } catch (err) {
        if (!(err instanceof StartFailed)) throw err;
        offSignals();
        io.err(`wiregrade: ${err.message}\n`);
        return 3;
      }
      target = own.target;
      io.err(`started your server on ${formatEndpoint(target)} (${s.own.cmd}, in ${s.own.cwd}); it is started again after a crash, and stopped at the end\n`);
    } else {
      ({ target, server } = await resolveTarget(s.target, io));
    }
    oracle = await startOracle(flags);
  } catch (err) {
    await closeQuietly(server);
    await own?.stop();
    await oracle?.stop();
    offSignals();
    throw err;
  }
  io.err(`seed: ${seed}\n`);
  if (flags.profile === undefined && (flags.target !== undefined || flags.cmd !== undefined)) {
    io.err(`profile: any (RFC 9110/9112 only, known path ${profile.knownPath}); --profile NAME|FILE judges by an assignment's rules\n`);
  }

  let result: RunResult;
  let propertyFailures: PropertyOutcome[] = [];
  try {
    // Right after the baseline, the corpus: every failure found before is re-checked before anything new
    // is generated, gated by the baseline and the server's liveness like every check.
    let replayed: ReplayResult[];
    ({ result, propertyFailures, replayed } = await runSession({
      corpus: replaying,
      target,
      profile,
      checks: selected.checks,
      properties: s.runs === 0 ? [] : selected.properties,
      timeoutMs: s.timeoutMs,
      seed,
      runs: s.runs,
      ...(s.maxTimeMs !== null ? { maxTimeMs: s.maxTimeMs } : {}),
      ...(s.casePath !== null ? { casePath: s.casePath } : {}),
      ...(flags.replayCommands !== undefined ? { commandsPath: flags.replayCommands } : {}),
      strict: s.strict,
      examples: examplesOf(replaying),
      ...(oracle ? { oracle: oracle.endpoint } : {}),
      ...(own ? { control: own.supervised.control } : server ? { control: server.control } : {}),
      ...(flags.serial ? { serial: true } : {}),
      onEvent: (e) => progress.onEvent(e),
    }));
    result.invocation = {
      profile: profileNameOf(flags),
      ...(flags.path !== undefined ? { path: flags.path } : {}),
      ...(s.timeoutMs !== DEFAULT_TIMEOUT_MS ? { timeoutMs: s.timeoutMs } : {}),
      ...(flags.oracle !== undefined ? { oracle: flags.oracle } : {}),
      ...(flags.oracleCmd !== undefined ? { oracleCmd: flags.oracleCmd } : {}),
      ...(s.own ? { cmd: s.own.cmd, ...(flags.cwd !== undefined ? { cwd: s.own.cwd } : {}), ...(s.own.port !== null ? { port: s.own.port } : {}) } : {}),
    };
    if (s.corpus !== null) {
      result.corpus = { dir: s.corpus, replayed, problems: loaded.problems, notSelected: loaded.entries.length - replaying.length, added: [] };
    }
  } finally {
    progress.clear();
    await closeQuietly(server);
    await own?.stop();
    await oracle?.stop();
    offSignals();
  }

  if (s.corpus !== null && result.corpus && !result.unreachable) {
    try {
      result.corpus.added = await saveFailures(s.corpus, result, loaded, propertyFailures, `wiregrade ${version()}`);
    } catch (err) {
      io.err(`wiregrade: cannot save failures to the corpus in ${s.corpus}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  if (result.unreachable) {
    if (jsonToStdout) io.out(renderJson(result));
    io.err(unreachableSentence(target, result.unreachable) + '\n');
  } else {
    io.out(jsonToStdout ? renderJson(result) : renderText(result, { ...s.text, color: s.color && (io.color ?? io.isTTY), ...(s.json !== null ? { jsonFile: s.json } : {}) }));
    // A --target that left many requests unanswered: the faster way, once.
    const hint = s.target !== null ? silenceHint(result) : null;
    if (hint) io.err(`hint: ${hint}\n`);
  }
  if (s.json !== null && !jsonToStdout) {
    try {
      await writeFileAtomic(s.json, renderJson(result));
    } catch (err) {
      io.err(`wiregrade: cannot write the JSON report to ${s.json}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    io.err(`JSON report written to ${s.json}\n`);
  }
  try {
    const written = await writeReports([gradeOfRun(result)], s.reports);
    if (written.length > 0) io.err(`written: ${written.join(', ')}\n`);
  } catch (err) {
    io.err(`wiregrade: cannot write a report: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  return exitCodeFor(result);
}
