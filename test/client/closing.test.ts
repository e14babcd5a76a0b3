/**
 * How the client ends connections and bodies: a body delimited by a close that never comes is ended by
 * an idle pause when asked (closeIdleMs), and a connection the server closed first is reset, so the
 * server's side never waits in TIME_WAIT (a server without SO_REUSEADDR can then bind again at once).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ANNOUNCED_CLOSE_WAIT_MS, exchange } from '../../src/client/exchange.js';
import { latin1 } from '../../src/wire/bytes.js';
import { lingeringOn } from '../../src/wire/listen-table.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function serve(onRequest: (sock: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n\r\n')) onRequest(sock);
    });
  });
  const close = srv.close.bind(srv);
  srv.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof srv.close;
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return (srv.address() as net.AddressInfo).port;
}

const GET = { bytes: latin1('GET / HTTP/1.1\r\nHost: x\r\n\r\n') };

describe('a close-delimited body on a connection left open', () => {
  it('times out without closeIdleMs, and ends after an idle pause with it, body whole', async () => {
    const port = await serve((s) => s.write('HTTP/1.1 200 OK\r\nDate: x\r\n\r\nhello'));
    const slow = await exchange({ host: '127.0.0.1', port }, GET, { methods: ['GET'], timeoutMs: 600 });
    expect(slow.kind).toBe('timeout');
    const fast = await exchange({ host: '127.0.0.1', port }, GET, { methods: ['GET'], timeoutMs: 5000, closeIdleMs: 100 });
    expect(fast.kind).toBe('response');
    expect(Buffer.from(fast.finals[0]!.body).toString()).toBe('hello');
    expect(fast.finals[0]!.bodyEndedBy).toBe('idle');
    expect(fast.idleEndMs).toBe(100);
    expect(fast.elapsedMs).toBeLessThan(2000);
    expect(slow.idleEndMs).toBeUndefined();
  });
});

describe('closing', () => {
  it('resets a connection the server closed first: nothing of it lingers on the server port', async () => {
    const port = await serve((s) => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'));
    for (let i = 0; i < 5; i++) {
      const ex = await exchange({ host: '127.0.0.1', port }, { bytes: latin1('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n') }, { methods: ['GET'], timeoutMs: 2000 });
      expect(ex.kind).toBe('response');
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await lingeringOn(port)).toBe(0);
  });

  it('says whether the server kept a connection open through the wait for the close it was asked for, and waits as long as told', async () => {
    const close = latin1('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const ignores = await serve((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const t0 = performance.now();
    const kept = await exchange({ host: '127.0.0.1', port: ignores }, { bytes: close }, { methods: ['GET'], timeoutMs: 2000 });
    const waited = performance.now() - t0;
    expect(kept.closeIgnored).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(ANNOUNCED_CLOSE_WAIT_MS - 5);
    const t1 = performance.now();
    const short = await exchange({ host: '127.0.0.1', port: ignores }, { bytes: close }, { methods: ['GET'], timeoutMs: 2000, peerCloseMs: 50 });
    expect(short.closeIgnored).toBe(true);
    // About 950 ms less than the whole wait above (each took the same exchange besides).
    expect(performance.now() - t1).toBeLessThan(waited - 500);
    const closes = await serve((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    expect((await exchange({ host: '127.0.0.1', port: closes }, { bytes: close }, { methods: ['GET'], timeoutMs: 2000 })).closeIgnored).toBe(false);
    // Not asked to close, not waited on: nothing to say.
    expect((await exchange({ host: '127.0.0.1', port: ignores }, GET, { methods: ['GET'], timeoutMs: 2000 })).closeIgnored).toBeUndefined();
  });

  it('does not wait for the close of a server that left the request asking for it unanswered, and learns nothing of its word', async () => {
    const close = latin1('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const silent = await serve(() => undefined);
    const t0 = performance.now();
    const unanswered = await exchange({ host: '127.0.0.1', port: silent }, { bytes: close }, { methods: ['GET'], timeoutMs: 300 });
    expect(unanswered.kind).toBe('timeout');
    expect(unanswered.closeIgnored).toBeUndefined();
    // The 300 ms deadline and the polite close's grace (100 ms): less than the wait for a close (1 s) alone.
    expect(performance.now() - t0).toBeLessThan(ANNOUNCED_CLOSE_WAIT_MS);
    // Answered, the same request is let to close first, as before.
    const answers = await serve((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    expect((await exchange({ host: '127.0.0.1', port: answers }, { bytes: close }, { methods: ['GET'], timeoutMs: 300, peerCloseMs: 50 })).closeIgnored).toBe(true);
  });

  it('cuts the watch after an answer that already decides the verdict to decidedSettleMs, and only then, and says whether the server kept the connection open through it', async () => {
    // A server that keeps the connection open after a 201 where the check wanted 400 and a close.
    const keeps = await serve((s) => s.write('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'));
    const timed = async (o: Partial<Parameters<typeof exchange>[2]>) => {
      const t0 = performance.now();
      const ex = await exchange({ host: '127.0.0.1', port: keeps }, GET, { methods: ['GET'], timeoutMs: 3000, settleMs: 1000, ...o });
      return { ex, ms: performance.now() - t0 };
    };
    const failsBy201 = (finals: readonly { status: number | null }[]) => finals[0]?.status === 201;
    const whole = await timed({ decided: failsBy201 });
    // Without decidedSettleMs (the server was not seen keeping such connections open), the whole watch.
    expect(whole.ms).toBeGreaterThanOrEqual(995);
    expect(whole.ex.keptOpenAfterDecided).toBe(true);
    const cut = await timed({ decided: failsBy201, decidedSettleMs: 50 });
    expect(cut.ms).toBeLessThan(whole.ms - 500);
    expect(cut.ex.keptOpenAfterDecided).toBe(true);
    // An answer that does not decide (the close would): the whole watch, decidedSettleMs or not.
    const undecided = await timed({ decided: () => false, decidedSettleMs: 50 });
    expect(undecided.ms).toBeGreaterThanOrEqual(995);
    expect(undecided.ex.keptOpenAfterDecided).toBeUndefined();
    // A server that closes after the answer: seen closing within the watch.
    const closes = await serve((s) => s.end('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'));
    const closed = await exchange({ host: '127.0.0.1', port: closes }, GET, { methods: ['GET'], timeoutMs: 3000, settleMs: 1000, decided: failsBy201 });
    expect(closed.keptOpenAfterDecided).toBe(false);
    for (const r of [whole, cut, undecided]) {
      expect(r.ex.kind).toBe('response');
      expect(r.ex.finals.map((f) => f.status)).toEqual([201]);
      expect(r.ex.connection).toBe('open');
    }
  });
});

describe('a watch for what a correct server never sends (watchMs)', () => {
  const keep = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

  it('cuts a settle that watches for faults, and only such a settle', async () => {
    const port = await serve((s) => s.write(keep));
    const t = { host: '127.0.0.1', port };
    const cut = await exchange(t, GET, { methods: ['GET'], timeoutMs: 5000, settleMs: 1200, settleWatchesFaults: true, watchMs: 60 });
    expect(cut.kind).toBe('response');
    expect(cut.connection).toBe('open');
    expect(cut.elapsedMs).toBeLessThan(900);
    // A settle that watches for a close the answers oblige is never cut: a late close must be seen.
    const owed = await exchange(t, GET, { methods: ['GET'], timeoutMs: 5000, settleMs: 1200, settleWatchesFaults: () => false, watchMs: 60 });
    expect(owed.elapsedMs).toBeGreaterThanOrEqual(1100);
    // Without the runner's pace, a fault watch lasts its whole window.
    const whole = await exchange(t, GET, { methods: ['GET'], timeoutMs: 5000, settleMs: 1200, settleWatchesFaults: true });
    expect(whole.elapsedMs).toBeGreaterThanOrEqual(1100);
  });

  it('still sees a fault that comes within it: a close after the answer', async () => {
    const port = await serve((s) => {
      s.write(keep);
      setTimeout(() => s.end(), 20);
    });
    const ex = await exchange({ host: '127.0.0.1', port }, GET, { methods: ['GET'], timeoutMs: 5000, settleMs: 1200, settleWatchesFaults: true, watchMs: 400 });
    expect(ex.connection).toBe('closed');
  });

  it('cuts the deadline of bytes whose answer is optional (silence is as good as a refusal)', async () => {
    const port = await serve(() => {});
    const t = { host: '127.0.0.1', port };
    const cut = await exchange(t, GET, { methods: ['GET'], timeoutMs: 1200, answerOptional: true, watchMs: 80 });
    expect(cut.kind).toBe('timeout');
    expect(cut.elapsedMs).toBeLessThan(900);
    const plain = await exchange(t, GET, { methods: ['GET'], timeoutMs: 1200, watchMs: 80 });
    expect(plain.elapsedMs).toBeGreaterThanOrEqual(1100);
  });

  it('says when the quiet window, not the deadline, ended a silence (silenceCutMs)', async () => {
    const t = { host: '127.0.0.1', port: await serve(() => {}) };
    const cut = await exchange(t, GET, { methods: ['GET'], timeoutMs: 1200, silenceMs: 100 });
    expect(cut.kind).toBe('timeout');
    expect(cut.silenceCutMs).toBe(100);
    expect(cut.elapsedMs).toBeLessThan(900);
    const whole = await exchange(t, GET, { methods: ['GET'], timeoutMs: 300 });
    expect(whole.kind).toBe('timeout');
    expect(whole.silenceCutMs).toBeUndefined();
    // Answered within the window: nothing was cut.
    const answered = await exchange({ host: '127.0.0.1', port: await serve((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')) }, GET, { methods: ['GET'], timeoutMs: 1200, silenceMs: 100 });
    expect(answered.kind).toBe('response');
    expect(answered.silenceCutMs).toBeUndefined();
  });
});
