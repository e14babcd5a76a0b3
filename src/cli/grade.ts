import { promises as fs } from 'node:fs';
import path from 'node:path';
import { assumedAnyNotice, resolveProfile } from './profile.js';
import { startOracle } from './oracle.js';
import { gradeSubmission, type GradeOptions } from '../runner/grade.js';
import { DEFAULT_LIMITS, bubblewrapPath } from '../supervise/limits.js';
import type { GradeResult } from '../runner/grade-types.js';
import { freePort } from '../supervise/ports.js';
import { exitCleanlyOnSignals } from '../supervise/cleanup.js';
import { toClassCsv } from '../reporters/csv.js';
import { renderClassTable, renderGradeTable } from '../reporters/grade-table.js';
import { submissionSlugs } from '../reporters/slug.js';
import { loadCorpus } from '../corpus/store.js';
import { saveFailures } from './corpus.js';
import { DEFAULT_TIMEOUT_MS } from './defaults.js';
import { version } from './version.js';
import { prettyJson, toGradeJson } from '../reporters/json.js';
import { writeFileAtomic } from '../util/write-file.js';
import { parseInteger, splitPrefixes } from './args.js';
import { catalogue, properties, selectChecks } from './catalogue.js';
import { UsageError, type CliIO } from './io.js';
import { ClassProgress, Progress } from './progress.js';
import type { RunEvent } from '../runner/types.js';
import { belowPassMark, reportSettings, writeReports, type ReportFlags } from './report-files.js';
import { defaultJobs } from './jobs.js';
import { classPhase, type ClassFlags } from './class-phase.js';
import { formatPoints, plural } from '../reporters/format.js';

export interface GradeFlags extends ReportFlags, ClassFlags {
  cmd?: string;
  port?: string;
  cwd?: string;
  /** Absent: `any` (the RFC only), said on screen. */
  profile?: string;
  path?: string;
  checks?: string[];
  seed: string;
  runs: string;
  timeoutMs: string;
  maxTime?: string;
  strict?: boolean;
  serial?: boolean;
  jobs?: string;
  sandbox?: boolean;
  timeLimit: string;
  cpuSeconds: string;
  memoryMb: string;
  startTimeoutMs: string;
  oracle?: string;
  oracleCmd?: string;
  scratch?: string;
  json?: string;
  junit?: string;
  gradescope?: string;
  report?: string;
  csv?: string;
  /** Where each submission's failures are saved as a regression corpus (default: REPORT_DIR/corpus with --report). */
  corpus?: string;
  color: boolean;
}


async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() === true;
}

async function checkWritableDir(flag: string, file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  if (!(await isDir(dir))) throw new UsageError(`cannot write ${flag} ${file}: the directory ${dir} does not exist`);
}

/**
 * `wiregrade grade`: one submission (`--cwd DIR`, default the current folder), or every subfolder of
 * SUBMISSIONS_DIR, graded in parallel into one table. Reports: --json, --junit, --gradescope, --report
 * (an HTML page per submission), --csv (the class table).
 */
export async function runGrade(submissionsDir: string | undefined, flags: GradeFlags, io: CliIO): Promise<number> {
  if (!flags.cmd) throw new UsageError('grade needs --cmd, the command that starts a server (e.g. --cmd "python3 server.py {port}")');
  // No profile named: the RFC only (`any`), said on screen; wiregrade cannot know the assignment.
  const profileName = flags.profile ?? 'any';
  const profile = await resolveProfile(profileName, flags.path);
  const templated = flags.cmd.includes('{port}');
  if (flags.port === undefined && !templated) throw new UsageError('grade needs --port P, or {port} in --cmd where the port should go');
  const fixedPort = flags.port === undefined ? null : parseInteger('--port', flags.port, 1, 65535);
  const seed = parseInteger('--seed', flags.seed, -(2 ** 31), 2 ** 31 - 1);
  const runs = parseInteger('--runs', flags.runs, 0, 1_000_000);
  const timeoutMs = parseInteger('--timeout-ms', flags.timeoutMs, 1, 600_000);
  const maxTimeMs = flags.maxTime === undefined ? undefined : parseInteger('--max-time', flags.maxTime, 1, 86_400) * 1000;
  const limits = {
    ...DEFAULT_LIMITS,
    wallMs: parseInteger('--time-limit', flags.timeLimit, 1, 86_400) * 1000,
    cpuSeconds: parseInteger('--cpu-seconds', flags.cpuSeconds, 1, 86_400),
    memoryBytes: parseInteger('--memory-mb', flags.memoryMb, 16, 1_048_576) * 1024 ** 2,
  };
  const startTimeoutMs = parseInteger('--start-timeout-ms', flags.startTimeoutMs, 100, 600_000);
  for (const [flag, file] of [['--json', flags.json], ['--csv', flags.csv]] as const) {
    if (file) await checkWritableDir(flag, file);
  }
  if (flags.corpus) await checkWritableDir('--corpus', flags.corpus);
  const reports = await reportSettings(flags, { classMode: submissionsDir !== undefined });
  if (flags.scratch && !(await isDir(flags.scratch))) throw new UsageError(`--scratch ${flags.scratch} is not a folder`);

  // What to grade: every subfolder of SUBMISSIONS_DIR, or one folder.
  let dirs: Array<{ name: string; dir: string }>;
  const classMode = submissionsDir !== undefined;
  if (classMode) {
    if (!(await isDir(submissionsDir))) throw new UsageError(`there is no folder ${submissionsDir}`);
    const entries = await fs.readdir(submissionsDir, { withFileTypes: true });
    dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => ({ name: e.name, dir: path.join(submissionsDir, e.name) }));
    if (dirs.length === 0) throw new UsageError(`${submissionsDir} has no submission folders in it`);
  } else {
    const dir = flags.cwd ?? '.';
    if (!(await isDir(dir))) throw new UsageError(`there is no folder ${dir}`);
    dirs = [{ name: path.basename(path.resolve(dir)), dir }];
  }

  if (flags.sandbox && !bubblewrapPath()) {
    io.err('wiregrade: --sandbox was asked for, but bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap); the servers run without a sandbox, with process limits only.\n');
  }
  // Submissions share a port unless {port} gives each its own: then they must run one after another.
  const jobs = fixedPort !== null && !templated ? 1 : parseInteger('--jobs', flags.jobs ?? String(defaultJobs()), 1, 64);
  if (classMode && fixedPort !== null && !templated && dirs.length > 1) {
    io.err(`wiregrade: every submission listens on port ${fixedPort}, so they are graded one after another (put {port} in --cmd to grade ${Math.min(dirs.length, defaultJobs())} at once).\n`);
  } else if (classMode) {
    io.err(`grading ${dirs.length} submissions, ${Math.min(jobs, dirs.length)} at a time\n`);
  }
  io.err(`seed: ${seed}\n`);
  if (flags.profile === undefined) io.err(assumedAnyNotice(profile.knownPath));

  const selected = selectChecks(catalogue(), splitPrefixes(flags.checks ?? []), properties());
  const checks = selected.checks;
  const props = selected.properties;
  const cls = await classPhase(flags, profile, dirs.length, seed, io);
  const oracle = await startOracle(flags);
  const bar = classMode && io.isTTY ? new ClassProgress(io, true) : null;
  const results: Array<GradeResult | undefined> = new Array(dirs.length);
  let interrupted = false;
  // A signal (Ctrl-C, a TERM from the course's job runner, a closed terminal) kills every server group
  // started, removes every scratch copy and gives the terminal its cursor back; in a class run the grades
  // already finished are then written (table, CSV, JSON, reports, each marked partial), and the process
  // exits 128 + n. Nothing is left half-written.
  const offSignals = exitCleanlyOnSignals(
    () => {
      interrupted = true;
      bar?.stop();
      if (io.isTTY) process.stderr.write('\x1b[?25h');
      io.err('wiregrade: interrupted; every server started was stopped and every scratch copy removed\n');
    },
    classMode
      ? {
          flush: async () => {
            const done = results.filter((g): g is GradeResult => g !== undefined);
            const left = dirs.filter((_, i) => results[i] === undefined).map((d) => d.name);
            if (done.length === 0) return;
            const named = left.length > 10 ? `${left.slice(0, 10).join(', ')}, … and ${left.length - 10} more` : left.join(', ');
            io.err(`wiregrade: writing the ${plural(done.length, 'finished grade')} (partial: ${plural(left.length, 'submission')} not graded: ${named})\n`);
            await writeOutputs(done, { graded: done.length, of: dirs.length });
          },
        }
      : {},
  );
  bar?.start(dirs.length, 0, { last: '' });
  // One submission: the same one-line progress as fuzz (check, case count, elapsed time).
  const progress = classMode ? null : new Progress(io, io.isTTY);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= dirs.length || interrupted) return;
      const d = dirs[i]!;
      const port = templated && (classMode || fixedPort === null) ? await freePort() : fixedPort!;
      const opts: GradeOptions = {
        submission: d.name,
        cmd: flags.cmd!,
        dir: d.dir,
        port,
        profile,
        checks,
        properties: props,
        seed,
        runs,
        timeoutMs,
        strict: flags.strict === true,
        ...(flags.serial === true ? { serial: true } : {}),
        limits,
        sandbox: flags.sandbox === true,
        startTimeoutMs,
        ...(maxTimeMs !== undefined ? { maxTimeMs } : {}),
        ...(oracle ? { oracle: oracle.endpoint } : {}),
        ...(flags.scratch ? { scratchRoot: flags.scratch } : {}),
        ...(progress ? { onEvent: (e: RunEvent) => progress.onEvent(e) } : {}),
        ...cls?.gradeOptions(d.name),
      };
      let g: GradeResult;
      try {
        g = await gradeSubmission(opts);
      } catch (err) {
        // After a signal the servers and scratch copies are gone: what fails then is not a result.
        if (interrupted) return;
        throw err;
      }
      // A grade that ends after the signal ran on a killed server: it is not kept.
      if (interrupted) return;
      results[i] = g;
      bar?.increment(1, { last: `${d.name}: ${formatPoints(g.score.points)}/${formatPoints(g.score.max)}` });
      // Without a terminal (CI, a log), one line per finished grade says how far the class is.
      if (classMode && !bar) io.err(`graded ${d.name}: ${formatPoints(g.score.points)} / ${formatPoints(g.score.max)} (${results.filter(Boolean).length} of ${dirs.length})\n`);
    }
  };

  // What the class's outputs are made of: the table, the corpus, the JSON, the reports and the CSV,
  // for every grade given (all of them, or after a signal the finished ones, marked partial).
  async function writeOutputs(done: GradeResult[], partial: { graded: number; of: number } | null): Promise<string[]> {
    // How the run was asked for: the reports' rerun and replay commands repeat it.
    for (const g of done) {
      g.run.invocation = {
        profile: profileName,
        ...(flags.path !== undefined ? { path: flags.path } : {}),
        ...(timeoutMs !== DEFAULT_TIMEOUT_MS ? { timeoutMs } : {}),
        ...(flags.oracle !== undefined ? { oracle: flags.oracle } : {}),
        ...(flags.oracleCmd !== undefined ? { oracleCmd: flags.oracleCmd } : {}),
      };
    }
    // Each submission's failures, exact bytes included, in a corpus of its own: the reports point at it.
    const slugs = submissionSlugs(done.map((g) => g.submission));
    const corpusRoot = flags.corpus ?? (flags.report ? path.join(flags.report, 'corpus') : null);
    if (corpusRoot !== null) {
      for (const g of done) {
        const dir = classMode ? path.join(corpusRoot, slugs.get(g.submission)!) : corpusRoot;
        try {
          await saveFailures(dir, g.run, await loadCorpus(dir), [], `wiregrade ${version()} (grade: ${g.submission})`);
        } catch (err) {
          io.err(`wiregrade: cannot save failures to the corpus in ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    }

    const color = flags.color && (io.color ?? io.isTTY);
    if (classMode) {
      io.out(renderClassTable(done, { color, ...(partial ? { partial } : {}) }));
    } else {
      io.out(renderGradeTable(done[0]!, { color, startTimeoutMs }));
    }
    const written: string[] = [];
    if (flags.json) {
      // A class's JSON is for machines: one line per student (blocked and skipped checks grouped by cause).
      const mark = { partial: partial !== null };
      await writeFileAtomic(flags.json, classMode ? `[\n${done.map((g) => JSON.stringify(toGradeJson(g, mark))).join(',\n')}\n]\n` : prettyJson(toGradeJson(done[0]!)));
      written.push(flags.json);
    }
    written.push(...(await writeReports(done, reports, slugs, classMode, partial)));
    if (flags.csv) {
      await writeFileAtomic(flags.csv, toClassCsv(done, { partial: partial !== null }));
      written.push(flags.csv);
    }
    if (written.length > 0) io.err(`written: ${written.join(', ')}\n`);
    return written;
  }

  try {
    await Promise.all(Array.from({ length: Math.min(jobs, dirs.length) }, worker));
  } finally {
    progress?.clear();
    bar?.stop();
    await oracle?.stop();
    if (!interrupted) offSignals();
  }
  // After a signal, the handler writes what is done and exits: nothing more happens here.
  if (interrupted) return new Promise<number>(() => undefined);
  const all = results as GradeResult[];
  await cls?.finish(all);
  await writeOutputs(all, null);
  // One submission: exit 1 when it lost points (CI use). A class: 0 once everything is graded.
  if (!classMode) {
    const g = all[0]!;
    if (reports.failUnder !== null) return belowPassMark(g, reports.failUnder) ? 1 : 0;
    return g.score.points < g.score.max ? 1 : 0;
  }
  return 0;
}
