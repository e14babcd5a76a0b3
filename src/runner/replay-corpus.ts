import type { PropertyDef } from '../checks/property.js';
import type { Check } from '../checks/types.js';
import { closeWatch, describeExchange, judgeStatus, resolveAccepts } from '../checks/verify.js';
import { exchange } from '../client/exchange.js';
import { decodeExample, freshenNames, nextRunTag } from '../corpus/codec.js';
import type { CorpusEntry } from '../corpus/store.js';
import type { Profile } from '../model/profile.js';
import { profiles } from '../model/builtin-profiles.js';
import type { Endpoint } from '../wire/types.js';
import type { Exchange } from '../client/exchange.js';
import type { Family } from '../checks/types.js';
import type { ReplayResult } from './types.js';
import { makeContext } from './context.js';
import { levelled } from './plan.js';
import { applies, skipReason } from '../model/profile-policy.js';
import { runProperty } from './run-properties.js';
import { Scheduler } from './scheduler.js';
import { runUnit } from './unit-loop.js';

export type { ReplayResult, ReplayVerdict } from './types.js';

type Outcome = Omit<ReplayResult, 'file' | 'check' | 'durationMs'> & { exchanges?: readonly Exchange[] };

export interface ReplayOptions {
  target: Endpoint;
  timeoutMs: number;
  checks: readonly Check[];
  properties: readonly PropertyDef<any>[];
  /** Judge entries with this profile; by default each entry's own (an unknown one is an ERROR). */
  profile?: Profile;
  /** SHOULD requirements count like MUST (as in the run that saved the entries with --strict). */
  strict?: boolean;
  onEntry?: (r: ReplayResult, index: number, total: number) => void;
  /**
   * The session's scheduler: entries are then gated by the baseline and the server's liveness exactly
   * like the catalogue, and a death is charged to the entry after which the server went away.
   */
  scheduler?: Scheduler;
}

async function replayStatus(e: CorpusEntry, judge: Extract<CorpusEntry['manifest']['judge'], { kind: 'status' }>, o: ReplayOptions, profile: Profile, tag: string): Promise<Outcome> {
  // Fresh record names (same length), so a replay never meets the records an earlier one created.
  const requests = freshenNames(e.requests, tag);
  const last = requests[requests.length - 1];
  if (!last) return { verdict: 'ERROR', reason: 'the entry has no request to send' };
  for (const setup of requests.slice(0, -1)) {
    const ex = await exchange(o.target, setup.plan, { methods: setup.methods, timeoutMs: o.timeoutMs });
    if (ex.kind === 'refused') return { verdict: 'ERROR', reason: `the target refused the connection (${ex.message ?? ''})`, refused: true, exchanges: [ex] };
  }
  const exp = resolveAccepts({ accept: judge.accept, warn: judge.warn, mustClose: judge.mustClose }, profile.baselineStatuses);
  const ex = await exchange(o.target, last.plan, { methods: last.methods, timeoutMs: o.timeoutMs, headOnly: true, ...(exp.mustClose ? closeWatch(o.timeoutMs) : {}) });
  if (ex.kind === 'refused') return { verdict: 'ERROR', reason: `the target refused the connection (${ex.message ?? ''})`, refused: true, exchanges: [ex] };
  const j = judgeStatus(ex, exp);
  return j.verdict === 'fail' ? { verdict: 'FAILED', reason: j.reason, exchanges: [ex] } : { verdict: 'FIXED', reason: describeExchange(ex), exchanges: [ex] };
}

async function replayOne(e: CorpusEntry, o: ReplayOptions, tag: string): Promise<Outcome> {
  const m = e.manifest;
  const profile = o.profile ?? profiles[m.profile];
  if (!profile) return { verdict: 'ERROR', reason: `the entry's profile '${m.profile}' is unknown to this wiregrade` };
  const judge = m.judge;
  if (judge.kind === 'status') return replayStatus(e, judge, o, profile, tag);
  if (judge.kind === 'check') {
    const check = o.checks.find((c) => c.id === m.check);
    if (!check) return { verdict: 'ERROR', reason: `no check named ${m.check} in this wiregrade` };
    if (!applies(check, profile)) return { verdict: 'ERROR', reason: `the check was skip: ${skipReason(check, profile)}` };
    // The check itself, once, in a context of its own (the loop around the entry watches the server).
    const run = await check.run(makeContext({ target: o.target, profile, timeoutMs: o.timeoutMs }, check.id, tag, new Map()));
    const refused = run.exchanges.find((x) => x.kind === 'refused');
    if (refused && run.exchanges.every((x) => x.kind === 'refused')) return { verdict: 'ERROR', reason: refused.message ?? 'the target refused the connection', refused: true };
    const verdict = levelled(check, profile, run, o.strict === true);
    if (verdict === 'pass' || verdict === 'warn') return { verdict: 'FIXED', reason: run.reason };
    if (verdict === 'fail') return { verdict: 'FAILED', reason: run.reason, exchanges: run.exchanges };
    return { verdict: 'ERROR', reason: `the check was ${verdict}: ${run.reason}` };
  }
  const prop = o.properties.find((p) => p.id === m.check);
  if (!prop) return { verdict: 'ERROR', reason: `no property named ${m.check} in this wiregrade` };
  const base = { target: o.target, profile, timeoutMs: o.timeoutMs, seed: judge.seed, runs: 1, runTag: tag, strict: o.strict === true };
  const out =
    judge.example !== undefined
      ? await runProperty(prop, { ...base, examples: new Map([[prop.id, [decodeExample(judge.example)]]]) })
      : await runProperty(prop, { ...base, casePath: judge.path, ...(judge.replayPath ? { commandsPath: judge.replayPath } : {}) });
  const c = out.result;
  if (c.verdict === 'pass' || c.verdict === 'warn') return { verdict: 'FIXED', reason: c.reason };
  if (c.verdict === 'fail') return { verdict: 'FAILED', reason: c.reason, exchanges: c.exchanges ?? [] };
  return { verdict: 'ERROR', reason: `the property was ${c.verdict}: ${c.reason}` };
}

/**
 * Replays entries one after another, each with record names of its own (a fresh run tag), so replaying
 * the same entries twice against the same server gives the same verdicts; never prints.
 */
export async function replayCorpus(entries: readonly CorpusEntry[], o: ReplayOptions): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  const families = new Map<string, Family>([...o.checks, ...o.properties].map((c) => [c.id, c.family]));
  // Alone (no session), a scheduler of the replay's own: it only confirms deadline verdicts.
  const s = o.scheduler ?? new Scheduler({ target: o.target, profile: o.profile ?? profiles.reference!, timeoutMs: o.timeoutMs });
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const t0 = performance.now();
    const unit = { id: e.manifest.check, family: families.get(e.manifest.check) ?? 'robustness' };
    let r: Outcome;
    // The same loop as a check's (under the session's scheduler): the gate, a confirmation of a deadline
    // verdict (the entry again with a longer deadline), the watch, and a death confirmed by replaying the
    // entry again on the restarted server. Alone (`wiregrade replay`), only the confirmation.
    const end = await runUnit(unit, s, {
      run: async (_attempt, timeoutMs) => {
        try {
          return await replayOne(e, { ...o, timeoutMs }, nextRunTag());
        } catch (err) {
          return { verdict: 'ERROR', reason: `the replay itself failed: ${err instanceof Error ? err.message : String(err)}` } satisfies Outcome;
        }
      },
      verdict: (x) => (x.verdict === 'FAILED' ? 'fail' : x.verdict === 'FIXED' ? 'pass' : 'error'),
      exchanges: (x) => x.exchanges ?? [],
    }, { timeoutMs: o.timeoutMs, watched: o.scheduler !== undefined });
    if ('blocked' in end) r = { verdict: 'ERROR', reason: '', cause: { kind: 'blocked', by: end.blocked } };
    else r = end.after?.chargedTo === 'unit' ? { ...end.outcome, verdict: 'FAILED', cause: Scheduler.died(end.after) } : end.outcome;
    const { exchanges: _dropped, ...kept } = r;
    const res: ReplayResult = { file: e.file, check: e.manifest.check, ...kept, durationMs: Math.round(performance.now() - t0) };
    out.push(res);
    o.onEntry?.(res, i, entries.length);
  }
  return out;
}
