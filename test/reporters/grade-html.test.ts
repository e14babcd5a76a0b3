import { describe, expect, it } from 'vitest';
import { replaySequence, rerunCommand } from '../../src/reporters/replay.js';
import { BYTES_CAP, escapeHtml, hexDump, renderHtmlReport, showBytesByLine } from '../../src/reporters/html.js';
import type { CheckResult } from '../../src/runner/types.js';
import { latin1 } from '../../src/wire/bytes.js';
import { runResult, sent } from './fixtures.js';
import { allChecks, crashedAtStart, diedTwice, grade, hostileFailCheck } from './grade-fixtures.js';

/** The page's text as a reader sees it: tags removed, the entities the reporter writes decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of the section with this id, up to the next section or h2. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(0);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

const failures = allChecks.filter((c) => c.verdict === 'fail');

describe('renderHtmlReport', () => {
  const g = diedTwice('dave');
  const html = renderHtmlReport(g);
  const text = visibleText(html);

  it('is one self-contained page: doctype, lang, charset, title, inline CSS, no script and nothing fetched', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>wiregrade report: dave</title>');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|\bsrc=|url\(|@import|href="(?!#)/i);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('never lets the server\'s bytes become markup: <script> in a response or request shows as text', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;\\x00\\x1b[2J\\x0c');
    expect(html).toContain('GET /&lt;script&gt;alert(1)&lt;/script&gt;\\x00x HTTP/1.1\\r\\n');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('escapes a hostile submission name and command everywhere', () => {
    const evil = renderHtmlReport(grade('<img src=x onerror=alert(1)>', allChecks, { command: 'python3 "<script>x</script>"' }));
    expect(evil).not.toMatch(/<img|<script/i);
    expect(evil).toContain('<title>wiregrade report: &lt;img src=x onerror=alert(1)&gt;</title>');
    expect(evil).toContain('python3 &quot;&lt;script&gt;x&lt;/script&gt;&quot;');
  });

  it('opens with the score, the per-family table and how the server ran', () => {
    expect(text).toContain('Score: 2 / 10 points (20.0%)');
    expect(html).toContain('<caption>Score by check family</caption>');
    expect(html).toContain('<tr class="lost"><th scope="row">status</th><td>0 / 2</td><td>0 / 2</td><td>0.0%</td></tr>');
    expect(html).toContain('<tfoot><tr><th scope="row">total</th><td>2 / 10</td><td>2 / 10</td><td>20.0%</td></tr></tfoot>');
    expect(text).toContain('server started in 120 ms');
    expect(text).toContain('the server died 3 times and was restarted 2 times');
    expect(text).toContain('IndexError: list index out of range\\x1b[31m');
    expect(text).toContain('sandbox: bubblewrap');
  });

  it('has each failure in its own section: id, requirement and cite, expected and actual, replay and rerun', () => {
    for (const c of failures) {
      const s = visibleText(section(html, `check-${c.id}`));
      expect(s).toContain(c.id);
      expect(s).toContain(c.requirement);
      for (const e of c.expected) expect(s).toContain(e);
      expect(s).toContain(c.actual.replace('\x01', '\\x01'));
      // Aimed at the student's own server (the grader's port is gone), and the command that starts it.
      expect(s).toContain(replaySequence({ host: '127.0.0.1', port: 0 }, c.request, c.setup)!.replace(/ 127\.0\.0\.1 0$/gm, ' 127.0.0.1 PORT'));
      expect(s).toContain(rerunCommand({ ...g.run, target: { host: '127.0.0.1', port: 0 } }, c).replace('127.0.0.1:0', '127.0.0.1:PORT'));
      expect(s).toContain(`wiregrade grade --cwd . --cmd 'python3 server.py' --profile reference --seed 42 --checks ${c.id}`);
      expect(s).not.toMatch(/nc 127\.0\.0\.1 8080|--target 127\.0\.0\.1:8080/);
    }
    const s = section(html, `check-${hostileFailCheck.id}`);
    expect(s).toContain('<cite>RFC 9112 §3.2</cite>');
    expect(s).toContain('<h3 id="check-status.path.script-is-400-h">');
  });

  it('shows the exact bytes both ways, line by line, with a hex view when they hold non-printables', () => {
    const s = section(html, `check-${hostileFailCheck.id}`);
    expect(s).toContain('Sent by wiregrade (54 bytes)');
    expect(s).toContain('Received from your server (76 bytes)');
    expect(s).toContain('HTTP/1.1 200 OK\\r\\n\nContent-Length: 41\\r\\n\n\\r\\n\n&lt;script&gt;');
    expect(s).toContain('hex view');
    expect(s).toContain('00000040  63 72 69 70 74 3e 00 1b  5b 32 4a 0c');
    const plain = section(html, 'check-status.version.http2-is-505');
    expect(plain).not.toContain('hex view');
    expect(section(html, 'check-metamorphic.split.any-byte')).toContain('sent in 3 pieces, split at byte 3, 10, with pauses of 50 ms, 1500 ms');
  });

  it('caps the bytes at 4 KiB each way and shows the last exchanges of many', () => {
    const big: CheckResult = {
      ...hostileFailCheck,
      id: 'robustness.huge',
      exchanges: Array.from({ length: 6 }, (_, i) => ({
        ...hostileFailCheck.exchanges![0]!,
        transcript: [
          { dir: 'sent' as const, atMs: 0, bytes: latin1(`GET /${i} HTTP/1.1\r\n\r\n`) },
          { dir: 'received' as const, atMs: 1, bytes: new Uint8Array(10_000).fill(0x41) },
        ],
      })),
    };
    const h = renderHtmlReport(grade('big', [big]));
    const s = section(h, 'check-robustness.huge');
    expect(s).toContain('2 earlier connections not shown.');
    expect(s).toContain('Connection 6 of 6');
    expect(s).not.toContain('Connection 2 of 6');
    expect(s).toContain(`… (${10_000 - BYTES_CAP} more bytes not shown)`);
    expect(s).not.toContain('A'.repeat(BYTES_CAP + 1));
  });

  it('falls back to the planned request bytes when no exchange was kept', () => {
    const h = renderHtmlReport(grade('x', [{ ...hostileFailCheck, exchanges: undefined, setup: [sent('POST /a HTTP/1.1\r\n\r\n', 'POST')] }]));
    expect(h).toContain('Request 1 of 2, sent');
    expect(h).toContain('Request 2 of 2, sent');
  });

  it('lists errors, warnings, blocked checks grouped by reason, and passed checks collapsed', () => {
    expect(html).toContain('<h2 id="errors">Checks the grader could not run (1)</h2>');
    expect(text).toContain('wire.date-header: no Date header');
    expect(html).toContain('<details><summary>2 checks: not run: the baseline request (baseline.valid-request-answered) failed</summary>');
    expect(html).toContain('<details><summary>1 check: not run: POST /{name} failed</summary>');
    // A blocked check is its id, under the cause it shares with the others: no requirement repeated.
    expect(html).toContain('<details><summary>1 check: not run: POST /{name} failed</summary><p class="ids"><code>store.delete-then-get</code></p></details>');
    expect(html).toMatch(/<h2 id="passed">Passed \(2\)<\/h2>\n<details><summary>2 checks passed<\/summary>/);
    // Passed checks by id only (the requirement is in `wiregrade list`).
    expect(html).toMatch(/<p class="ids"><code>[^<]*<\/code>, <code>robustness\.survives-empty-request<\/code>|<code>robustness\.survives-empty-request<\/code>/);
    expect(text).not.toContain('An empty request does not kill the server.');
  });

  it('stays small whatever fails: failures in full, then in short (one requirement over a run of checks that share it), then by id, every one anchored', () => {
    const big = 'x'.repeat(3000);
    const many: CheckResult[] = Array.from({ length: 300 }, (_, i) => ({
      ...hostileFailCheck,
      id: `status.case.n${i}-is-400`,
      requirement: i % 3 === 0 ? `requirement ${i}` : 'one sentence shared by a run of checks',
      actual: `200 OK ${big}`,
      request: sent(`GET /${i}${big} HTTP/1.1\r\nHost: x\r\n\r\n`),
    }));
    const page = renderHtmlReport(grade('erin', many));
    expect(page.length).toBeLessThan(200 * 1024);
    for (const c of many) expect(page, c.id).toContain(`id="check-${c.id}"`);
    expect(page).toMatch(/<h3>\d+ more failures, in short<\/h3>/);
    expect(page).toMatch(/<h3>\d+ more failures, by id<\/h3>/);
    // A run of checks with one requirement states it once, with its count.
    expect(page).toMatch(/one sentence shared by a run of checks \(2 checks\)<ul>/);
    expect(page.split('one sentence shared by a run of checks').length - 1).toBeLessThan(many.length / 3);
  });

  it('uses headings in order (one h1, then h2 sections, h3 per failure)', () => {
    const levels = [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    expect(levels.filter((l) => l === 3)).toHaveLength(failures.length);
  });

  it('explains a server that did not start, with its stderr, and says no check failed', () => {
    const h = renderHtmlReport(crashedAtStart());
    const t = visibleText(h);
    expect(t).toContain('the server exited before listening (exit code 1)');
    expect(t).toContain('OSError: [Errno 98] Address already in use');
    expect(t).toContain('No check failed.');
  });

  it('renders a run with every check passing', () => {
    const ok = renderHtmlReport(grade('ok', [allChecks[0]!], { run: runResult([allChecks[0]!]) }));
    expect(ok).toContain('<h2 id="failures">Failures (0)</h2>');
    expect(ok).not.toContain('id="warnings"');
  });
});

describe('helpers', () => {
  it('escapeHtml escapes markup and quotes and shows control characters and bidi overrides', () => {
    expect(escapeHtml(`<a href='x' title="y">&</a>`)).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('a\x00\x1b\u202eb\n\t')).toBe('a\\x00\\x1b\\u202eb\n\t');
  });

  it('showBytesByLine breaks after each LF, keeps a backslash-n as text, and caps', () => {
    expect(showBytesByLine(latin1('a\r\nb\\nc\n'))).toBe('a\\r\\n\nb\\\\nc\\n');
    expect(showBytesByLine(latin1('abcdef'), 4)).toBe('abcd\n… (2 more bytes not shown)');
  });

  it('hexDump prints offset, hex and ASCII columns', () => {
    expect(hexDump(latin1('GET /\x00\xff<'))).toBe(`00000000  47 45 54 20 2f 00 ff 3c${' '.repeat(2 + 23 + 2)}|GET /..<|`);
    expect(hexDump(new Uint8Array(17)).split('\n')[1]).toBe(`00000010  00${' '.repeat(21 + 2 + 23 + 2)}|.|`);
  });
});

describe('a failure quotes the sentence it breaks', () => {
  it('shows the RFC sentence (escaped) under the requirement, or the profile that asks for it', () => {
    const f = failures[0]!;
    const rfc: CheckResult = { ...f, source: { rfc: 'RFC 9112 §5.1', quote: 'A server MUST reject, with a response status code of 400 <Bad Request>' } };
    const rule: CheckResult = { ...f, id: `${f.id}-rule`, source: { profile: 'reference', note: 'the reference protocol answers 405' } };
    const text = visibleText(renderHtmlReport(grade('dave', [rfc, rule])));
    expect(text).toContain('“A server MUST reject, with a response status code of 400 <Bad Request>” — RFC 9112 §5.1');
    expect(text).toContain('Asked by the reference profile: the reference protocol answers 405');
  });
});

describe('the HTML report of a `fuzz --cmd` run (--report)', () => {
  it('aims the reproduction at PORT, and names the command that started the server', async () => {
    const { gradeOfRun } = await import('../../src/runner/run-view.js');
    const { failCheck } = await import('./fixtures.js');
    const failing = { ...failCheck, request: sent('GET / HTTP/2.0\r\nHost: x\r\n\r\n') };
    const h = renderHtmlReport(gradeOfRun(runResult([failing], { invocation: { profile: 'any', cmd: 'python3 server.py {port}' } })));
    expect(h).toContain('Start your server, put the port it listens on for PORT, then');
    expect(h).toContain('nc -w 2 127.0.0.1 PORT');
    expect(h).not.toContain('127.0.0.1 8080');
    expect(h).toContain(escapeHtml('wiregrade fuzz --cmd "python3 server.py {port}"'));
    // A --target run keeps its target.
    const t = renderHtmlReport(gradeOfRun(runResult([failing])));
    expect(t).toContain('With the server running at 127.0.0.1:8080,');
  });
});
