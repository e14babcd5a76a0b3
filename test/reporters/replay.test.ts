import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayCommand, replaySequence, sleepSeconds } from '../../src/reporters/replay.js';
import type { SentRequest } from '../../src/checks/types.js';
import { latin1 } from '../../src/wire/bytes.js';

const target = { host: '127.0.0.1', port: 8080 };

/** Runs the printf part of a replay command through bash and returns the bytes it writes. */
function bashBytes(cmd: string): Buffer {
  const m = /^\((.*); sleep 1\) \| nc -w 2 127\.0\.0\.1 8080$/s.exec(cmd);
  if (!m) throw new Error(`not a replay command: ${cmd}`);
  return execFileSync('bash', ['-c', m[1]!], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
}

function plan(bytes: Uint8Array, splits?: number[], pausesMs?: number[]): SentRequest {
  return { plan: { bytes, ...(splits ? { splits } : {}), ...(pausesMs ? { pausesMs } : {}) }, methods: ['GET'] };
}

describe('replayCommand', () => {
  it('is a printf | nc pipeline that holds the connection open a second', () => {
    expect(replayCommand(target, plan(latin1('GET / HTTP/1.1\r\n\r\n')))).toBe("(printf 'GET / HTTP/1.1\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 8080");
  });

  it('sends exactly the bytes, through bash printf, for \\r \\n \\x00 quote % backslash \\xff', () => {
    const texts = [
      "GET /it's%20100%\\ HTTP/1.1\r\nHost: x\r\n\r\n",
      'A\x00B\xff\r\n\n\t%%s%d\\x41\\\\\'\'"$(id)`id`!',
      '%',
      "'",
      '\\',
      '\x00',
      '\xff',
      '',
      '-x GET',
      '--',
      '-',
    ];
    for (const t of texts) {
      const bytes = latin1(t);
      expect([...bashBytes(replayCommand(target, plan(bytes)))]).toEqual([...bytes]);
    }
  });

  it('round-trips every byte value 0..255', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...bashBytes(replayCommand(target, plan(bytes)))]).toEqual([...bytes]);
  });

  it('round-trips 300 random byte strings, split and whole (fast-check samples, one bash process)', () => {
    const cases = fc.sample(
      fc.uint8Array({ maxLength: 80 }).chain((bytes) =>
        fc.record({
          bytes: fc.constant(bytes),
          splits: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 3 }).map((a) => a.sort((x, y) => x - y)),
        }),
      ),
      { numRuns: 300, seed: 7 },
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wg-replay-'));
    try {
      const script = cases
        .map(({ bytes, splits }, i) => {
          const m = /^\((.*); sleep 1\) \| nc -w 2 127\.0\.0\.1 8080$/s.exec(replayCommand(target, plan(bytes, splits)));
          return `{ ${m![1]}; } > '${dir}/${i}'`;
        })
        .join('\n');
      execFileSync('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
      cases.forEach(({ bytes }, i) => expect([...readFileSync(path.join(dir, String(i)))]).toEqual([...bytes]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes one printf per piece with the pauses between, and the pieces join to the same bytes', () => {
    const bytes = latin1("GET /'%\\ HTTP/1.1\r\n\r\n");
    const cmd = replayCommand(target, plan(bytes, [3, 7], [50, 2]));
    expect(cmd).toBe("(printf 'GET'; sleep 0.05; printf ' /'\\''%%'; sleep 0.002; printf '\\\\ HTTP/1.1\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 8080");
    expect([...bashBytes(cmd)]).toEqual([...bytes]);
  });

  it('does not let a piece that starts with - look like an option to printf', () => {
    const cmd = replayCommand(target, plan(latin1('a-b'), [1]));
    expect(cmd).toBe("(printf 'a'; printf '\\055b'; sleep 1) | nc -w 2 127.0.0.1 8080");
    expect(bashBytes(cmd).toString('latin1')).toBe('a-b');
  });

  it('writes no sleep for a split without a pause', () => {
    expect(replayCommand(target, plan(latin1('abcd'), [2]))).toBe("(printf 'ab'; printf 'cd'; sleep 1) | nc -w 2 127.0.0.1 8080");
  });

  it('gives nc an IPv6 address without brackets', () => {
    expect(replayCommand({ host: '::1', port: 9 }, plan(latin1('x')))).toMatch(/\| nc -w 2 ::1 9$/);
  });

  it('replays a sequence one command per line, setup first', () => {
    const s = replaySequence(target, plan(latin1('B')), [plan(latin1('A'))]);
    expect(s?.split('\n')).toEqual(["(printf 'A'; sleep 1) | nc -w 2 127.0.0.1 8080", "(printf 'B'; sleep 1) | nc -w 2 127.0.0.1 8080"]);
    expect(replaySequence(target, undefined)).toBeNull();
  });

  it('holds an idle or stalled setup connection open in the background while the request behind it is sent, then ends it', () => {
    const idle = replaySequence(target, plan(latin1('B')), [{ ...plan(new Uint8Array(0)), held: true }]);
    expect(idle?.split('\n')).toEqual(['nc -w 5 127.0.0.1 8080 </dev/null >/dev/null & sleep 0.5', "(printf 'B'; sleep 1) | nc -w 2 127.0.0.1 8080; kill $! 2>/dev/null"]);
    const stalled = replaySequence(target, plan(latin1('B')), [{ ...plan(latin1('GET / HT')), held: true }]);
    expect(stalled?.split('\n')[0]).toBe("(printf 'GET / HT'; sleep 5) 2>/dev/null | nc -w 5 127.0.0.1 8080 >/dev/null & sleep 0.5");
  });

  it("waits for a silent server as long as the run did (nc -w, 2 s at least)", async () => {
    const { replayFor, ncWaitSeconds } = await import('../../src/reporters/replay.js');
    expect([undefined, 700, 2000, 2500, 10_000].map(ncWaitSeconds)).toEqual([2, 2, 2, 3, 10]);
    const run = { target, profile: 'any', strict: false, invocation: { profile: 'any', timeoutMs: 5000 } };
    expect(replayFor(run, { request: plan(latin1('x')) })).toBe("(printf 'x'; sleep 1) | nc -w 5 127.0.0.1 8080");
  });

  it('formats sleep seconds without exponents', () => {
    expect([1, 50, 1000, 1500, 0.4].map(sleepSeconds)).toEqual(['0.001', '0.05', '1', '1.5', '0']);
  });
});

describe('replayFor', () => {
  const run = { target, profile: 'any', strict: false, invocation: { profile: './lab 3.json', path: '/index.html' } };
  it('is printf | nc while short, the corpus entry when long, and never bytes that cannot reproduce the failure', async () => {
    const { replayFor, SHORT_REPLAY_BYTES } = await import('../../src/reporters/replay.js');
    const short = plan(latin1('GET / HTTP/2\r\n\r\n'));
    const long = plan(latin1('GET /' + 'a'.repeat(SHORT_REPLAY_BYTES) + ' HTTP/1.1\r\n\r\n'));
    expect(replayFor(run, { request: short })).toMatch(/^\(printf 'GET \/ HTTP\/2/);
    expect(replayFor(run, { request: long })).toBeNull();
    expect(replayFor(run, { request: long, corpusFile: 'c/x.json' })).toBe("wiregrade replay c/x.json --target 127.0.0.1:8080 --profile './lab 3.json' --path /index.html");
    expect(replayFor(run, { request: short, byteReplay: false })).toBeNull();
    expect(replayFor(run, { request: short, byteReplay: false, corpusFile: 'c/y.json' })).toMatch(/^wiregrade replay c\/y\.json /);
    expect(replayFor(run, { request: short, setup: [plan(new Uint8Array(0))] })!.split('\n')[0]).toBe('nc -z 127.0.0.1 8080');
  });
});

describe('the commands of a `fuzz --cmd` run', () => {
  const short = plan(latin1('GET / HTTP/2\r\n\r\n'));
  const long = plan(latin1('GET /' + 'a'.repeat(4096) + ' HTTP/1.1\r\n\r\n'));
  it('aim the replays at PORT when fuzz chose the port, and rerun by starting the server the same way', async () => {
    const { replayFor, rerunCommand, portIsGone } = await import('../../src/reporters/replay.js');
    const run = { target, profile: 'any', strict: false, invocation: { profile: 'any', cmd: 'python3 server.py {port}', cwd: 'lab 3' } };
    expect(portIsGone(run)).toBe(true);
    expect(replayFor(run, { request: short })).toMatch(/ \| nc -w 2 127\.0\.0\.1 PORT$/);
    expect(replayFor(run, { request: short, setup: [plan(new Uint8Array(0))] })!.split('\n')[0]).toBe('nc -z 127.0.0.1 PORT');
    expect(replayFor(run, { request: long, corpusFile: 'c/x.json' })).toBe('wiregrade replay c/x.json --target 127.0.0.1:PORT --profile any');
    expect(rerunCommand(run, { id: 'status.version.http2-is-505' })).toBe("wiregrade fuzz --cmd 'python3 server.py {port}' --cwd 'lab 3' --checks status.version.http2-is-505 --profile any --no-corpus --runs 0");
  });
  it('keep the port a server listens on by itself (--port), and a --target as it is', async () => {
    const { replayFor, rerunCommand, portIsGone } = await import('../../src/reporters/replay.js');
    const fixed = { target, profile: 'any', strict: false, invocation: { profile: 'any', cmd: 'python3 server.py', port: 8080 } };
    expect(portIsGone(fixed)).toBe(false);
    expect(replayFor(fixed, { request: short })).toMatch(/ \| nc -w 2 127\.0\.0\.1 8080$/);
    expect(rerunCommand(fixed, { id: 'x.y' })).toBe("wiregrade fuzz --cmd 'python3 server.py' --port 8080 --checks x.y --profile any --no-corpus --runs 0");
    const given = { target, profile: 'any', strict: false, invocation: { profile: 'any' } };
    expect(portIsGone(given)).toBe(false);
    expect(rerunCommand(given, { id: 'x.y' })).toBe('wiregrade fuzz --target 127.0.0.1:8080 --checks x.y --profile any --no-corpus --runs 0');
  });
});
