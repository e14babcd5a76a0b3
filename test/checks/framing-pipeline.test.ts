import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { framingSpecs, type FramingSpec } from '../../src/checks/pipeline.js';
import { response, runAgainst, startScripted, type Script } from './scripted-server.js';

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
  verdict: 'pass' | 'fail';
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
    out.push({ name: 'served, the next request never answered', script: { reply: first, close: false }, verdict: 'fail' });
  }
  return out;
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
        const server = await startScripted(row.script);
        try {
          const run = await runAgainst(check, server.port, undefined, 400);
          expect(run.verdict, run.reason).toBe(row.verdict);
        } finally {
          await server.close();
        }
      });
    }
  }

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
