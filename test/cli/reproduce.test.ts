import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { requireMatches } from '../../src/cli/catalogue.js';
import { captureIO, commandArgs } from './helpers.js';

/**
 * Item 6: typos in prefixes stop the run with a "did you mean"; every printed `rerun:` and `replay:`
 * command reproduces what it claims (a sample of them is run here).
 */

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wg-reproduce-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a prefix that matches no check stops the run', () => {
  it('in a profile file: skip and points, naming the file and the prefix, with a did-you-mean', async () => {
    const dir = tmp();
    const skip = path.join(dir, 'skip.json');
    writeFileSync(skip, JSON.stringify({ name: 'lab', extends: 'any', skip: ['status.header.misisng-host'] }));
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--profile', skip, '--target', '127.0.0.1:9'], c.io)).toBe(2);
    expect(c.stderr).toBe(`wiregrade: the profile file ${skip}: skip 'status.header.misisng-host' matches no check id; did you mean 'status.header.missing-host'?\n`);
    const points = path.join(dir, 'points.json');
    writeFileSync(points, JSON.stringify({ name: 'lab', extends: 'any', points: { 'robustnes.': 3 } }));
    const d = captureIO();
    expect(await main(['grade', '--cwd', dir, '--cmd', 'true {port}', '--profile', points], d.io)).toBe(2);
    expect(d.stderr).toMatch(/points 'robustnes\.' matches no check id; did you mean 'robustness\.?'\?/);
  });

  it('in --checks, with a did-you-mean', async () => {
    const c = captureIO();
    expect(await main(['fuzz', '--no-corpus', '--checks', 'status.verison', '--target', '127.0.0.1:9'], c.io)).toBe(2);
    expect(c.stderr).toMatch(/--checks 'status\.verison' matches no check id; did you mean 'status\.version'\?/);
  });

  it("every built-in profile's prefixes match", () => {
    for (const p of Object.values(profiles)) {
      expect(() => requireMatches(`${p.name} skip`, p.skip ?? [])).not.toThrow();
      expect(() => requireMatches(`${p.name} points`, Object.keys(p.points ?? {}))).not.toThrow();
    }
  });
});

/**
 * A server with bugs that survive a rerun: everything gets 200 (HTTP/2, unknown paths, a 1 MiB request
 * line), and a connection closed without a byte kills it (until `revive`).
 */
function buggyServer() {
  const state = { dead: false };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    if (state.dead) return void sock.destroy();
    let got = 0;
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      got += d.length;
      buf = Buffer.concat([buf, d]);
      if (buf.length > 4 * 1024 * 1024) return void sock.destroy();
      let i: number;
      while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
        // A second bug: a head over 8 KiB is refused as a header section (431), a long target included.
        const status = i > 8192 ? '431 Request Header Fields Too Large' : '200 OK';
        buf = buf.subarray(i + 4);
        sock.write(`HTTP/1.1 ${status}\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok`);
      }
    });
    sock.on('end', () => {
      if (got === 0) state.dead = true; // the classic crash on an empty connection
      sock.end();
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

const argsOf = commandArgs;

/**
 * Runs a printed `printf | nc` replay without nc: each line's printf through bash for the exact bytes,
 * sent on a new connection (`nc -z` connects and closes); returns what the last connection received.
 */
async function runNcReplay(replay: string): Promise<string> {
  let last = '';
  for (const line of replay.split('\n')) {
    const z = /^nc -z (\S+) (\d+)$/.exec(line);
    const m = /^\((.*); sleep 1\) \| nc -w \d+ (\S+) (\d+)$/s.exec(line);
    expect(z ?? m, line).not.toBeNull();
    const host = (z ?? m)![z ? 1 : 2]!;
    const port = Number((z ?? m)![z ? 2 : 3]);
    const bytes = z ? Buffer.alloc(0) : execFileSync('bash', ['-c', m![1]!.replace(/sleep [0-9.]+/g, 'true')]);
    last = await new Promise<string>((resolve) => {
      const s = net.connect({ host, port }, () => (bytes.length ? s.end(bytes) : s.end()));
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('error', () => resolve(got));
      s.on('close', () => resolve(got));
      s.setTimeout(1000, () => s.destroy());
      if (!z) setTimeout(() => s.destroy(), 1000);
    });
  }
  return last;
}

interface Failure {
  id: string;
  verdict: string;
  firstFailure?: { replay: string | null; rerun: string; actual: string };
}

describe('printed commands reproduce what they claim', () => {
  const srv = buggyServer();
  let target = '';
  let corpus = '';
  beforeAll(async () => {
    target = `127.0.0.1:${await srv.listen()}`;
    corpus = tmp();
  });
  afterAll(() => srv.close());

  async function fuzz(args: string[]): Promise<Failure[]> {
    const c = captureIO();
    expect(await main(['fuzz', '--target', target, '--runs', '0', '--seed', '3', '--corpus', corpus, '--json', '-', ...args], c.io)).toBe(1);
    return (JSON.parse(c.stdout) as { checks: Failure[] }).checks.filter((x) => x.verdict === 'fail');
  }

  async function reproduces(f: Failure): Promise<void> {
    const ff = f.firstFailure!;
    srv.state.dead = false;
    const r = captureIO();
    expect(await main([...argsOf(ff.rerun), '--no-color'], r.io), `${ff.rerun}\n${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stdout).toContain(`✗ ${f.id} `);
    srv.state.dead = false;
    if (ff.replay?.startsWith('wiregrade replay ')) {
      const p = captureIO();
      expect(await main([...argsOf(ff.replay), '--no-color'], p.io), `${ff.replay}\n${p.stdout}${p.stderr}`).toBe(1);
      expect(p.stdout).toMatch(new RegExp(`^FAILED +${f.id.replace(/\./g, '\\.')} `, 'm'));
    } else if (ff.replay) {
      const got = await runNcReplay(ff.replay);
      const status = /^(\d{3})/.exec(ff.actual)?.[1];
      if (status) expect(got, ff.replay).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      else expect(got, ff.replay).toBe(''); // the failure was no answer at all
    }
  }

  it('with --profile any --path --strict --timeout-ms: a sample of reruns and replays, a 16 KiB one included', async () => {
    const failures = await fuzz(['--profile', 'any', '--path', '/index.html', '--strict', '--timeout-ms', '700', '--checks', 'status.version', 'status.target', 'robustness.size']);
    const ids = failures.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['status.version.http2-is-505', 'status.target.unknown-path-is-404', 'status.target.very-long-is-rejected']));
    for (const f of failures) {
      expect(f.firstFailure!.rerun).toContain(' --profile any --path /index.html --timeout-ms 700 --strict ');
      expect(f.firstFailure!.rerun).toMatch(/ --no-corpus /);
    }
    const big = failures.find((f) => f.id === 'status.target.very-long-is-rejected')!;
    expect(big.firstFailure!.replay).toMatch(/^wiregrade replay \S+ --target \S+ --profile any --path \/index\.html --timeout-ms 700 --strict$/);
    for (const id of ['status.version.http2-is-505', 'status.target.unknown-path-is-404', 'status.target.very-long-is-rejected']) {
      await reproduces(failures.find((f) => f.id === id)!);
    }
  });

  it('with a profile file: the rerun names the file, and the empty connection replays as one', async () => {
    const dir = tmp();
    const file = path.join(dir, 'lab 3.json');
    writeFileSync(file, JSON.stringify({ name: 'lab-3', extends: 'any', baseline: { target: '/index.html', status: [200] } }));
    srv.state.dead = false;
    const failures = await fuzz(['--profile', file, '--checks', 'robustness.empty-connection']);
    const f = failures.find((x) => x.id === 'robustness.empty-connection.server-survives')!;
    expect(f.firstFailure!.rerun).toContain(` --profile '${file}' `);
    expect(f.firstFailure!.replay!.split('\n')[0]).toBe(`nc -z ${target.replace(':', ' ')}`);
    await reproduces(f);
  });
});
