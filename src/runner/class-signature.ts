/**
 * An answer reduced to what a class compares (issue 24): the status, the framing, the presence of the
 * header fields that matter, the body's shape (empty, JSON with these keys, other JSON, text, with its
 * bytes' digest where the probe compares bytes), whether the connection was closed after it, and what
 * else happened instead of an answer (a hang, a close, a reset, a death). Pure: no sockets.
 */
import { createHash } from 'node:crypto';
import type { Exchange } from '../client/exchange.js';
import { header, type ParsedResponse } from '../http1/response-parser.js';

/** What happened instead of an answer, or `answer`. */
export type AnswerKind = 'answer' | 'hang' | 'closed' | 'reset' | 'refused' | 'overflow' | 'death' | 'not-run';

export interface Answer {
  kind: AnswerKind;
  status?: number;
  framing?: 'length' | 'chunked' | 'close-delimited' | 'none';
  /** The header fields that matter, present in the answer (lower case, sorted). */
  headers?: string[];
  /** `empty`, `json{a,b}`, `json`, `text`, or `text#<digest>` where the probe compares bytes. */
  body?: string;
  /**
   * The answer says the connection closes after it (`Connection: close`, or HTTP/1.0 without
   * keep-alive). What the answer says, not when a FIN happened to arrive: the same on every run.
   */
  closed?: boolean;
  /** The declared Content-Length, where the probe compares bytes. */
  length?: number;
  /** Bytes came after the end of the answer (a body sent after HEAD, a second answer). */
  extra?: boolean;
}

/** One probe's signature for one submission. */
export interface ProbeSignature {
  /** Each setup stage: its statuses (sorted, distinct, `/`-joined), or what happened instead. */
  setup: string[];
  answer: Answer;
  /** How many of the probe's markers the final answers' bodies showed. */
  readBack?: 'all' | 'some' | 'none';
}

/** Header fields whose presence the class compares (their values vary: dates, lengths, names). */
export const FIELDS_THAT_MATTER = ['content-type', 'location', 'allow'] as const;

function bodyShape(r: ParsedResponse, compareBytes: boolean): string {
  if (r.body.length === 0) return 'empty';
  const text = Buffer.from(r.body).toString('utf8');
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return `json{${Object.keys(v).sort().join(',')}}`;
    return 'json';
  } catch {
    // not JSON: text
  }
  return compareBytes ? `text#${createHash('sha256').update(r.body).digest('hex').slice(0, 12)}` : 'text';
}

const FRAMING: Record<ParsedResponse['framing'], NonNullable<Answer['framing']>> = { 'content-length': 'length', chunked: 'chunked', close: 'close-delimited', none: 'none' };

/** The signature of one exchange's final answer (its first final response), given how the exchange ended. */
export function answerOf(ex: Exchange, opts: { compareBytes?: boolean } = {}): Answer {
  const r = ex.finals[0];
  if (!r || r.status === null) {
    const kind: AnswerKind = ex.kind === 'refused' ? 'refused' : ex.kind === 'reset' ? 'reset' : ex.kind === 'overflow' ? 'overflow' : ex.kind === 'timeout' ? 'hang' : 'closed';
    return { kind };
  }
  // Only the body's presence counts for an error answer: its wording is each student's own.
  const body = r.status >= 400 ? (r.body.length === 0 ? 'empty' : 'non-empty') : bodyShape(r, opts.compareBytes === true);
  const headers = FIELDS_THAT_MATTER.filter((f) => header(r, f) !== undefined);
  const conn = (header(r, 'connection') ?? '').toLowerCase();
  const closed = /\bclose\b/.test(conn) || (r.version === 'HTTP/1.0' && !/\bkeep-alive\b/.test(conn));
  const last = ex.finals.at(-1)!;
  const answer: Answer = { kind: 'answer', status: r.status, framing: FRAMING[r.framing], headers: [...headers], body, closed };
  if (ex.receivedBytes > last.end) answer.extra = true;
  // Where bytes are compared, so is the length a HEAD announces (the GET's, by RFC 9110 §9.3.2).
  if (opts.compareBytes && r.declaredLength !== null) answer.length = r.declaredLength;
  return answer;
}

/** A setup stage's statuses, or what happened instead: `201`, `201/409`, `death`. */
export function stageOf(answers: readonly Answer[]): string {
  const parts = new Set(answers.map((a) => (a.kind === 'answer' ? String(a.status) : a.kind)));
  return [...parts].sort().join('/');
}

/** How many markers the bodies show. */
export function readBackOf(bodies: readonly Uint8Array[], markers: readonly string[]): 'all' | 'some' | 'none' {
  const text = bodies.map((b) => Buffer.from(b).toString('utf8')).join('\n');
  const found = markers.filter((m) => text.includes(m)).length;
  return found === markers.length ? 'all' : found === 0 ? 'none' : 'some';
}

/** The parts of a signature, each compared on its own (the first that differs names a finding). */
export type Aspect = 'death' | 'no-answer' | 'setup' | 'status' | 'framing' | 'headers' | 'body' | 'read-back' | 'close';
export const ASPECTS: readonly Aspect[] = ['death', 'no-answer', 'setup', 'status', 'framing', 'headers', 'body', 'read-back', 'close'];

/** One aspect's value, as a short comparable string. */
export function aspectValue(s: ProbeSignature, a: Aspect): string {
  const x = s.answer;
  switch (a) {
    case 'death':
      return String(x.kind === 'death' || s.setup.some((t) => t.split('/').includes('death')));
    case 'no-answer':
      return x.kind === 'answer' ? 'answer' : x.kind;
    case 'setup':
      return s.setup.join(' ; ');
    case 'status':
      return String(x.status ?? '');
    case 'framing':
      return `${x.framing ?? ''}${x.length !== undefined ? `=${x.length}` : ''}${x.extra ? '+extra' : ''}`;
    case 'headers':
      return (x.headers ?? []).join(',');
    case 'body':
      return x.body ?? '';
    case 'read-back':
      return s.readBack ?? '';
    case 'close':
      return String(x.closed ?? '');
  }
}

/** The signature as one string: equal strings, same behaviour. */
export function signatureKey(s: ProbeSignature): string {
  return ASPECTS.map((a) => aspectValue(s, a)).join('|');
}

/** The first aspect in which two signatures differ (null: they are the same). */
export function firstDifference(a: ProbeSignature, b: ProbeSignature): Aspect | null {
  return ASPECTS.find((x) => aspectValue(a, x) !== aspectValue(b, x)) ?? null;
}
