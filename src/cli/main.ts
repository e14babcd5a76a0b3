/**
 * The `wiregrade` command line: the only layer that wires the runner and the reporters together and
 * prints. main() returns the exit code and never calls process.exit (except on SIGINT during a run).
 *
 * Exit codes: 0 no failure, 1 failures (or checks the suite could not run), 2 usage or configuration
 * error, 3 target unreachable.
 */
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import type { FuzzFlags } from './fuzz.js';
import { DEFAULT_CORPUS, DEFAULT_TIMEOUT_MS, GRADE_SEED } from './defaults.js';
import { processIO, UsageError, type CliIO } from './io.js';
import type { ListFlags } from './list.js';
import type { DetectFlags } from './detect.js';
import { version } from './version.js';
import type { ReplayFlags } from './replay.js';
import type { GradeFlags } from './grade.js';
import { profiles } from '../model/builtin-profiles.js';
import { addReportOptions } from './report-files.js';
import type { GradescopeInitFlags } from './gradescope.js';
import { CPU_SHARE_PER_GRADE, defaultJobs, MAX_DEFAULT_JOBS } from './jobs.js';

const COMMANDS = ['fuzz', 'grade', 'replay', 'detect', 'list', 'serve', 'gradescope'] as const;

/** A stream that hands what is written to one of the CLI's writers (for runServeCli). */
function writerStream(write: (s: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
  });
}

/** Commander's error message as one sentence: `unknown option '--tagret'; did you mean --target?` */
export function commanderSentence(message: string): string {
  const lines = message
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let s = (lines[0] ?? 'bad usage')
    .replace(/\.$/, '')
    .replace(/^too many arguments for '([^']+)'\. Expected (\d+) arguments? but got (\d+)$/, "too many arguments for '$1' (expected $2, got $3)")
    .replace(/\.\s+/g, '; ');
  const hint = lines.slice(1).join(' ').match(/^\(Did you mean (.+)\?\)$/);
  if (hint) s += `; did you mean ${hint[1]}?`;
  return s;
}

/** The --profile help, from the list of built-in profiles (so it names every one). */
const PROFILE_HELP = `what the server is expected to implement: a built-in profile (${Object.keys(profiles).join(', ')}) or a profile file (.json, .ts, .mts, .js, .mjs)`;

function buildProgram(io: CliIO, run: { job: (() => Promise<number>) | null }): Command {
  const program = new Command();
  program
    .name('wiregrade')
    .description('Conformance, fuzz-testing and grading suite for hand-written HTTP/1.1 servers over raw TCP.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => {} })
    .showSuggestionAfterError(true);

  program
    .command('fuzz')
    .description('check a server (by default the bundled reference server) and report every failure')
    .option('--target <host:port>', 'the server to test: 127.0.0.1:8080, localhost:8080, [::1]:8080 or http://127.0.0.1:8080/ (default: start the bundled reference server)')
    .option('--cmd <command>', 'start your server with this command (run with sh -c in --cwd; {port} is replaced by a free port): a crash is charged to the request that caused it and the server started again, and independent checks run side by side when it serves several clients; it is stopped at the end')
    .option('--cwd <dir>', 'with --cmd: the folder the server runs in (default: the current folder)')
    .option('--port <n>', 'with --cmd: the port the server listens on by itself (omit when --cmd has {port})')
    .option('--start-timeout-ms <ms>', 'with --cmd: how long the server may take to listen (default 10000)')
    .option('--serial', 'one check at a time (by default, with --cmd or the bundled server, when the server answers a second client while one stalls, checks that use only connections of their own run side by side, and so do the cases of the properties that allow it; against a --target, once it has answered a client while another stalls, such checks still act one at a time but wait for unanswered requests side by side)')
    .option('--checks <prefix...>', 'run only the checks whose id starts with one of these prefixes (the baseline always runs)')
    .option('--strict', 'SHOULD requirements count as MUST: a broken one fails instead of warning')
    .option('--timeout-ms <ms>', 'deadline for each exchange with the server', String(DEFAULT_TIMEOUT_MS))
    .option('--json <file>', 'also write the JSON report to FILE (atomically); "-" prints it on standard output instead of the text report')
    .option('--seed <n>', 'seed for the generated cases (default: a fresh random one, always printed)')
    .option('--runs <n>', 'cases per property-based check (0: the deterministic checks only)', undefined)
    .option('--max-time <seconds>', 'a time budget for the property-based checks together')
    .option('--replay-path <path>', "replay one failing property case: fast-check's path, with the same --seed and --checks naming that property")
    .option('--replay-commands <path>', "with --replay-path, for a model-based property: the command sequence's replayPath (printed in the report)")
    .option('--path <path>', 'with --profile any: the path every check builds on (default /); its answer to a plain GET, whatever the status, is what "served" means for the run')
    .option('--oracle <host:port>', "an oracle server (the teacher's solution): the differential checks compare every answer with the oracle's")
    .option('--oracle-cmd <command>', 'start the oracle with this command ({port} is replaced), and stop it at the end')
    .option('--profile <name|file>', `${PROFILE_HELP} (default: reference for the bundled server; any, the RFC only, with --target)`)
    .option('--corpus <dir>', 'the regression corpus: replayed first, and every new failure saved to it', DEFAULT_CORPUS)
    .option('--no-corpus', 'neither replay nor save the regression corpus')
    .option('--no-color', 'no ANSI colours in the text report')
    .option('--max-failures <n>', 'failures shown in full in the text report, most serious first (default 5); the others get one line each')
    .option('--all', 'every failure in full in the text report')
    .option('--verbose', 'every warning on its own line (by default they are counted by family)');
  addReportOptions(program.commands.at(-1)!)
    .addHelpText('after', '\nExit codes: 0 no failure (warnings are fine), 1 failures or errors, 2 usage or configuration error (or an unreadable corpus file), 3 target unreachable.')
    .action((flags: FuzzFlags) => {
      // Each command's code is loaded when it runs (fuzz does not carry grade's, nor zod unless a profile file or a corpus asks for it).
      run.job = async () => (await import('./fuzz.js')).runFuzz(flags, io);
    });

  program
    .command('grade')
    .description("start a student's server, grade it and report; with SUBMISSIONS_DIR, grade every subfolder into one class table")
    .argument('[submissions]', 'a folder of submissions, one subfolder each (omit to grade --cwd)')
    .option('--cmd <command>', 'the command that starts the server, run with sh -c in a scratch copy of the submission; {port} is replaced by the port')
    .option('--port <n>', 'the port the server listens on (omit when --cmd has {port}: each submission then gets a free port)')
    .option('--cwd <dir>', 'the submission folder, when grading one (default: the current folder)')
    .option('--checks <prefix...>', 'grade only the checks whose id starts with one of these prefixes (the baseline always runs)')
    .option('--profile <name|file>', `${PROFILE_HELP} (default: any, the RFC only, said on screen)`)
    .option('--path <path>', 'with --profile any: the path every check builds on (default /); its answer to a plain GET, whatever the status, is what "served" means for the run')
    .option('--oracle <host:port>', "an oracle server (the teacher's solution): the differential checks compare every answer with the oracle's")
    .option('--oracle-cmd <command>', 'start the oracle with this command ({port} is replaced), and stop it at the end')
    .option('--seed <n>', 'seed of the generated cases (fixed by default, so a grade is reproducible)', String(GRADE_SEED))
    .option('--runs <n>', 'cases per property', '25')
    .option('--timeout-ms <ms>', 'deadline for each exchange with the server', String(DEFAULT_TIMEOUT_MS))
    .option('--max-time <seconds>', 'a time budget for the property-based checks of each submission')
    .option('--strict', 'SHOULD requirements count like MUST')
    .option('--serial', 'one check at a time (by default, when a server answers a second client while one stalls, checks that use only connections of their own run side by side, and so do the cases of the properties that allow it)')
    .option('--jobs <n>', `submissions graded at once (default: ${defaultJobs()} here, ${1 / CPU_SHARE_PER_GRADE} per core, at most ${MAX_DEFAULT_JOBS}, since a grade mostly waits on sockets; 1 when they share a fixed port)`)
    .option('--sandbox', 'run each server under bubblewrap: the system read-only, only its scratch copy writable')
    .option('--scratch <dir>', 'where the scratch copies of submissions go (default: the system temp folder)')
    .option('--time-limit <seconds>', 'wall time for one submission, restarts included', '300')
    .option('--cpu-seconds <n>', 'CPU time limit of the server process', '120')
    .option('--memory-mb <n>', 'memory limit of the server process (its data segment: heap and writable mappings)', '2048')
    .option('--start-timeout-ms <ms>', 'how long a server may take to listen', '10000')
    .option('--json <file>', 'the JSON report (an array in class mode)')
    .option('--csv <file>', 'the class table as CSV')
    .option('--corpus <dir>', "save each submission's failures (exact bytes) as a regression corpus under DIR/<student> (default: REPORT_DIR/corpus with --report)")
    .option('--fail-under <percent>', 'one submission: exit 0 at or above this percentage, 1 below (default: 1 for any point lost)')
    .option('--no-class', 'no class phase (by default a class of 5 or more is probed alike and each submission compared with the majority; docs/class.md)')
    .option('--class-threshold <percent>', 'the part of the class that must agree for a majority', '70')
    .option('--class-weight <points>', 'points each class root finding costs (default 0: a warning)')
    .option('--class-page <file>', 'write the class page (HTML: students × findings and checks, linking to the --report pages; e.g. REPORT_DIR/class.html)')
    .option('--class-signatures <file>', "keep the class's signatures in FILE (read first when it exists), so a late submission graded alone is compared with the same class")
    .option('--propose-profile <file>', "write a profile file (JSON) of what the class's majority answers: baseline, routes, statuses")
    .option('--no-color', 'no ANSI colours');
  addReportOptions(program.commands.at(-1)!)
    .addHelpText('after', '\nExit codes: one submission: 0 full marks (or at least --fail-under), 1 points lost; a class: 0 once graded; 2 usage error.')
    .action((submissions: string | undefined, flags: GradeFlags) => {
      run.job = async () => (await import('./grade.js')).runGrade(submissions, flags, io);
    });

  program
    .command('replay')
    .description('replay regression-corpus entries and print FIXED / FAILED / ERROR for each')
    .argument('[where]', 'a corpus folder or one entry (.json)', DEFAULT_CORPUS)
    .option('--target <host:port>', 'the server to replay against (default: start the bundled reference server)')
    .option('--timeout-ms <ms>', 'deadline for each exchange with the server', String(DEFAULT_TIMEOUT_MS))
    .option('--prune', 'remove the entries that are fixed')
    .option('--profile <name|file>', "judge every entry with this profile (default: each entry's own)")
    .option('--path <path>', 'with --profile any: the path every check builds on (default /); its answer to a plain GET, whatever the status, is what "served" means for the run')
    .option('--strict', 'SHOULD requirements count as MUST (as in a run with --strict)')
    .option('--json <file>', 'also write the results as JSON to FILE (atomically)')
    .option('--no-color', 'no ANSI colours')
    .addHelpText('after', '\nExit codes: 0 every entry FIXED, 1 any FAILED, 2 any ERROR (unreadable entry, unknown check), 3 target unreachable.')
    .action((where: string, flags: ReplayFlags) => {
      run.job = async () => (await import('./replay.js')).runReplay(where, flags, io);
    });

  program
    .command('detect')
    .description('probe a server with a few harmless requests and say which built-in profile fits it')
    .option('--target <host:port>', 'the server to look at')
    .option('--timeout-ms <ms>', 'deadline for each probe', String(DEFAULT_TIMEOUT_MS))
    .option('--json', 'the probes and the verdict as JSON')
    .action((flags: DetectFlags) => {
      run.job = async () => (await import('./detect.js')).runDetect(flags, io);
    });

  program
    .command('list')
    .description('list the checks, one line each: id, level, family, requirement')
    .argument('[prefix...]', 'only the checks whose id starts with one of these (e.g. framing.smuggling)')
    .option('--json', 'a JSON array (with the RFC sentence and profile rule of each check)')
    .option('--verbose', 'each check with its source, the RFC sentence quoted and the profile rule')
    .action((prefixes: string[], flags: ListFlags) => {
      run.job = async () => (await import('./list.js')).runList(prefixes, flags, io);
    });

  program
    .command('gradescope')
    .description('set up a Gradescope autograder that grades every submission with wiregrade')
    .command('init')
    .description('write a Gradescope autograder folder (and a zip of it): setup.sh installs Node and this wiregrade (packed into the zip, installed offline); run_autograder grades /autograder/submission')
    .option('--cmd <command>', "the command that starts a submission's server; {port} is replaced by the port")
    .option('--port <n>', 'the port the server listens on (omit when --cmd has {port})')
    .option('--profile <name|file>', 'a built-in profile or a profile file (copied into the autograder); default any, the RFC only, said on standard error')
    .option('--out <dir>', 'the folder to write; the zip goes beside it as DIR.zip', 'gradescope-autograder')
    .option('--max-score <points>', "the assignment's points on Gradescope: the checks' points are scaled to sum to it")
    .option('--visibility <when>', 'when students see the checks: visible, hidden, after_due_date, after_published (default visible)')
    .option('--runs <n>', 'cases per property (default: grade\'s 25)')
    .option('--checks <prefix...>', 'grade only the checks whose id starts with one of these prefixes')
    .option('--seed <n>', "seed of the generated cases (default: grade's fixed seed)")
    .option('--timeout-ms <ms>', 'deadline for each exchange with the server')
    .option('--package <spec>', 'what setup.sh installs: a packed .tgz, shipped in the zip and installed offline (default: this wiregrade, packed with npm pack), or a registry spec such as wiregrade@0.1.0')
    .option('--node-version <x.y.z>', 'the Node.js version setup.sh installs (default: this one, at least 20.18)')
    .action((flags: GradescopeInitFlags) => {
      run.job = async () => (await import('./gradescope.js')).runGradescopeInit(flags, io);
    });

  // Never parsed here: main() hands `serve`'s arguments to the reference server's own CLI. Listed for --help.
  program.command('serve').description('run the bundled reference server (see wiregrade serve --help)').helpOption(false).allowUnknownOption().allowExcessArguments();

  return program;
}

function usageHint(argv: readonly string[]): string {
  const cmd = argv.find((a) => !a.startsWith('-'));
  return cmd && (COMMANDS as readonly string[]).includes(cmd) ? `wiregrade ${cmd} --help` : 'wiregrade --help';
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code. `io` defaults to
 * the process's standard streams.
 */
export async function main(argv: string[], given?: CliIO): Promise<number> {
  const io = given ?? processIO();
  const usage = (sentence: string, hint = usageHint(argv)): number => {
    io.err(`wiregrade: ${sentence} (see ${hint})\n`);
    return 2;
  };
  if (argv.length === 0) return usage(`no command given: one of ${COMMANDS.join(', ')}`, 'wiregrade --help');

  if (argv[0] === 'serve' || (argv[0] === 'help' && argv[1] === 'serve')) {
    const { runServeCli } = await import('../../reference-server/cli.js');
    return runServeCli(argv[0] === 'help' ? ['--help'] : argv.slice(1), given ? { stdout: writerStream(io.out), stderr: writerStream(io.err) } : {});
  }

  const run: { job: (() => Promise<number>) | null } = { job: null };
  try {
    await buildProgram(io, run).parseAsync(argv, { from: 'user' });
    return run.job ? await run.job() : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 2;
      return usage(commanderSentence(err.message));
    }
    if (err instanceof UsageError) {
      // Our own sentences say what to do already; no "(see --help)" tail.
      io.err(`wiregrade: ${/[.?]$/.test(err.message) ? err.message : `${err.message}.`}\n`);
      return 2;
    }
    io.err(`wiregrade: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.WIREGRADE_DEBUG && err instanceof Error && err.stack) io.err(err.stack + '\n');
    return 1;
  }
}
