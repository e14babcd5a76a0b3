/**
 * Waits side by side against a --target (src/runner/parked.ts), on zoo servers over loopback: the same
 * verdicts as one check at a time (`serial`) for a server that leaves requests unanswered, with requests
 * really waiting at once (on fresh connections, and on connections a check keeps); a server that crashes is
 * charged to the same check either way, also when its crash takes a moment while others are answered; and a server
 * that fails the slow-client check (one client at a time), or a run without that check, runs one check at a
 * time and says why.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { runSession } from '../../src/runner/session.js';
import type { RunResult } from '../../src/runner/types.js';
import { startZoo } from '../helpers/zoo.js';

const SLOW_CLIENT = 'robustness.slow-client.does-not-block-others';

/** A --target run of the catalogue's checks under `prefixes` (and the slow-client check), no properties. */
async function run(slug: string, prefixes: string[], serial: boolean, except: string[] = [], env?: Record<string, string>): Promise<RunResult> {
  const z = await startZoo(slug, env);
  try {
    const chosen = (id: string): boolean => (id === SLOW_CLIENT && !except.includes(id)) || id.startsWith('baseline.') || (prefixes.some((p) => id.startsWith(p)) && !except.includes(id));
    const checks = allChecks.filter((c) => chosen(c.id));
    const { result } = await runSession({
      target: { host: z.host, port: z.port },
      profile: referenceProfile,
      checks,
      properties: [],
      timeoutMs: 1000,
      seed: 1,
      runs: 0,
      ...(serial ? { serial: true } : {}),
    });
    return result;
  } finally {
    await z.stop();
  }
}

const verdicts = (r: RunResult) => Object.fromEntries(r.checks.map((c) => [c.id, c.verdict]));

describe('waits side by side against a --target', () => {
  it('judges a server that leaves requests unanswered exactly as one check at a time, with requests waiting at once', async () => {
    const prefixes = ['framing.chunked.', 'framing.transfer-encoding.'];
    // Its silence is confirmed with the 5 s deadline either way (12 s in all): not what is compared here.
    const except = ['framing.chunked.junk-after-last-chunk-not-answered'];
    const side = await run('single-recv', prefixes, false, except);
    const serial = await run('single-recv', prefixes, true, except);
    expect(side.sideBySide).toMatchObject({ mode: 'waits-side-by-side' });
    const sb = side.sideBySide as Extract<RunResult['sideBySide'], { mode: 'waits-side-by-side' }>;
    expect(sb.peak).toBeGreaterThanOrEqual(2);
    expect(sb.ran).toBeGreaterThan(10);
    expect(serial.sideBySide).toEqual({ mode: 'serial', why: 'asked' });
    expect(verdicts(side)).toEqual(verdicts(serial));
    // Not a run of passes: the silences are there to be waited on.
    expect(side.checks.filter((c) => c.verdict === 'fail').length).toBeGreaterThan(8);
    // The slow-client check ran right after the baseline, and passed: it is what let the waits overlap.
    expect(side.checks[1]!.id).toBe(SLOW_CLIENT);
    expect(side.checks[1]!.verdict).toBe('pass');
  }, 120_000);

  it('lets a request on a connection a check keeps wait beside the others, judged as one at a time', async () => {
    // wrong-content-length promises more body than it sends: a second request on a kept connection waits
    // out its quiet window (after the class; its deadline before it).
    const prefixes = ['connection.keep-alive.'];
    const side = await run('wrong-content-length', prefixes, false);
    const serial = await run('wrong-content-length', prefixes, true);
    expect(verdicts(side)).toEqual(verdicts(serial));
    const kept = ['connection.keep-alive.second-request-answered', 'connection.keep-alive.after-body-request'];
    for (const id of kept) expect([id, verdicts(side)[id]]).toEqual([id, 'fail']);
    // Those checks' requests are on connections they keep: they waited at once.
    const sb = side.sideBySide as Extract<RunResult['sideBySide'], { mode: 'waits-side-by-side' }>;
    expect(sb.peak).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('runs again side by side the outcomes of a batch read with rules learned during it, judged as one at a time', async () => {
    // no-content-length leaves its close-delimited bodies open: during the first batch the run learns to
    // end such a body after a moment of quiet, and the outcomes read before that do not stand.
    const prefixes = ['framing.te-lookalike.trailing-', 'framing.te-lookalike.leading-', 'framing.te-lookalike.tab-'];
    const side = await run('no-content-length', prefixes, false);
    const serial = await run('no-content-length', prefixes, true);
    expect(verdicts(side)).toEqual(verdicts(serial));
    const sb = side.sideBySide as Extract<RunResult['sideBySide'], { mode: 'waits-side-by-side' }>;
    // The first batch, then the one its outcomes ran again in (one at a time before).
    expect(sb.batches).toBeGreaterThanOrEqual(2);
    expect(sb.ran).toBeLessThanOrEqual(side.checks.length);
  }, 120_000);

  it('charges a crash to the same check as one check at a time, and blocks the rest', async () => {
    const prefixes = ['status.method.', 'status.header.'];
    const side = await run('crash-no-colon', prefixes, false);
    const serial = await run('crash-no-colon', prefixes, true);
    const died = (r: RunResult) => r.checks.filter((c) => c.cause?.kind === 'died').map((c) => c.id);
    expect(died(serial)).toEqual(['status.header.no-colon-is-400']);
    expect(died(side)).toEqual(died(serial));
    expect(side.stopped?.afterCheck).toBe('status.header.no-colon-is-400');
    // Every check judged before the death has the verdict it has one at a time (the slow-client check,
    // second here, was not reached one at a time).
    const s = verdicts(serial);
    for (const c of side.checks) if (c.id !== SLOW_CLIENT && s[c.id] !== 'blocked') expect([c.id, c.verdict]).toEqual([c.id, s[c.id]]);
    expect(side.checks.filter((c) => c.verdict === 'blocked').length).toBeGreaterThan(5);
  }, 120_000);

  it('charges a crash that takes a moment (other threads answering meanwhile) to the request that caused it', async () => {
    // A thread that dies slowly, as on a loaded machine (a CI run): its request parks once the park probe
    // is answered, later checks act and are answered, and the death is found after one of them first.
    const side = await run('crash-no-colon', [''], false, [], { ZOO_CRASH_DELAY_MS: '100' }); // every check
    expect(side.sideBySide).toMatchObject({ mode: 'waits-side-by-side' });
    expect(side.checks.filter((c) => c.cause?.kind === 'died').map((c) => c.id)).toEqual(['status.header.no-colon-is-400']);
    expect(side.stopped?.afterCheck).toBe('status.header.no-colon-is-400');
    expect(side.checks.filter((c) => c.verdict === 'fail').map((c) => c.id)).toEqual(['status.header.no-colon-is-400']);
  }, 120_000);

  it('runs one check at a time when the server does not answer a client while another stalls, and says why', async () => {
    const r = await run('single-thread-blocking', [], false);
    expect(r.sideBySide).toEqual({ mode: 'serial', why: 'not-shown', check: SLOW_CLIENT, verdict: 'fail' });
  }, 120_000);

  it('runs one check at a time when the slow-client check is not among the checks run, and says which check would let the waits overlap', async () => {
    const r = await run('correct-threaded', ['status.method.'], false, [SLOW_CLIENT]);
    expect(r.checks.some((c) => c.id === SLOW_CLIENT)).toBe(false);
    expect(r.sideBySide).toEqual({ mode: 'serial', why: 'not-shown', check: SLOW_CLIENT });
  }, 120_000);
});
