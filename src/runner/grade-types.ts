import type { Family } from '../checks/types.js';
import type { DownCause } from './causes.js';
import type { RunResult } from './types.js';

/** Points for one family: how many of its counted checks passed, and the points they earned. */
export interface FamilyScore {
  family: Family;
  passed: number;
  total: number;
  points: number;
  max: number;
}

/** The server died while checks ran: after which check, how, and what it last said on stderr. */
export interface ServerDeath {
  afterCheck: string;
  /** The check the death was charged to: `afterCheck`, or robustness.server.keeps-serving when it went away after answering correctly. */
  chargedTo: string;
  down: DownCause;
  code: number | null;
  signal: string | null;
  stderrTail: string;
  restarted: boolean;
  /** How long killing it and starting it again took (waiting for its port included). */
  restartMs?: number;
}

/** How starting the submission went. */
export type LaunchOutcome =
  | { kind: 'listening'; startMs: number }
  | { kind: 'exited-before-listening'; code: number | null; signal: string | null; stderrTail: string }
  /** `waitedMs`: how long it was given to listen. */
  | { kind: 'never-listened'; stderrTail: string; listensOn: number[]; waitedMs?: number }
  /** Another process already listened on the port: nothing was started, nothing graded. */
  | { kind: 'port-busy'; port: number; pid: number | null; command: string | null }
  | { kind: 'not-launched' };

/** One graded submission: the data every grade reporter (table, JSON, JUnit, Gradescope, HTML, CSV) renders. */
export interface GradeResult {
  /** The submission's name: its folder name in a class run, else the server's. */
  submission: string;
  /** What was run: the command line and the folder it ran from (a scratch copy of it). */
  command: string;
  run: RunResult;
  score: { points: number; max: number };
  families: FamilyScore[];
  launch: LaunchOutcome;
  /** Times the server died during the run and was started again. */
  restarts: number;
  deaths: ServerDeath[];
  /** The sandbox the server ran in; `unavailable` when one was asked for but could not be used. */
  sandbox: 'none' | 'bubblewrap' | 'unavailable';
  /** The submission hit its wall-time limit and was stopped. */
  timedOut: boolean;
  durationMs: number;
  /** The id of the first failing check, if any (the class table's "top failure"). */
  topFailure?: string;
}
