/**
 * Sends a class's probe set to one running submission and signs every answer (issue 24). Bounded: each
 * exchange has a deadline and a byte cap, a body without an end is taken as ended after a short idle
 * pause, the whole set has a time budget, and a server that dies is started again within a budget (its
 * probe is signed `death`). Returns data; never prints.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exchange, type Exchange } from '../client/exchange.js';
import type { Endpoint } from '../wire/types.js';
import type { ClassProbe, ProbeRequest, ProbeSet } from './class-probes.js';
import { confirmDeadline, CONFIRMED_CLASS } from './deadlines.js';
import { answerOf, readBackOf, stageOf, type Answer, type ProbeSignature } from './class-signature.js';

/** What the class phase needs of a server it did not start: is it dead, and start it again. */
export interface ClassServerControl {
  exited(): unknown;
  restart(): Promise<{ ok: boolean }>;
}

export interface ClassRunOptions {
  /** Deadline of one exchange (connect, send, read). */
  timeoutMs?: number;
  /** The longer deadline a probe is waited on until the server's hangs are a class (default: confirmDeadline(timeoutMs)). */
  confirmTimeoutMs?: number;
  /** After an answer: how long to watch for more bytes. */
  settleMs?: number;
  /** A body delimited by a close on a connection kept open ends after this idle pause. */
  closeIdleMs?: number;
  /** The whole probe set's budget: probes past it are `not-run`. */
  budgetMs?: number;
  /** How often a dead server is started again. */
  restarts?: number;
  /** After this many probes in a row without an answer before the deadline, the rest are not sent. */
  silentLimit?: number;
  capBytes?: number;
  control?: ClassServerControl;
}

export const CLASS_DEFAULTS = { timeoutMs: 1500, settleMs: 0, closeIdleMs: 150, budgetMs: 60_000, restarts: 8, silentLimit: 3, capBytes: 256 * 1024 } as const;

/** One submission's signatures, by probe id (absent: the submission never started). */
export interface SubmissionSignatures {
  submission: string;
  signatures: Record<string, ProbeSignature>;
  /** How long the probes took. */
  durationMs: number;
  restarts: number;
}

type Settings = Required<Omit<ClassRunOptions, 'control' | 'confirmTimeoutMs'>>;

async function send(target: Endpoint, r: ProbeRequest, o: Settings, timeoutMs: number): Promise<Exchange> {
  return exchange(target, { bytes: r.bytes }, { methods: [r.method], timeoutMs, settleMs: o.settleMs, closeIdleMs: o.closeIdleMs, capBytes: o.capBytes });
}

/** Whether any answer of a probe (a setup stage's or the signed one) was a silence until the deadline. */
function hung(sig: ProbeSignature): boolean {
  return sig.answer.kind === 'hang' || sig.setup.some((s) => s.split('/').includes('hang'));
}

/**
 * Sends every probe of `set`, in order, to the server at `target`, and signs the answers. A probe after
 * which the server is dead is signed `death` (and the server started again, if it can be).
 */
export async function probeSubmission(submission: string, target: Endpoint, set: ProbeSet, options: ClassRunOptions = {}): Promise<SubmissionSignatures> {
  const o = { ...CLASS_DEFAULTS, ...options };
  const t0 = performance.now();
  const signatures: Record<string, ProbeSignature> = {};
  let restarts = 0;
  let down = false;
  let silent = 0;
  // A hang is a verdict that rests on a deadline, and a hang the rest of the class does not share is a
  // finding: on a loaded machine a correct server can miss the 1.5 s deadline. So, as the checks do
  // (deadlines.ts), a probe is waited on with a confirmation's longer deadline until the server has
  // hung CONFIRMED_CLASS times under it; after that its silences are a class, and the deadline is the
  // short one. A server that answers within the long deadline pays nothing for it.
  let confirmedHangs = 0;
  const longMs = options.confirmTimeoutMs ?? confirmDeadline(o.timeoutMs);
  for (const p of set.probes) {
    // A server that answers none of several probes in a row (silent, dripping) is not probed further:
    // each would only wait out its deadline. What is not probed is not compared.
    if (down || silent >= o.silentLimit || performance.now() - t0 > o.budgetMs) {
      signatures[p.id] = { setup: [], answer: { kind: 'not-run' } };
      continue;
    }
    const sig = await runProbe(target, p, o, confirmedHangs < CONFIRMED_CLASS ? longMs : o.timeoutMs);
    // A process that just crashed may not be reaped yet: a probe without an answer looks again shortly.
    if (o.control && o.control.exited() === null && (sig.answer.kind !== 'answer' || sig.setup.some((s) => /[a-z]/.test(s)))) await sleep(60);
    if (o.control && o.control.exited() !== null) {
      sig.answer = { kind: 'death' };
      if (restarts < o.restarts) {
        restarts++;
        down = !(await o.control.restart()).ok;
      } else {
        down = true;
      }
    }
    signatures[p.id] = sig;
    if (hung(sig)) confirmedHangs++;
    silent = sig.answer.kind === 'hang' ? silent + 1 : 0;
  }
  return { submission, signatures, durationMs: Math.round(performance.now() - t0), restarts };
}

async function runProbe(target: Endpoint, p: ClassProbe, o: Settings, timeoutMs: number): Promise<ProbeSignature> {
  const setup: string[] = [];
  for (const stage of p.setup) {
    const answers: Answer[] = (await Promise.all(stage.map((r) => send(target, r, o, timeoutMs)))).map((ex) => answerOf(ex));
    setup.push(stageOf(answers));
  }
  const exs = await Promise.all(p.final.map((r) => send(target, r, o, timeoutMs)));
  const answer = answerOf(exs[0]!, { compareBytes: p.compareBytes === true });
  const sig: ProbeSignature = { setup, answer };
  if (p.markers) sig.readBack = readBackOf(exs.map((ex) => ex.finals[0]?.body ?? new Uint8Array()), p.markers);
  return sig;
}
