import type { GradeResult } from './grade-types.js';
import { familyScores, scoreRun } from './score.js';
import type { RunResult } from './types.js';
import { formatEndpoint } from '../wire/endpoint.js';

/**
 * A run of `fuzz` seen as a grade, so the same reporters (JUnit, Gradescope, HTML, Markdown) render both:
 * scored by the same rule, launch `not-launched` (no start of a submission's copy; a `fuzz --cmd` run's
 * commands are aimed at PORT by the reporters themselves), its deaths on the checks they are charged to.
 */
export function gradeOfRun(run: RunResult, submission = formatEndpoint(run.target)): GradeResult {
  const topFailure = run.checks.find((c) => c.verdict === 'fail')?.id;
  const cmd = run.invocation?.cmd;
  return {
    submission,
    command: cmd !== undefined ? `wiregrade fuzz --cmd ${JSON.stringify(cmd)}` : `wiregrade fuzz --target ${formatEndpoint(run.target)}`,
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
