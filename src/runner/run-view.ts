import type { GradeResult } from './grade-types.js';
import { familyScores, scoreRun } from './score.js';
import type { RunResult } from './types.js';
import { formatEndpoint } from '../wire/endpoint.js';

/**
 * A run of `fuzz` (a server wiregrade did not start) seen as a grade, so the same reporters (JUnit,
 * Gradescope, HTML, Markdown) render both: scored by the same rule, launch `not-launched`, no deaths.
 */
export function gradeOfRun(run: RunResult, submission = formatEndpoint(run.target)): GradeResult {
  const topFailure = run.checks.find((c) => c.verdict === 'fail')?.id;
  return {
    submission,
    command: `wiregrade fuzz --target ${formatEndpoint(run.target)}`,
    run,
    score: scoreRun(run),
    families: familyScores(run),
    launch: { kind: 'not-launched' },
    restarts: 0,
    deaths: [],
    sandbox: 'none',
    timedOut: false,
    durationMs: run.durationMs,
    ...(topFailure ? { topFailure } : {}),
  };
}
