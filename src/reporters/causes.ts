/**
 * The words for the runner's causes (src/runner/causes.ts): the one place where a death, a hang, a
 * refusal or a block becomes a sentence. Every reporter phrases causes through here.
 */
import type { BlockCause, DownCause, LaunchFailure, ResultCause, Unreachable } from '../runner/causes.js';
import type { CheckResult, RunResult, SideBySide } from '../runner/types.js';

/** `exit code 1`, `signal SIGSEGV`. */
export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
}

/** How the server was found gone: `the server process exited (exit code 1)`. */
export function phraseDown(d: DownCause): string {
  switch (d.kind) {
    case 'exited':
      return `the server process exited (${describeExit(d.code, d.signal)})${d.said && (d.code !== 0 || d.signal !== null) ? `; its last words: ${d.said}` : ''}`;
    case 'hung':
      return 'the server stopped answering (it accepted connections but sent nothing, twice, the second time with a longer deadline)';
    case 'refused':
      return 'the server stopped accepting connections';
    case 'stopped-listening':
      return 'the server process still runs but no longer listens on its port';
  }
}

/** Why a launch gave no server: one sentence without the final period. */
export function phraseLaunchFailure(f: LaunchFailure): string {
  switch (f.kind) {
    case 'exited':
      return f.addressInUse
        ? `the server exited (${describeExit(f.code, f.signal)}): address already in use`
        : `the server exited before listening (${describeExit(f.code, f.signal)})`;
    case 'never-listened':
      return f.listensOn.length > 0
        ? `your server listens on ${f.listensOn.join(', ')}, not ${f.port}`
        : `the server never listened on port ${f.port}`;
    case 'port-busy':
      return `port ${f.port} is already in use by another process${f.pid !== null ? ` (pid ${f.pid}${f.command ? `, ${f.command}` : ''})` : ''}: nothing there is the submission's, so nothing was graded`;
    case 'port-held':
      return `port ${f.port} was still held by the old server's connections after ${Math.round(f.waitedMs / 1000)} s (TIME_WAIT; the server does not set SO_REUSEADDR)`;
  }
}

/** Why checks were not run, without the leading `not run:`. */
export function blockWhy(b: BlockCause): string {
  switch (b.kind) {
    case 'baseline-failed':
      return `the baseline request (${b.baseline}) failed`;
    case 'server-down':
      return `${phraseDown(b.down)} after ${b.after}`;
    case 'restart-failed':
      return `the server went away after ${b.after} and could not be started again: ${phraseLaunchFailure(b.failure)}`;
    case 'restart-budget':
      return `checks of the ${b.family} family took the server down ${b.limit} times, its restart budget`;
    case 'restarts-spent':
      if (b.budgetMs !== undefined) return `${phraseDown(b.down)} after ${b.after}, and it had been started again ${b.limit} times after exiting after a client (see robustness.server.keeps-serving), for ${Math.round(b.budgetMs / 1000)} s, as long as allowed`;
      return `${phraseDown(b.down)} after ${b.after}, and it had been started again ${b.limit} times ${b.why === 'hangs' ? 'after hanging' : b.why === 'exits-after-serving' ? 'after exiting after a client (see robustness.server.keeps-serving)' : 'after deaths'}, as often as allowed`;
    case 'wall-time':
      return `the submission's wall-time limit (${Math.round(b.limitMs / 1000)} s) was reached`;
    case 'interrupted':
      return `the run was interrupted (${b.signal})`;
    case 'not-started':
      return `${phraseLaunchFailure(b.failure)}`;
    case 'left-after-serving':
      return `${phraseDown(b.down)} in the middle of this check, after answering it correctly, so it could not be judged (see robustness.server.keeps-serving)`;
  }
}

export function phraseBlock(b: BlockCause): string {
  return `not run: ${blockWhy(b)}`;
}

/**
 * How the server went away after a request, short enough for a failure's first line:
 * `the server exited (code 1) after this request`, `the server hung after this request`.
 */
export function phraseDeath(d: DownCause, after = 'this request'): string {
  switch (d.kind) {
    case 'exited':
      return `the server exited (${d.signal ? `signal ${d.signal}` : `code ${d.code ?? '?'}`}) after ${after}`;
    case 'hung':
      return `the server hung after ${after} (it accepted connections but answered nothing, twice)`;
    case 'refused':
      return `the server stopped accepting connections after ${after}`;
    case 'stopped-listening':
      return `the server stopped listening after ${after} (its process still runs)`;
  }
}

/**
 * The headline of a result after which the server went away (every reporter puts it on the result's
 * first line, so a death never reads like a pass that failed); null when the server lived on.
 */
export function deathHeadline(c: Pick<CheckResult, 'cause'>): string | null {
  switch (c.cause?.kind) {
    case 'died':
      return phraseDeath(c.cause.down);
    case 'exits-after-serving':
      return phraseDeath(c.cause.down, `answering a client correctly (${c.cause.times === 1 ? 'once' : `${c.cause.times} times`}, first after ${c.cause.firstAfter})`);
    default:
      return null;
  }
}

export function phraseCause(c: ResultCause): string {
  switch (c.kind) {
    case 'died':
      return `${phraseDeath(c.down)}${c.restarted ? ' (it was started again)' : ''}`;
    case 'blocked':
      return phraseBlock(c.by);
    case 'exits-after-serving':
      return `${deathHeadline({ cause: c })}: it must keep serving new clients`;
  }
}

/** The sentence a report shows for a result: the runner's cause first, then the check's own words. */
export function reasonOf(c: Pick<CheckResult, 'reason' | 'cause'> & Partial<Pick<CheckResult, 'rootCause' | 'because'>> & { verdict?: string }): string {
  if (c.rootCause && c.because?.finding === 'died-on-unrouted-host' && c.cause) {
    return `follows from ${c.rootCause} (the server died on a request whose Host carries none of its routes), deducted there, not here: ${phraseCause(c.cause)}`;
  }
  if (c.rootCause) return `follows from ${c.rootCause} (${c.because?.finding ?? 'its finding'} in the same answer), deducted there, not here: ${c.reason}`;
  // A check's own `blocked` (its setup step failed) carries its words only.
  if (!c.cause) return c.verdict === 'blocked' ? `not run: ${c.reason}` : c.reason;
  const cause = phraseCause(c.cause);
  return c.reason && c.cause.kind !== 'blocked' ? `${cause} (the check itself saw: ${c.reason})` : cause;
}

/** The blocked results grouped by what blocked them, in order of first appearance: [sentence, count]. */
export function blockedGroups(checks: readonly CheckResult[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const c of checks) if (c.verdict === 'blocked') m.set(reasonOf(c), (m.get(reasonOf(c)) ?? 0) + 1);
  return [...m];
}

/**
 * What "served" meant in a run that learned it from the baseline (`any`): the server's own answer to the
 * known path. For a 4xx, the sentence says so and how to name a path the server serves.
 */
export function phraseBaselineAnswer(b: NonNullable<RunResult['baselineAnswer']>): string {
  const asked = `${b.method} ${b.target}`;
  if (b.status >= 400) {
    return `${asked} answered ${b.status}: a request is judged "served" when it is answered ${b.status} as ${asked} was; to judge by a path your server serves, name it with --path (e.g. --path /index.html)`;
  }
  return `${asked} answered ${b.status}: a request is judged "served" when it is answered ${b.status} as ${asked} was (the RFC says a request is processed, not that it gets 200)`;
}

const FELL_BACK: Record<NonNullable<Extract<SideBySide, { mode: 'side-by-side' }>['fellBack']>['why'], string> = {
  exited: 'the server exited',
  hung: 'the server stopped answering',
  refused: 'a connection was refused',
  error: 'a check could not run',
  revived: 'the server exited after serving a client',
};

/** How the checks ran (side by side or one at a time), and why: what the grade assumed of the server. */
export function phraseSideBySide(sb: SideBySide): string {
  if (sb.mode === 'serial') {
    if (sb.why === 'asked') return 'one check at a time (--serial)';
    if (sb.why === 'exits-after-serving') return 'one check at a time: the server exited after serving a client';
    if (sb.why === 'baseline-failed') return 'one check at a time: the baseline request was not served';
    if (sb.why === 'not-shown') {
      if (sb.verdict === undefined) return `one check at a time: ${sb.check} did not run, so the server was not seen answering a client while another waits (with it in --checks, the waits for unanswered requests overlap)`;
      return `one check at a time: ${sb.check} did not pass (${sb.verdict}), so the server was not seen answering a client while another waits`;
    }
    return 'one check at a time: the server did not answer a client while one other stalled, or while three did';
  }
  if (sb.mode === 'waits-side-by-side') {
    const ran = `silences waited side by side: ${sb.ran} checks in ${sb.batches} ${sb.batches === 1 ? 'batch' : 'batches'}, up to ${sb.peak} requests waiting at once, every request sent and every connection closed one check at a time`;
    const back = sb.fellBack ? `; one at a time from ${sb.fellBack.after} on, where the server stopped answering while requests waited` : '';
    return `${ran}${back}; --serial runs one at a time`;
  }
  const ran = `checks side by side: ${sb.ran} in ${sb.batches} ${sb.batches === 1 ? 'batch' : 'batches'}, up to ${sb.width} at once (the server answered a client while ${sb.width} others stalled)`;
  const back = sb.fellBack ? `; one at a time from ${sb.fellBack.after} on, where ${FELL_BACK[sb.fellBack.why]} during a batch (that batch ran again, one check at a time)` : '';
  return `${ran}${back}; --serial runs one at a time`;
}

export function phraseUnreachable(u: Unreachable): string {
  return u.kind === 'refused' ? 'connection refused' : u.kind === 'timeout' ? 'no TCP connection was accepted in time' : u.message;
}
