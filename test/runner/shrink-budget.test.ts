import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import type { PropertyDef } from '../../src/checks/property.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { confirmDeadline } from '../../src/runner/deadlines.js';
import { RUN_SHRINK_BUDGETS, runProperties, runProperty, shrinkBudgetMs, SHRINK_BUDGET_MIN_MS } from '../../src/runner/run-properties.js';
import { Scheduler, SILENCE_FLOOR_MS } from '../../src/runner/scheduler.js';
import { latin1 } from '../../src/wire/bytes.js';
import { sleep } from '../../src/wire/deadline.js';
import { answeredIn, fakeServer } from './fake-server.js';
import { withSilentServer } from '../helpers/silent-server.js';

/** An exchange that ran out of time with nothing back (what a case against a hanging server gets). */
function timedOut(ms: number): Exchange {
  return { kind: 'timeout', responses: [], finals: [], partial: null, connection: 'open', sentBytes: 10, receivedBytes: 0, elapsedMs: ms, transcript: [] };
}

/**
 * A property whose failing cases each wait `waitMs` on a deadline (every value ≥ 10 fails): fast-check
 * finds a large failing value and shrinks it toward 10, one waited-on case per step.
 */
function hangingProperty(waitMs: number): PropertyDef<number> {
  return {
    id: 'robustness.prop.test-shrink-budget',
    family: 'robustness',
    level: 'MUST',
    requirement: 'test',
    arbitrary: () => fc.integer({ min: 0, max: 1_000_000 }),
    verify: async (_ctx, n) => {
      if (n < 10) return null;
      await sleep(waitMs);
      return { reason: `${n} hangs`, expected: [], actual: 'nothing', exchanges: [timedOut(waitMs)] };
    },
  };
}

const base = { target: { host: '127.0.0.1', port: 9 }, profile: referenceProfile, timeoutMs: 2000, runs: 50 };

/** A loopback server that reads and never answers, for `go`; closed (and its connections) after it. */
describe('a shrink that waits on deadlines has a budget', () => {
  it('the default budget is one deadline, never less than its floor', () => {
    expect(shrinkBudgetMs(2000)).toBe(SHRINK_BUDGET_MIN_MS);
    expect(shrinkBudgetMs(10_000)).toBe(10_000);
  });

  it('stops at the budget with the counterexample it reached, and says so', async () => {
    const t0 = performance.now();
    const out = await runProperty(hangingProperty(40), { ...base, seed: 7, shrinkBudgetMs: 200 });
    const ms = performance.now() - t0;
    expect(out.result.verdict).toBe('fail');
    expect(out.result.property?.shrinkStoppedAtMs).toBe(200);
    // The counterexample reached is a failing one (≥ 10), found and partly shrunk within the budget.
    expect(out.failure?.counterexample as number).toBeGreaterThanOrEqual(10);
    expect(ms).toBeLessThan(2000);
  });

  it('a candidate that held after a silence spends the budget as a failing one does', async () => {
    // A server that reads and never answers; values under 10 meet its silence and hold (as a metamorphic
    // case whose two forms are both unanswered), values from 10 fail at once, without waiting.
    await withSilentServer(async (target) => {
      let silentHeld = 0;
      const def: PropertyDef<number> = {
        ...hangingProperty(0),
        verify: async (ctx, n) => {
          if (n >= 10) return { reason: `${n} is wrong`, expected: [], actual: 'wrong', exchanges: [] };
          const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: localhost\r\n\r\n`) }, methods: ['GET'] });
          if (x.kind === 'timeout') silentHeld++;
          return null;
        },
      };
      // Each silence waits the whole 100 ms deadline: the second fills a budget of 150 ms (this seed's
      // shrink meets three such candidates on its way to 10, and without the budget ends there).
      const out = await runProperty(def, { ...base, target, timeoutMs: 100, seed: 7, shrinkBudgetMs: 150 });
      expect(out.result.verdict).toBe('fail');
      expect(out.result.property?.shrinkStoppedAtMs).toBe(150);
      expect(silentHeld).toBe(2);
      expect(out.failure?.counterexample as number).toBeGreaterThan(10);
    });
  });

  it('a shrink within its budget runs to the end (the smallest failing case), and says nothing', async () => {
    const out = await runProperty(hangingProperty(1), { ...base, seed: 7, shrinkBudgetMs: 60_000 });
    expect(out.result.verdict).toBe('fail');
    expect(out.failure?.counterexample).toBe(10);
    expect(out.result.property?.shrinkStoppedAtMs).toBeUndefined();
  });
});

describe("a property's failure that rests on a deadline is confirmed by its counterexample alone", () => {
  /** hangingProperty, recording each case judged and its deadline; with `holdsWhenLong`, a case holds under a long deadline. */
  function recorded(holdsWhenLong: boolean) {
    const judged: Array<{ n: number; timeoutMs: number }> = [];
    const inner = hangingProperty(1);
    const def: PropertyDef<number> = {
      ...inner,
      verify: async (ctx, n) => {
        judged.push({ n, timeoutMs: ctx.timeoutMs });
        if (holdsWhenLong && ctx.timeoutMs > 1000) return null;
        return inner.verify(ctx, n);
      },
    };
    return { def, judged };
  }

  // The server the runner asks after the property (its liveness probe): there, and answering.
  let server: net.Server;
  let target = base.target;
  beforeAll(async () => {
    server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    target = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async (def: PropertyDef<number>) => {
    const srv = fakeServer();
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 100, control: srv });
    const [out] = await runProperties([def], { ...base, target, timeoutMs: 100, seed: 7, control: srv, scheduler: s });
    return out!;
  };

  it('judges only the counterexample again, with the longer deadline, and keeps the run\'s case and shrinks', async () => {
    const { def, judged } = recorded(false);
    const out = await run(def);
    const long = judged.filter((j) => j.timeoutMs === confirmDeadline(100));
    expect(long).toEqual([{ n: 10, timeoutMs: confirmDeadline(100) }]);
    expect(out.result.verdict).toBe('fail');
    expect(out.failure?.counterexample).toBe(10);
    // The case the first run failed at and the shrinks it took, not the replay's (1 case, 0 shrinks).
    expect(out.result.runs).toBeGreaterThanOrEqual(1);
    expect(out.result.property?.shrinks).toBeGreaterThan(0);
    expect(out.failure?.shrinks).toBe(out.result.property?.shrinks);
  });

  it('the shrinks of a whole run share RUN_SHRINK_BUDGETS properties\' budgets: the later ones stop sooner, each still failing', async () => {
    const srv = fakeServer();
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 100, control: srv });
    const defs = ['a', 'b', 'c', 'd'].map((x) => ({ ...hangingProperty(40), id: `robustness.prop.test-run-budget-${x}` }));
    const out = await runProperties(defs, { ...base, target, timeoutMs: 100, seed: 7, control: srv, scheduler: s, shrinkBudgetMs: 200 });
    expect(out.map((o) => o.result.verdict)).toEqual(['fail', 'fail', 'fail', 'fail']);
    const stops = out.map((o) => o.result.property);
    // The first shrinks to its own budget; by the last, the run's (2 × 200 ms) is spent: it stops at once.
    expect(stops[0]).toMatchObject({ shrinkStoppedAtMs: 200 });
    expect(stops[0]?.shrinkBudgetOf).toBeUndefined();
    expect(stops[3]).toMatchObject({ shrinkStoppedAtMs: 0, shrinkBudgetOf: 'run', shrinks: 0 });
    expect(out[3]?.failure?.counterexample as number).toBeGreaterThanOrEqual(10);
    expect(RUN_SHRINK_BUDGETS).toBe(2);
  });

  it('runs the whole property again with the longer deadline when the counterexample holds with it', async () => {
    const { def, judged } = recorded(true);
    const out = await run(def);
    const long = judged.filter((j) => j.timeoutMs === confirmDeadline(100));
    expect(out.result.verdict).toBe('pass');
    // The replay of the counterexample, then every case of the property.
    expect(long[0]).toEqual({ n: 10, timeoutMs: confirmDeadline(100) });
    expect(long.length).toBe(1 + base.runs);
  });
});

describe("a shrink's candidates are provisional: their silences get the quiet window before the class", () => {
  it('the case that fails first waits its whole deadline; the candidates after it, the window from the pace', async () => {
    // A server that reads and never answers.
    await withSilentServer(async (target) => {
      const timeoutMs = 1000;
      const s = new Scheduler({ target, profile: referenceProfile, timeoutMs, control: fakeServer() });
      // Its pace is known (it answered in 1 ms), and its silences are not a class: no window yet.
      for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answeredIn(1)]);
      expect(s.silenceMs(timeoutMs)).toBeUndefined();
      const waited: number[] = [];
      const def: PropertyDef<number> = {
        ...hangingProperty(0),
        verify: async (ctx, n) => {
          if (n < 10) return null;
          const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: localhost\r\n\r\n`) }, methods: ['GET'] });
          waited.push(x.elapsedMs);
          return x.kind === 'timeout' ? { reason: `${n} hangs`, expected: [], actual: 'nothing', exchanges: [x] } : null;
        },
      };
      const out = await runProperty(def, { ...base, target, timeoutMs, seed: 7, scheduler: s, shrinkBudgetMs: 1200 });
      expect(out.result.verdict).toBe('fail');
      // Its failure was read with the provisional window: confirmed outside the class (unit-loop.ts).
      expect(out.provisional).toBe(true);
      expect(waited.length).toBeGreaterThan(1);
      // (Times are measured from the connection, so a loaded machine takes a little off the deadline.)
      expect(waited[0]).toBeGreaterThan(timeoutMs - 100);
      for (const ms of waited.slice(1)) expect(ms).toBeGreaterThanOrEqual(SILENCE_FLOOR_MS - 5);
      // The candidates were cut at the window (one may still wait its deadline on a loaded machine: the
      // window counts from the request's last byte, and is not used when less than it is left).
      expect(waited.slice(1).filter((ms) => ms < timeoutMs - 100).length).toBeGreaterThanOrEqual(1);
    });
  });

  it('so is every case of a property of the same case as a unit whose silence stands: its first failure too gets the window', async () => {
    await withSilentServer(async (target) => {
      const timeoutMs = 1000;
      const s = new Scheduler({ target, profile: referenceProfile, timeoutMs, control: fakeServer() });
      for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answeredIn(1)]);
      const waited: number[] = [];
      const def: PropertyDef<number> = {
        ...hangingProperty(0),
        follows: [{ root: 'robustness.idle-client.does-not-block-others', when: 'same-case' }],
        verify: async (ctx, n) => {
          if (n < 10) return null;
          const x = await ctx.send({ plan: { bytes: latin1(`GET /${n} HTTP/1.1\r\nHost: localhost\r\n\r\n`) }, methods: ['GET'] });
          waited.push(x.elapsedMs);
          return x.kind === 'timeout' ? { reason: `${n} hangs`, expected: [], actual: 'nothing', exchanges: [x] } : null;
        },
      };
      // The root's failure on a silence stood.
      s.stood({ id: 'robustness.idle-client.does-not-block-others', family: 'robustness' }, 'fail', [{ ...answeredIn(1), kind: 'timeout', receivedBytes: 0 }]);
      expect(s.coveredBySameCase(def)).toBe(true);
      const out = await runProperty(def, { ...base, target, timeoutMs, seed: 7, scheduler: s, shrinkBudgetMs: 1200 });
      expect(out.result.verdict).toBe('fail');
      expect(out.provisional).toBe(true);
      expect(waited[0]).toBeGreaterThanOrEqual(SILENCE_FLOOR_MS - 5);
      expect(waited[0]).toBeLessThan(timeoutMs - 100);
    });
  });
});
