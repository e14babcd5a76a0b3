/**
 * One bug, one deduction, on the zoo (issue 20): a server with one bug that several checks and properties
 * see loses the points of one root cause; the others are listed under it (`rootCause`), in the JSON too
 * (`dependants`). The rules are data on the checks (`follows`, src/checks/follows.ts). The matrix
 * (matrix-suite.ts) asserts this on its own run of each server below, so no server is fuzzed twice.
 */
import { expect } from 'vitest';
import { toJsonReport } from '../../src/reporters/json.js';
import { checkPoints, scoreRun } from '../../src/runner/score.js';
import type { RunResult } from '../../src/runner/types.js';

/**
 * Each server's root cause, and the failures that must follow from it; `otherBugs`: the server has bugs
 * besides this one, so the root is not the only failure deducted.
 */
export const ROOT_CAUSES: Readonly<Record<string, { root: string; dependants: readonly string[]; otherBugs?: true }>> = {
  'closes-unannounced': {
    root: 'connection.close.announced-before-closing',
    dependants: [
      'connection.keep-alive.after-body-request',
      'connection.keep-alive.second-request-answered',
      'connection.pipelining.answers-in-order',
      'metamorphic.keep-alive.same-answer-as-new-connection',
      'metamorphic.prop.keep-alive-equivalence',
    ],
  },
  'single-thread-blocking': {
    root: 'robustness.idle-client.does-not-block-others',
    dependants: ['robustness.prop.idle-connections-do-not-block', 'robustness.slow-client.does-not-block-others'],
  },
  'split-differs': {
    root: 'metamorphic.split.two-pieces-same-answer',
    dependants: [
      'metamorphic.prop.split-invariance',
      'metamorphic.split.after-request-line-same-answer',
      'metamorphic.split.body-after-head-same-answer',
      'metamorphic.split.every-byte-same-answer',
      'metamorphic.split.inside-blank-line-same-answer',
    ],
  },
  '200-for-everything': {
    root: 'framing.content-length.non-numeric-is-400',
    dependants: ['framing.smuggling.non-numeric-length-embedded-get-not-answered'],
    otherBugs: true,
  },
};

/**
 * The run of `slug` charges its bug once: the root fails and is deducted, each dependant fails, names the
 * root and earns its point back, the score loses exactly the deducted checks, and the JSON lists the
 * dependants under the root; and, unless the server has other bugs, the root is the one failure deducted.
 */
export function expectChargedOnce(result: RunResult, slug: string): void {
  const k = ROOT_CAUSES[slug]!;
  const byId = new Map(result.checks.map((c) => [c.id, c]));
  expect(byId.get(k.root)?.verdict, k.root).toBe('fail');
  expect(byId.get(k.root)?.rootCause).toBeUndefined();
  for (const id of k.dependants) {
    const c = byId.get(id);
    expect(c?.verdict, id).toBe('fail');
    expect(c?.rootCause, `${id}: ${JSON.stringify((c?.exchanges ?? []).map((e) => ({ k: e.kind, f: e.finals.length, conn: e.connection, rb: e.receivedBytes, h: e.finals[0]?.headers.map((x) => x.name) })))}`).toBe(k.root);
    // It earns its point back: the root lost it.
    expect(checkPoints(c!, false).points, id).toBe(c!.weight ?? 1);
  }
  // The failures that are not linked are deducted (with what could not be judged); the linked ones are not.
  const s = scoreRun(result);
  const lost = result.checks.filter((c) => checkPoints(c, false).points < checkPoints(c, false).max);
  expect(s.max - s.points).toBe(lost.reduce((n, c) => n + (c.weight ?? 1), 0));
  for (const id of k.dependants) expect(lost.map((c) => c.id)).not.toContain(id);
  if (!k.otherBugs) expect(lost.filter((c) => c.verdict === 'fail').map((c) => c.id)).toEqual([k.root]);
  const json = toJsonReport(result);
  expect([...(json.checks.find((c) => c.id === k.root)!.dependants ?? [])].sort()).toEqual(expect.arrayContaining([...k.dependants].sort()));
}
