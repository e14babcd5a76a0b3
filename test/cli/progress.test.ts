import { describe, expect, it } from 'vitest';
import { ClassProgress, Progress } from '../../src/cli/progress.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from './helpers.js';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { WIREGRADE_BIN } from '../helpers/cli.js';


describe('progress on a terminal', () => {
  it("shows a property's case out of its runs and the time it has taken", () => {
    let now = 0;
    const c = captureIO({ isTTY: true });
    const p = new Progress(c.io, true, () => now);
    p.onEvent({ type: 'start', total: 243 });
    p.onEvent({ type: 'check-start', id: 'metamorphic.prop.split-invariance', index: 232 });
    expect(p.line()).toBe('[233/243] metamorphic.prop.split-invariance');
    now = 34_500;
    p.onEvent({ type: 'property-progress', id: 'metamorphic.prop.split-invariance', cases: 12, runs: 500, elapsedMs: 34_500 });
    expect(p.line()).toBe('[233/243] metamorphic.prop.split-invariance · case 12/500 · 34 s');
    now = 200_000;
    expect(p.line()).toBe('[233/243] metamorphic.prop.split-invariance · case 12/500 · 3 min 20 s');
    p.onEvent({ type: 'property-progress', id: 'metamorphic.prop.split-invariance', cases: 501, runs: 500, elapsedMs: 200_000 });
    expect(p.line()).toContain('case 501 (shrinking)');
    expect(c.stderr).toContain('case 12/500 · 34 s');
    p.clear();
  });

  it('a single grade shows the same progress as fuzz, case counts included', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'wg-progress-'));
    try {
      const c = captureIO({ isTTY: true });
      const code = await main(['grade', '--cwd', empty, '--cmd', `${process.execPath} ${WIREGRADE_BIN} serve --port {port}`, '--profile', 'reference', '--checks', 'baseline', 'status.prop.valid-served', '--runs', '3'], c.io);
      expect(code, c.stderr).toBe(0);
      expect(c.stderr).toMatch(/\[1\/2\] baseline\.valid-request-answered/);
      expect(c.stderr).toMatch(/\[2\/2\] status\.prop\.valid-served · case 3\/3/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('class progress on a terminal', () => {
  it('one line redrawn per graded submission: a bar, the count and the last score; erased at the end', () => {
    const c = captureIO({ isTTY: true });
    const p = new ClassProgress(c.io, true);
    p.start(4, 0, { last: '' });
    expect(p.line()).toBe(`grading [${'░'.repeat(20)}] 0/4`);
    p.increment(1, { last: 'alice: 80/100' });
    expect(p.line()).toBe(`grading [${'█'.repeat(5)}${'░'.repeat(15)}] 1/4 alice: 80/100`);
    p.increment(3, { last: 'dave: 0/100' });
    p.increment(1); // never past the total
    expect(p.line()).toBe(`grading [${'█'.repeat(20)}] 4/4 dave: 0/100`);
    p.stop();
    const writes = c.stderr.split('\r\x1b[2K');
    expect(writes[writes.length - 1]).toBe(''); // the last write erases the line
    expect(c.stderr).toContain('1/4 alice: 80/100');
    expect(c.stderr).not.toContain('\n'); // one line, redrawn in place
  });

  it('is silent when disabled (not a terminal)', () => {
    const c = captureIO();
    const p = new ClassProgress(c.io, false);
    p.start(2);
    p.increment(1, { last: 'x' });
    p.stop();
    expect(c.stderr).toBe('');
  });

  it('cuts the line to the terminal width', () => {
    const c = captureIO({ isTTY: true });
    (c.io as { columns?: number }).columns = 40;
    const p = new ClassProgress(c.io, true);
    p.start(1, 0, { last: 'a-very-long-submission-folder-name: 12.5/100' });
    const drawn = c.stderr.replace('\r\x1b[2K', '');
    expect(drawn.length).toBe(39);
    expect(drawn.endsWith('…')).toBe(true);
  });
});
