import { describe, expect, it } from 'vitest';
import type { Exchange, ExchangeOptions } from '../../src/client/exchange.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import { caseCheck, fill, get, jsonBodyOfSize, write } from '../../src/checks/case.js';
import { runSteps, sequenceCheck, type Step } from '../../src/checks/sequence.js';
import type { CheckContext, SentRequest } from '../../src/checks/types.js';
import type { Profile } from '../../src/model/profile.js';
import { anyProfile, keyValueProfile, referenceProfile } from '../../src/model/builtin-profiles.js';
import { latin1 } from '../../src/wire/bytes.js';

/**
 * The two builders most of the catalogue is made of, judged with no network: `caseCheck` (one request,
 * its accepted answers, a stricter rule under the reference rules) and `runSteps`/`sequenceCheck` (steps
 * on fresh connections; the first failing step decides; a failed setup step blocks). The server is a
 * function from the request's text to the bytes it answers; each exchange is built as KeepAliveConnection.exchange
 * builds it (the bytes through the real parser, `end()` when the server closes).
 */

type Answer = { bytes: string; close?: boolean; kind?: Exchange['kind'] };

function exchangeOf(request: SentRequest, a: Answer): Exchange {
  const p = new ResponseParser();
  for (const m of request.methods) p.expect(m);
  p.feed(latin1(a.bytes));
  if (a.close) p.end();
  const kind: Exchange['kind'] = a.kind ?? (p.finals >= request.methods.length ? 'response' : a.close ? 'closed-without-response' : 'timeout');
  return {
    kind,
    responses: [...p.done],
    finals: p.done.filter((r) => !r.interim),
    partial: p.partial,
    connection: a.close ? 'closed' : 'open',
    sentBytes: request.plan.bytes.length,
    receivedBytes: a.bytes.length,
    elapsedMs: 1,
    transcript: [],
    request,
  };
}

interface Sent {
  text: string;
  methods: readonly string[];
  opts: Partial<ExchangeOptions> | undefined;
}

function fakeCtx(server: (text: string) => Answer, profile: Profile = referenceProfile, timeoutMs = 2000): { ctx: CheckContext; sent: Sent[] } {
  const sent: Sent[] = [];
  let n = 0;
  const ctx: CheckContext = {
    target: { host: '127.0.0.1', port: 9 },
    timeoutMs,
    profile,
    name: (label?: string) => `wg${++n}${label ?? ''}`,
    send: async (r, opts) => {
      const text = Buffer.from(r.plan.bytes).toString('latin1');
      sent.push({ text, methods: r.methods, opts });
      return exchangeOf(r, server(text));
    },
    memo: (_k, make) => make(),
    openConnection: async () => null,
  };
  return { ctx, sent };
}

const answer = (status: number, opts: { close?: boolean; body?: string; reason?: string } = {}): Answer => ({
  bytes: `HTTP/1.1 ${status} ${opts.reason ?? 'Reason'}\r\nDate: x\r\nContent-Length: ${(opts.body ?? '').length}\r\n${opts.close ? 'Connection: close\r\n' : ''}\r\n${opts.body ?? ''}`,
  close: opts.close ?? false,
});

describe('fill and jsonBodyOfSize', () => {
  it('jsonBodyOfSize(n) is a JSON object of exactly n bytes', () => {
    for (const n of [11, 12, 50, 1024, 4097]) {
      const b = jsonBodyOfSize(n);
      expect(b.length).toBe(n);
      expect(typeof JSON.parse(b)).toBe('object');
    }
  });

  it('fills every {name} of one request with the same fresh name, {known} with the known path, {body:N} with an N-byte object', () => {
    const { ctx } = fakeCtx(() => answer(200), anyProfile('/index.html'));
    const t = fill('PUT /{name} HTTP/1.1\r\nX-Again: {name}\r\nX-Known: {known}\r\n\r\n{body:40}', ctx);
    const [line, again, known, , body] = t.split('\r\n');
    expect(line).toBe('PUT /wg1 HTTP/1.1');
    expect(again).toBe('X-Again: wg1');
    expect(fill('GET /{name} HTTP/1.1\r\n\r\n', ctx)).toBe('GET /wg2 HTTP/1.1\r\n\r\n');
    expect(known).toBe('X-Known: /index.html');
    expect(body).toHaveLength(40);
  });

  it('a request for {known} under a Host-routed profile carries the profile\'s Host and fields; one without {known} keeps localhost', () => {
    const routed: Profile = { ...anyProfile('/index.html'), baseline: { method: 'GET', target: '/index.html', host: 'kv.example', headers: { 'X-Route': 'r1' } } };
    const { ctx } = fakeCtx(() => answer(200), routed);
    expect(fill(get(), ctx)).toBe('GET /index.html HTTP/1.1\r\nHost: kv.example\r\nX-Route: r1\r\n\r\n');
    expect(fill('GET /other HTTP/1.1\r\nHost: localhost\r\n\r\n', ctx)).toBe('GET /other HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // Under a profile that does not route by Host, the request is left as written.
    expect(fill(get(), fakeCtx(() => answer(200), keyValueProfile).ctx)).toBe('GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });

  it('write adds Content-Length in bytes (the text is sent as Latin-1, one byte a character) unless raw', () => {
    expect(write('POST', '/a', '{"\xe9":1}')).toBe('POST /a HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"\xe9":1}');
    expect(write('POST', '/a', 'x', ['Transfer-Encoding: chunked'], { raw: true })).not.toContain('Content-Length');
  });
});

describe('caseCheck', () => {
  const spec = {
    id: 'test.case.example',
    requirement: 'r',
    request: 'FOO {known} HTTP/1.1\r\nHost: localhost\r\n\r\n',
    accept: [405, 501] as const,
    warn: ['close'] as const,
    rule: { note: 'the reference protocol answers 405', accept: [405] as const },
  };

  it('under any: the RFC answers (405 or 501 pass, a close warns, 200 fails)', async () => {
    const check = caseCheck({ ...spec, accept: [...spec.accept], warn: [...spec.warn], rule: { ...spec.rule, accept: [...spec.rule.accept] } });
    for (const [a, verdict] of [
      [answer(405), 'pass'],
      [answer(501), 'pass'],
      [{ bytes: '', close: true }, 'warn'],
      [answer(200), 'fail'],
    ] as const) {
      const { ctx, sent } = fakeCtx(() => a, anyProfile());
      const run = await check.run(ctx);
      expect(run.verdict, JSON.stringify(a)).toBe(verdict);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toBe('FOO / HTTP/1.1\r\nHost: localhost\r\n\r\n');
      // The method is the request's first word; statuses are judged on the head.
      expect(sent[0]!.methods).toEqual(['FOO']);
      expect(sent[0]!.opts).toEqual({ headOnly: true });
    }
  });

  it("under the reference rules: the rule's answers replace the RFC's (501 and a close now fail)", async () => {
    const check = caseCheck({ ...spec, accept: [...spec.accept], warn: [...spec.warn], rule: { ...spec.rule, accept: [...spec.rule.accept] } });
    const verdict = async (a: Answer) => (await check.run(fakeCtx(() => a, referenceProfile).ctx)).verdict;
    expect(await verdict(answer(405))).toBe('pass');
    expect(await verdict(answer(501))).toBe('fail');
    expect(await verdict({ bytes: '', close: true })).toBe('fail');
    expect(check.profileRule).toEqual({ rules: 'reference', note: 'the reference protocol answers 405' });
  });

  it("resolves 'ok' by the profile, uses an explicit method for framing, and watches for the close when mustClose", async () => {
    const check = caseCheck({ id: 'test.case.ok', requirement: 'r', request: 'HEAD {known} HTTP/1.1\r\nHost: localhost\r\n\r\n', method: 'HEAD', accept: ['ok'], mustClose: true });
    const { ctx, sent } = fakeCtx(() => answer(300, { close: true }), referenceProfile, 400);
    const run = await check.run(ctx);
    expect(run.verdict).toBe('pass');
    expect(run.expectation).toEqual({ accept: [300], warn: [], mustClose: true });
    expect(sent[0]!.methods).toEqual(['HEAD']);
    expect(sent[0]!.opts).toEqual({ headOnly: true, settleMs: 400, decided: expect.any(Function) });
    // The same answer on a connection left open fails the close rule.
    const open = await check.run(fakeCtx(() => answer(300), referenceProfile).ctx);
    expect(open.verdict).toBe('fail');
    expect(open.reason).toMatch(/did not close the connection/);
  });
});

describe('runSteps and sequenceCheck', () => {
  /** A tiny record server: PUT /x creates (201), GET /x reads (200 with the body) or 404. */
  function recordServer(opts: { putStatus?: number } = {}) {
    const records = new Map<string, string>();
    return (text: string): Answer => {
      const [line = '', ...rest] = text.split('\r\n');
      const [method, target] = line.split(' ');
      if (method === 'PUT') {
        const body = rest.slice(rest.indexOf('') + 1).join('\r\n');
        if ((opts.putStatus ?? 201) < 300) records.set(target!, body);
        return answer(opts.putStatus ?? 201);
      }
      const r = records.get(target!);
      return r === undefined ? answer(404) : answer(200, { body: r });
    };
  }

  const put: Step = { request: write('PUT', '/r', '{"a":1}'), expect: { accept: [201, 200] }, setup: true };
  const getIt = (also?: Step['also']): Step => ({ request: get([], { target: '/r' }), expect: { accept: [200] }, ...(also ? { also } : {}) });

  it('all steps pass: pass, judged on the last exchange; `also` gets the earlier exchanges; headOnly only where nothing reads the body', async () => {
    const { ctx, sent } = fakeCtx(recordServer());
    const seenEarlier: number[] = [];
    const run = await runSteps(ctx, [put, getIt((ex, _c, earlier) => (seenEarlier.push(earlier.length), Buffer.from(ex.finals[0]!.body).toString() === '{"a":1}' ? null : 'wrong body'))]);
    expect(run.verdict).toBe('pass');
    expect(run.actual).toBe('200 Reason');
    expect(run.exchanges).toHaveLength(2);
    expect(seenEarlier).toEqual([1]);
    expect(sent.map((s) => s.opts)).toEqual([{ headOnly: true }, { headOnly: false }]);
  });

  it('a failed setup step blocks the check (its failure belongs to another check), and nothing after it is sent', async () => {
    const { ctx, sent } = fakeCtx(recordServer({ putStatus: 500 }));
    const run = await runSteps(ctx, [put, getIt()]);
    expect(run.verdict).toBe('blocked');
    expect(run.reason).toBe('not judged: a setup request did not succeed (expected 201 or 200, got 500 Reason)');
    expect(run.expectation).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('a later step failing by status: fail, with the earlier requests as setup and the expectation for byte replay', async () => {
    const { ctx } = fakeCtx(recordServer());
    const run = await runSteps(ctx, [put, { request: get([], { target: '/r' }), expect: { accept: [404] } }]);
    expect(run.verdict).toBe('fail');
    expect(run.reason).toBe('expected 404, got 200 Reason');
    expect(run.setup?.map((r) => Buffer.from(r.plan.bytes).toString('latin1'))).toEqual([write('PUT', '/r', '{"a":1}')]);
    expect(run.expectation).toEqual({ accept: [404], warn: [] });
  });

  it("a step failing by its `also` judgement: fail with that sentence and no status expectation (the bytes alone don't replay it)", async () => {
    const { ctx } = fakeCtx(recordServer());
    const run = await runSteps(ctx, [put, getIt(() => 'the body is not the one written')]);
    expect(run.verdict).toBe('fail');
    expect(run.reason).toBe('the body is not the one written');
    expect(run.expectation).toBeUndefined();
  });

  it('`also` of a setup step that fails is this check\'s failure, not a block', async () => {
    const { ctx } = fakeCtx(recordServer());
    const run = await runSteps(ctx, [{ ...put, also: () => 'no Location header' }, getIt()]);
    expect(run.verdict).toBe('fail');
    expect(run.reason).toBe('no Location header');
  });

  it('a warning on an early step is kept when the later ones pass; the first warning is the reason', async () => {
    const { ctx } = fakeCtx(recordServer({ putStatus: 204 }));
    const run = await runSteps(ctx, [
      { ...put, expect: { accept: [201], warn: [204] } },
      { request: get([], { target: '/r' }), expect: { accept: [200] } },
    ]);
    expect(run.verdict).toBe('warn');
    expect(run.reason).toBe('tolerated: 204 Reason (preferred: 201)');
  });

  it('sequenceCheck runs its steps and resolves ok in the expected words', async () => {
    const check = sequenceCheck({ id: 'test.seq.x', requirement: 'r', level: 'SHOULD', steps: [{ request: get(), expect: { accept: ['ok'] } }] });
    expect(check.level).toBe('SHOULD');
    const run = await check.run(fakeCtx(() => answer(300)).ctx);
    expect(run.verdict).toBe('pass');
    expect(run.expected).toEqual(['300']);
    const bad = await check.run(fakeCtx(() => answer(200), referenceProfile).ctx);
    expect(bad.verdict).toBe('fail');
  });
});
