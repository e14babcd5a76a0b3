import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from './helpers.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
      const code = await main(['grade', '--cwd', empty, '--cmd', `${process.execPath} ${REPO}/bin/wiregrade.js serve --port {port}`, '--profile', 'reference', '--checks', 'baseline', 'status.prop.valid-served', '--runs', '3'], c.io);
      expect(code, c.stderr).toBe(0);
      expect(c.stderr).toMatch(/\[1\/2\] baseline\.valid-request-answered/);
      expect(c.stderr).toMatch(/\[2\/2\] status\.prop\.valid-served · case 3\/3/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
