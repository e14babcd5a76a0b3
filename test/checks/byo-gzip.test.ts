import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { byoHttpProfile } from '../../src/model/builtin-profiles.js';
import { runAgainst, startScripted } from './peer-scripted.js';

/**
 * The byo gzip checks on scripted answers: what each judges, and which it leaves to another (a check
 * whose premise is a lone gzip answered with gzip is blocked, not failed, when that premise fails).
 */
const check = (id: string) => allChecks.find((c) => c.id === id)!;
const GZIP_IDS = ['byo.gzip.accept-gzip-gets-gzip', 'byo.gzip.unsupported-coding-not-applied', 'byo.gzip.chosen-from-a-list', 'byo.gzip.body-is-the-gzipped-string'];

/** The echoed string and the Accept-Encoding of a request, as a server reads them. */
function parse(received: string): { s: string; accept: string | undefined } {
  const s = /^GET \/echo\/(\S*) /.exec(received)?.[1] ?? '';
  const accept = /\r\naccept-encoding:[ \t]*([^\r\n]*)/i.exec(received)?.[1];
  return { s, accept };
}

const gz = (s: string): string => gzipSync(Buffer.from(s, 'latin1')).toString('latin1');

function answer(status: number, body: string, headers: readonly string[] = []): string {
  return `HTTP/1.1 ${status} X\r\n${headers.map((h) => `${h}\r\n`).join('')}Content-Length: ${body.length}\r\n\r\n${body}`;
}

/** A server that compresses right: gzip when the list names it, plain otherwise. */
function right(received: string): string {
  const { s, accept } = parse(received);
  if (accept !== undefined && accept.split(',').some((t) => t.trim().toLowerCase() === 'gzip')) return answer(200, gz(s), ['Content-Type: text/plain', 'Content-Encoding: gzip']);
  return answer(200, s, ['Content-Type: text/plain']);
}

async function verdicts(reply: (received: string) => string): Promise<Record<string, { verdict: string; reason: string }>> {
  const server = await startScripted({ reply, close: true });
  try {
    const out: Record<string, { verdict: string; reason: string }> = {};
    for (const id of GZIP_IDS) {
      const r = await runAgainst(check(id), server.port, byoHttpProfile, 2000);
      out[id] = { verdict: r.verdict, reason: r.reason };
    }
    return out;
  } finally {
    await server.close();
  }
}

const only = (v: Record<string, { verdict: string }>): Record<string, string> => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.verdict]));

describe.concurrent('the byo gzip checks', () => {
  it('pass a server that compresses for gzip (any case of Content-Encoding) and only then', async () => {
    expect(only(await verdicts(right))).toEqual(Object.fromEntries(GZIP_IDS.map((id) => [id, 'pass'])));
    const shouting = (r: string) => right(r).replace('Content-Encoding: gzip', 'Content-Encoding: GZIP');
    expect(only(await verdicts(shouting))).toEqual(Object.fromEntries(GZIP_IDS.map((id) => [id, 'pass'])));
  });

  it('fail a 500 for gzip once, at the lone-gzip check, where /echo alone works; the checks behind it are blocked', async () => {
    const v = await verdicts((r) => (/gzip/i.test(parse(r).accept ?? '') ? answer(500, 'boom') : right(r)));
    expect(only(v)).toEqual({
      'byo.gzip.accept-gzip-gets-gzip': 'fail',
      'byo.gzip.unsupported-coding-not-applied': 'pass',
      'byo.gzip.chosen-from-a-list': 'blocked',
      'byo.gzip.body-is-the-gzipped-string': 'blocked',
    });
    expect(v['byo.gzip.accept-gzip-gets-gzip']!.reason).toMatch(/500 X.*where without it GET \/echo\/\S+ gets 200/);
  });

  it('leave every gzip check unjudged when /echo does not work at all (byo.echo.returns-the-string owns that)', async () => {
    expect(only(await verdicts(() => answer(404, '')))).toEqual(Object.fromEntries(GZIP_IDS.map((id) => [id, 'blocked'])));
  });

  it('fail a body compressed twice, and a gzip body followed by bytes its Content-Length does not count', async () => {
    const twice = await verdicts((r) => {
      const { s, accept } = parse(r);
      return accept === 'gzip' ? answer(200, gz(gz(s)), ['Content-Encoding: gzip']) : right(r);
    });
    expect(twice['byo.gzip.body-is-the-gzipped-string']).toEqual({ verdict: 'fail', reason: expect.stringMatching(/^the body gunzips to "\\u001f/) });
    const trailing = await verdicts((r) => right(r) + (parse(r).accept === 'gzip' ? 'xx' : ''));
    expect(trailing['byo.gzip.body-is-the-gzipped-string']).toEqual({ verdict: 'fail', reason: expect.stringMatching(/gunzips to the string, and 2 more byte\(s\) followed it/) });
  });

  it('fail "Content-Encoding: identity" for a coding the client did not name, and a body that is not the plain string', async () => {
    const identity = await verdicts((r) => (parse(r).accept?.includes('invalid') ? answer(200, parse(r).s, ['Content-Encoding: identity']) : right(r)));
    expect(identity['byo.gzip.unsupported-coding-not-applied']!.verdict).toBe('fail');
    const alwaysGzip = await verdicts((r) => (parse(r).accept !== undefined ? answer(200, gz(parse(r).s), []) : right(r)));
    expect(alwaysGzip['byo.gzip.unsupported-coding-not-applied']).toEqual({ verdict: 'fail', reason: expect.stringMatching(/not the plain string/) });
  });
});
