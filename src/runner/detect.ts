/**
 * `wiregrade detect`: a few harmless requests (GETs, and an empty `POST /` whose dialogue prompt is never
 * answered) that tell which built-in profile fits a server, so a TA knows which `--profile` to grade it
 * with. Returns data; the CLI phrases it (src/reporters/detect.ts).
 */
import { exchange, type Exchange } from '../client/exchange.js';
import { header } from '../http1/response-parser.js';
import type { Endpoint } from '../wire/types.js';
import { latin1 } from '../wire/bytes.js';

export type DetectedProfile = 'reference' | 'byo-http' | 'text-file' | 'record-dialogue' | 'key-value' | 'any';

/** What one probe sent and got: its status, content type and the start of its body, or how it ended. */
export interface ProbeResult {
  request: string;
  status: number | null;
  contentType?: string;
  body?: string;
  /** The connection ended some other way (refused, reset, timeout, closed without an answer). */
  outcome: Exchange['kind'];
  /**
   * For `refused`: what kind of connect failure it was: `refused` (nothing listens: a reset), `timeout`
   * (no connection accepted in time: a full accept queue drops the handshake), `error`.
   */
  connectFailure?: 'refused' | 'timeout' | 'error';
  /** The built-in profile this answer is evidence for, if any. */
  fits?: DetectedProfile;
}

export interface Detection {
  target: Endpoint;
  /** The profile the evidence points to; `any` (the RFC only) when none does. */
  profile: DetectedProfile;
  /** The probes whose answers point to `profile` (empty for `any`). */
  evidence: ProbeResult[];
  probes: ProbeResult[];
  /** Nothing answered any probe (refused or silent): there is nothing to detect. */
  unanswered: boolean;
  /**
   * The server answers a path that cannot exist exactly as it answers the others (same status, type
   * and body: "hello world" to everything): no probe's answer is evidence of an assignment's routes.
   */
  sameForEveryPath: boolean;
}

const UA = 'wiregrade-detect/1';
const ECHO = 'wgdetect';

interface Probe {
  method: string;
  target: string;
  headers?: string;
  /** The Host header (default localhost). */
  host?: string;
  /** Which profile this answer shows, if it does (`before`: the answers to the probes sent earlier). */
  fits: (p: ProbeResult, before: readonly ProbeResult[]) => DetectedProfile | undefined;
}

const isJsonArray = (s: string | undefined): boolean => /^\s*\[/.test(s ?? '');

/** A path no assignment serves: its answer is what the server says to anything. */
const MISSING = '/wgdetect-no-such-path-7f3a';

/** In the order they are sent: reads first; the record-dialogue POST last, and it is never answered. */
const PROBES: readonly Probe[] = [
  // The reference protocol lists its records at / with 300 and a JSON array (SPEC.md).
  { method: 'GET', target: '/', fits: (p) => (p.status === 300 && isJsonArray(p.body) ? 'reference' : undefined) },
  { method: 'GET', target: `/echo/${ECHO}`, fits: (p) => (p.status === 200 && p.body?.trim() === ECHO ? 'byo-http' : undefined) },
  { method: 'GET', target: '/user-agent', fits: (p) => (p.status === 200 && p.body?.trim() === UA ? 'byo-http' : undefined) },
  { method: 'GET', target: '/index.txt', fits: (p) => (p.status === 200 && /^text\/plain/i.test(p.contentType ?? '') ? 'text-file' : undefined) },
  { method: 'GET', target: '/index.html', fits: (p) => (p.status === 200 && /^text\/html/i.test(p.contentType ?? '') ? 'key-value' : undefined) },
  // The key-value assignment's routes may ride in the Host header (`Host: 127.0.0.1/index.html`).
  // (A server that answers GET / with the same page whatever the Host, a static one, is not routing by it.)
  {
    method: 'GET',
    target: '/',
    host: '127.0.0.1/index.html',
    fits: (p, before) => (p.status === 200 && /^text\/html/i.test(p.contentType ?? '') && before[0]?.status !== 200 ? 'key-value' : undefined),
  },
  // What the server answers to anything (a path no assignment has): evidence against the answers above
  // when it is the same answer.
  { method: 'GET', target: MISSING, fits: () => undefined },
  // A dialogue server prompts with 300 before reading the record's line; the line is never sent, so
  // nothing is created.
  { method: 'POST', target: '/', headers: 'Content-Length: 0\r\n', fits: (p) => (p.status === 300 && !isJsonArray(p.body) ? 'record-dialogue' : undefined) },
];

async function probe(target: Endpoint, p: Probe, timeoutMs: number, before: readonly ProbeResult[]): Promise<ProbeResult> {
  const text = `${p.method} ${p.target} HTTP/1.1\r\nHost: ${p.host ?? 'localhost'}\r\nUser-Agent: ${UA}\r\nConnection: close\r\n${p.headers ?? ''}\r\n`;
  const ex = await exchange(target, { bytes: latin1(text) }, { methods: [p.method], timeoutMs, headOnly: false, closeIdleMs: 200 });
  const r = ex.finals[0] ?? ex.partial ?? null;
  const out: ProbeResult = { request: `${p.method} ${p.target}${p.host ? ` (Host: ${p.host})` : ''}`, status: r?.status ?? null, outcome: ex.kind };
  if (ex.kind === 'refused' && ex.connectFailure) out.connectFailure = ex.connectFailure;
  if (r) {
    const ct = header(r, 'content-type');
    if (ct !== undefined) out.contentType = ct;
    out.body = Buffer.from(r.body).toString('utf8', 0, Math.min(r.body.length, 200));
  }
  const fits = p.fits(out, before);
  if (fits) out.fits = fits;
  return out;
}

/**
 * Sends the probes one at a time (a single-threaded server must not see two at once) and picks the
 * profile with the most evidence (ties: the order of PROBES). Every probe has its own deadline.
 */
export async function detectProfile(target: Endpoint, timeoutMs: number): Promise<Detection> {
  const probes: ProbeResult[] = [];
  for (const p of PROBES) probes.push(await probe(target, p, timeoutMs, probes));
  // An answer that is also the answer to a path that cannot exist shows nothing about routes.
  const anything = probes[PROBES.findIndex((p) => p.target === MISSING)];
  const sameAsAnything = (r: ProbeResult): boolean => anything !== undefined && anything.status !== null && r !== anything && r.status === anything.status && r.contentType === anything.contentType && r.body === anything.body;
  let sameForEveryPath = false;
  for (const r of probes) {
    if (r.fits && sameAsAnything(r)) {
      delete r.fits;
      sameForEveryPath = true;
    }
  }
  const votes = new Map<DetectedProfile, ProbeResult[]>();
  for (const r of probes) if (r.fits) votes.set(r.fits, [...(votes.get(r.fits) ?? []), r]);
  let best: DetectedProfile = 'any';
  let evidence: ProbeResult[] = [];
  for (const [profile, rs] of votes) {
    if (rs.length > evidence.length) {
      best = profile;
      evidence = rs;
    }
  }
  return { target, profile: best, evidence, probes, unanswered: probes.every((r) => r.status === null), sameForEveryPath };
}
