/**
 * One bug, one deduction, on the zoo (issue 20): a server with one bug that several checks and
 * properties see loses the points of one root cause; the others are listed under it (`rootCause`),
 * in the JSON too (`dependants`). The rules are data on the checks (`follows`, src/checks/follows.ts).
 */
import { describe, expect, it } from 'vitest';
import { scoreRun, checkPoints } from '../../src/runner/score.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { runMatrixRow } from '../zoo/run-matrix.js';

/** Each server, the root its bug is charged to, and the failures that must follow from it. */
const CASES: ReadonlyArray<{ slug: string; root: string; dependants: readonly string[] }> = [
  {
    slug: 'closes-unannounced',
    root: 'connection.close.announced-before-closing',
    dependants: [
      'connection.keep-alive.after-body-request',
      'connection.keep-alive.second-request-answered',
      'connection.pipelining.answers-in-order',
      'metamorphic.keep-alive.same-answer-as-new-connection',
      'metamorphic.prop.keep-alive-equivalence',
    ],
  },
  {
    slug: 'single-thread-blocking',
    root: 'robustness.idle-client.does-not-block-others',
    dependants: ['robustness.prop.idle-connections-do-not-block', 'robustness.slow-client.does-not-block-others'],
  },
  {
    slug: 'split-differs',
    root: 'metamorphic.split.two-pieces-same-answer',
    dependants: [
      'metamorphic.prop.split-invariance',
      'metamorphic.split.after-request-line-same-answer',
      'metamorphic.split.body-after-head-same-answer',
      'metamorphic.split.every-byte-same-answer',
      'metamorphic.split.inside-blank-line-same-answer',
    ],
  },
  {
    slug: '200-for-everything',
    root: 'framing.content-length.non-numeric-is-400',
    dependants: ['framing.smuggling.non-numeric-length-embedded-get-not-answered'],
  },
];

describe.concurrent('one bug, one deduction on the zoo', () => {
  for (const k of CASES) {
    it(`${k.slug}: charged once, to ${k.root}`, async () => {
      const { result } = await runMatrixRow(k.slug);
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
      if (k.slug !== '200-for-everything') expect(lost.filter((c) => c.verdict === 'fail').map((c) => c.id)).toEqual([k.root]);
      const json = toJsonReport(result);
      expect([...(json.checks.find((c) => c.id === k.root)!.dependants ?? [])].sort()).toEqual(expect.arrayContaining([...k.dependants].sort()));
    }, 180_000);
  }
});
