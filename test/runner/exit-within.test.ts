/**
 * exitWithin, the watch for a server's exit after a connection ended without an answer, on a loop held up
 * by other work: a class graded in one process renders reports and runs other grades on the same loop. A
 * watch that woke after its time and looked before the loop had read the exit that came meanwhile missed
 * the death, and it was charged to the next check (seen in CI: a crash of status.body.put-empty-is-400
 * charged to robustness.server.keeps-serving).
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { exitWithin, type ServerControl } from '../../src/runner/scheduler.js';
import { holdLoop } from '../helpers/hold-loop.js';

it('sees an exit that came while the loop was held past the watch', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  let exit: { code: number | null; signal: string | null } | null = null;
  child.on('exit', (code, signal) => (exit = { code, signal }));
  const control = { exited: () => exit } as unknown as ServerControl;
  const watching = exitWithin(control, 100);
  // The process ends while the loop is held, well past the watch's 100 ms, and before it looks again.
  holdLoop(50);
  child.kill('SIGTERM');
  holdLoop(600);
  expect(exit).toBeNull();
  expect(await watching).toEqual({ code: null, signal: 'SIGTERM' });
});

it('still gives up on a process that lives on, after the whole watch', async () => {
  const control = { exited: () => null } as unknown as ServerControl;
  const t0 = performance.now();
  expect(await exitWithin(control, 100)).toBeNull();
  expect(performance.now() - t0).toBeGreaterThanOrEqual(99);
});

it('does not watch a server that cannot exit apart from us (the bundled one, in this process): it never looks', async () => {
  let looks = 0;
  const control = { exited: () => (looks++, null), canExit: false } as unknown as ServerControl;
  expect(await exitWithin(control, 250)).toBeNull();
  expect(looks).toBe(0);
});
