import os from 'node:os';

/**
 * The share of one core a grade keeps busy (grader and server together), with room to spare. A grade is
 * mostly waiting on sockets: deadlines, the quiet windows after an answer, the pauses of split requests,
 * idle and half-sent connections held open. Measured on a class of 200 generated Python submissions
 * (bench/class.ts: half correct, half one planted bug each), graded by one `wiregrade grade` at --jobs 24
 * on 2 cores, `/usr/bin/time` around it: 357 s of CPU, servers included, for 200 grades of 40.6 s each,
 * so 1.8 s of CPU per 40.6 s of wall, about a twentieth of a core. Twice that leaves room for the
 * bursts: the servers of a class start side by side, and a confirmation doubles a deadline.
 */
export const CPU_SHARE_PER_GRADE = 0.08;
/**
 * Each grade holds a server process, its sockets and a scratch copy, and every grade's events run on
 * one event loop: no more than this at once by default.
 */
export const MAX_DEFAULT_JOBS = 32;

/**
 * The default `--jobs` of a class run, from waiting rather than cores: as many grades as it takes to keep
 * every core busy (cores ÷ the measured share of a core one grade uses), at most MAX_DEFAULT_JOBS: 25 on
 * 2 cores. Not from the machine's load average: a verdict does not depend on load (deadline verdicts are
 * confirmed with a longer deadline), and on a shared machine the load average is mostly other people's.
 */
export function defaultJobs(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, Math.round(cores / CPU_SHARE_PER_GRADE)));
}
