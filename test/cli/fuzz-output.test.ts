import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, fixedResponseServer, type TinyServer } from './helpers.js';

/**
 * Issue 20 item 6, from the command line: `fuzz` lists every failure (the first five in full, the rest one
 * line each), `--max-failures N` and `--all` choose how many are in full, `--verbose` lists each warning.
 */

const full = (t: string): number => (t.match(/^ {2}expected: /gm) ?? []).length;
const listed = (t: string): number => (t.match(/^✗ /gm) ?? []).length;

describe('fuzz: every failure in the text report', () => {
  // Answers every request head with `200 OK` and no body, whatever it was: many checks fail.
  let srv: TinyServer;
  let target = '';
  beforeAll(async () => {
    srv = await fixedResponseServer('HTTP/1.1 200 OK\r\nDate: {DATE}\r\nContent-Length: 0\r\n\r\n');
    target = `127.0.0.1:${srv.port}`;
  });
  afterAll(() => srv.close());

  /** `fuzz` of the version and method checks: SHOULDs under `any` (warnings), failures with --strict. */
  async function fuzz(extra: string[], exit = 1): Promise<string> {
    const c = captureIO();
    expect(await main(['fuzz', '--target', target, '--no-corpus', '--runs', '0', '--seed', '1', '--checks', 'status.version', 'status.method', ...extra], c.io)).toBe(exit);
    return c.stdout;
  }

  it('the first five in full, the rest one line each; --max-failures, --all and --verbose', async () => {
    const t = await fuzz(['--strict']);
    const n = listed(t);
    expect(n).toBeGreaterThan(6);
    expect(full(t)).toBe(5);
    expect(t).toContain(`${n - 5} more failures, one line each (--max-failures N shows N in full, --all every one; --json FILE writes every detail to FILE):`);
    expect(t).not.toContain('see --json');
    const one = await fuzz(['--strict', '--max-failures', '1']);
    expect([listed(one), full(one)]).toEqual([n, 1]);
    const all = await fuzz(['--strict', '--all']);
    expect([listed(all), full(all)]).toEqual([n, n]);
    expect(all).not.toContain('one line each');
    const quiet = await fuzz([], 0);
    const warned = /^! (\d+) warnings \(SHOULDs, not failures\) by family: status \d+; --verbose lists each$/m.exec(quiet);
    expect(warned, quiet).not.toBeNull();
    expect(quiet).not.toMatch(/^! \S+: /m);
    const verbose = await fuzz(['--verbose'], 0);
    expect((verbose.match(/^! \S+: /gm) ?? []).length).toBe(Number(warned![1]));
  }, 60_000);

  it('--max-failures must be a count', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--target', '127.0.0.1:9', '--no-corpus', '--max-failures', 'lots'], c.io)).toBe(2);
    expect(c.stderr).toBe("wiregrade: --max-failures 'lots' is not a whole number from 0 to 1000000.\n");
  });
});
