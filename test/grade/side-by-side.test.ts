/**
 * Checks side by side (src/runner/side-by-side.ts) change how long a grade takes, never what it finds: a
 * zoo server graded side by side and graded with `--serial` gets the same verdict for every check and
 * the same deaths, charged to the same checks. Five kinds of server: one that crashes on a request of a
 * batch (the batch is dropped, the server started again, the batch run one check at a time), a silent one
 * (its deadline verdicts confirmed in the batch), one with a pool of 8 threads (batches of 7, so none waits
 * in its queue), two that go wrong on split requests (the split checks one at a time between batches, and
 * the property cases run ahead: src/runner/property-cases.ts), and one that serves one client at a time
 * (never side by side).
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { BASELINE_ID } from '../../src/checks/catalogue/baseline.js';
import type { GradeResult } from '../../src/runner/grade-types.js';
import { gradeZoo } from '../helpers/grade-zoo.js';
import { tempFolders } from '../helpers/tmp.js';

const tmp = tempFolders();

/** Grades a zoo server on the baseline and the checks under `prefixes`, without properties. */
function grade(slug: string, prefixes: readonly string[], serial: boolean): Promise<GradeResult> {
  const checks = allChecks.filter((c) => c.id === BASELINE_ID || prefixes.some((p) => c.id.startsWith(p)));
  return gradeZoo(slug, tmp('wg-side-'), { checks, serial, wallMs: 120_000 });
}

const verdicts = (g: GradeResult) => Object.fromEntries(g.run.checks.map((c) => [c.id, c.verdict]));
const charged = (g: GradeResult) => g.run.checks.filter((c) => c.cause?.kind === 'died').map((c) => c.id);

/** Grades a zoo server both ways, at once (each its own process and port). */
async function bothWays(slug: string, prefixes: readonly string[]): Promise<{ side: GradeResult; serial: GradeResult }> {
  const [side, serial] = await Promise.all([grade(slug, prefixes, false), grade(slug, prefixes, true)]);
  expect(serial.run.sideBySide).toEqual({ mode: 'serial', why: 'asked' });
  return { side, serial };
}

describe.concurrent('checks side by side find what one check at a time finds', () => {
  it('a server that crashes on a header line without a colon: the batch is dropped and run again one at a time, and the crash charged to its check', async () => {
    const { side, serial } = await bothWays('crash-no-colon', ['status.header.']);
    expect(side.run.sideBySide).toMatchObject({ mode: 'side-by-side', fellBack: { why: 'exited' } });
    expect(verdicts(side)).toEqual(verdicts(serial));
    expect(charged(side)).toEqual(charged(serial));
    expect(charged(side)).toContain('status.header.no-colon-is-400');
  }, 150_000);

  it('a server that never answers some requests: their deadline verdicts are confirmed side by side, and the same', async () => {
    const { side, serial } = await bothWays('single-recv', ['framing.smuggling.cl-te-embedded-', 'status.request-line.']);
    expect(side.run.sideBySide).toMatchObject({ mode: 'side-by-side' });
    expect(side.run.sideBySide).not.toHaveProperty('fellBack');
    expect(verdicts(side)).toEqual(verdicts(serial));
    expect(verdicts(side)['framing.smuggling.cl-te-embedded-get-not-answered']).toBe('fail');
  }, 150_000);

  it('a server with a pool of 8 threads gets batches of 7, and passes every check as one at a time does', async () => {
    const { side, serial } = await bothWays('correct-pool-8', ['status.', 'framing.']);
    expect(side.run.sideBySide).toMatchObject({ mode: 'side-by-side', width: 7 });
    expect(side.run.sideBySide).not.toHaveProperty('fellBack');
    expect(verdicts(side)).toEqual(verdicts(serial));
    expect(side.run.checks.filter((c) => c.verdict === 'fail').map((c) => c.id)).toEqual([]);
  }, 150_000);

  it.each(['split-differs', 'recv-until-short'])('%s, a server that goes wrong on split requests: the split checks and the property cases side by side find the split failures, as one at a time does', async (slug) => {
    const properties = allProperties.filter((p) => ['metamorphic.prop.split-invariance', 'metamorphic.prop.head-is-get-without-body', 'status.prop.valid-served'].includes(p.id));
    const checks = allChecks.filter((c) => c.id === BASELINE_ID || c.id.startsWith('status.request-line.') || c.id.startsWith('metamorphic.'));
    const [side, serial] = await Promise.all([false, true].map((s) => gradeZoo(slug, tmp('wg-side-'), { checks, properties, runs: 25, serial: s, wallMs: 120_000 })));
    expect(side!.run.sideBySide).toMatchObject({ mode: 'side-by-side' });
    expect(verdicts(side!)).toEqual(verdicts(serial!));
    expect(verdicts(side!)['metamorphic.prop.split-invariance']).toBe('fail');
    // The split checks themselves run one at a time (nothing else under way), and found the same.
    expect(verdicts(side!)['metamorphic.split.two-pieces-same-answer']).toBe('fail');
    // The cases of the properties that held ran side by side, not one at a time.
    const reason = (g: GradeResult) => g.run.checks.find((c) => c.id === 'metamorphic.prop.head-is-get-without-body')?.reason;
    expect(reason(side!)).toMatch(/^25 cases held \(\d+ of them run side by side\)$/);
    expect(reason(serial!)).toBe('25 cases held');
  }, 150_000);

  it('a server that serves one client at a time is graded one check at a time', async () => {
    const g = await grade('single-thread-blocking', ['status.request-line.'], false);
    expect(g.run.sideBySide).toEqual({ mode: 'serial', why: 'one-client-at-a-time' });
  }, 150_000);
});
