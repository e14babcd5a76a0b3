import type { Family } from '../../src/checks/types.js';
import type { Exchange } from '../../src/client/exchange.js';
import type { FamilyScore, GradeResult } from '../../src/runner/grade-types.js';
import type { CheckResult } from '../../src/runner/types.js';
import { score } from '../../src/reporters/json.js';
import { latin1 } from '../../src/wire/bytes.js';
import { blockedCheck, errorCheck, failCheck, passCheck, runResult, sent, sequenceFailCheck, skipCheck, splitFailCheck, warnCheck } from './fixtures.js';

/** Bytes a hostile request carries: CRLF, a NUL and a script tag. */
export const HOSTILE_REQUEST = 'GET /<script>alert(1)</script>\x00x HTTP/1.1\r\nHost: x\r\n\r\n';
/** And what a hostile server answers: a script tag, a NUL, a terminal escape, a form feed. */
export const HOSTILE_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 41\r\n\r\n<script>alert("pwned")</script>\x00\x1b[2J\x0c';

function exchange(request: string, received: string, kind: Exchange['kind'] = 'response'): Exchange {
  const sentBytes = latin1(request);
  const got = latin1(received);
  return {
    kind,
    responses: [],
    finals: [],
    partial: null,
    connection: 'closed',
    sentBytes: sentBytes.length,
    receivedBytes: got.length,
    elapsedMs: 4,
    transcript: [
      { dir: 'sent', atMs: 0, bytes: sentBytes },
      { dir: 'received', atMs: 2, bytes: got.subarray(0, 10) },
      { dir: 'received', atMs: 3, bytes: got.subarray(10) },
    ],
  };
}

/** A failure whose request and response hold everything a report must escape. */
export const hostileFailCheck: CheckResult = {
  id: 'status.path.script-is-400',
  family: 'status',
  level: 'MUST',
  requirement: 'A path with characters outside the name pattern gets 400 <Bad Request>.',
  cite: 'RFC 9112 §3.2',
  verdict: 'fail',
  runs: 1,
  failures: 1,
  durationMs: 12,
  reason: 'the server answered 200 & echoed the path\x07',
  expected: ['400', 'the connection closed without a response'],
  actual: '200 OK <script>\x01',
  request: sent(HOSTILE_REQUEST),
  exchanges: [exchange(HOSTILE_REQUEST, HOSTILE_RESPONSE)],
};

export const blockedOther: CheckResult = { ...blockedCheck, id: 'store.patch-merges', requirement: 'PATCH merges fields.' };
export const blockedElse: CheckResult = { ...blockedCheck, id: 'store.delete-then-get', reason: 'POST /{name} failed', cause: undefined };

/** Every verdict: pass, four failures (one hostile), a SHOULD warning, three blocked (two reasons), a skip, an error. */
export const allChecks: CheckResult[] = [
  passCheck,
  { ...passCheck, id: 'robustness.survives-empty-request', requirement: 'An empty request does not kill the server.' },
  hostileFailCheck,
  failCheck,
  splitFailCheck,
  sequenceFailCheck,
  warnCheck,
  blockedCheck,
  blockedOther,
  blockedElse,
  skipCheck,
  errorCheck,
];

/** Per-family scores by the JSON report's rule (the grader's job; the reporters only render them). */
export function familiesOf(checks: readonly CheckResult[], strict = false): FamilyScore[] {
  const fams = [...new Set(checks.map((c) => c.family))] as Family[];
  return fams.map((family) => {
    const of = checks.filter((c) => c.family === family);
    const counted = of.filter((c) => score(runResult([c], { strict })).max > 0);
    const s = score(runResult(of, { strict }));
    return { family, passed: counted.filter((c) => c.verdict === 'pass').length, total: counted.length, points: s.points, max: s.max };
  });
}

/** A graded submission: the checks' score and families computed, everything else overridable. */
export function grade(submission: string, checks: CheckResult[] = allChecks, over: Partial<GradeResult> = {}): GradeResult {
  const run = over.run ?? runResult(checks);
  return {
    submission,
    command: 'python3 server.py',
    run,
    score: score(run),
    families: familiesOf(run.checks, run.strict),
    launch: { kind: 'listening', startMs: 120 },
    restarts: 0,
    deaths: [],
    sandbox: 'none',
    timedOut: false,
    durationMs: 5432,
    topFailure: run.checks.find((c) => c.verdict === 'fail')?.id,
    ...over,
  };
}

export const STDERR = 'Traceback (most recent call last):\n  File "server.py", line 3, in <module>\n    s.bind(("", port))\nOSError: [Errno 98] Address already in use\n';

/** A submission that exits before it listens: no checks ran. */
export function crashedAtStart(submission = 'carol'): GradeResult {
  return grade(submission, [], {
    launch: { kind: 'exited-before-listening', code: 1, signal: null, stderrTail: STDERR },
    run: runResult([], { unreachable: { kind: 'refused', message: 'ECONNREFUSED' } }),
    score: { points: 0, max: 0 },
    families: [],
    durationMs: 800,
  });
}

/** A submission that died three times: restarted twice, then left dead. */
export function diedTwice(submission = 'dave'): GradeResult {
  return grade(submission, allChecks, {
    restarts: 2,
    deaths: [
      { afterCheck: 'robustness.survives-empty-request', chargedTo: 'robustness.survives-empty-request', down: { kind: 'exited', code: 1, signal: null }, code: 1, signal: null, stderrTail: 'IndexError: list index out of range\x1b[31m\n', restarted: true },
      { afterCheck: 'status.path.script-is-400', chargedTo: 'status.path.script-is-400', down: { kind: 'exited', code: null, signal: 'SIGSEGV' }, code: null, signal: 'SIGSEGV', stderrTail: '', restarted: true },
      { afterCheck: 'metamorphic.split.any-byte', chargedTo: 'metamorphic.split.any-byte', down: { kind: 'exited', code: 1, signal: null }, code: 1, signal: null, stderrTail: 'boom', restarted: false },
    ],
    sandbox: 'bubblewrap',
  });
}
