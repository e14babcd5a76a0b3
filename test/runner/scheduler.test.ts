/**
 * The scheduler's policy, without a network: whom a death is charged to, the restart budgets per family,
 * and the gating that follows. The server is a fake whose process "exits" when the test says so.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { ex, fakeServer, served as answered } from './fake-server.js';
import { profiles, referenceProfile } from '../../src/model/builtin-profiles.js';
import { probeBytes, PROBE_PEER_CLOSE_MS } from '../../src/runner/liveness.js';
import { freePort } from '../../src/supervise/launch.js';
import { IGNORED_CLOSE_WAIT_MS, KEEPS_SERVING_ID, Scheduler, servedFully, type ServerControl } from '../../src/runner/scheduler.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import { latin1 } from '../../src/wire/bytes.js';
import { confirmDeadline, SHORT_IDLE_END_MS } from '../../src/runner/deadlines.js';

const target = { host: '127.0.0.1', port: 9 };

const make = (control: ServerControl, perFamily = 2) =>
  new Scheduler({ target, profile: referenceProfile, timeoutMs: 100, control, restarts: { perFamily, total: 10, hangs: 1, afterServingMs: 60_000 } });

/** A fake process that exits 150 ms after `slowDeath()` (until it is started again). */
function slowlyDying() {
  const srv = fakeServer();
  let dieAt = Infinity;
  srv.exited = () => (performance.now() >= dieAt ? { code: 1, signal: null } : null);
  srv.restart = async () => {
    dieAt = Infinity;
    return { ok: true };
  };
  return { srv, slowDeath: () => void (dieAt = performance.now() + 150) };
}

describe('Scheduler', () => {
  it('charges a death to the unit whose exchange ended without an answer, and names that exchange', async () => {
    const srv = fakeServer();
    const s = make(srv);
    srv.kill();
    const culprit = ex('closed-without-response');
    const a = await s.after({ id: 'status.x', family: 'status' }, [ex('response'), culprit, ex('refused')]);
    expect(a).toMatchObject({ chargedTo: 'unit', restarted: true, down: { kind: 'exited', code: 1 } });
    expect(a?.chargedTo === 'unit' && a.culprit).toBe(culprit);
    expect(srv.deaths).toEqual([{ after: 'status.x', chargedTo: 'status.x', down: { kind: 'exited', code: 1, signal: null }, restarted: true }]);
  });

  it('charges a server that went away after answering everything to the keeps-serving root cause, not to the unit', async () => {
    const srv = fakeServer();
    const s = make(srv);
    srv.kill();
    const a = await s.after({ id: 'wire.y', family: 'wire' }, [ex('response'), ex('response')]);
    expect(a).toMatchObject({ chargedTo: 'keeps-serving', judged: true });
    srv.kill();
    const b = await s.after({ id: 'wire.z', family: 'wire' }, [ex('response'), ex('refused')]);
    expect(b).toMatchObject({ chargedTo: 'keeps-serving', judged: false });
    expect(s.exitsAfterServing).toMatchObject({ times: 2, firstAfter: 'wire.y' });
    expect(srv.deaths.every((d) => d.chargedTo === KEEPS_SERVING_ID)).toBe(true);
  });

  it('watches a server that habitually closes without a complete answer a shorter while, and the full while again once a death was seen late', async () => {
    // A process that exits 150 ms after the test says so: inside the full watch (250 ms), outside the short one.
    const { srv, slowDeath } = slowlyDying();
    const s = make(srv);
    slowDeath();
    expect(await s.after({ id: 'wire.a', family: 'wire' }, [ex('closed-without-response', 30)])).toMatchObject({ chargedTo: 'unit' });
    for (const id of ['wire.b', 'wire.c', 'wire.d']) expect(await s.after({ id, family: 'wire' }, [ex('closed-without-response', 30)])).toBeNull();
    // The habit is learnt: a slow death is not seen by the short watch ...
    slowDeath();
    expect(await s.after({ id: 'wire.e', family: 'wire' }, [ex('closed-without-response', 30)])).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    // ... but before the next unit (charged to the root cause it looks like), and the full watch is back.
    await s.before({ id: 'wire.f', family: 'wire' });
    expect(srv.deaths.at(-1)).toMatchObject({ after: 'wire.e', chargedTo: KEEPS_SERVING_ID });
    for (const id of ['wire.g', 'wire.h', 'wire.i']) expect(await s.after({ id, family: 'wire' }, [ex('closed-without-response', 30)])).toBeNull();
    slowDeath();
    expect(await s.after({ id: 'wire.j', family: 'wire' }, [ex('closed-without-response', 30)])).toMatchObject({ chargedTo: 'unit' });
  });

  it('does not watch for an exit after an answer that announced its close and a pipelined request it then left unanswered, as after any served exchange', async () => {
    // A process that exits 150 ms after the test says so: inside the full watch (250 ms).
    const { srv, slowDeath } = slowlyDying();
    const s = make(srv);
    // The smuggling checks' outcome on a correct server: a 400 with `Connection: close`, the close, and the
    // embedded request never answered.
    const p = new ResponseParser();
    p.expect('POST');
    p.expect('GET');
    const finals = p.feed(latin1('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    const announced: Exchange = { ...ex('closed-without-response', 60), responses: finals, finals };
    expect(servedFully(announced)).toBe(true);
    slowDeath();
    expect(await s.after({ id: 'framing.a', family: 'framing' }, [announced])).toBeNull();
    // Its death is found before the next unit, as after any served exchange (the server left after serving).
    await new Promise((r) => setTimeout(r, 200));
    await s.before({ id: 'framing.b', family: 'framing' });
    expect(srv.deaths.at(-1)).toMatchObject({ after: 'framing.a', chargedTo: KEEPS_SERVING_ID });
    // The same close with no answer at all is watched, and a death within the watch is the unit's.
    slowDeath();
    expect(servedFully(ex('closed-without-response'))).toBe(false);
    expect(await s.after({ id: 'framing.c', family: 'framing' }, [ex('closed-without-response', 30)])).toMatchObject({ chargedTo: 'unit' });
  });

  it('gives a family its restart back when a death charged to it is not confirmed (the server left after serving)', async () => {
    const srv = fakeServer();
    const s = make(srv, 2);
    const charged = [];
    for (const id of ['status.a', 'status.b']) {
      srv.kill();
      charged.push(await s.after({ id, family: 'status' }, [ex('reset')]));
    }
    expect(s.blockCause({ id: 'status.c', family: 'status' })).toMatchObject({ kind: 'restart-budget' });
    // The confirming run of status.b is not stopped by the budget its own death spent ...
    expect(s.blockCause({ id: 'status.b', family: 'status' }, true)).toBeNull();
    // ... and when it does not take the server down again, the death and its restart were not the family's.
    const last = charged[1]!;
    if (last.chargedTo !== 'unit') throw new Error('expected a death charged to the unit');
    s.unconfirmed(last.record, 'status');
    expect(last.record.chargedTo).toBe(KEEPS_SERVING_ID);
    expect(s.blockCause({ id: 'status.c', family: 'status' })).toBeNull();
  });

  it('blocks a family past its restart budget while the other families go on, and stops past the total', async () => {
    const srv = fakeServer();
    const s = make(srv, 2);
    for (const id of ['status.a', 'status.b']) {
      srv.kill();
      await s.after({ id, family: 'status' }, [ex('reset')]);
    }
    expect(s.blockCause({ id: 'status.c', family: 'status' })).toEqual({ kind: 'restart-budget', family: 'status', limit: 2 });
    expect(s.blockCause({ id: 'store.d', family: 'store' })).toBeNull();
    expect(srv.restarts).toBe(2);
  });

  // Two streaks of the same rule, each its own: waits for an asked-for close (peerCloseMs), and watches
  // after an answer that already decided its verdict (decidedSettleMs).
  it.each([
    { what: 'for the close of a server seen ignoring Connection: close', field: 'closeIgnored', wait: 'peerCloseMs', other: 'decidedSettleMs' },
    { what: 'after answers that decided their verdict, once the server kept such connections open', field: 'keptOpenAfterDecided', wait: 'decidedSettleMs', other: 'peerCloseMs' },
  ] as const)('waits less $what three times in a row, and the whole wait again once it closes one', ({ field, wait, other }) => {
    // A server we own (one we do not is not waited on at all once seen ignoring the close: below).
    const s = make(fakeServer());
    const seen = (kept: boolean) => s.sawExchange({ ...ex('response'), [field]: kept });
    expect(s[wait]()).toBeUndefined();
    seen(true);
    seen(true);
    s.sawExchange(ex('response')); // no wait, nothing learned
    expect(s[wait]()).toBeUndefined();
    seen(true);
    expect(s[wait]()).toBe(IGNORED_CLOSE_WAIT_MS);
    // (the other streak is its own)
    expect(s[other]()).toBeUndefined();
    seen(false);
    expect(s[wait]()).toBeUndefined();
  });

  it('counts an exchange once in a streak, however often it is reported (as it ends, and with its unit)', () => {
    const s = make(fakeServer());
    const kept = [1, 2].map(() => ({ ...ex('response'), closeIgnored: true }));
    for (const e of kept) {
      s.sawExchange(e);
      s.observe([e]);
    }
    expect(s.peerCloseMs()).toBeUndefined();
    const third = { ...ex('response'), closeIgnored: true };
    s.sawExchange(third);
    s.observe([third]);
    expect(s.peerCloseMs()).toBe(IGNORED_CLOSE_WAIT_MS);
  });

  it('does not wait at all for the close of a server it does not own, once seen ignoring Connection: close', () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 100 });
    const seen = (kept: boolean) => s.sawExchange({ ...answered(200), closeIgnored: kept });
    seen(true);
    seen(true);
    expect(s.peerCloseMs()).toBeUndefined();
    seen(true);
    expect(s.peerCloseMs()).toBe(0);
    expect(s.probeCloseMs()).toBe(0);
    // One that closes one turns the whole wait back on.
    seen(false);
    expect(s.peerCloseMs()).toBeUndefined();
    expect(s.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
  });

  it("learns the liveness probe's close from answers it served only: a server that closes after its errors still ignores the probe's Connection: close", () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 100 });
    const seen = (status: number, kept: boolean) => s.sawExchange({ ...answered(status), closeIgnored: kept });
    seen(200, true);
    seen(404, true); // an error answer kept open: not counted for the probe either way
    seen(201, true);
    expect(s.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
    seen(200, true);
    expect(s.probeCloseMs()).toBe(0);
    // A close after an error answer (never-closes closes on its errors) ends the streak of fresh
    // connections' closes, not the probe's.
    seen(400, false);
    expect(s.peerCloseMs()).toBeUndefined();
    expect(s.probeCloseMs()).toBe(0);
    // A close after an answer it served turns the probe's wait back on.
    seen(200, false);
    expect(s.probeCloseMs()).toBe(PROBE_PEER_CLOSE_MS);
  });

  it('gates on the baseline and on a server that is gone for good', async () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 100 });
    s.baselineFailed = 'baseline.valid-request-answered';
    expect(s.blockCause({ id: 'status.a', family: 'status' })).toEqual({ kind: 'baseline-failed', baseline: 'baseline.valid-request-answered' });
    expect(s.blockCause({ id: 'robustness.b', family: 'robustness', independent: true })).toBeNull();
  });

  it('without a process to watch (fuzz), gives a server a moment to die after its first client before asking it: the death is the server leaving after serving', async () => {
    // Answers anything, and goes away 100 ms after it is told to (a crash on its first client's close,
    // slowed by a loaded machine): asked at once, it would still answer.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
      sock.on('data', () => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const closed = new Promise<void>((r) => server.once('close', () => r()));
    try {
      const s = new Scheduler({ target: { host: '127.0.0.1', port }, profile: referenceProfile, timeoutMs: 200 });
      setTimeout(() => {
        server.close();
        for (const sock of sockets) sock.destroy();
      }, 100);
      const a = await s.after({ id: 'baseline.valid-request-answered', family: 'wire' }, [ex('response')]);
      expect(a).toMatchObject({ chargedTo: 'keeps-serving', down: { kind: 'refused' } });
    } finally {
      server.close();
      for (const sock of sockets) sock.destroy();
      await closed;
    }
  });

  it('without a process to restart (fuzz), stops the run at the first death: the rest is blocked with that cause', async () => {
    // Nothing listens on a port that was free a moment ago: the probe is refused.
    const s = new Scheduler({ target: { host: '127.0.0.1', port: await freePort() }, profile: referenceProfile, timeoutMs: 200 });
    const a = await s.after({ id: 'status.a', family: 'status' }, [ex('reset')]);
    expect(a).toMatchObject({ chargedTo: 'unit', restarted: false, down: { kind: 'refused' } });
    expect(s.blockCause({ id: 'robustness.b', family: 'robustness', independent: true })).toEqual({ kind: 'server-down', after: 'status.a', down: { kind: 'refused' } });
  });

  it("probes with a request of odd length, so a server reading 2^k-byte pieces until a short read always gets one", () => {
    for (const profile of Object.values(profiles)) {
      const bytes = probeBytes(profile);
      expect(bytes.length % 2, profile.name).toBe(1);
      expect(Buffer.from(bytes).toString('latin1')).toMatch(/\r\n\r\n$/);
    }
  });

  it('charges nothing to a server that never answered anyone and answers nothing now (it did not stop: it never started)', async () => {
    // Accepts connections and never sends a byte.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((sock) => void sockets.push(sock.on('error', () => {})));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const s = new Scheduler({ target: { host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port }, profile: referenceProfile, timeoutMs: 100 });
      const a = await s.after({ id: 'baseline.valid-request-answered', family: 'robustness' }, [ex('timeout')]);
      expect(a).toMatchObject({ chargedTo: 'none', down: { kind: 'hung' }, restarted: false });
      expect(s.blockCause({ id: 'robustness.b', family: 'robustness', independent: true })).toMatchObject({ kind: 'server-down', down: { kind: 'hung' } });
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('turns on the short idle deadline once a close-delimited body was left open', () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    expect(s.closeIdleMs).toBeUndefined();
    const t = ex('timeout', 30);
    t.partial = { framing: 'close', headEnd: 30, start: 0 } as Exchange['partial'];
    s.observe([t]);
    expect(s.closeIdleMs).toBe(300);
  });

  it('learns it from an exchange its unit did not report (a check blocked before it judged), from the next unit on', () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    const t = ex('timeout', 30);
    t.partial = { framing: 'close', headEnd: 30, start: 0 } as Exchange['partial'];
    // Seen as it ended (ctx.send): the unit under way keeps reading as it began.
    s.sawExchange(t);
    expect(s.closeIdleMs).toBeUndefined();
    // Its unit ended reporting none of it.
    s.observe([]);
    expect(s.closeIdleMs).toBe(300);
    // A head not yet whole, or a body with a length, teaches nothing.
    const other = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    const noHead = ex('timeout', 10);
    noHead.partial = { framing: 'close', headEnd: 0, start: 0 } as Exchange['partial'];
    const length = ex('timeout', 30);
    length.partial = { framing: 'content-length', headEnd: 30, start: 0 } as Exchange['partial'];
    other.sawExchange(noHead);
    other.sawExchange(length);
    other.observe([]);
    expect(other.closeIdleMs).toBeUndefined();
  });

  it('reads such bodies with the short idle end in a unit run at the deadline, the full one in a confirmation; a flip turns the short one off', () => {
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    expect(s.exchangeDefaults(2000).closeIdleMs).toBeUndefined();
    const t = ex('timeout', 30);
    t.partial = { framing: 'close', headEnd: 30, start: 0 } as Exchange['partial'];
    s.observe([t]);
    // A unit at the run's deadline: short, whatever its exchange's own deadline (a property's three deadlines).
    expect(s.exchangeDefaults(2000).closeIdleMs).toBe(SHORT_IDLE_END_MS);
    expect(s.exchangeDefaults(6000, 2000).closeIdleMs).toBe(SHORT_IDLE_END_MS);
    // A confirmation (its unit's deadline is the long one, or the run's own: `confirming`): the full idle end.
    expect(s.exchangeDefaults(confirmDeadline(2000)).closeIdleMs).toBe(300);
    expect(s.exchangeDefaults(2000, 2000, { confirming: true }).closeIdleMs).toBe(300);
    // A failure that rests on the short idle end is confirmed, class or not; one on the full idle end is not.
    const cut = { ...ex('response', 30), idleEndMs: SHORT_IDLE_END_MS };
    expect(s.needsConfirming('fail', [cut])).toBe(true);
    expect(s.needsConfirming('pass', [cut])).toBe(false);
    expect(s.needsConfirming('fail', [{ ...cut, idleEndMs: 300 }])).toBe(false);
    // Only the idle end in question: confirmed at the run's own deadline; with a silence before the class, the long one.
    expect(s.confirmationDeadline('fail', [cut])).toBe(2000);
    expect(s.confirmationDeadline('fail', [cut, ex('timeout')])).toBe(confirmDeadline(2000));
    for (let i = 0; i < 3; i++) s.confirmed(true);
    expect(s.needsConfirming('fail', [cut])).toBe(true);
    // The same failure confirmed keeps the short end; another verdict turns it off for good.
    s.idleEndConfirmed(true);
    expect(s.exchangeDefaults(2000).closeIdleMs).toBe(SHORT_IDLE_END_MS);
    s.idleEndConfirmed(false);
    expect(s.exchangeDefaults(2000).closeIdleMs).toBe(300);
    s.idleEndConfirmed(true);
    expect(s.exchangeDefaults(2000).closeIdleMs).toBe(300);
  });
});
