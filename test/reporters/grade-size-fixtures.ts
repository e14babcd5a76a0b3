/**
 * Graded submissions built from the real catalogue without a socket: one that never started (every
 * check blocked or skipped, as src/runner/grade.ts records it) and a typical one (40 failures with their
 * requests and exchanges). The report-size tests measure what each reporter writes for them.
 */
import { catalogue, properties } from '../../src/cli/catalogue.js';
import type { Exchange } from '../../src/client/exchange.js';
import type { Profile } from '../../src/model/profile.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { applies, skipReason } from '../../src/model/profile-policy.js';
import type { GradeResult, LaunchOutcome } from '../../src/runner/grade-types.js';
import { notRun } from '../../src/runner/plan.js';
import { familyScores, scoreRun } from '../../src/runner/score.js';
import type { CheckResult, RunResult } from '../../src/runner/types.js';
import { latin1 } from '../../src/wire/bytes.js';
import { runResult, sent } from './fixtures.js';

const ENV = { canRestart: true, canary: true };

/**
 * The grader's port in these results: data only, never bound or connected to (no socket here), and a
 * number no request of the catalogue holds (8080 is in a Host check), so a test can tell it apart.
 */
export const GRADER_PORT = 40123;

function run(profile: Profile, checks: CheckResult[]): RunResult {
  return runResult(checks, { target: { host: '127.0.0.1', port: GRADER_PORT }, profile: profile.name, seed: 20261121, durationMs: 61_000, invocation: { profile: profile.name } });
}

function graded(submission: string, r: RunResult, launch: LaunchOutcome): GradeResult {
  const failed = r.checks.find((c) => c.verdict === 'fail');
  return { submission, command: `python3 server.py ${r.target.port}`, run: r, score: scoreRun(r), families: familyScores(r), launch, restarts: 0, deaths: [], sandbox: 'none', timedOut: false, durationMs: 900, ...(failed ? { topFailure: failed.id } : {}) };
}

/** Every check of the catalogue blocked (or skipped by the profile), as when the server exited before it listened. */
export function neverStarted(submission = 'nora', profile: Profile = anyProfile('/')): GradeResult {
  const launch: LaunchOutcome = { kind: 'exited-before-listening', code: 1, signal: null, stderrTail: 'Traceback (most recent call last):\n  File "server.py", line 1, in <module>\nNameError: name \'sokcet\' is not defined\n' };
  const by = { kind: 'not-started' as const, failure: { kind: 'exited' as const, code: 1, signal: null, addressInUse: false } };
  const checks = [...catalogue(), ...properties()].map((c) => (applies(c, profile, ENV) ? notRun(c, profile, 'blocked', '', by) : notRun(c, profile, 'skip', skipReason(c, profile, ENV))));
  return graded(submission, run(profile, checks), launch);
}

function exchange(request: string, received: string): Exchange {
  const a = latin1(request);
  const b = latin1(received);
  return { kind: 'response', responses: [], finals: [], partial: null, connection: 'closed', sentBytes: a.length, receivedBytes: b.length, elapsedMs: 3, transcript: [{ dir: 'sent', atMs: 0, bytes: a }, { dir: 'received', atMs: 2, bytes: b }] };
}

/**
 * A typical weak submission, as real ones come (sizes of a zoo server graded under `any`): `failures`
 * checks fail, each with its requirement and RFC sentence, a 170-byte request, the server's answer and a
 * corpus entry; `warnings` more warn; the rest pass.
 */
export function typical(submission = 'tom', failures = 40, warnings = 50, profile: Profile = anyProfile('/')): GradeResult {
  let fails = failures;
  let warns = warnings;
  const checks = [...catalogue(), ...properties()].map((c, i): CheckResult => {
    if (!applies(c, profile, ENV)) return notRun(c, profile, 'skip', skipReason(c, profile, ENV));
    const base = notRun(c, profile, 'skip', '');
    const verdict = c.id === 'baseline.valid-request-answered' ? 'pass' : fails > 0 ? (fails--, 'fail') : warns > 0 ? (warns--, 'warn') : 'pass';
    if (verdict === 'pass') return { ...base, verdict, runs: 1, durationMs: 3, reason: '', expected: ['200'], actual: '200 OK' };
    const req = `POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: \x0bchunked\r\n\r\n39\r\nGET /wg${i}-smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    const answer = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
    return {
      ...base,
      verdict,
      runs: 1,
      failures: 1,
      durationMs: 12,
      reason: 'the request was served (200 OK, then the connection closed before the other response(s)) where the RFC requires it to be refused',
      expected: ['400 or 501, then the connection closed', 'any 4xx status or any 5xx status, then the connection closed (warning)', 'the connection closed without a response (warning)'],
      actual: '200 OK, then the connection closed before the other response(s)',
      request: sent(req, 'POST'),
      exchanges: [exchange(req, answer)],
      ...(verdict === 'fail' ? { corpusFile: `/home/ta/reports/corpus/${submission}/${c.id}/42aa66013813.json` } : {}),
    };
  });
  return graded(submission, run(profile, checks), { kind: 'listening', startMs: 140 });
}
