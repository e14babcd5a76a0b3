/**
 * `fuzz` and `grade` write the same reports (JUnit, Gradescope, HTML, Markdown) through one code path;
 * Gradescope's visibility and total have flags; grade's exit code can follow a pass mark.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startZoo, type StartedZoo } from '../helpers/zoo.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { captureIO } from './helpers.js';
import { tempFolders } from '../helpers/tmp.js';

const tmp = tempFolders();

interface Gs {
  score: number;
  output_format: string;
  visibility: string;
  tests: Array<{ name: string; score: number; max_score: number; status: string; visibility: string; output_format: string; output: string }>;
}

function cents(xs: number[]): number {
  return xs.reduce((s, x) => s + Math.round(x * 100), 0);
}

/** The five HTTP/2.x and 3.x / 9.9 checks no-505 fails, by the check ids the reports must name. */
const NO_505_FAILS = ['status.version.http2-is-505', 'status.version.http2-0-is-505', 'status.version.http3-is-505', 'status.version.http3-0-is-505', 'status.version.http9-9-is-505'];

describe('fuzz: the grade reporters on a fuzz run', () => {
  let zoo: StartedZoo;
  beforeAll(async () => {
    zoo = await startZoo('no-505');
  });
  afterAll(() => zoo?.stop());

  it('writes JUnit, Gradescope (scaled, with the visibility asked for), HTML and Markdown naming the same failures', async () => {
    const out = tmp('wg-fuzz-reports-');
    const f = (n: string) => path.join(out, n);
    const c = captureIO();
    const code = await main(
      ['fuzz', '--profile', 'reference', '--target', `127.0.0.1:${zoo.port}`, '--checks', 'status.version', '--runs', '0', '--no-corpus',
        '--junit', f('junit.xml'), '--gradescope', f('results.json'), '--max-score', '10', '--gradescope-visibility', 'after_published',
        '--report', f('html'), '--markdown', f('summary.md')],
      c.io,
    );
    expect(c.stderr).toContain('written: ');
    expect(code).toBe(1);

    const junit = readFileSync(f('junit.xml'), 'utf8');
    const failed = [...junit.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*>\s*<failure/g)].map((m) => m[1]);
    expect(failed.sort()).toEqual([...NO_505_FAILS].sort());

    const gs = JSON.parse(readFileSync(f('results.json'), 'utf8')) as Gs;
    expect(cents(gs.tests.map((t) => t.max_score))).toBe(1000);
    expect(cents(gs.tests.map((t) => t.score))).toBe(Math.round(gs.score * 100));
    expect(gs.score).toBeGreaterThan(0);
    expect(gs.score).toBeLessThan(10);
    expect(gs.output_format).toBe('md');
    expect(gs.visibility).toBe('after_published');
    expect(gs.tests.every((t) => t.visibility === 'after_published' && t.output_format === 'md')).toBe(true);
    expect(gs.tests.filter((t) => t.status === 'failed').map((t) => t.name).sort()).toEqual([...NO_505_FAILS].sort());

    const pages = readdirSync(f('html'));
    expect(pages).toHaveLength(1);
    const html = readFileSync(path.join(f('html'), pages[0]!), 'utf8');
    for (const id of NO_505_FAILS) expect(html).toContain(id);

    const md = readFileSync(f('summary.md'), 'utf8');
    expect(md).toContain('### Failures (5)');
    expect(md).toContain(`| nc -w 2 127.0.0.1 ${zoo.port}`);
    expect(md).toContain('graded at 127.0.0.1');
  });

  it('refuses a bad visibility or total with one sentence and exit 2, before running anything', async () => {
    for (const [flags, why] of [
      [['--gradescope-visibility', 'sometimes'], /--gradescope-visibility must be one of visible, hidden, after_due_date, after_published/],
      [['--max-score', 'lots'], /--max-score must be a number/],
      [['--markdown', '/no/such/dir/s.md'], /cannot write --markdown/],
    ] as const) {
      const c = captureIO();
      expect(await main(['fuzz', '--target', `127.0.0.1:${zoo.port}`, '--no-corpus', ...flags], c.io)).toBe(2);
      expect(c.stderr.trim().split('\n')).toHaveLength(1);
      expect(c.stderr).toMatch(why);
      expect(c.stderr).not.toContain('seed:');
    }
  });
});

describe('grade: --markdown, --max-score, --gradescope-visibility, --fail-under', () => {
  function submission(slug: string): string {
    const dir = path.join(tmp('wg-sub-'), slug);
    cpSync(path.join(ZOO_SERVERS_DIR, slug), dir, { recursive: true });
    cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, '_lib'), { recursive: true });
    return dir;
  }

  it('exit code follows the pass mark: 0 at or above, 1 below; the same reports as fuzz', async () => {
    const dir = submission('no-505');
    const out = tmp('wg-grade-reports-');
    const args = (failUnder: string, name: string) => [
      'grade', '--cwd', dir, '--cmd', 'python3 server.py {port}', '--profile', 'reference', '--checks', 'status.version', '--runs', '0', '--fail-under', failUnder,
      '--markdown', path.join(out, `${name}.md`), '--gradescope', path.join(out, `${name}.json`), '--max-score', '50', '--gradescope-visibility', 'hidden',
    ];
    const low = captureIO();
    expect(await main(args('50', 'low'), low.io)).toBe(0);
    const high = captureIO();
    expect(await main(args('90', 'high'), high.io)).toBe(1);

    const md = readFileSync(path.join(out, 'low.md'), 'utf8');
    expect(md).toMatch(/✅ at or above the pass mark of 50%/);
    expect(readFileSync(path.join(out, 'high.md'), 'utf8')).toMatch(/❌ below the pass mark of 90%/);
    expect(md).toContain('server started in');
    const gs = JSON.parse(readFileSync(path.join(out, 'low.json'), 'utf8')) as Gs;
    expect(cents(gs.tests.map((t) => t.max_score))).toBe(5000);
    expect(gs.visibility).toBe('hidden');
    expect(gs.tests.filter((t) => t.status === 'failed').map((t) => t.name).sort()).toEqual([...NO_505_FAILS].sort());
    expect(existsSync(path.join(out, 'low.md'))).toBe(true);
  });
});
