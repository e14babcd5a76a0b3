/**
 * The class phase's pure parts (issue 24), without sockets: the probe set is fixed by the profile and the
 * seed; an answer's signature; majorities, outliers, the threshold's edges, disagreements, root causes
 * and clusters; a finding as a weighed result in a student's run.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import { classProbes, type ClassProbe } from '../../src/runner/class-probes.js';
import type { SubmissionSignatures } from '../../src/runner/class-run.js';
import { answerOf, readBackOf, signatureKey, type ProbeSignature } from '../../src/runner/class-signature.js';
import { classOutliers, CLASS_THRESHOLDS } from '../../src/runner/class-outliers.js';
import { scoreRun } from '../../src/runner/score.js';
import { classResult } from '../../src/cli/class-phase.js';
import { findingSentence } from '../../src/reporters/class-findings.js';
import type { RunResult } from '../../src/runner/types.js';

function exchangeOf(method: string, text: string, opts: { open?: boolean; received?: number } = {}): Exchange {
  const p = new ResponseParser();
  p.expect(method);
  const bytes = Buffer.from(text, 'latin1');
  const done = [...p.feed(bytes)];
  if (!opts.open) done.push(...p.end());
  const finals = done.filter((r) => !r.interim);
  return { kind: finals.length > 0 ? 'response' : opts.open ? 'timeout' : 'closed-without-response', responses: done, finals, partial: null, connection: opts.open ? 'open' : 'closed', sentBytes: 0, receivedBytes: opts.received ?? bytes.length, elapsedMs: 1, transcript: [] };
}

describe('the probe set', () => {
  it('is the same bytes for the same profile and seed, and other names for another seed', () => {
    const a = classProbes(anyProfile('/'), 7);
    const b = classProbes(anyProfile('/'), 7);
    const c = classProbes(anyProfile('/'), 8);
    const bytes = (s: typeof a): string[] => s.probes.flatMap((p) => [...p.setup.flat(), ...p.final].map((r) => Buffer.from(r.bytes).toString('latin1')));
    expect(bytes(a)).toEqual(bytes(b));
    expect(bytes(a)).not.toEqual(bytes(c));
    expect(new Set(a.probes.map((p) => p.id)).size).toBe(a.probes.length);
    expect(a.probes.map((p) => p.id)).toEqual(c.probes.map((p) => p.id));
  });

  it('asks the known path as the profile sends it, and the profile\'s own operations instead of the common shapes', () => {
    const profile = { ...anyProfile('/index.html'), baseline: { method: 'GET', target: '/', host: '127.0.0.1/index.html' }, knownPath: '/' };
    const withOps = { ...profile, operations: { body: 'raw' as const, create: { method: 'POST', target: '/', host: '127.0.0.1/create', body: '{name}:{value}', status: [201] }, read: { method: 'GET', target: '/', host: '127.0.0.1/index.html', status: [200], readBack: 'contains' as const, shows: '{name}:{value}' } } };
    const set = classProbes(withOps, 1);
    const get = set.probes.find((p) => p.id === 'fixed.get-known')!;
    expect(Buffer.from(get.final[0]!.bytes).toString('latin1')).toBe('GET / HTTP/1.1\r\nHost: 127.0.0.1/index.html\r\n\r\n');
    expect(set.shapes.map((s) => s.name)).toEqual(['profile']);
    const cr = set.probes.find((p) => p.id === 'route.profile.create-read')!;
    expect(cr.label).toMatch(/^POST \/ HTTP\/1\.1 \(Host: 127\.0\.0\.1\/create\), then GET \/ HTTP\/1\.1 \(Host: 127\.0\.0\.1\/index\.html\)$/);
    expect(cr.markers![0]).toMatch(/^[a-z0-9]+:[a-z0-9]+$/);
  });
});

describe('signatures', () => {
  it('keep the status, framing, fields that matter, body shape and an announced close; not dates or wording', () => {
    const a = answerOf(exchangeOf('GET', 'HTTP/1.1 404 Not Found\r\nDate: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"error":"a"}', { open: true }));
    const b = answerOf(exchangeOf('GET', 'HTTP/1.1 404 Nope\r\nDate: y\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found', { open: true }));
    expect(a).toEqual({ kind: 'answer', status: 404, framing: 'length', headers: ['content-type'], body: 'non-empty', closed: false });
    expect(b).toEqual(a);
    const ok = answerOf(exchangeOf('GET', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 11\r\n\r\n{"a":1,"b":2}'.replace('11', '13')));
    expect(ok).toMatchObject({ status: 200, body: 'json{a,b}', closed: true, headers: [] });
    const chunked = answerOf(exchangeOf('GET', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n', { open: true }), { compareBytes: true });
    expect(chunked.framing).toBe('chunked');
    expect(chunked.body).toMatch(/^text#[0-9a-f]{12}$/);
  });

  it('a HEAD answer followed by bytes, a declared length where bytes count, and what came instead of an answer', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n';
    expect(answerOf(exchangeOf('HEAD', head + '[]', { open: true }), { compareBytes: true })).toMatchObject({ framing: 'none', length: 2, extra: true });
    expect(answerOf(exchangeOf('HEAD', head, { open: true }), { compareBytes: true }).extra).toBeUndefined();
    expect(answerOf(exchangeOf('GET', '', { open: true })).kind).toBe('hang');
    expect(answerOf(exchangeOf('GET', '')).kind).toBe('closed');
  });

  it('a read-back counts the markers found', () => {
    const body = Buffer.from('a:1\nb:2\n');
    expect(readBackOf([body], ['a:1', 'b:2'])).toBe('all');
    expect(readBackOf([body], ['a:1', 'c:3'])).toBe('some');
    expect(readBackOf([body], ['c:3'])).toBe('none');
  });
});

const sig = (status: number, extra: Partial<ProbeSignature> = {}): ProbeSignature => ({ setup: [], answer: { kind: 'answer', status, framing: 'length', headers: [], body: 'empty', closed: false }, ...extra });
const probes: ClassProbe[] = ['p1', 'p2', 'p3'].map((id) => ({ id, label: `GET /${id} HTTP/1.1`, setup: [], final: [] }));

function cls(rows: Record<string, Record<string, ProbeSignature>>): SubmissionSignatures[] {
  return Object.entries(rows).map(([submission, signatures]) => ({ submission, signatures, durationMs: 0, restarts: 0 }));
}

describe('outliers', () => {
  it('a clear majority flags the ones that differ, with both answers and the counts', () => {
    const rows: Record<string, Record<string, ProbeSignature>> = {};
    for (let i = 0; i < 17; i++) rows[`s${String(i).padStart(2, '0')}`] = { p1: sig(404), p2: sig(200), p3: sig(201) };
    for (let i = 17; i < 20; i++) rows[`s${i}`] = { p1: sig(200), p2: sig(200), p3: sig(201) };
    const out = classOutliers(probes, cls(rows));
    expect(out.findings.map((f) => [f.submission, f.probe, f.aspect, f.agree, f.of])).toEqual([
      ['s17', 'p1', 'status', 17, 20],
      ['s18', 'p1', 'status', 17, 20],
      ['s19', 'p1', 'status', 17, 20],
    ]);
    expect(findingSentence(out.findings[0]!)).toBe('17 of 20 submissions answer 404 with an empty body to `GET /p1 HTTP/1.1`; yours answered 200 with an empty body.');
    expect(out.clusters.map((c) => c.length)).toEqual([17, 3]);
  });

  it('the threshold: 7 of 10 is a majority at 70 %, 6 of 10 is not (the class disagrees); fewer than 4 or 5 is no majority', () => {
    const make = (agree: number, n: number): SubmissionSignatures[] =>
      cls(Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${String(i).padStart(2, '0')}`, { p1: sig(i < agree ? 404 : 200), p2: sig(200), p3: sig(200) }])));
    expect(classOutliers(probes, make(7, 10)).findings).toHaveLength(3);
    const split = classOutliers(probes, make(6, 10));
    expect(split.findings).toHaveLength(0);
    expect(split.disagreements.map((d) => [d.probe, d.groups.map((g) => g.members.length)])).toEqual([['p1', [6, 4]]]);
    expect(classOutliers(probes, make(6, 10), { ...CLASS_THRESHOLDS, threshold: 0.6 }).findings).toHaveLength(4);
    expect(classOutliers(probes, make(4, 4)).findings).toHaveLength(0);
    expect(classOutliers(probes, make(3, 4), { ...CLASS_THRESHOLDS, minClass: 4 }).findings).toHaveLength(0);
  });

  it('the same difference in several probes is one root cause; its other probes name it; not-run probes are not counted', () => {
    const rows: Record<string, Record<string, ProbeSignature>> = {};
    for (let i = 0; i < 6; i++) rows[`ok${i}`] = { p1: sig(200, { setup: ['201'] }), p2: sig(404, { setup: ['201', '204'] }), p3: sig(200) };
    rows.bug = { p1: sig(200, { setup: ['200'] }), p2: sig(404, { setup: ['200', '204'] }), p3: { setup: [], answer: { kind: 'not-run' } } };
    const out = classOutliers(probes, cls(rows));
    expect(out.findings.map((f) => [f.probe, f.aspect, f.rootProbe])).toEqual([
      ['p1', 'setup', undefined],
      ['p2', 'setup', 'p1'],
    ]);
  });

  it('does not depend on the order the submissions come in', () => {
    const rows: Record<string, Record<string, ProbeSignature>> = {};
    for (let i = 0; i < 8; i++) rows[`s${i}`] = { p1: sig(i === 3 ? 500 : 200), p2: sig(i === 5 ? 400 : 404), p3: sig(201) };
    const a = classOutliers(probes, cls(rows));
    const b = classOutliers(probes, cls(rows).reverse());
    expect(b).toEqual(a);
    expect(signatureKey(sig(200))).not.toBe(signatureKey(sig(201)));
  });
});

describe('a class finding in a student\'s run', () => {
  const run = (weight: number): RunResult => {
    const rows: Record<string, Record<string, ProbeSignature>> = {};
    for (let i = 0; i < 6; i++) rows[`s${i}`] = { p1: sig(i === 0 ? 200 : 404), p2: sig(200), p3: sig(200) };
    const f = classOutliers(probes, cls(rows)).findings[0]!;
    const base: RunResult = { target: { host: '127.0.0.1', port: 1 }, profile: 'any', seed: 1, strict: false, startedAt: '', durationMs: 0, checks: [] };
    return { ...base, checks: [{ id: 'baseline.x', family: 'robustness', level: 'MUST', requirement: 'r', verdict: 'pass', runs: 1, failures: 0, durationMs: 0, reason: '', expected: [], actual: '' }, classResult(f, weight)] };
  };
  it('is a warning worth nothing by default, and a failure worth --class-weight points when weighed', () => {
    expect(run(0).checks[1]).toMatchObject({ id: 'class.p1', verdict: 'warn', level: 'SHOULD', weight: 0 });
    expect(scoreRun(run(0))).toEqual({ points: 1, max: 1 });
    expect(run(3).checks[1]).toMatchObject({ verdict: 'fail', level: 'MUST', weight: 3 });
    expect(scoreRun(run(3))).toEqual({ points: 1, max: 4 });
    expect(scoreRun({ ...run(0), strict: true })).toEqual({ points: 1, max: 1 });
  });
});
