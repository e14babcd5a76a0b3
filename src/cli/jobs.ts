import os from 'node:os';

/**
 * The share of one core a grade keeps busy (grader and server together). A grade is mostly waiting on
 * sockets: deadlines, the pauses of split requests, idle and half-sent connections held open. Measured on
 * this project's zoo (`npm run bench`, a correct Python submission): 14 s of wall time for 3.2 s of CPU,
 * about a quarter.
 */
export const CPU_SHARE_PER_GRADE = 0.25;
/** Each grade holds a server process, its sockets and a scratch copy: no more than this at once by default. */
export const MAX_DEFAULT_JOBS = 16;

/**
 * The default `--jobs` of a class run, from waiting rather than cores: as many grades as it takes to keep
 * every core busy (cores ÷ the share of a core one grade uses), at most MAX_DEFAULT_JOBS: 8 on 2 cores.
 */
export function defaultJobs(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, Math.round(cores / CPU_SHARE_PER_GRADE)));
}
