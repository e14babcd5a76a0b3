/**
 * The commands a grade report prints, aimed at the reader's own server. `grade` started the submission
 * on a random port and stopped it when it was done: a replay or rerun aimed at that port reaches nothing
 * (or someone else's server). So a grade report's commands say `127.0.0.1 PORT` / `--target
 * 127.0.0.1:PORT`, to fill in with the port one's own server listens on, and the report names the
 * `wiregrade grade --cwd . --cmd … --checks ID` command that starts the server itself. A report of a
 * server wiregrade did not start (fuzz's reports of a --target) keeps its real target.
 */
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult, RunResult } from '../runner/types.js';
import { PLACEHOLDER_TARGET, PORT_PLACEHOLDER, replayFor, rerunCommand, shellQuote, withPortPlaceholder } from './replay.js';

/** Did wiregrade start this server (on a port of its choosing, stopped since)? */
export function ranOnGradersPort(g: Pick<GradeResult, 'launch'>): boolean {
  return g.launch.kind !== 'not-launched';
}

/** The run as commands should see it: aimed at 127.0.0.1, port to fill in, when wiregrade started the server. */
export function commandRun(g: Pick<GradeResult, 'launch' | 'run'>): RunResult {
  return ranOnGradersPort(g) ? { ...g.run, target: PLACEHOLDER_TARGET } : g.run;
}

/** Text built from commandRun(g) (a failure's block), with the placeholder in place when wiregrade started the server. */
export function forGrade(g: Pick<GradeResult, 'launch'>, text: string): string {
  return ranOnGradersPort(g) ? withPortPlaceholder(text) : text;
}

/** The one sentence that goes with such commands: where PORT comes from, and the command that needs none. */
export function ownServerNote(g: Pick<GradeResult, 'command' | 'run'>): string {
  return `The replay and rerun commands are aimed at your own server: start it and put the port it listens on for ${PORT_PLACEHOLDER} (the grader's port is gone), or let wiregrade start it, from your submission's folder, putting a check's id for ID: ${regradeCommand(g, 'ID')}`;
}

/** A failure's replay command as a grade report prints it (see replayFor), or null. */
export function gradeReplay(g: Pick<GradeResult, 'launch' | 'run'>, c: CheckResult): string | null {
  const r = replayFor(commandRun(g), c);
  return r === null || !ranOnGradersPort(g) ? r : withPortPlaceholder(r);
}

/** A check's rerun command as a grade report prints it (see rerunCommand). */
export function gradeRerun(g: Pick<GradeResult, 'launch' | 'run'>, c: Pick<CheckResult, 'id' | 'property'>): string {
  const r = rerunCommand(commandRun(g), c);
  return ranOnGradersPort(g) ? withPortPlaceholder(r) : r;
}

/**
 * The command line that started the server, with `{port}` back where the grader put its port (so it
 * reads as the --cmd it was given); as it is when the port is not a word of it.
 */
export function commandTemplate(g: Pick<GradeResult, 'command' | 'run'>): string {
  const port = String(g.run.target.port);
  return g.command.replace(new RegExp(`(?<![0-9])${port}(?![0-9])`, 'g'), '{port}');
}

/**
 * The command that grades one check of one's own submission, wiregrade starting the server itself:
 * `wiregrade grade --cwd . --cmd '…' --profile P --checks ID` (run from the submission's folder).
 */
export function regradeCommand(g: Pick<GradeResult, 'command' | 'run'>, id: string): string {
  const inv = g.run.invocation ?? { profile: g.run.profile };
  const parts = ['wiregrade grade --cwd .', '--cmd', shellQuote(commandTemplate(g)), '--profile', shellQuote(inv.profile)];
  if (inv.path !== undefined) parts.push('--path', shellQuote(inv.path));
  if (inv.timeoutMs !== undefined) parts.push('--timeout-ms', String(inv.timeoutMs));
  if (g.run.strict) parts.push('--strict');
  parts.push('--seed', String(g.run.seed), '--checks', shellQuote(id));
  return parts.join(' ');
}
