/**
 * The zoo's rows in the order they start when several run at once (the matrix's parts, the bench's
 * mutation section): the rows that take longest first, so they end with the rest.
 */
import type { ZooServer } from './manifest.js';

/**
 * The rows that take longest (servers that hang on many requests, each costing a deadline), as measured
 * by `npx vitest run --reporter=json` in a whole run (111, 84, 77, 52, 64, 66, 46, 31, 29 s), in an
 * order that the matrix's round robin (matrix-suite.ts) shares evenly between its three parts: started first, they end with
 * the rest.
 */
export const SLOW_ROWS = ['recv-8-until-short', 'recv-until-short', 'single-recv', 'single-thread-blocking', 'never-closes', 'no-content-length', 'wrong-content-length', 'head-100', 'correct-asyncio'];

/** The rows in the order they start: the slow ones first, the rest in manifest order. */
export function byCost(rows: ZooServer[]): ZooServer[] {
  const rank = (z: ZooServer) => (SLOW_ROWS.includes(z.slug) ? SLOW_ROWS.indexOf(z.slug) : SLOW_ROWS.length);
  return [...rows].sort((a, b) => rank(a) - rank(b));
}

