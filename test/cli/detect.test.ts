/**
 * `wiregrade detect`: each profile zoo's correct server is told to be its own profile, the bundled
 * reference server `reference`, a plain static file server none (`any`), and nothing listening exit 3.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort, launchServer } from '../../src/supervise/launch.js';
import { startReferenceServer } from '../../reference-server/index.js';
import { profileZoo } from '../zoo/profiles/manifest.js';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { captureIO, fixedResponseServer } from './helpers.js';

async function detect(port: number): Promise<{ code: number; profile: string; text: string }> {
  const c = captureIO();
  const code = await main(['detect', '--target', `127.0.0.1:${port}`, '--json'], c.io);
  const t = captureIO();
  await main(['detect', '--target', `127.0.0.1:${port}`], t.io);
  return { code, profile: (JSON.parse(c.stdout) as { profile: string }).profile, text: t.stdout };
}

/** Runs `cmd` in a scratch folder made by `fill`, on a free port, until `use` is done. */
async function withServer(fill: (dir: string) => string, cmd: (port: number) => string[], use: (port: number) => Promise<void>): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'wg-detect-'));
  const port = await freePort();
  const r = await launchServer({ cmd: cmd(port), cwd: fill(root), port });
  try {
    expect(r.kind).toBe('listening');
    await use(port);
  } finally {
    if (r.kind === 'listening') await r.server.kill();
    rmSync(root, { recursive: true, force: true });
  }
}

describe.concurrent('wiregrade detect', () => {
  // The built-in's correct servers, and the key-value one whose routes ride in the Host header (the
  // record-dialogue file name of a course is not guessed).
  for (const z of profileZoo.filter((x) => x.kind === 'correct' && (!x.profileFile || x.profile === 'key-value'))) {
    it(`tells the ${z.profile} assignment's correct server ${z.slug} to be ${z.profile}`, async () => {
      await withServer(
        (root) => {
          cpSync(z.dir, path.join(root, z.slug), { recursive: true });
          cpSync(z.lib, path.join(root, '_lib'), { recursive: true });
          cpSync(z.common, path.join(root, '_common'), { recursive: true });
          return path.join(root, z.slug);
        },
        z.cmd,
        async (port) => {
          const d = await detect(port);
          expect(d.profile, d.text).toBe(z.profile);
          expect(d.code).toBe(0);
          expect(d.text).toContain(`--profile ${z.profile}`);
        },
      );
    }, 30_000);
  }

  it('tells the bundled reference server to be reference, and a static file server none of them', async () => {
    const ref = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    try {
      expect((await detect(ref.port)).profile).toBe('reference');
    } finally {
      await ref.close();
    }
    await withServer(
      (root) => root,
      (port) => ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      async (port) => {
        const d = await detect(port);
        expect(d.profile).toBe('any');
        expect(d.code).toBe(1);
        expect(d.text).toMatch(/^No built-in assignment profile fits/);
      },
    );
  }, 30_000);

  it('calls a server that answers "hello world" to every path any, not the text-file assignment', async () => {
    const hello = await fixedResponseServer('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world');
    try {
      const d = await detect(hello.port);
      expect(d.profile, d.text).toBe('any');
      expect(d.code).toBe(1);
      expect(d.text).toMatch(/^127\.0\.0\.1:\d+ answers every path the same \(a path no assignment has got the same answer\)/);
      expect(d.text).not.toContain('text-file');
      const c = captureIO();
      await main(['detect', '--target', `127.0.0.1:${hello.port}`, '--json'], c.io);
      expect((JSON.parse(c.stdout) as { sameForEveryPath: boolean }).sameForEveryPath).toBe(true);
    } finally {
      await hello.close();
    }
  }, 30_000);

  it('says a server whose accept queue is full is not accepting connections, not that it refused them', async () => {
    // A listener with the smallest backlog that never calls accept(), its queue filled by held connections:
    // the kernel then drops every new handshake (no RST, as for a port nothing listens on).
    const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const held: net.Socket[] = [];
    try {
      const port = await new Promise<number>((resolve, reject) => {
        py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        py.once('exit', () => reject(new Error('the listener exited')));
      });
      for (let i = 0; i < 3; i++) {
        const s = net.connect({ host: '127.0.0.1', port });
        s.on('error', () => {});
        held.push(s);
      }
      await new Promise((r) => setTimeout(r, 300));
      const c = captureIO();
      expect(await main(['detect', '--target', `127.0.0.1:${port}`, '--timeout-ms', '300'], c.io)).toBe(3);
      expect(c.stdout).toMatch(/^127\.0\.0\.1:\d+ answered none of the probes: it is not accepting connections \(no TCP connection was accepted in time/);
      expect(c.stdout).toContain('got no answer (no TCP connection was accepted in time)');
      expect(c.stdout).not.toContain('refused');
    } finally {
      for (const s of held) s.destroy();
      py.kill('SIGKILL');
    }
  }, 30_000);

  it('exits 3 when nothing answers, and asks for --target with one sentence', async () => {
    const port = await freePort();
    const c = captureIO();
    expect(await main(['detect', '--target', `127.0.0.1:${port}`], c.io)).toBe(3);
    expect(c.stdout).toContain('answered none of the probes: connection refused, nothing listens there (is the server running?)');
    expect(c.stdout).toContain('got no answer (connection refused)');
    const u = captureIO();
    expect(await main(['detect'], u.io)).toBe(2);
    expect(u.stderr).toMatch(/detect needs --target HOST:PORT/);
  }, 30_000);
});
