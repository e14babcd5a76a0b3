/**
 * The whole project type-checks (`tsc --noEmit`, TypeScript strict): part of `npm test`, run beside the
 * other files instead of before them, so its ~20 s of one core overlap the suite's waits on sockets.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

it('tsc --noEmit finds no error', async () => {
  const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { timeout: 170_000, maxBuffer: 8 * 1024 * 1024 }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code?: number; stdout?: string; stderr?: string; killed?: boolean }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.killed ? '\n(killed at its 170 s bound)' : ''}` }),
  );
  expect(run.out.trim(), 'tsc --noEmit').toBe('');
  expect(run.code).toBe(0);
}, 180_000);
