import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/reporters/ansi.js';
import { finalLine, renderText, shrinkStop, summaryRows } from '../../src/reporters/text.js';
import type { CheckResult } from '../../src/runner/types.js';
import { blockedCheck, errorCheck, failCheck, passCheck, runResult, sequenceFailCheck, skipCheck, splitFailCheck, warnCheck } from './fixtures.js';

const all = [passCheck, failCheck, splitFailCheck, sequenceFailCheck, warnCheck, blockedCheck, skipCheck, errorCheck];

/** The table's body rows as arrays of cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

describe('summaryRows', () => {
  it('groups by family in SPEC order, with a total row', () => {
    expect(summaryRows(all)).toEqual([
      ['family', 'pass', 'fail', 'warn', 'blocked', 'skip', 'error'],
      ['robustness', '1', '0', '0', '0', '0', '0'],
      ['metamorphic', '0', '1', '0', '0', '0', '0'],
      ['wire', '0', '0', '1', '0', '0', '1'],
      ['status', '0', '1', '0', '0', '0', '0'],
      ['store', '0', '1', '0', '1', '1', '0'],
      ['total', '1', '3', '1', '1', '1', '1'],
    ]);
  });
});

describe('shrinkStop', () => {
  it('says whose budget stopped a shrink: its own, or what was left of the run\'s (none at all: not shrunk)', () => {
    expect(shrinkStop(4000, undefined)).toBe('the shrink stopped at its budget of 4 s waiting on deadlines');
    expect(shrinkStop(2600, 'run')).toBe("the shrink stopped after 3 s waiting on deadlines, what was left of the run's time for shrinks");
    expect(shrinkStop(0, 'run')).toBe("not shrunk: the run's shrinks had spent their time waiting on deadlines");
  });
});

describe('renderText', () => {
  const text = renderText(runResult(all), { color: false });

  it('draws the summary table with the counts', () => {
    expect(tableRows(text)).toEqual(summaryRows(all));
  });

  it('shows a failure in full: id, level, requirement and cite, expected joined with "or", actual, bytes, replay', () => {
    const start = text.indexOf(`✗ ${failCheck.id} [MUST]`);
    expect(start).toBeGreaterThan(0);
    const block = text.slice(start, text.indexOf('\n\n', start));
    expect(block).toContain('A request with an HTTP/2 version gets 505. (RFC 9110 §15.6.6)');
    expect(block).toContain('why:      the server answered 200 to an HTTP/2 request line');
    expect(block).toContain('expected: 505 or the connection closed without a response');
    expect(block).toContain('actual:   200 OK');
    expect(block).toContain("request:  GET /it's%\\\\ HTTP/2\\r\\nHost: x\\r\\n\\r\\n");
    expect(block).toContain('received: HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n');
    expect(block).toContain("replay:   (printf 'GET /it'\\''s%%\\\\ HTTP/2\\r\\nHost: x\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 8080");
  });

  it('shows split points, pauses and a piece-by-piece replay for a split request', () => {
    const start = text.indexOf(`✗ ${splitFailCheck.id}`);
    const block = text.slice(start, text.indexOf('\n\n', start));
    expect(block).toContain('sent in 3 pieces: split at byte 3, 10; pauses 50 ms, 1500 ms');
    expect(block).toContain("(printf 'GET'; sleep 0.05; printf ' / HTTP'; sleep 1.5; printf '/1.1\\r\\nHost: x\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 8080");
    expect(block).toContain('received: (no bytes)');
  });

  it('shows every request of a sequence, setup first', () => {
    const start = text.indexOf(`✗ ${sequenceFailCheck.id}`);
    const block = text.slice(start, text.indexOf('\n\n', start));
    expect(block.indexOf('setup 1:  POST /a')).toBeGreaterThan(0);
    expect(block.indexOf('request:  GET /a')).toBeGreaterThan(block.indexOf('setup 1:'));
    const replay = block.slice(block.indexOf('replay:'), block.indexOf('rerun:')).trimEnd().split('\n');
    expect(replay).toHaveLength(2);
    expect(replay[0]).toContain("printf 'POST /a");
    expect(replay[1]).toMatch(/^ {12}\(printf 'GET \/a/);
  });

  it('lists errors and blocked checks in one line each, and counts warnings by family (each with verbose)', () => {
    expect(text).toContain('! 1 warning (SHOULDs, not failures) by family: wire 1; --verbose lists each');
    expect(text).not.toContain(`! ${warnCheck.id}:`);
    expect(renderText(runResult(all), { color: false, verbose: true })).toContain(`! ${warnCheck.id}: no Date header`);
    expect(text).toContain(`E ${errorCheck.id}: the check itself failed: boom`);
    expect(text).toContain('- 1 check blocked: not run: the baseline request (baseline.valid-request-answered) failed');
  });

  it('ends with the one-line total', () => {
    const last = text.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      '8 checks: 1 passed, 3 failed, 1 warning, 1 blocked, 1 skipped, 1 error — target 127.0.0.1:8080, profile reference, seed 42, 1234 ms',
    );
    expect(last).toBe(finalLine(runResult(all)));
  });

  it('has no ANSI codes without colour, and the same text under them with colour', () => {
    expect(text).not.toMatch(/\x1b\[/);
    const colored = renderText(runResult(all), { color: true });
    expect(colored).toMatch(/\x1b\[31m/);
    expect(stripAnsi(colored)).toBe(text);
  });

  it('shows the first maxFailures failures in full and every other one in a line', () => {
    const many: CheckResult[] = Array.from({ length: 13 }, (_, i) => ({ ...failCheck, id: `status.f${i}` }));
    const full = (t: string): number => (t.match(/^ {2}expected: /gm) ?? []).length;
    const t = renderText(runResult(many), { color: false });
    expect(t.match(/^✗ /gm)).toHaveLength(13);
    expect(full(t)).toBe(5);
    expect(t).toContain('8 more failures, one line each (--max-failures N shows N in full, --all every one; --json FILE writes every detail to FILE):');
    expect(t).toContain('✗ status.f12 [MUST] got 200 OK; expected 505 or the connection closed without a response');
    expect(t).not.toContain('see --json');
    const t2 = renderText(runResult(many), { color: false, maxFailures: 2 });
    expect(t2.match(/^✗ /gm)).toHaveLength(13);
    expect(full(t2)).toBe(2);
    expect(full(renderText(runResult(many), { color: false, all: true, maxFailures: 2 }))).toBe(13);
    expect(renderText(runResult(many), { color: false, jsonFile: 'out.json' })).toContain('every detail is in the JSON report out.json');
  });

  it('says only the one sentence when the target was unreachable', () => {
    const t = renderText(runResult([], { unreachable: { kind: 'refused', message: 'ECONNREFUSED: connect ECONNREFUSED' } }), { color: true });
    expect(t).toBe('cannot reach 127.0.0.1:8080 (connection refused)\n');
  });

  it('says which check took the server down', () => {
    const down = { ...failCheck, id: 'robustness.huge-header', family: 'robustness' as const };
    const t = renderText(
      runResult([passCheck, down, { ...blockedCheck, reason: '', cause: { kind: 'blocked', by: { kind: 'server-down', after: 'robustness.huge-header', down: { kind: 'hung' } } } }], {
        stopped: { afterCheck: 'robustness.huge-header', cause: { kind: 'server-down', after: 'robustness.huge-header', down: { kind: 'hung' } } },
      }),
      { color: false },
    );
    expect(t).toContain('The run stopped after robustness.huge-header (the server stopped answering (it accepted connections but sent nothing, twice, the second time with a longer deadline) after robustness.huge-header); the checks after it were not run.');
    expect(t).toContain('1 check blocked: not run: the server stopped answering');
  });

  it('renders a clean run without failure sections', () => {
    const t = renderText(runResult([passCheck]), { color: false });
    expect(t).not.toContain('Failures');
    expect(t).not.toContain('Warnings');
    expect(t.trimEnd().split('\n').at(-1)).toMatch(/^1 check: 1 passed, 0 failed, 0 warnings/);
  });
});

describe('a failure names the sentence it breaks', () => {
  it('shows the source: the RFC section and the quoted sentence, or the profile rule', () => {
    const rfc: CheckResult = { ...failCheck, source: { rfc: 'RFC 9112 §3.2', quote: 'A server MUST respond with a 400 (Bad Request) status code' } };
    const rule: CheckResult = { ...failCheck, id: 'status.method.get-lower', source: { profile: 'reference', note: 'the reference protocol answers 405' } };
    const text = stripAnsi(renderText(runResult([rfc, rule]), { color: false }));
    expect(text).toContain('source:   RFC 9112 §3.2: “A server MUST respond with a 400 (Bad Request) status code”');
    expect(text).toContain('source:   the reference profile: the reference protocol answers 405');
  });
});

describe('renderText of a `fuzz --cmd` run', () => {
  it('aims every replay at PORT when fuzz chose the port, says so once, and reruns with --cmd', () => {
    const cmd = { invocation: { profile: 'reference', cmd: 'python3 server.py {port}' } };
    const corpus = { dir: 'wiregrade-corpus', replayed: [{ file: 'wiregrade-corpus/a.json', check: 'store.put-creates', verdict: 'FAILED' as const, reason: 'still 500', durationMs: 3 }], problems: [], notSelected: 0, added: [] };
    const t = renderText(runResult(all, { ...cmd, corpus }), { color: false });
    expect(t).not.toMatch(/nc (-w \d+ |-z )?127\.0\.0\.1 8080|--target 127\.0\.0\.1:8080/); // (the last line still says where it ran)
    expect(t).toMatch(/\| nc -w \d+ 127\.0\.0\.1 PORT$/m);
    expect(t).toContain('wiregrade replay wiregrade-corpus/a.json --target 127.0.0.1:PORT');
    expect(t).toContain(`rerun:    wiregrade fuzz --cmd 'python3 server.py {port}' --checks ${failCheck.id} `);
    expect(t.match(/The replay commands are aimed at your own server: start it and put the port it listens on for PORT/g)).toHaveLength(1);
    // A --target run keeps its port, and needs no such sentence.
    const given = renderText(runResult(all, { corpus }), { color: false });
    expect(given).toContain('wiregrade replay wiregrade-corpus/a.json --target 127.0.0.1:8080');
    expect(given).not.toContain('aimed at your own server');
  });
});
