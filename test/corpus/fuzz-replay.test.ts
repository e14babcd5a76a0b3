import net from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';

/**
 * A server with one bug that can be fixed while it runs: it serves HTTP/2 requests like HTTP/1.1
 * requests (300) until `fixed`, then answers them 505 as it should.
 */
function fixableServer() {
  const state = { fixed: false };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, i);
        buf = buf.slice(i + 4);
        const v2 = / HTTP\/[2-9]/.test(head.split('\r\n')[0] ?? '');
        const date = new Date().toUTCString();
        sock.write(
          state.fixed && v2
            ? `HTTP/1.1 505 HTTP Version Not Supported\r\nDate: ${date}\r\nContent-Length: 0\r\n\r\n`
            : `HTTP/1.1 300 Multiple Choices\r\nDate: ${date}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]`,
        );
      }
    });
  });
  return {
    state,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('the regression corpus, end to end', () => {
  const srv = fixableServer();
  let target = '';
  let dir = '';
  beforeAll(async () => {
    target = `127.0.0.1:${await srv.listen()}`;
    dir = mkdtempSync(path.join(tmpdir(), 'wg-corpus-e2e-'));
  });
  afterAll(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fuzz = (checks: string) => main(['fuzz', '--profile', 'reference', '--target', target, '--checks', checks, '--runs', '0', '--corpus', dir, '--seed', '1', '--no-color', '--json', '-'], captureIO().io);

  it('keeps every failure, replays it first next time (fast), reports FIXED once fixed, and survives a corrupt entry', async () => {
    // 1. A failure found becomes an entry.
    const c1 = captureIO();
    expect(await main(['fuzz', '--profile', 'reference', '--target', target, '--checks', 'status.version.http2-is-505', '--runs', '0', '--corpus', dir, '--seed', '1', '--json', '-'], c1.io)).toBe(1);
    const first = JSON.parse(c1.stdout);
    const failure = first.checks.find((c: { id: string }) => c.id === 'status.version.http2-is-505').firstFailure;
    expect(failure.corpusFile).toMatch(/status\.version\.http2-is-505\/[0-9a-f]{12}\.json$/);
    expect(readdirSync(path.join(dir, 'status.version.http2-is-505'))).toHaveLength(2); // manifest + bytes

    // 2. Run again: it is replayed before anything else, still fails, in well under a second, and adds nothing.
    const c2 = captureIO();
    expect(await main(['fuzz', '--profile', 'reference', '--target', target, '--checks', 'status.version.http2-is-505', '--runs', '0', '--corpus', dir, '--seed', '2', '--json', '-'], c2.io)).toBe(1);
    const second = JSON.parse(c2.stdout);
    expect(second.corpus.replayed).toHaveLength(1);
    expect(second.corpus.replayed[0].verdict).toBe('FAILED');
    expect(second.corpus.replayed[0].durationMs).toBeLessThan(1000);
    expect(second.corpus.added).toEqual([]);
    expect(readdirSync(path.join(dir, 'status.version.http2-is-505'))).toHaveLength(2);

    // A second, different failure, so one can be corrupted below.
    expect(await fuzz('status.version.http3-is-505')).toBe(1);

    // 3. Fix the server: replay says FIXED for each entry and exits 0.
    srv.state.fixed = true;
    const c3 = captureIO();
    expect(await main(['replay', dir, '--target', target, '--no-color'], c3.io)).toBe(0);
    expect(c3.stdout).toMatch(/^FIXED +status\.version\.http2-is-505 /m);
    expect(c3.stdout).toMatch(/^FIXED +status\.version\.http3-is-505 /m);

    // 4. Corrupt one entry: it is named with one sentence, the other still replays, exit 2.
    const bad = path.join(dir, 'status.version.http3-is-505', readdirSync(path.join(dir, 'status.version.http3-is-505')).find((f) => f.endsWith('.json'))!);
    writeFileSync(bad, '{"format": "wiregrade-corpus/1", "check": ');
    const c4 = captureIO();
    expect(await main(['replay', dir, '--target', target, '--no-color'], c4.io)).toBe(2);
    expect(c4.stdout).toMatch(/^FIXED +status\.version\.http2-is-505 /m);
    expect(c4.stdout).toContain(`ERROR  ${bad} is not valid JSON; skipped`);

    // 5. --prune removes what is fixed, and only that.
    srv.state.fixed = false;
    expect(await fuzz('status.version.http9-9-is-505')).toBe(1);
    srv.state.fixed = true;
    const c5 = captureIO();
    await main(['replay', dir, '--target', target, '--prune', '--no-color'], c5.io);
    expect(c5.stdout).toMatch(/pruned 2 fixed entries/);
    expect(readdirSync(dir).sort()).toEqual(['status.version.http3-is-505']);
  });
});
