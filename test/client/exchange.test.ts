import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, KeepAliveConnection, QUIET_WINDOW_MAX_REQUEST_BYTES, retain, RETAINED_RECEIVED_BYTES, type ExchangeOptions, type Witness, type WitnessAnswer } from '../../src/client/exchange.js';
import { freePort } from '../../src/supervise/launch.js';
import { answered, matches, statusOf } from '../../src/checks/verify.js';
import { latin1 } from '../../src/wire/bytes.js';

/**
 * The client layer alone: each OutcomeKind of `exchange()` produced by a loopback server that behaves
 * one way (answers, closes, resets, stays silent, floods, is not there), so that a zoo-matrix failure can
 * be told apart: if these pass, the exchange the judge got was the one the server caused. Every server
 * listens on port 0 and is closed after its test; every exchange has a deadline.
 */

type Behaviour = (sock: net.Socket, received: string) => void;

const opened: Array<{ server: net.Server; sockets: Set<net.Socket> }> = [];

afterEach(async () => {
  for (const { server, sockets } of opened.splice(0)) {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A server that calls `behave` once a whole request head (up to the empty line) has arrived. */
async function serve(behave: Behaviour): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    let done = false;
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (!done && buf.includes('\r\n\r\n')) {
        done = true;
        behave(sock, buf);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ server, sockets });
  return (server.address() as net.AddressInfo).port;
}

const GET = { bytes: latin1('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n') };
const ok = (status = 200, extra = '') => `HTTP/1.1 ${status} R\r\nDate: x\r\nContent-Length: 2\r\n${extra}\r\nhi`;

async function run(behave: Behaviour, opts: Partial<ExchangeOptions> = {}, plan = GET) {
  const port = await serve(behave);
  return exchange({ host: '127.0.0.1', port }, plan, { methods: ['GET'], timeoutMs: 3000, ...opts });
}

describe('exchange(): one outcome kind per server behaviour', () => {
  it('response: a complete answer on a kept-open connection', async () => {
    const ex = await run((s) => s.write(ok(201)));
    expect(ex.kind).toBe('response');
    expect(ex.connection).toBe('open');
    expect(ex.finals.map((r) => r.status)).toEqual([201]);
    expect(ex.receivedBytes).toBe(ok(201).length);
    expect(ex.sentBytes).toBe(GET.bytes.length);
    expect(ex.request?.plan).toBe(GET);
  });

  it('response, then the close seen within settleMs', async () => {
    const ex = await run((s) => s.end(ok(400, 'Connection: close\r\n')), { settleMs: 1000 });
    expect(ex.kind).toBe('response');
    expect(ex.connection).toBe('closed');
    expect(matches(ex, 400)).toBe(true);
  });

  it('response: interim 100 Continue before the final', async () => {
    const ex = await run((s) => s.write('HTTP/1.1 100 Continue\r\n\r\n' + ok(200)));
    expect(ex.kind).toBe('response');
    expect(ex.responses.map((r) => [r.status, r.interim])).toEqual([
      [100, true],
      [200, false],
    ]);
    expect(statusOf(ex)).toBe(200);
  });

  it('response: two pipelined requests, two answers', async () => {
    const port = await serve((s) => s.write(ok(200) + ok(404)));
    const two = latin1('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    const ex = await exchange({ host: '127.0.0.1', port }, { bytes: two }, { methods: ['GET', 'GET'], timeoutMs: 3000 });
    expect(ex.kind).toBe('response');
    expect(ex.finals.map((r) => r.status)).toEqual([200, 404]);
  });

  it('response, head-only: a close-delimited body on a kept-open connection does not wait for the deadline', async () => {
    const t0 = performance.now();
    const ex = await run((s) => s.write('HTTP/1.1 200 OK\r\nDate: x\r\n\r\nbody without end'), { headOnly: true, timeoutMs: 5000 });
    expect(ex.kind).toBe('response');
    expect(statusOf(ex)).toBe(200);
    expect(ex.finals[0]!.complete).toBe(false);
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('closed-without-response: closed with nothing sent; `close` matches', async () => {
    const ex = await run((s) => s.end());
    expect(ex.kind).toBe('closed-without-response');
    expect(ex.receivedBytes).toBe(0);
    expect(matches(ex, 'close')).toBe(true);
    expect(answered(ex)).toBe(false);
  });

  it('closed-without-response: a status line then the close is the answer', async () => {
    const ex = await run((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Len'));
    expect(ex.kind).toBe('closed-without-response');
    expect(statusOf(ex)).toBe(400);
    expect(matches(ex, 'close')).toBe(false);
  });

  it('closed-without-response: a Content-Length body cut short', async () => {
    const ex = await run((s) => s.end('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 10\r\n\r\nhel'));
    expect(ex.kind).toBe('closed-without-response');
    expect(ex.partial?.findings.map((f) => f.code)).toContain('body-truncated');
    expect(statusOf(ex)).toBe(200);
  });

  it('response: HTTP/1.0 with a close-delimited body, complete at the close', async () => {
    const ex = await run((s) => s.end('HTTP/1.0 200 OK\r\n\r\nall of it'));
    expect(ex.kind).toBe('response');
    expect(Buffer.from(ex.finals[0]!.body).toString()).toBe('all of it');
    expect(ex.finals[0]!.version).toBe('HTTP/1.0');
  });

  it('reset: the server resets without a byte; `close` matches', async () => {
    const ex = await run((s) => s.resetAndDestroy());
    expect(ex.kind).toBe('reset');
    expect(ex.connection).toBe('reset');
    expect(matches(ex, 'close')).toBe(true);
  });

  it('timeout: a silent server, after about the deadline', async () => {
    const t0 = performance.now();
    const ex = await run(() => undefined, { timeoutMs: 300 });
    const took = performance.now() - t0;
    expect(ex.kind).toBe('timeout');
    expect(ex.connection).toBe('open');
    expect(answered(ex)).toBe(false);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
  });

  it('timeout: a head whose Content-Length body never comes is no answer', async () => {
    const ex = await run((s) => s.write('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 10\r\n\r\nhel'), { timeoutMs: 300 });
    expect(ex.kind).toBe('timeout');
    expect(ex.partial?.status).toBe(200);
    expect(answered(ex)).toBe(false);
  });

  it('refused: nothing listens on the port', async () => {
    // A free port below the kernel's ephemeral range: no outgoing connection can take it meanwhile.
    const port = await freePort();
    const ex = await exchange({ host: '127.0.0.1', port }, GET, { methods: ['GET'], timeoutMs: 2000 });
    expect(ex.kind).toBe('refused');
    expect(ex.connectFailure).toBe('refused');
    expect(ex.message).toMatch(/ECONNREFUSED|refused/i);
    expect(ex.request?.plan).toBe(GET);
  });

  it('overflow: more than the byte cap without a complete response', async () => {
    const ex = await run((s) => s.write('HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(20_000)), { capBytes: 4096 });
    expect(ex.kind).toBe('overflow');
    expect(answered(ex)).toBe(false);
  });
});

describe('KeepAliveConnection: exchanges one after another on one connection', () => {
  it('counts only what each exchange received', async () => {
    const port = await serve((s) => {
      s.write(ok(200));
      s.on('data', () => s.write(ok(404)));
    });
    const s = await KeepAliveConnection.open({ host: '127.0.0.1', port }, 3000);
    if ('refused' in s) throw new Error(`refused: ${s.refused}`);
    try {
      const a = await s.exchange(GET, { methods: ['GET'], timeoutMs: 3000 });
      const b = await s.exchange(GET, { methods: ['GET'], timeoutMs: 3000 });
      expect([a.kind, b.kind]).toEqual(['response', 'response']);
      expect(a.finals.map((r) => r.status)).toEqual([200]);
      expect(b.finals.map((r) => r.status)).toEqual([404]);
      expect(b.receivedBytes).toBe(ok(404).length);
      expect(b.finals[0]!.start).toBe(ok(200).length);
    } finally {
      await s.close();
    }
  });
});

describe('the silence window (silenceMs) and what a judged exchange keeps (retain)', () => {
  it('a silent server: a timeout with nothing, once the window has passed, not the whole deadline', async () => {
    const t0 = performance.now();
    const ex = await run(() => undefined, { timeoutMs: 3000, silenceMs: 150 });
    expect(ex.kind).toBe('timeout');
    expect(ex.receivedBytes).toBe(0);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('many silences at once each end one window after their last byte, never two (a busy event loop fires timers early)', async () => {
    // An interim answer and nothing else: the window counts from its bytes. 16 at once keep the loop busy.
    const port = await serve((s) => s.write('HTTP/1.1 100 Continue\r\n\r\n'));
    const windowMs = 600;
    for (let round = 0; round < 3; round++) {
      const xs = await Promise.all(Array.from({ length: 16 }, () => exchange({ host: '127.0.0.1', port }, GET, { methods: ['GET'], timeoutMs: 5000, silenceMs: windowMs })));
      for (const x of xs) {
        expect([x.kind, x.silenceCutMs]).toEqual(['timeout', windowMs]);
        // A second window would end at 2 × windowMs or later.
        expect(x.elapsedMs).toBeLessThan(1.75 * windowMs);
      }
    }
  });

  it('the window starts when the request is sent: pauses between its pieces do not count', async () => {
    const plan = { bytes: GET.bytes, splits: [5], pausesMs: [400] };
    const ex = await run((s) => setTimeout(() => s.write(ok(200)), 50), { timeoutMs: 3000, silenceMs: 200 }, plan);
    expect(ex.kind).toBe('response');
  });

  it('a server that keeps sending is read until the deadline: the window is quiet time, not the answer\'s', async () => {
    const text = ok(200);
    const ex = await run(
      (s) => {
        let i = 0;
        const drip = (): void => {
          if (s.destroyed) return;
          s.write(text.slice(i, i + 4));
          i += 4;
          if (i < text.length) setTimeout(drip, 60);
        };
        drip();
      },
      { timeoutMs: 3000, silenceMs: 200 },
    );
    expect(ex.kind).toBe('response');
    expect(ex.finals.map((r) => r.status)).toEqual([200]);
    expect(ex.elapsedMs).toBeGreaterThan(200);
  });

  it('a request over QUIET_WINDOW_MAX_REQUEST_BYTES gets the whole deadline: its reading is not the server\'s pace', async () => {
    const big = { bytes: latin1('GET /' + 'a'.repeat(QUIET_WINDOW_MAX_REQUEST_BYTES) + ' HTTP/1.1\r\nHost: a\r\n\r\n') };
    const ex = await run((s) => setTimeout(() => s.write(ok(200)), 600), { timeoutMs: 3000, silenceMs: 150 }, big);
    expect(ex.kind).toBe('response');
    const small = await run((s) => setTimeout(() => s.write(ok(200)), 600), { timeoutMs: 3000, silenceMs: 150 });
    expect(small.kind).toBe('timeout'); // the same answer time after a small request is a silence
  });

  it('quiet after the first of two pipelined answers: a timeout once the window has passed', async () => {
    const t0 = performance.now();
    const ex = await run((s) => s.write(ok(200)), { timeoutMs: 3000, silenceMs: 150, methods: ['GET', 'GET'] }, { bytes: latin1('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n') });
    expect(ex.kind).toBe('timeout');
    expect(ex.finals.map((r) => r.status)).toEqual([200]);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('a kept-alive connection asks its quiet window at each exchange that sets none; one that sets it keeps its own', async () => {
    // Answers the first request on a connection, and nothing after it.
    const port = await serve((s) => s.write(ok(200)));
    const asked: number[] = [];
    const c = await KeepAliveConnection.open({ host: '127.0.0.1', port }, 3000, undefined, (t) => {
      asked.push(t);
      return 150;
    });
    if ('refused' in c) throw new Error(c.refused);
    try {
      expect((await c.exchange(GET, { methods: ['GET'], timeoutMs: 3000 })).kind).toBe('response');
      const t0 = performance.now();
      const second = await c.exchange(GET, { methods: ['GET'], timeoutMs: 3000 });
      expect(second.kind).toBe('timeout');
      expect(performance.now() - t0).toBeLessThan(1500);
      expect(asked).toEqual([3000, 3000]);
      const t1 = performance.now();
      const own = await c.exchange(GET, { methods: ['GET'], timeoutMs: 800, silenceMs: 600 });
      expect(own.kind).toBe('timeout');
      expect(performance.now() - t1).toBeGreaterThanOrEqual(590);
      expect(asked).toHaveLength(2);
    } finally {
      await c.close();
    }
  });

  it('a kept-alive connection with no quiet window (none learned) waits out the deadline', async () => {
    const port = await serve(() => undefined);
    const c = await KeepAliveConnection.open({ host: '127.0.0.1', port }, 3000, undefined, () => undefined);
    if ('refused' in c) throw new Error(c.refused);
    try {
      const ex = await c.exchange(GET, { methods: ['GET'], timeoutMs: 700 });
      expect(ex.kind).toBe('timeout');
      expect(ex.elapsedMs).toBeGreaterThanOrEqual(690);
    } finally {
      await c.close();
    }
  });

  it('retain: a flood keeps the first RETAINED_RECEIVED_BYTES and the count of the rest', async () => {
    const chunk = 'HTTP/1.1 200 OK\r\n\r\n' + 'b'.repeat(64 * 1024);
    const ex = await run((s) => {
      const pump = (): void => {
        if (!s.destroyed && s.write(chunk)) setImmediate(pump);
        else s.once('drain', pump);
      };
      pump();
    }, { capBytes: 1024 * 1024 });
    expect(ex.kind).toBe('overflow');
    const got = (x: typeof ex) => x.transcript.filter((e) => e.dir === 'received').reduce((n, e) => n + e.bytes.length, 0);
    expect(got(ex)).toBe(1024 * 1024);
    retain(ex);
    expect(got(ex)).toBe(RETAINED_RECEIVED_BYTES);
    expect(ex.droppedBytes).toBe(1024 * 1024 - RETAINED_RECEIVED_BYTES);
    expect(ex.receivedBytes).toBe(1024 * 1024);
  });

  it('a witness to a silence: asked once the exchange ran out of time, it never changes what was judged', async () => {
    // A witness answered now, asked right away (sent after the exchange went quiet).
    const answeredNow = (): WitnessAnswer => ({ sentAt: performance.now() - 1, answeredAt: performance.now() });
    // Silent on the exchange's request; a witness that answers: witnessed, and the timeout is what it was.
    let asked: number[] = [];
    const yes: Witness = async (quietSince) => {
      asked.push(quietSince);
      return answeredNow();
    };
    const t0 = performance.now();
    const seen = await run(() => undefined, { timeoutMs: 300, witness: yes });
    expect([seen.kind, seen.witnessed, asked.length]).toEqual(['timeout', true, 1]);
    // It was told since when the connection was quiet: after it opened, once the request was sent.
    expect(asked[0]).toBeGreaterThan(t0);
    expect(asked[0]).toBeLessThan(t0 + seen.elapsedMs);
    // A witness that goes unanswered: not witnessed.
    const unseen = await run(() => undefined, { timeoutMs: 300, witness: async () => null });
    expect([unseen.kind, unseen.witnessed]).toEqual(['timeout', false]);
    // A witness that throws witnesses nothing.
    const threw = await run(() => undefined, { timeoutMs: 300, witness: () => Promise.reject(new Error('no')) });
    expect([threw.kind, threw.witnessed]).toEqual(['timeout', false]);
    // The answer comes while the witness is asked (a server held up, not silent): not witnessed, and the
    // exchange is still the timeout it was at its deadline (its late bytes are not judged).
    let sock: net.Socket | undefined;
    const late = await run((s) => (sock = s), {
      timeoutMs: 300,
      witness: async () => {
        sock?.write(ok(200));
        await new Promise((r) => setTimeout(r, 50));
        return answeredNow();
      },
    });
    expect([late.kind, late.witnessed, late.receivedBytes, late.finals.length]).toEqual(['timeout', false, 0, 0]);
    // The answer comes within the grace after the witness was answered (as long as the witness took: 60 ms): not witnessed.
    let sock2: net.Socket | undefined;
    const graced = await run((s) => (sock2 = s), {
      timeoutMs: 300,
      witness: async () => {
        setTimeout(() => sock2?.write(ok(200)), 20);
        return { sentAt: performance.now() - 60, answeredAt: performance.now() };
      },
    });
    expect([graced.kind, graced.witnessed]).toEqual(['timeout', false]);
    // A witness answered long ago (its grace over), sent after the exchange went quiet: witnessed at once.
    const before = await run(() => undefined, { timeoutMs: 300, witness: async (q) => ({ sentAt: q + 1, answeredAt: q + 2 }) });
    expect(before.witnessed).toBe(true);
    // Not asked: an answer that came, or an optional one.
    asked = [];
    const answeredEx = await run((s) => s.write(ok(200)), { timeoutMs: 300, witness: yes });
    const optional = await run(() => undefined, { timeoutMs: 300, witness: yes, answerOptional: true });
    expect([answeredEx.kind, answeredEx.witnessed, optional.witnessed, asked.length]).toEqual(['response', undefined, undefined, 0]);
  });

  it('a witness asked before the deadline (witnessAfterMs): a silence it stands behind ends there; one it does not is read to the deadline, asked once', async () => {
    const answeredNow = (): WitnessAnswer => ({ sentAt: performance.now() - 1, answeredAt: performance.now() });
    let asked = 0;
    const yes: Witness = async () => (asked++, answeredNow());
    const no: Witness = async () => (asked++, null);
    // Witnessed after 150 ms of silence: a timeout there, not at the 1 s deadline.
    const cut = await run(() => undefined, { timeoutMs: 1000, witness: yes, witnessAfterMs: 150 });
    expect([cut.kind, cut.witnessed, cut.witnessCutMs, cut.silenceCutMs, asked]).toEqual(['timeout', true, 150, undefined, 1]);
    expect(cut.elapsedMs).toBeGreaterThanOrEqual(145);
    expect(cut.elapsedMs).toBeLessThan(900);
    // Not witnessed: read to the deadline, and not asked again there.
    asked = 0;
    const whole = await run(() => undefined, { timeoutMs: 600, witness: no, witnessAfterMs: 150 });
    expect([whole.kind, whole.witnessed, whole.witnessCutMs, asked]).toEqual(['timeout', false, undefined, 1]);
    expect(whole.elapsedMs).toBeGreaterThan(400); // the deadline (600 ms, less the connect), not the 150 ms
    // An answer that comes while the witness is asked is read and judged (a server held up, not silent).
    let sock: net.Socket | undefined;
    const late = await run((s) => (sock = s), {
      timeoutMs: 1000,
      witnessAfterMs: 150,
      witness: async () => {
        sock?.write(ok(200));
        await new Promise((r) => setTimeout(r, 50));
        return answeredNow();
      },
    });
    expect([late.kind, late.witnessed, late.witnessCutMs, late.finals.length]).toEqual(['response', undefined, undefined, 1]);
    // Not asked early for an answer that came, one that is optional, or a request over QUIET_WINDOW_MAX_REQUEST_BYTES.
    asked = 0;
    const answered = await run((s) => s.write(ok(200)), { timeoutMs: 600, witness: yes, witnessAfterMs: 150 });
    const optional = await run(() => undefined, { timeoutMs: 400, witness: yes, witnessAfterMs: 150, answerOptional: true });
    expect([answered.kind, optional.witnessCutMs, asked]).toEqual(['response', undefined, 0]);
    const big = { bytes: latin1(`GET /${'a'.repeat(QUIET_WINDOW_MAX_REQUEST_BYTES)} HTTP/1.1\r\nHost: localhost\r\n\r\n`) };
    const large = await run(() => undefined, { timeoutMs: 600, witness: yes, witnessAfterMs: 150 }, big);
    expect([large.kind, large.witnessCutMs, large.witnessed]).toEqual(['timeout', undefined, true]);
    expect(large.elapsedMs).toBeGreaterThan(400);
  });

  it('a kept-alive connection asks its witness at each exchange that sets none', async () => {
    // Answers the first request on a connection, and nothing after it.
    const port = await serve((s) => s.write(ok(200)));
    const asked: number[] = [];
    const c = await KeepAliveConnection.open({ host: '127.0.0.1', port }, 3000, undefined, undefined, (t) => {
      asked.push(t);
      return { witness: async () => ({ sentAt: performance.now() - 1, answeredAt: performance.now() }) };
    });
    if ('refused' in c) throw new Error(c.refused);
    try {
      expect((await c.exchange(GET, { methods: ['GET'], timeoutMs: 300 })).witnessed).toBeUndefined();
      const second = await c.exchange(GET, { methods: ['GET'], timeoutMs: 300 });
      expect([second.kind, second.witnessed]).toEqual(['timeout', true]);
      expect(asked).toEqual([300, 300]);
    } finally {
      await c.close();
    }
  });
});
