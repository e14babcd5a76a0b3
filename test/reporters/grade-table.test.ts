import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/reporters/ansi.js';
import { renderClassTable, renderGradeTable } from '../../src/reporters/grade-table.js';
import { classRows, compareSubmissions, gradeNotes, gradeStatus, lastLines, printable, scoreRows } from '../../src/reporters/grading.js';
import { runResult } from './fixtures.js';
import { allChecks, crashedAtStart, diedTwice, grade, hostileFailCheck, STDERR } from './grade-fixtures.js';

/** A drawn table's body rows as arrays of cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

describe('scoreRows', () => {
  it('gives passed / total and points / max per family in SPEC order, and a total row with the percent', () => {
    expect(scoreRows(grade('alice'))).toEqual([
      ['family', 'passed', 'points', '%'],
      ['robustness', '2 / 2', '2 / 2', '100.0%'],
      ['metamorphic', '0 / 1', '0 / 1', '0.0%'],
      ['wire', '0 / 1', '0 / 1', '0.0%'],
      ['status', '0 / 2', '0 / 2', '0.0%'],
      ['store', '0 / 4', '0 / 4', '0.0%'],
      ['total', '2 / 10', '2 / 10', '20.0%'],
    ]);
  });

  it('takes the total points from the grade, and shows fractional points and percent to one decimal', () => {
    const g = grade('x', allChecks, {
      families: [
        { family: 'store', passed: 1, total: 3, points: 1.5, max: 3 },
        { family: 'robustness', passed: 2, total: 2, points: 2, max: 2 },
      ],
      score: { points: 3.5, max: 5 },
    });
    expect(scoreRows(g)).toEqual([
      ['family', 'passed', 'points', '%'],
      ['robustness', '2 / 2', '2 / 2', '100.0%'],
      ['store', '1 / 3', '1.5 / 3', '50.0%'],
      ['total', '3 / 5', '3.5 / 5', '70.0%'],
    ]);
  });
});

describe('renderGradeTable', () => {
  const text = renderGradeTable(grade('alice'), { color: false });

  it('starts with the score, then draws the family table', () => {
    expect(text.split('\n')[0]).toBe('alice: 2 / 10 points (20.0%)');
    expect(tableRows(text)).toEqual(scoreRows(grade('alice')));
  });

  it('says how the launch went and which sandbox ran', () => {
    expect(text).toContain('· server started in 120 ms (listening on port 8080)');
    expect(text).toContain('· sandbox: none');
    expect(renderGradeTable(grade('a', allChecks, { sandbox: 'bubblewrap' }), { color: false })).toContain('· sandbox: bubblewrap');
    expect(renderGradeTable(grade('a', allChecks, { sandbox: 'unavailable' }), { color: false })).toContain(
      '✗ a sandbox was asked for but bubblewrap could not be used: the server ran without one',
    );
  });

  it('shows the failures in full with text.ts\'s block, then errors, blocked by reason and the count line', () => {
    expect(text).toContain('Failures (4):');
    expect(text).toContain(`✗ ${hostileFailCheck.id} [MUST] ${hostileFailCheck.requirement} (RFC 9112 §3.2)`);
    expect(text).toContain("replay:   (printf 'GET /<script>alert(1)</script>\\000x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 PORT");
    expect(text).toContain('rerun:    wiregrade fuzz --target 127.0.0.1:PORT --checks status.path.script-is-400 --profile reference --no-corpus --runs 0');
    // Where PORT comes from, and the command that starts the server itself.
    expect(text).toContain("put the port it listens on for PORT (the grader's port is gone), or let wiregrade start it, from your submission's folder, putting a check's id for ID: wiregrade grade --cwd . --cmd 'python3 server.py' --profile reference --seed 42 --checks ID");
    expect(text).not.toMatch(/nc 127\.0\.0\.1 8080|--target 127\.0\.0\.1:8080/);
    expect(text).toContain('E wire.broken-check: the check itself failed: boom');
    expect(text).toContain('- 2 checks blocked: not run: the baseline request (baseline.valid-request-answered) failed');
    expect(text).toContain('- 1 check blocked: not run: POST /{name} failed');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^12 checks: 2 passed, 4 failed, 1 warning, 3 blocked, 1 skipped, 1 error — target 127\.0\.0\.1:8080/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('shows the first maxFailures failures (10 by default) in full and every other one on a line', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...hostileFailCheck, id: `status.f${String(i).padStart(2, '0')}` }));
    const t = renderGradeTable(grade('m', many), { color: false });
    expect(t.match(/^✗ status\.f\d\d/gm)).toHaveLength(12);
    expect(t.match(/^  expected:/gm)).toHaveLength(10);
    expect(t).toContain('2 more, one line each');
    for (const id of ['status.f10', 'status.f11']) expect(t).toContain(id);
    expect(t).not.toContain('see --json');
    const t2 = renderGradeTable(grade('m', many), { color: false, maxFailures: 3 });
    expect(t2.match(/^  expected:/gm)).toHaveLength(3);
    expect(t2.match(/^✗ status\.f\d\d/gm)).toHaveLength(12);
  });

  it('lets no control character from the server or the check through to the terminal', () => {
    const plain = renderGradeTable(diedTwice(), { color: false });
    // eslint-disable-next-line no-control-regex
    expect(plain).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(plain).toContain('why:      the server answered 200 & echoed the path\\x07');
    expect(plain).toContain('IndexError: list index out of range\\x1b[31m');
    const colored = renderGradeTable(diedTwice(), { color: true });
    expect(colored).toContain('\x1b[31m');
    expect(stripAnsi(colored)).toBe(plain);
  });

  it('reports deaths and restarts, each death with its check and how it ended, and the first one\'s stderr', () => {
    const t = renderGradeTable(diedTwice(), { color: false });
    expect(t).toContain(
      '✗ the server died 3 times and was restarted 2 times: after robustness.survives-empty-request (exit code 1), ' +
        'after status.path.script-is-400 (signal SIGSEGV), after metamorphic.split.any-byte (exit code 1, not restarted)',
    );
    expect(t).toContain('    its last lines on stderr, after robustness.survives-empty-request:\n      IndexError');
  });

  it('words every restart case', () => {
    const death = { afterCheck: 'a.b', chargedTo: 'a.b', down: { kind: 'exited' as const, code: 1, signal: null }, code: 1, signal: null, stderrTail: '', restarted: true };
    const text1 = gradeNotes(grade('x', allChecks, { deaths: [death, { ...death, afterCheck: 'c.d', chargedTo: 'c.d' }], restarts: 2 })).find((n) => n.kind === 'restarts')!.text;
    expect(text1).toBe('the server died 2 times and was restarted: after a.b (exit code 1), after c.d (exit code 1)');
    const text2 = gradeNotes(grade('x', allChecks, { deaths: [{ ...death, restarted: false }], restarts: 0 })).find((n) => n.kind === 'restarts')!.text;
    expect(text2).toBe('the server died 1 time and was not restarted: after a.b (exit code 1, not restarted)');
    const many = Array.from({ length: 7 }, (_, i) => ({ ...death, afterCheck: `c${i}`, chargedTo: `c${i}` }));
    const text3 = gradeNotes(grade('x', allChecks, { deaths: many, restarts: 7 })).find((n) => n.kind === 'restarts')!.text;
    expect(text3).toMatch(/after c4 \(exit code 1\), … and 2 more$/);
    expect(gradeNotes(grade('x')).some((n) => n.kind === 'restarts')).toBe(false);
  });

  it('says how the checks ran: side by side and how wide, where it went back to one at a time, or why one at a time', () => {
    const note = (sideBySide: NonNullable<ReturnType<typeof runResult>['sideBySide']>) =>
      gradeNotes(grade('x', allChecks, { run: { ...runResult(allChecks), sideBySide } })).find((n) => n.kind === 'side-by-side')!;
    const side = note({ mode: 'side-by-side', width: 7, ran: 230, batches: 33 });
    expect(side).toEqual({ kind: 'side-by-side', bad: false, text: 'checks side by side: 230 in 33 batches, up to 7 at once (the server answered a client while 7 others stalled); --serial runs one at a time' });
    expect(note({ mode: 'side-by-side', width: 16, ran: 16, batches: 1, fellBack: { after: 'status.header.no-colon-is-400', why: 'exited' } }).text).toBe(
      'checks side by side: 16 in 1 batch, up to 16 at once (the server answered a client while 16 others stalled); one at a time from status.header.no-colon-is-400 on, where the server exited during a batch (that batch ran again, one check at a time); --serial runs one at a time',
    );
    expect(note({ mode: 'serial', why: 'one-client-at-a-time' }).text).toBe('one check at a time: the server did not answer a client while one other stalled, or while three did');
    expect(note({ mode: 'serial', why: 'asked' }).text).toBe('one check at a time (--serial)');
    expect(note({ mode: 'serial', why: 'exits-after-serving' }).text).toBe('one check at a time: the server exited after serving a client');
    // A run that never came to ask (fuzz, or no two such checks) says nothing.
    expect(gradeNotes(grade('x')).some((n) => n.kind === 'side-by-side')).toBe(false);
  });

  it('explains a server that exited before listening, with its last stderr lines', () => {
    const t = renderGradeTable(crashedAtStart(), { color: false });
    expect(t).toContain('✗ the server exited before listening (exit code 1)\n    last lines on stderr:\n      Traceback (most recent call last):');
    expect(t).toContain('      OSError: [Errno 98] Address already in use');
    expect(tableRows(t)).toEqual([['family', 'passed', 'points', '%'], ['total', '0 / 0', '0 / 0', '0.0%']]);
    expect(t).not.toContain('Failures');
  });

  it('explains a server that never listened, with the wait when given, and one killed by a signal', () => {
    const g = grade('n', [], { launch: { kind: 'never-listened', stderrTail: '', listensOn: [] }, run: runResult([]) });
    const t = renderGradeTable(g, { color: false, startTimeoutMs: 10_000 });
    expect(t).toContain('✗ the server never listened on port 8080 within 10 s\n    stderr:\n      (nothing on stderr)');
    expect(renderGradeTable(g, { color: false })).toContain('✗ the server never listened on port 8080\n');
    // The wait it was given, when the launch says (the start timeout twice for a silent process).
    const waited = grade('w', [], { launch: { kind: 'never-listened', stderrTail: '', listensOn: [], waitedMs: 20_000 }, run: runResult([]) });
    expect(renderGradeTable(waited, { color: false, startTimeoutMs: 10_000 })).toContain('✗ the server never listened on port 8080 within 20 s\n');
    const sig = grade('s', [], { launch: { kind: 'exited-before-listening', code: null, signal: 'SIGKILL', stderrTail: STDERR }, run: runResult([]) });
    expect(renderGradeTable(sig, { color: false })).toContain('the server exited before listening (signal SIGKILL)');
  });

  it('reports a wall-time limit hit, a run that stopped and a target not started by wiregrade', () => {
    const g = grade('t', allChecks, {
      timedOut: true,
      launch: { kind: 'not-launched' },
      run: runResult(allChecks, { stopped: { afterCheck: 'robustness.flood', cause: { kind: 'server-down', after: 'robustness.flood', down: { kind: 'hung' } } } }),
    });
    const t = renderGradeTable(g, { color: false });
    expect(t).toContain('· graded at 127.0.0.1:8080 (a server wiregrade did not start)');
    // That server still runs where it ran: its commands keep its address.
    expect(t).toContain('| nc -w 2 127.0.0.1 8080');
    expect(t).toContain('--target 127.0.0.1:8080 ');
    expect(t).not.toContain('PORT');
    expect(t).toContain('✗ timed out: the submission hit its wall-time limit and was stopped');
    expect(t).toContain('✗ the run stopped after robustness.flood (the server stopped answering (it accepted connections but sent nothing, twice, the second time with a longer deadline) after robustness.flood); the checks after it were not run');
    expect(t).not.toContain('sandbox: none');
  });
});

describe('helpers', () => {
  it('printable escapes control characters and bidi overrides, and keeps the rest', () => {
    expect(printable('a\x1b[2Jb\x00\u202ec\té')).toBe('a\\x1b[2Jb\\x00\\u202ec é');
  });

  it('lastLines keeps the last non-blank lines, capped', () => {
    expect(lastLines('a\n\nb\r\nc\n\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('x'.repeat(300))[0]).toHaveLength(201);
  });

  it('gradeStatus: crashed at start, never listened, timed out, unreachable, died, ok', () => {
    expect(gradeStatus(crashedAtStart())).toBe('crashed at start');
    expect(gradeStatus(grade('a', [], { launch: { kind: 'never-listened', stderrTail: '', listensOn: [] } }))).toBe('never listened');
    expect(gradeStatus(grade('a', allChecks, { timedOut: true }))).toBe('timed out');
    expect(gradeStatus(grade('a', [], { run: runResult([], { unreachable: { kind: 'refused', message: 'ECONNREFUSED' } }) }))).toBe('unreachable');
    expect(gradeStatus(diedTwice())).toBe('died 3×');
  });

  it('compareSubmissions sorts numbers by value, case-insensitively, and is total', () => {
    expect(['s10', 'S2', 'alice', 's1', 'Bob', 's2'].sort(compareSubmissions)).toEqual(['alice', 'Bob', 's1', 'S2', 's2', 's10']);
  });
});

describe('renderClassTable', () => {
  const rows = [grade('s10'), grade('s2'), crashedAtStart('carol'), diedTwice('dave'), grade('eve', [], { timedOut: true, run: runResult([]), score: { points: 0, max: 0 } })];

  it('has one row per submission, sorted by name, with score, percent, restarts, status and top failure', () => {
    expect(classRows(rows)).toEqual([
      ['student', 'score', '%', 'restarts', 'status', 'top failure'],
      ['carol', '0 / 0', '0.0%', '0', 'crashed at start', '—'],
      ['dave', '2 / 10', '20.0%', '2', 'died 3×', 'status.path.script-is-400'],
      ['eve', '0 / 0', '0.0%', '0', 'timed out', '—'],
      ['s2', '2 / 10', '20.0%', '0', 'ok', 'metamorphic.split.any-byte'],
      ['s10', '2 / 10', '20.0%', '0', 'ok', 'metamorphic.split.any-byte'],
    ]);
  });

  it('draws them, then a line with the count, the mean and the problems', () => {
    const t = renderClassTable(rows, { color: false });
    expect(tableRows(t)).toEqual(classRows(rows));
    expect(t.trimEnd().split('\n').at(-1)).toBe('5 submissions, mean 12.0%, 1 crashed at start, 1 died, 1 timed out');
    expect(stripAnsi(renderClassTable(rows, { color: true }))).toBe(t);
  });

  it('survives hostile folder names (no control characters reach the terminal or the table package)', () => {
    const t = renderClassTable([grade('evil\x1b[2J\nname\t')], { color: false });
    expect(tableRows(t)[1]![0]).toBe('evil\\x1b[2J\\x0aname');
    expect(renderClassTable([], { color: false })).toContain('0 submissions');
  });

  it('falls back to the first failing check when the grade names no top failure', () => {
    expect(classRows([grade('a', allChecks, { topFailure: undefined })])[1]![5]).toBe('metamorphic.split.any-byte');
  });
});
