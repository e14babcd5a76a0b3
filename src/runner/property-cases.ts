/**
 * A property's cases side by side (issue 22). When the server serves several clients at once (the
 * catalogue's checks ran side by side and stayed kept, side-by-side.ts), a property that declares
 * `casesSideBySide` (its cases change no state another case reads, and none is large) has the cases
 * fast-check is about to generate run ahead, `width` at once (the next as soon as one ends: a case that
 * meets the server's silence holds its place for its window while the others go on), each on connections
 * of its own. A case that held with every exchange answered (bytes back, no deadline, no refusal), or
 * left unanswered while the server answered a client that came after it (a witnessed silence: heldClean),
 * is remembered as held,
 * and fast-check's own run (one case at a time, in its order, with its seed and paths) takes it as held
 * without sending it again: its n-th generated value is known as the n-th case ahead when the two are
 * deeply equal (heldAt; until session 22 each was known by its printed form, fc.stringify, a tenth of the
 * grader's time 16 cases side by side). Nothing else is remembered: a case that failed, met a silence not witnessed,
 * a close with nothing or a refusal runs again in fast-check's turn, alone, so every failure, every shrink
 * and every replay rests on a case run alone, as before. A case that did not hold cleanly ends the running
 * ahead: none starts after it (that server is not one whose cases overlap well). Only when the server is
 * still there after them (one batch, runBatch: its process runs, nothing was refused, a silence is asked
 * of its socket) are they kept; a server gone or hung is started again, uncharged, and the property runs
 * as without this, which finds and charges what happened. (Until session 21 they ran in waves of `width`,
 * each waiting for its slowest case.)
 *
 * Against a server the runner does not own (`--target`), the cases run ahead only where the catalogue's
 * waits overlapped and the server kept answering beside them (parked.ts), as above; after them it is
 * asked once (a liveness probe). It cannot be started again: a server found gone or hung after them keeps
 * nothing, and the property runs one case at a time, finds it gone and is charged with it, saying that
 * its cases ran side by side and that `--serial` names the case (AheadResult.wentAway). Returns data;
 * never prints.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../client/exchange.js';
import type { Endpoint, SendPlan } from '../wire/types.js';
import type { PropertyDef } from '../checks/property.js';
import type { CheckContext } from '../checks/types.js';
import type { Profile } from '../model/profile.js';
import { probeAlive, probeOnce } from './liveness.js';
import { PARK_PROBE_MS } from './parked.js';
import type { Scheduler } from './scheduler.js';
import { runBatch, type BatchEnv } from './side-by-side.js';

/**
 * How many cases run ahead at once against a server the runner does not own, where the catalogue's
 * waits overlapped beside it (parked.ts): the widest a server the runner starts is asked to serve
 * (STALLED_TRIED). Cases a narrower server queues are answered late, not lost (and a case that met a
 * silence nobody witnessed ends the running ahead).
 */
export const AHEAD_WIDTH_AT_TARGET = 16;

/**
 * Which of fast-check's generated values held ahead: `values` are the cases run ahead, in fast-check's
 * order, and `held` the positions of those that held cleanly. The returned function is asked once for each
 * value fast-check judges in its first pass (not while shrinking), in its order: a value deeply equal
 * (node:util isDeepStrictEqual) to the next case ahead is that case, taken as held when it held; any other
 * value (an example given before them, a value not in that order) is run as fast-check asks, and the
 * position does not move. A value is never taken as held unless it is, byte for byte, one that held.
 */
export function heldAt<T>(values: readonly T[], held: readonly number[]): (value: T) => boolean {
  const ok = new Set(held);
  let next = 0;
  return (value) => {
    if (ok.size === 0 || next >= values.length || !isDeepStrictEqual(value, values[next])) return false;
    return ok.has(next++);
  };
}

/**
 * A case that ran ahead: whether it held, what its exchanges were (a refused connection counts as one),
 * and which of them met silence while the server answered a client that came after (witnessed).
 */
interface AheadCase {
  held: boolean;
  exchanges: Exchange[];
  refused: boolean;
  threw: boolean;
  witnessed: Set<Exchange>;
}

/**
 * Did the case hold with every exchange answered (bytes back, no deadline reached, nothing refused), or
 * met with a witnessed silence: a request left unanswered while the server answered the witness probe,
 * sent after it on a fresh connection (WITNESS_AFTER_MS), as a parked request's silence is taken against
 * a `--target` (parked.ts). Such a silence is the server's own, not the load of the cases beside it: one
 * at a time it meets the same silence, and the case holds (a property does not judge what was not
 * answered) as it did here.
 */
export function heldClean(c: Pick<AheadCase, 'held' | 'exchanges' | 'refused' | 'threw'> & { witnessed?: ReadonlySet<Exchange> }): boolean {
  const clean = (x: Exchange): boolean => (x.kind === 'timeout' ? c.witnessed?.has(x) === true : x.kind !== 'refused' && x.receivedBytes > 0);
  return c.held && !c.refused && !c.threw && c.exchanges.length > 0 && c.exchanges.every(clean);
}

/**
 * An exchange of a case ahead still under way this long after it began (after the pauses of a request
 * sent in pieces; by then a request the properties send, under 64 KiB, has been sent whole) has the
 * server asked once on a fresh connection (the liveness probe, answered within PARK_PROBE_MS): answered
 * while the exchange still went on, it is the witness that makes a silence of that exchange the server's
 * own (heldClean). Shorter than the quiet window's floor (SILENCE_FLOOR_MS), so the probe is decided
 * before the silence is. One timer per exchange, and a probe only for one that lasts: nothing is watched
 * on an exchange answered at once.
 */
export const WITNESS_AFTER_MS = 100;

/** Runs `go` (an exchange of `plan`); tells `saw` when a witness probe was answered while it went on (WITNESS_AFTER_MS). */
async function witnessed(env: AheadEnv, plan: SendPlan, go: () => Promise<Exchange>, saw: () => void): Promise<Exchange> {
  let done = false;
  let asking: Promise<unknown> | undefined;
  const pauses = (plan.pausesMs ?? []).reduce((a, b) => a + b, 0);
  const timer = setTimeout(() => {
    asking = probeOnce(env.target, env.profile, PARK_PROBE_MS, env.s.probeCloseMs()).then(
      (outcome) => {
        if (outcome === 'answered' && !done) saw();
      },
      // A probe that could not be made witnesses nothing (and must not fail the case it watched).
      () => undefined,
    );
  }, pauses + WITNESS_AFTER_MS);
  try {
    return await go();
  } finally {
    done = true;
    clearTimeout(timer);
    // A probe under way is waited for (its connection closed) before the case goes on.
    await asking;
  }
}

/** The context of one case run ahead: `ctx`, with every exchange it makes recorded in `into`, its silences witnessed. */
function recording(ctx: CheckContext, into: AheadCase, env: AheadEnv): CheckContext {
  return {
    ...ctx,
    send: async (req, o) => {
      let seen = false;
      const x = await witnessed(env, req.plan, () => ctx.send(req, o), () => (seen = true));
      into.exchanges.push(x);
      if (seen) into.witnessed.add(x);
      return x;
    },
    openConnection: async () => {
      const conn = await ctx.openConnection();
      if (!conn) {
        into.refused = true;
        return null;
      }
      const exchange = conn.exchange.bind(conn);
      conn.exchange = async (plan, o) => {
        let seen = false;
        const x = await witnessed(env, plan, () => exchange(plan, o), () => (seen = true));
        into.exchanges.push(x);
        if (seen) into.witnessed.add(x);
        return x;
      };
      return conn;
    },
  };
}

/** Where the cases run ahead: a server the runner owns (BatchEnv), or one it does not (a `--target`). */
export type AheadEnv = BatchEnv | { s: Scheduler; target: Endpoint; profile: Profile; timeoutMs: number };

/** The cases that held cleanly ahead (their positions in `values`: heldAt), and whether a `--target` was found gone or hung after them. */
export interface AheadResult {
  held: number[];
  wentAway?: 'refused' | 'hung';
}

/**
 * Runs `values` (the cases fast-check will generate first, in its order) ahead, `width` at once, the next
 * case starting as soon as one ends, none after a case that did not hold cleanly (see the file's header):
 * against a server the runner owns as one batch (runBatch, `unjudged`), against a `--target` with the
 * server asked once after them all. Waves each waited for their slowest case: head-100's metamorphic
 * properties spent 2.5–4 s each on four waves of HEADs it leaves unanswered. No case starts once the run
 * may not go on (a wall limit, a signal: Scheduler.blockCause) or after `untilMs` (performance.now(): the
 * property's share of a time budget).
 */
export async function casesAhead<T>(def: PropertyDef<T>, ctx: CheckContext, values: readonly T[], width: number, env: AheadEnv, untilMs = Infinity): Promise<AheadResult> {
  const goOn = (): boolean => env.s.blockCause(def) === null && performance.now() < untilMs;
  const newCase = (): AheadCase => ({ held: false, exchanges: [], refused: false, threw: false, witnessed: new Set<Exchange>() });
  const runCase = async (c: AheadCase, value: T): Promise<AheadCase> => {
    try {
      c.held = (await def.verify(recording(ctx, c, env), value)) === null;
    } catch {
      c.threw = true;
    }
    return c;
  };
  if (!('control' in env)) {
    const cases: AheadCase[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop && cases.length < values.length && goOn()) {
        const i = cases.length;
        cases.push(newCase());
        if (!heldClean(await runCase(cases[i]!, values[i]!))) stop = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, values.length)) }, worker));
    if (cases.length === 0) return { held: [] };
    const gone = await probeAlive(env.target, env.profile, env.timeoutMs, env.s.probeCloseMs());
    if (gone !== null) return { held: [], wentAway: gone };
    return { held: cases.flatMap((c, i) => (heldClean(c) ? [i] : [])) };
  }
  if (!goOn()) return { held: [] };
  const cases: AheadCase[] = values.map(newCase);
  const end = await runBatch<AheadCase>(values.length, {
    // A case the run may no longer start is left not run: not held, and no more start after it.
    run: (i) => (goOn() ? runCase(cases[i]!, values[i]!) : Promise.resolve(cases[i]!)),
    // Nothing is judged here (a case is only ever remembered as held), so nothing is confirmed.
    verdict: () => 'pass',
    exchanges: (c) => c.exchanges,
    settled: (c) => c.threw,
    stops: (c) => !heldClean(c),
  }, { ...env, width, unjudged: true });
  if ('dropped' in end) return { held: [] };
  return { held: end.kept.flatMap((p, i) => (heldClean(p.first) ? [i] : [])) };
}
