import type { CheckContext } from '../src/checks/types.js';

/** Runs whose case counters are kept, the oldest dropped past this (a process that grades a class). */
const MAX_RUNS = 10_000;
const counters = new Map<string, number>();

/** Digits of a case's number in its record names: every name of a run has the same length up to 10^6 cases. */
const CASE_DIGITS = 6;

/**
 * The number of a property's next case within its run (`000000`, `000001` …), for record names no other
 * case of the run uses. Of fixed width and counted per run and property (`ctx.name()`: the run's tag and
 * the property's id), not per process: a name's length, and so a request's, depends neither on what the
 * process graded before nor on how many cases came before it in the run (a replay of one case by its path
 * sends requests as long as the run did). A server that hangs on requests whose length is a multiple of 8
 * failed store.prop.concurrent-writers in the bench, after other grades, and passed it alone (session 24).
 */
export function nextCase(ctx: CheckContext): string {
  const key = ctx.name();
  const n = counters.get(key) ?? 0;
  counters.delete(key);
  counters.set(key, n + 1);
  if (counters.size > MAX_RUNS) counters.delete(counters.keys().next().value!);
  return String(n).padStart(CASE_DIGITS, '0');
}
