/**
 * The pause between the pieces of a split request follows the server's pace: 100 ms on a server that
 * answers in milliseconds, ten times its slowest recent answer when that is more (a loaded machine makes
 * the server's thread late to read, and a late read takes both pieces at once), at most a third of the
 * deadline the pauses count in.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { SPLIT_PAUSE_MS, splitPauseMs } from '../../src/checks/windows.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { makeContext } from '../../src/runner/context.js';
import { Scheduler } from '../../src/runner/scheduler.js';
import { answeredIn as answered } from '../runner/fake-server.js';

describe('splitPauseMs', () => {
  it('is 100 ms until the pace says more, ten times the slowest answer then, never over a third of the deadline', () => {
    expect(splitPauseMs(undefined, 2000)).toBe(SPLIT_PAUSE_MS);
    expect(splitPauseMs(3, 2000)).toBe(SPLIT_PAUSE_MS);
    expect(splitPauseMs(30, 2000)).toBe(300);
    expect(splitPauseMs(300, 1000)).toBe(333);
    expect(splitPauseMs(30, 200)).toBe(SPLIT_PAUSE_MS); // a deadline too short for more keeps the 100 ms
  });
});

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server that answers 200 to every head (after `answerMs`), and records the gap between its reads of each request. */
async function gapRecorder(answerMs = 0): Promise<{ port: number; gaps: number[] }> {
  const gaps: number[] = [];
  const srv = net.createServer((sock) => {
    sock.on('error', () => {});
    let buf = '';
    let last: number | null = null;
    sock.on('data', (d) => {
      const now = performance.now();
      if (last !== null) gaps.push(now - last);
      last = now;
      buf += d.toString('latin1');
      if (buf.includes('\r\n\r\n')) setTimeout(() => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'), answerMs);
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { port: (srv.address() as net.AddressInfo).port, gaps };
}

describe('metamorphic.split.two-pieces-same-answer', () => {
  const check = allChecks.find((c) => c.id === 'metamorphic.split.two-pieces-same-answer')!;

  /**
   * The pause of the split request, after a pace of `answerMs` (null: none known) on a server answering in
   * `serverMs`: the one planned (the request's pausesMs), and the one between our two writes.
   */
  async function gapWith(answerMs: number | null, serverMs = 0): Promise<{ planned: number; gap: number }> {
    const { port, gaps } = await gapRecorder(serverMs);
    const target = { host: '127.0.0.1', port };
    const s = new Scheduler({ target, profile: referenceProfile, timeoutMs: 2000 });
    if (answerMs !== null) for (let i = 0; i < 6; i++) await s.after({ id: `c${i}`, family: 'status' }, [answered(answerMs)], false, true);
    const run = await check.run(makeContext({ target, timeoutMs: 2000, profile: referenceProfile }, check.id, 't', new Map(), s));
    expect(run.verdict).toBe('pass');
    // The server read the pieces apart (the split request arrived in two reads) …
    expect(gaps).toHaveLength(1);
    // … and the pause is the one between our two writes, from the exchange's own transcript: the gap the
    // server measures between its reads also holds its event loop's delays, up or down, under load.
    const split = run.exchanges.filter((x) => x.transcript.filter((e) => e.dir === 'sent').length === 2);
    expect(split).toHaveLength(1);
    const sent = split[0]!.transcript.filter((e) => e.dir === 'sent');
    return { planned: split[0]!.request!.plan.pausesMs![0]!, gap: sent[1]!.atMs - sent[0]!.atMs };
  }

  it('pauses 100 ms before the second piece on a server whose pace is not known or fast', async () => {
    // The planned pause, and the one kept (a timer may fire late under load, never much early).
    const { planned, gap } = await gapWith(null);
    expect(planned).toBe(SPLIT_PAUSE_MS);
    expect(gap).toBeGreaterThanOrEqual(95);
  });

  it('pauses ten times the slowest recent answer on a slow one', async () => {
    const { planned, gap } = await gapWith(45);
    expect(planned).toBeGreaterThanOrEqual(440);
    expect(gap).toBeGreaterThanOrEqual(440);
  });

  it('pauses ten times the plain request\'s own answer when that is slower than the pace (a machine loaded since)', async () => {
    const { planned, gap } = await gapWith(1, 45);
    expect(planned).toBeGreaterThanOrEqual(440);
    expect(gap).toBeGreaterThanOrEqual(440);
  });
});
