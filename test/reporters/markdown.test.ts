import { describe, expect, it } from 'vitest';
import { mdCode, mdFence, mdText, renderMarkdownSummary } from '../../src/reporters/markdown.js';
import { allChecks, crashedAtStart, diedTwice, grade, hostileFailCheck } from './grade-fixtures.js';

/** The fenced blocks of a Markdown text: [fence, body] pairs, closed by a line of the same fence. */
function blocks(md: string): Array<{ fence: string; body: string }> {
  const out: Array<{ fence: string; body: string }> = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,})\w*$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence);
    if (end < 0) throw new Error(`unclosed fence at line ${i + 1}`);
    out.push({ fence, body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

/** Markdown outside the fenced blocks. */
function outsideFences(md: string): string {
  return md.replace(/^\s*(`{3,})\w*\n[\s\S]*?\n\s*\1$/gm, '');
}

describe('Markdown reporter', () => {
  it('escapes what Markdown or HTML would act on, and fences what the server sent with a longer fence', () => {
    expect(mdText('a|b <b>x</b> *y* [l](u)')).toBe('a\\|b \\<b\\>x\\</b\\> \\*y\\* \\[l\\](u)');
    expect(mdCode('x ``` y')).toBe('````x ``` y````');
    const f = mdFence('one\n```\n</pre><script>\x1b[2J');
    expect(f.startsWith('````text\n')).toBe(true);
    expect(blocks(f)).toEqual([{ fence: '````', body: 'one\n```\n</pre><script>\\x1b[2J' }]);
    expect(mdFence('x'.repeat(10_000), 100)).toContain('… (9900 more characters not shown)');
  });

  it('one submission: the score, the table by family, the notes, and each failure with its replay command in a fence', () => {
    const md = renderMarkdownSummary([grade('alice|<b>', allChecks)], { failUnder: 50 });
    expect(md).toContain('alice\\|\\<b\\>: **2 / 10 points (20.0%)**: ❌ below the pass mark of 50%');
    expect(md).toContain('| family | passed | points | % |\n| --- | ---: | ---: | ---: |');
    expect(md).toMatch(/\| total \| \d+ \/ \d+ \| 2 \/ 10 \| 20\.0% \|/);
    expect(md).toContain(`**\`${hostileFailCheck.id}\`** \\[MUST\\]`);
    const failure = blocks(md).find((b) => b.body.includes('replay:'))!;
    expect(failure.body).toContain("replay:   (printf 'GET /<script>alert(1)</script>\\000x");
    expect(failure.body).toContain('rerun:    wiregrade fuzz');
    // Aimed at the student's own server: the grader's port (8080) is gone.
    expect(failure.body).toMatch(/\| nc -w 2 127\.0\.0\.1 PORT$/m);
    expect(failure.body).toContain('--target 127.0.0.1:PORT ');
    expect(md).not.toMatch(/nc 127\.0\.0\.1 8080|--target 127\.0\.0\.1:8080/);
    expect(md).toContain('wiregrade grade --cwd . --cmd');
    // Nothing the server sent is live Markdown or HTML outside the fences.
    expect(outsideFences(md)).not.toMatch(/<script|<\/pre|\x1b/);
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('shows how the server ran: deaths and restarts with its stderr fenced, a launch failure', () => {
    const d = renderMarkdownSummary([diedTwice()]);
    expect(d).toContain('❌ the server died 3 times and was restarted 2 times');
    const c = renderMarkdownSummary([crashedAtStart()]);
    expect(c).toContain('❌ the server exited before listening (exit code 1)');
    expect(blocks(c).some((b) => b.body.includes('OSError: [Errno 98] Address already in use'))).toBe(true);
  });

  it('a class: one table row per submission, sorted, with the mean', () => {
    const md = renderMarkdownSummary([grade('s10', allChecks), grade('s2', allChecks), crashedAtStart('s1')]);
    expect(md.split('\n')[0]).toBe('## wiregrade: 3 submissions, mean 13.3%');
    const rows = md.split('\n').filter((l) => /^\| s\d+ \|/.test(l));
    expect(rows.map((r) => r.split('|')[1]!.trim())).toEqual(['s1', 's2', 's10']);
    expect(rows[0]).toContain('crashed at start');
    // What the class was judged by, under the heading; and a class cut short by a signal says so.
    expect(md.split('\n')[2]).toBe('profile reference, seed 42');
    const partial = renderMarkdownSummary([grade('s10', allChecks), grade('s2', allChecks)], { partial: { graded: 2, of: 5 } });
    expect(partial).toContain('**partial: interrupted after 2 of 5 submissions were graded; the others are not in this report**');
  });

  it('lists failures past the first five by id only', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...hostileFailCheck, id: `status.many.f${i}` }));
    const md = renderMarkdownSummary([grade('m', many)]);
    expect(md).toContain('### Failures (8)');
    expect(blocks(md).filter((b) => b.body.includes('replay:'))).toHaveLength(5);
    expect(md).toContain('3 more: `status.many.f5`, `status.many.f6`, `status.many.f7`');
  });
});
