import os from 'node:os';

/**
 * The share of one core a grade keeps busy (grader and server together). A grade is mostly waiting on
 * sockets: deadlines, the quiet windows after an answer, the pauses of split requests, idle and
 * half-sent connections held open. Measured on this project's zoo (a correct Python submission,
 * `/usr/bin/time node bin/wiregrade.js grade --cwd SUB --cmd "python3 server.py {port}"`, compiled
 * dist/, the default 25 runs): 23.4 s of wall time for 4.1 s of CPU, server included: about a sixth.
 */
export const CPU_SHARE_PER_GRADE = 0.17;
/** Each grade holds a server process, its sockets and a scratch copy: no more than this at once by default. */
export const MAX_DEFAULT_JOBS = 16;

/**
 * The default `--jobs` of a class run, from waiting rather than cores: as many grades as it takes to keep
 * every core busy (cores ÷ the measured share of a core one grade uses), at most MAX_DEFAULT_JOBS: 12 on
 * 2 cores. Not from the machine's load average: a verdict does not depend on load (deadline verdicts are
 * confirmed with a longer deadline), and on a shared machine the load average is mostly other people's.
 */
export function defaultJobs(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, Math.round(cores / CPU_SHARE_PER_GRADE)));
}
