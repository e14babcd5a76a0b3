/**
 * Which verdicts are confirmed with the long deadline before the run takes them, without a network: a
 * failure that rests on a deadline, and a check that could not judge because an exchange ran out of time
 * (blocked with one timeout). Both count toward the class of confirmed silences after which no more
 * confirmations run (but for a large request's and a check's that sends many at once); a confirmation that
 * gives another verdict stands and turns confirmations on for good.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange, OutcomeKind } from '../../src/client/exchange.js';
import type { Check, CheckRun, RunVerdict } from '../../src/checks/types.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { QUIET_WINDOW_MAX_REQUEST_BYTES } from '../../src/client/exchange.js';
import { confirmDeadline, confirmsOnDeadline, largeSilence, SHORT_IDLE_END_MS, unwitnessedSilence } from '../../src/runner/deadlines.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { BASELINE_ID } from '../../src/checks/catalogue/baseline.js';

const TIMEOUT = 100;
const LONG = confirmDeadline(TIMEOUT);

function ex(kind: OutcomeKind, requestBytes?: number): Exchange {
  // Bytes came back (a partial answer): the scheduler's watch asks the fake process, not the socket.
  const e: Exchange = { kind, responses: [], finals: [], partial: null, connection: 'open', sentBytes: 10, receivedBytes: 5, elapsedMs: 1, transcript: [] };
  if (requestBytes === undefined) return e;
  return { ...e, sentBytes: requestBytes, request: { plan: { bytes: new Uint8Array(requestBytes), pausesMs: [] } } as unknown as Exchange['request'] };
}

/** A check that records each deadline it ran with and answers what `answer` makes of it (and of how many runs came before). */
function recorded(id: string, deadlines: Map<string, number[]>, answer: (timeoutMs: number, before: number) => { verdict: RunVerdict; exchange: Exchange }): Check {
  return {
    id,
    family: 'framing',
    level: 'MUST',
    requirement: 'a fake',
    async run(ctx): Promise<CheckRun> {
      const before = deadlines.get(id)?.length ?? 0;
      deadlines.set(id, [...(deadlines.get(id) ?? []), ctx.timeoutMs]);
      const { verdict, exchange } = answer(ctx.timeoutMs, before);
      return { verdict, reason: verdict, expected: [], actual: verdict, exchanges: [exchange] };
    },
  };
}

/** A check that answers `verdict` with one exchange of `kind` (or what `confirm` says with the long deadline), and records each deadline it ran with. */
function fake(id: string, verdict: RunVerdict, kind: OutcomeKind, deadlines: Map<string, number[]>, confirm?: RunVerdict, requestBytes?: number): Check {
  return recorded(id, deadlines, (timeoutMs) => {
    const v = timeoutMs === LONG && confirm ? confirm : verdict;
    return { verdict: v, exchange: ex(v === verdict ? kind : 'response', requestBytes) };
  });
}

/** A check whose n-th run (a first attempt, then its confirmations) answers `runs[n]` (the last one after that), recording each deadline. */
function firstThen(id: string, deadlines: Map<string, number[]>, runs: Array<{ verdict: RunVerdict; kind: OutcomeKind; idleEndMs?: number; witnessed?: boolean }>): Check {
  return recorded(id, deadlines, (_timeoutMs, before) => {
    const { verdict, kind, idleEndMs, witnessed } = runs[Math.min(before, runs.length - 1)]!;
    return { verdict, exchange: { ...ex(kind), ...(idleEndMs !== undefined ? { idleEndMs } : {}), ...(witnessed !== undefined ? { witnessed } : {}) } };
  });
}

/** `c` with each exchange of its outcome changed by `mark` (given the outcome's verdict). */
function marked(c: Check, mark: (e: Exchange, verdict: RunVerdict) => Exchange): Check {
  return {
    ...c,
    run: async (ctx) => {
      const r = await c.run(ctx);
      return { ...r, exchanges: (r.exchanges ?? []).map((e) => mark(e, r.verdict)) };
    },
  };
}

const control = { exited: () => null, restart: async () => ({ ok: true as const }) };
const baseline = (d: Map<string, number[]>) => fake(BASELINE_ID, 'pass', 'response', d);

async function run(checks: Check[]) {
  return runChecks({ target: { host: '127.0.0.1', port: 9 }, checks, profile: referenceProfile, timeoutMs: TIMEOUT, seed: 1, control });
}

describe('confirmations of verdicts that rest on a deadline', () => {
  it('confirmsOnDeadline: a failure with a timed-out exchange, a blocked check with one; not a refusal, not a pass', () => {
    expect(confirmsOnDeadline('fail', [ex('timeout')])).toBe(true);
    expect(confirmsOnDeadline('blocked', [ex('timeout')])).toBe(true);
    expect(confirmsOnDeadline('blocked', [ex('closed-without-response')])).toBe(false);
    expect(confirmsOnDeadline('blocked', [ex('timeout'), ex('refused')])).toBe(false);
    // A blocked check that gave up after several silent requests: the long deadline for each again is not worth it.
    expect(confirmsOnDeadline('blocked', [ex('timeout'), ex('timeout')])).toBe(false);
    expect(confirmsOnDeadline('fail', [ex('timeout'), ex('timeout')])).toBe(true);
    expect(confirmsOnDeadline('pass', [ex('timeout')])).toBe(false);
    expect(confirmsOnDeadline('warn', [ex('timeout')])).toBe(false);
  });

  it('blocked checks that ran out of time are confirmed, and three of them make the class: the fourth is taken as it is', async () => {
    const d = new Map<string, number[]>();
    const checks = [baseline(d), ...[1, 2, 3, 4].map((i) => fake(`framing.b${i}`, 'blocked', 'timeout', d))];
    const r = await run(checks);
    expect(r.checks.map((c) => c.verdict)).toEqual(['pass', 'blocked', 'blocked', 'blocked', 'blocked']);
    expect([1, 2, 3, 4].map((i) => d.get(`framing.b${i}`))).toEqual([[TIMEOUT, LONG], [TIMEOUT, LONG], [TIMEOUT, LONG], [TIMEOUT]]);
  });

  it('a blocked check that is not a deadline (the connection closed) is not confirmed, and does not count', async () => {
    const d = new Map<string, number[]>();
    const checks = [baseline(d), fake('framing.closed', 'blocked', 'closed-without-response', d), ...[1, 2, 3, 4].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d))];
    await run(checks);
    expect(d.get('framing.closed')).toEqual([TIMEOUT]);
    expect([1, 2, 3, 4].map((i) => d.get(`framing.f${i}`)?.length)).toEqual([2, 2, 2, 1]);
  });

  it('a confirmation that judges what the short deadline left blocked stands, and confirmations stay on', async () => {
    const d = new Map<string, number[]>();
    const checks = [baseline(d), fake('framing.slow', 'blocked', 'timeout', d, 'pass'), ...[1, 2, 3, 4].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d))];
    const r = await run(checks);
    expect(r.checks.find((c) => c.id === 'framing.slow')?.verdict).toBe('pass');
    expect([1, 2, 3, 4].map((i) => d.get(`framing.f${i}`)?.length)).toEqual([2, 2, 2, 2]);
  });

  it('a silence on a large request is confirmed even once silences are a class: reading it is not the pace of small answers', async () => {
    const big = QUIET_WINDOW_MAX_REQUEST_BYTES + 1;
    expect(largeSilence([ex('timeout', big)])).toBe(true);
    expect(largeSilence([ex('timeout', QUIET_WINDOW_MAX_REQUEST_BYTES)])).toBe(false);
    expect(largeSilence([ex('response', big)])).toBe(false);
    const d = new Map<string, number[]>();
    // Three small silences make the class; a fourth is taken as it is; the large one is still confirmed, and its confirmation's pass stands.
    const checks = [
      baseline(d),
      ...[1, 2, 3, 4].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d)),
      fake('framing.big', 'fail', 'timeout', d, 'pass', big),
      // A blocked one charges nothing: taken as it is once the class stands, as a small one is.
      fake('framing.big-blocked', 'blocked', 'timeout', d, 'pass', big),
    ];
    const r = await run(checks);
    expect(d.get('framing.big-blocked')).toEqual([TIMEOUT]);
    expect([1, 2, 3, 4].map((i) => d.get(`framing.f${i}`)?.length)).toEqual([2, 2, 2, 1]);
    expect(d.get('framing.big')).toEqual([TIMEOUT, LONG]);
    expect(r.checks.find((c) => c.id === 'framing.big')?.verdict).toBe('pass');
  });

  it('a check that sends many requests at once (Check.atOnce) is confirmed even once silences are a class, and its confirmation decides only its own verdict', async () => {
    const d = new Map<string, number[]>();
    const atOnce = (id: string, confirm?: RunVerdict): Check => ({ ...fake(id, 'fail', 'timeout', d, confirm), atOnce: true });
    // Three small silences make the class; after it, the one that sends at once is still confirmed (its
    // confirmation's pass stands), a plain one is not; and the flip leaves the class standing.
    const checks = [baseline(d), ...[1, 2, 3].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d)), atOnce('framing.twenty', 'pass'), fake('framing.f4', 'fail', 'timeout', d)];
    const r = await run(checks);
    expect(d.get('framing.twenty')).toEqual([TIMEOUT, LONG]);
    expect(r.checks.find((c) => c.id === 'framing.twenty')?.verdict).toBe('pass');
    expect(d.get('framing.f4')).toEqual([TIMEOUT]);
  });

  it('a large request\'s confirmation that flips neither breaks the class nor counts toward it', async () => {
    const big = QUIET_WINDOW_MAX_REQUEST_BYTES + 1;
    const d = new Map<string, number[]>();
    // Before the class: the large one is confirmed (and flips) but does not count; three small ones still make the class.
    const checks = [baseline(d), fake('framing.big', 'fail', 'timeout', d, 'pass', big), ...[1, 2, 3, 4].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d))];
    const r = await run(checks);
    expect(d.get('framing.big')).toEqual([TIMEOUT, LONG]);
    expect(r.checks.find((c) => c.id === 'framing.big')?.verdict).toBe('pass');
    expect([1, 2, 3, 4].map((i) => d.get(`framing.f${i}`)?.length)).toEqual([2, 2, 2, 1]);
  });

  it('once silences are a class, a failure whose silence its witness could not stand behind is confirmed; its flip turns confirmations on', async () => {
    const w = (e: Exchange, witnessed: boolean): Exchange => ({ ...e, witnessed });
    expect(unwitnessedSilence('fail', [w(ex('timeout'), false)])).toBe(true);
    expect(unwitnessedSilence('fail', [w(ex('timeout'), true)])).toBe(false);
    expect(unwitnessedSilence('fail', [ex('timeout')])).toBe(false);
    expect(unwitnessedSilence('pass', [w(ex('timeout'), false)])).toBe(false);
    // One silence witnessed, another not: the failure may rest on either.
    expect(unwitnessedSilence('fail', [w(ex('timeout'), true), w(ex('timeout'), false)])).toBe(true);
    const d = new Map<string, number[]>();
    const withWitness = (id: string, witnessed: boolean, confirm?: RunVerdict): Check => marked(fake(id, 'fail', 'timeout', d, confirm), (e) => (e.kind === 'timeout' ? w(e, witnessed) : e));
    // Three silences make the class; a witnessed one is taken as it is; an unwitnessed one is confirmed,
    // and its confirmation's pass stands; after that flip, every silence is confirmed again.
    const checks = [
      baseline(d),
      ...[1, 2, 3].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d)),
      withWitness('framing.seen', true),
      withWitness('framing.unseen', false, 'pass'),
      fake('framing.f4', 'fail', 'timeout', d),
    ];
    const r = await run(checks);
    expect(d.get('framing.seen')).toEqual([TIMEOUT]);
    expect(d.get('framing.unseen')).toEqual([TIMEOUT, LONG]);
    expect(r.checks.find((c) => c.id === 'framing.unseen')?.verdict).toBe('pass');
    expect(d.get('framing.f4')).toEqual([TIMEOUT, LONG]);
  });

  it('a failure on a body cut by the short idle end is confirmed at the run\'s own deadline, before the class and after it, outside the class', async () => {
    const d = new Map<string, number[]>();
    // Fails with a body the short idle end cut; its confirmation (the full idle end, ContextOptions.confirming) passes.
    const cut = (id: string): Check => firstThen(id, d, [{ verdict: 'fail', kind: 'response', idleEndMs: SHORT_IDLE_END_MS }, { verdict: 'pass', kind: 'response' }]);
    const checks = [baseline(d), cut('framing.cut-before'), ...[1, 2, 3, 4].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d)), cut('framing.cut-after')];
    const r = await run(checks);
    // Only the idle end is in question: not the long deadline (no-content-length's keep-alive property waited 5 s for it).
    expect(d.get('framing.cut-before')).toEqual([TIMEOUT, TIMEOUT]);
    expect(d.get('framing.cut-after')).toEqual([TIMEOUT, TIMEOUT]);
    expect(r.checks.filter((c) => c.id.startsWith('framing.cut')).map((c) => c.verdict)).toEqual(['pass', 'pass']);
    // Its flips neither broke the class of silences nor counted toward it.
    expect([1, 2, 3, 4].map((i) => d.get(`framing.f${i}`)?.length)).toEqual([2, 2, 2, 1]);
  });

  it('a confirmation at the run\'s deadline that rests on a deadline itself is confirmed with the long one', async () => {
    const d = new Map<string, number[]>();
    // Cut; then (the full idle end) a silence nobody could stand behind; then, with the long deadline, answered.
    const cutThenSilent = firstThen('framing.cut-silent', d, [
      { verdict: 'fail', kind: 'response', idleEndMs: SHORT_IDLE_END_MS },
      { verdict: 'fail', kind: 'timeout', witnessed: false },
      { verdict: 'pass', kind: 'response' },
    ]);
    const checks = [baseline(d), ...[1, 2, 3].map((i) => fake(`framing.f${i}`, 'fail', 'timeout', d)), cutThenSilent];
    const r = await run(checks);
    expect(d.get('framing.cut-silent')).toEqual([TIMEOUT, TIMEOUT, LONG]);
    expect(r.checks.find((c) => c.id === 'framing.cut-silent')?.verdict).toBe('pass');
  });
});

