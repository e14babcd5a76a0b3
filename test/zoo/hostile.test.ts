import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';
import { startZoo } from '../helpers/zoo.js';

/**
 * Hostile servers: whatever they do, `wiregrade fuzz` (default settings) ends in bounded time, with
 * exit code 1, the right reason, bounded memory, and no crash of its own.
 */
const cases: Array<[slug: string, reason: RegExp]> = [
  ['hostile-silent', /no complete response within \d+ ms: got nothing/],
  ['hostile-drip', /no complete response within \d+ ms: got (only part of a response|\d+ byte)/],
  ['hostile-flood', /sent more than \d+ bytes without completing a response|that are not an HTTP response|not a complete response/],
  ['hostile-reset', /reset/],
  ['hostile-garbage', /not an HTTP response|not a complete response|unparseable status line/],
];

describe('hostile servers', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  for (const [slug, reason] of cases) {
    it(`${slug}: bounded time, exit 1, the right reason, bounded memory`, async () => {
      const z = await startZoo(slug);
      stop = z.stop;
      const rss0 = process.memoryUsage().rss;
      const t0 = performance.now();
      const c = captureIO();
      const code = await main(['fuzz', '--profile', 'reference', '--target', `127.0.0.1:${z.port}`, '--no-corpus', '--json', '-'], c.io);
      const seconds = (performance.now() - t0) / 1000;
      expect(code).toBe(1);
      expect(seconds).toBeLessThan(45);
      expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
      const report = JSON.parse(c.stdout) as { checks: Array<{ id: string; verdict: string; firstFailure?: { actual: string; reason: string } }> };
      const baseline = report.checks.find((x) => x.id === 'baseline.valid-request-answered')!;
      expect(baseline.verdict).toBe('fail');
      expect(`${baseline.firstFailure!.reason} ${baseline.firstFailure!.actual}`).toMatch(reason);
      // Nothing else is failed on top of it: a server that cannot answer is blocked, not blamed 200 times.
      expect(report.checks.filter((x) => x.verdict === 'fail').length).toBeLessThanOrEqual(10);
    }, 60_000);
  }
});
