/**
 * runServeCli, in process: flags, the listening line, exit codes, verbose logging.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runServeCli } from '../../reference-server/index.js';
import { expectError, expectJson } from './expect-helpers.js';
import { closeAllClients, http, request } from './raw.js';

interface Run {
  readonly exit: Promise<number>;
  stop(): void;
  stdout(): string;
  stderr(): string;
}

const runs: Run[] = [];

function run(argv: string[]): Run {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const controller = new AbortController();
  const exit = runServeCli(argv, { stdout, stderr, signal: controller.signal });
  const handle = { exit, stop: () => controller.abort(), stdout: () => out, stderr: () => err };
  runs.push(handle);
  return handle;
}

/** Waits for the listening line and returns the port in it. */
async function listening(handle: Run): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const match = /^wiregrade reference server listening on http:\/\/127\.0\.0\.1:(\d+)\n$/.exec(handle.stdout());
    if (match !== null) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no listening line; stderr: ${handle.stderr()}`);
}

afterEach(async () => {
  closeAllClients();
  for (const handle of runs.splice(0)) {
    handle.stop();
    await handle.exit;
  }
});

describe('runServeCli', () => {
  it('prints the listening line, serves, and resolves 0 when stopped', async () => {
    const handle = run(['--port', '0']);
    const port = await listening(handle);
    expectJson(await request(port, http('PUT', '/a', { body: '{"a":1}' })), 201, { a: 1 });
    expect(handle.stderr()).toBe(''); // silent unless --verbose
    handle.stop();
    expect(await handle.exit).toBe(0);
  });

  it('logs one line per request on stderr with --verbose', async () => {
    const handle = run(['--verbose', '--port=0']);
    const port = await listening(handle);
    await request(port, http('GET', '/missing'));
    await request(port, 'GET / HTTP/9.9\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Each request also gets the probe `HEAD /` that checks whether the connection was kept.
    const lines = handle.stderr().trim().split('\n');
    expect(lines[0]).toMatch(/^127\.0\.0\.1:\d+ "GET \/missing HTTP\/1\.1" 404 \d+\.\dms$/);
    expect(lines[1]).toMatch(/"HEAD \/ HTTP\/1\.1" 300/);
    expect(lines[2]).toMatch(/"GET" 505 \(HTTP\/9 is not supported/);
    expect(lines).toHaveLength(3);
  });

  it('applies the limit flags', async () => {
    const handle = run(['--port', '0', '--max-body', '10', '--max-header-bytes', '100', '--header-timeout-ms', '5000', '--idle-timeout-ms', '5000', '--max-connections', '10']);
    const port = await listening(handle);
    expectError(await request(port, http('PUT', '/a', { body: '{"a":"123"}' })), 413);
    expectError(await request(port, http('GET', '/', { headers: [`X: ${'x'.repeat(100)}`] })), 431);
  });

  it('uses --data for a durable store', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'wiregrade-cli-'));
    try {
      const file = path.join(directory, 'store.json');
      const handle = run(['--data', file, '--port', '0']);
      const port = await listening(handle);
      expectJson(await request(port, http('POST', '/d', { body: '{"d":4}' })), 201);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ d: { d: 4 } });
      handle.stop();
      expect(await handle.exit).toBe(0);

      await writeFile(file, '{oops');
      const broken = run(['--data', file]);
      expect(await broken.exit).toBe(1);
      expect(broken.stderr()).toMatch(/^wiregrade serve: the data file .*store\.json is not valid JSON .*; it was left untouched\.\n$/);
      expect(await readFile(file, 'utf8')).toBe('{oops');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('exits 1 with one sentence when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (blocker.address() as { port: number }).port;
      const handle = run(['--port', String(taken)]);
      expect(await handle.exit).toBe(1);
      expect(handle.stderr()).toBe(`wiregrade serve: cannot listen on 127.0.0.1:${taken} (EADDRINUSE).\n`);
      expect(handle.stdout()).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('prints usage for --help and exits 0', async () => {
    const handle = run(['--help']);
    expect(await handle.exit).toBe(0);
    expect(handle.stdout()).toMatch(/^usage: wiregrade serve/);
    expect(handle.stdout()).toContain('--data FILE');
  });

  const badFlags: Array<[string[], RegExp]> = [
    [['--bogus'], /^unknown option --bogus/],
    [['--port'], /^--port needs a value$/],
    [['--port', 'http'], /^--port must be an integer from 0 to 65535/],
    [['--port', '70000'], /^--port must be an integer/],
    [['--port', '-1'], /^--port must be an integer/],
    [['--port=1.5'], /^--port must be an integer/],
    [['--max-body', '0'], /^--max-body must be a positive integer/],
    [['--idle-timeout-ms', 'soon'], /^--idle-timeout-ms must be a positive integer/],
    [['--data', ''], /^--data needs a non-empty value$/],
    [['serve'], /^unexpected argument "serve"/],
    [['-p', '80'], /^unexpected argument "-p"/],
  ];
  for (const [argv, message] of badFlags) {
    it(`exits 2 with one sentence for ${argv.join(' ')}`, async () => {
      const handle = run(argv);
      expect(await handle.exit).toBe(2);
      const stderr = handle.stderr();
      expect(stderr.startsWith('wiregrade serve: ')).toBe(true);
      expect(stderr.endsWith('.\n')).toBe(true);
      expect(stderr.split('\n')).toHaveLength(2);
      expect(stderr.slice('wiregrade serve: '.length, -2)).toMatch(message);
      expect(handle.stdout()).toBe('');
    });
  }
});
