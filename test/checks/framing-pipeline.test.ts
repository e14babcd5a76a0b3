import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { framingSpecs, owesNoClose, settleWatchesOnlyFaults, type FramingSpec } from '../../src/checks/pipeline.js';
import type { ParsedResponse } from '../../src/http1/response-parser.js';
import { response, runAgainst, startScripted, type Script } from './peer-scripted.js';

/**
 * Every framing check (smuggling, Transfer-Encoding look-alikes, chunk syntax, trailers): one answer the
 * RFC allows passes, answers that break it fail. The answers are scripted from what each check's spec
 * says the RFC allows, and sent by a loopback server that answers fixed bytes.
 */

const OK = response(200, 'OK');
const NOT_FOUND = response(404, 'Not Found');

function refusal(spec: FramingSpec): Script {
  const a = spec.refuse[0];
  const status = typeof a === 'number' ? a : 400;
  return { reply: response(status, 'Refused', ['Connection: close']), close: true };
}

const SERVED_THEN_CLOSED: Script = { reply: response(200, 'OK', ['Connection: close']), close: true };
const REFUSED_KEPT_OPEN: Script = { reply: response(400, 'Bad Request'), close: false };

interface Row {
  name: string;
  script: Script;
  verdict: 'pass' | 'fail' | 'blocked';
}

/** What each kind of spec must make of each scripted answer. */
function rows(spec: FramingSpec): Row[] {
  // A HEAD is answered without a body.
  const first = spec.request.startsWith('HEAD ') ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n' : OK;
  const SERVED_BOTH: Script = { reply: first + OK, close: false };
  const SMUGGLED_ANSWERED: Script = { reply: first + NOT_FOUND + OK, close: false };
  const out: Row[] = [{ name: 'the embedded request answered (desync)', script: SMUGGLED_ANSWERED, verdict: 'fail' }];
  if (spec.refuse.length > 0) out.push({ name: `refused with ${String(spec.refuse[0])}, then closed`, script: refusal(spec), verdict: 'pass' });
  if (spec.serve === 'no') {
    out.push({ name: 'served, the next request answered', script: SERVED_BOTH, verdict: 'fail' });
    out.push({ name: 'refused, but kept open', script: REFUSED_KEPT_OPEN, verdict: 'fail' });
  }
  if (spec.serve === 'close-after') {
    out.push({ name: 'served, then closed', script: SERVED_THEN_CLOSED, verdict: 'pass' });
    out.push({ name: 'served, kept open, the next request answered', script: SERVED_BOTH, verdict: 'fail' });
  }
  if (spec.serve === 'yes') {
    out.push({ name: 'served, the next request answered as itself', script: SERVED_BOTH, verdict: 'pass' });
    // (The gate's two plain GETs get the same one answer here, so the check is blocked rather than failed:
    // see the test below; the desync row above is its failing case.)
    out.push({ name: 'served, the next request answered with another status', script: { reply: first + NOT_FOUND, close: false }, verdict: 'fail' });
  }
  return out;
}

/** Two plain pipelined GETs (the checks' pipelining gate) are answered as a correct server would. */
const TWO_GETS = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(2);
function pipelining(script: Script): Script {
  const reply = script.reply;
  return { ...script, reply: (got) => (got === TWO_GETS ? OK + OK : typeof reply === 'string' ? reply : reply(got)) };
}

const framing = allChecks.filter((c) => framingSpecs.has(c.id));

describe.concurrent('framing checks judged by the request pipelined behind them', () => {
  it('covers every class the peer suites test (at least 60 checks), each registered once in the catalogue', () => {
    expect(framing.length).toBeGreaterThanOrEqual(60);
    expect(framing.length).toBe(framingSpecs.size);
    for (const c of framing) {
      const source = (c as { source?: { rfc: string; quote: string } }).source;
      expect(source?.rfc, c.id).toMatch(/^RFC 9\d{3} §\d/);
      expect(c.requirement, c.id).toContain(source!.rfc.replace(/ §.*/, ''));
    }
  });

  for (const check of framing) {
    const spec = framingSpecs.get(check.id)!;
    for (const row of rows(spec)) {
      it(`${check.id} [${check.level}]: ${row.name} → ${row.verdict}`, async () => {
        const server = await startScripted(pipelining(row.script));
        try {
          const run = await runAgainst(check, server.port, undefined, 400);
          expect(run.verdict, run.reason).toBe(row.verdict);
        } finally {
          await server.close();
        }
      });
    }
  }

  it('is blocked, not failed, when the server cannot frame its own responses (a body after HEAD, a short Content-Length)', async () => {
    const head = framing.find((c) => c.id === 'framing.smuggling.head-body-not-answered')!;
    const server = await startScripted({ reply: response(200, 'OK') + OK, close: false });
    try {
      const run = await runAgainst(head, server.port, undefined, 400);
      expect(run.verdict, run.reason).toBe('blocked');
      expect(run.reason).toMatch(/wire\.framing/);
    } finally {
      await server.close();
    }
  });

  it('is blocked, not failed, when even two plain pipelined GETs are not both answered', async () => {
    const check = framing.find((c) => c.id === 'framing.trailers.field-not-read-as-next-request')!;
    // Every connection gets one answer and stays open: the pipelined request is never answered.
    const server = await startScripted({ reply: OK, close: false });
    try {
      const run = await runAgainst(check, server.port, undefined, 400);
      expect(run.verdict, run.reason).toBe('blocked');
      expect(run.reason).toMatch(/pipelined GETs/);
    } finally {
      await server.close();
    }
  });

  it('sends the smuggled request inside the body, with a Content-Length that counts it', async () => {
    const server = await startScripted({ reply: OK + OK, close: false });
    try {
      await runAgainst(framing.find((c) => c.id === 'framing.smuggling.cl-te-embedded-get-not-answered')!, server.port);
    } finally {
      await server.close();
    }
    const sent = server.received[0]!;
    const body = sent.slice(sent.indexOf('\r\n\r\n') + 4, sent.lastIndexOf('GET / HTTP/1.1'));
    expect(body).toMatch(/^0\r\n\r\nGET \/\S+-smuggled HTTP\/1\.1\r\n/);
    expect(sent).toContain(`Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n`);
  });
});

describe('which settles of a framing check may be cut to the server\'s pace', () => {
  const answer = (status: number): ParsedResponse => ({ status }) as ParsedResponse;

  it('only a request that may be served, and was: a refusal, or a request the server MUST close after, owes its close', () => {
    const specs = [...framingSpecs.values()];
    expect(specs.filter((s) => s.serve === 'yes').length).toBeGreaterThan(10);
    expect(specs.some((s) => s.serve !== 'yes')).toBe(true);
    for (const spec of specs) {
      const refusal = typeof spec.refuse[0] === 'number' ? spec.refuse[0] : 400;
      expect(owesNoClose(spec, answer(200)), spec.id).toBe(spec.serve === 'yes');
      if (spec.refuse.length > 0) expect(owesNoClose(spec, answer(refusal)), spec.id).toBe(false);
      expect(owesNoClose(spec, undefined), spec.id).toBe(false);
      // Once the request pipelined behind is answered too, nothing but an answer more is watched for.
      expect(settleWatchesOnlyFaults(spec, [answer(refusal)]), spec.id).toBe(owesNoClose(spec, answer(refusal)));
      expect(settleWatchesOnlyFaults(spec, [answer(refusal), answer(200)]), spec.id).toBe(true);
      expect(settleWatchesOnlyFaults(spec, [answer(200), answer(200)]), spec.id).toBe(true);
    }
  });
});

describe.concurrent('after two answers, a framing check judges by the answers alone', () => {
  // Why the settle may then be cut to the pace: closing after the two answers, or not, changes no
  // verdict. Two answers (a refusal-like 405 or a 200, then the pipelined GET's), the connection kept
  // open or closed right after; one check of each kind of spec (what judgeFraming reads of it).
  const kinds = new Map<string, (typeof framing)[number]>();
  for (const check of framing) {
    const spec = framingSpecs.get(check.id)!;
    const kind = JSON.stringify([spec.serve, spec.refuse, spec.refuseWarn ?? [], spec.close ?? 'warn', spec.request.startsWith('HEAD ')]);
    if (!kinds.has(kind)) kinds.set(kind, check);
  }
  it('covers several kinds of spec', () => expect(kinds.size).toBeGreaterThanOrEqual(5));
  for (const check of kinds.values()) {
    const spec = framingSpecs.get(check.id)!;
    const first = spec.request.startsWith('HEAD ') ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n' : OK;
    for (const [name, reply] of [['200', first + OK], ['405', response(405, 'Method Not Allowed') + OK]] as const) {
      it(`${check.id}: ${name} then the pipelined GET's answer, the same verdict whether the connection then closes or not`, async () => {
        const verdicts: string[] = [];
        for (const close of [false, true]) {
          const server = await startScripted(pipelining({ reply, close }));
          try {
            verdicts.push((await runAgainst(check, server.port, undefined, 400)).verdict);
          } finally {
            await server.close();
          }
        }
        expect(verdicts[1], `kept open: ${verdicts[0]}, closed: ${verdicts[1]}`).toBe(verdicts[0]);
      });
    }
  }
});
