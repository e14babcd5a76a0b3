import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  groupAlive,
  groupMembers,
  launchServer,
  probeByConnect,
  TailBuffer,
  trackedGroups,
  type LaunchedServer,
  type LaunchResult,
} from '../../src/supervise/launch.js';
import { isListening } from '../../src/wire/listen-table.js';
import { groupFromLeader } from '../../src/supervise/process-group.js';
import { groupListensOn } from '../../src/supervise/port-owner.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Small Python servers, each run as `python3 NAME.py PORT`.
const SCRIPTS: Record<string, string> = {
  // Listens after a delay, then accepts and closes connections.
  delayed: `
import socket, sys, time
time.sleep(0.4)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
`,
  // Listens only after 2.5 s.
  late: `
import socket, sys, time
time.sleep(2.5)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
`,
  exits: `
import sys
sys.stderr.write('fatal: cannot open store.json\\n')
sys.exit(3)
`,
  idle: `
import time
while True:
    time.sleep(1)
`,
  // Floods stdout with numbered lines, before and after it listens.
  flood: `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
n = 0
for _ in range(20000):
    n += 1; sys.stdout.write(f'line {n:09d} ' + 'x' * 100 + '\\n')
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
while True:
    n += 1; sys.stdout.write(f'line {n:09d} ' + 'x' * 100 + '\\n')
`,
  // Dies on its first accepted connection: a readiness probe that connects would kill it.
  fragile: `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
c, _ = s.accept()
sys.exit('a client connected; bye')
`,
  // Ignores SIGTERM: only SIGKILL ends it.
  stubborn: `
import signal, socket, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
while True:
    time.sleep(1)
`,
  // Records the first request it receives into got.txt.
  recorder: `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept()
    data = c.recv(65536)
    if data:
        open('got.txt', 'wb').write(data)
        c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n')
    c.close()
`,
};

let dir: string;
const started: LaunchedServer[] = [];

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wiregrade-launch-'));
  for (const [name, text] of Object.entries(SCRIPTS)) await fsp.writeFile(path.join(dir, `${name}.py`), text);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.kill()));
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function launch(script: string, extra: { startTimeoutMs?: number; stdioCapBytes?: number; port?: number } = {}) {
  const port = extra.port ?? (await freePort());
  const result = await launchServer({ cmd: ['python3', `${script}.py`, String(port)], cwd: dir, port, ...extra });
  if (result.kind === 'listening') started.push(result.server);
  return { port, result };
}

function listening(result: LaunchResult): LaunchedServer {
  if (result.kind !== 'listening') throw new Error(`expected listening, got ${JSON.stringify(result)}`);
  return result.server;
}

/** The states (R, S, Z, ...) of every process whose process group is `pgid`, zombies included. */
function groupStates(pgid: number): string[] {
  const states: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) states.push(rest[0] ?? '?');
    } catch {
      // the process ended while we looked
    }
  }
  return states;
}

/**
 * No process of the group survives. `process.kill(-pgid, 0)` throws ESRCH once the group is empty;
 * but where PID 1 never reaps orphans (some containers), children that outlived the leader stay as
 * zombies, and the group then still "exists" for kill(). Zombies are dead, so they are allowed.
 */
function expectGroupGone(pgid: number): void {
  let esrch = false;
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ESRCH');
    esrch = true;
  }
  if (!esrch) expect(groupStates(pgid).every((s) => s === 'Z')).toBe(true);
  expect(groupMembers(pgid)).toEqual([]);
}

describe('launchServer', () => {
  it('waits for a server that listens after a delay', async () => {
    const t0 = performance.now();
    const { port, result } = await launch('delayed');
    const server = listening(result);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
    expect(server.isAlive()).toBe(true);
    expect(await isListening(port)).toBe(true);
  });

  it('reports a server that exits before listening, with its stderr tail', async () => {
    const { result } = await launch('exits');
    expect(result.kind).toBe('exited-before-listening');
    if (result.kind !== 'exited-before-listening') return;
    expect(result.code).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.stderrTail).toContain('fatal: cannot open store.json');
  });

  it('gives up on a server that never listens, after the start timeout twice (it still ran and listened nowhere), and kills it', async () => {
    const t0 = performance.now();
    const { result } = await launch('idle', { startTimeoutMs: 400 });
    const elapsed = performance.now() - t0;
    expect(result.kind).toBe('never-listened');
    expect(elapsed).toBeGreaterThanOrEqual(780);
    expect(elapsed).toBeLessThan(5000);
    if (result.kind !== 'never-listened') return;
    expect(result.waitedMs).toBeGreaterThanOrEqual(780);
    expectGroupGone(result.pid);
    expect(trackedGroups()).not.toContain(result.pid);
  });

  it('takes a server that begins to listen after its start timeout, within the second one, as started (a slow start is not a dead server)', async () => {
    // late.py sleeps 2.5 s before it listens: past a 2 s start timeout, and within twice that even when
    // a loaded machine takes 1.5 s to start Python (with 1.2 s and 1 s it failed once beside the suite).
    const { result } = await launch('late', { startTimeoutMs: 2000 });
    expect(result.kind).toBe('listening');
  });

  it('keeps only the last bytes of a server that floods stdout', async () => {
    const cap = 64 * 1024;
    const { result } = await launch('flood');
    const server = listening(result);
    const lastLine = (tail: string): number => {
      const lines = tail.trimEnd().split('\n');
      return Number(/^line (\d+)/.exec(lines[lines.length - 2] ?? '')?.[1]);
    };
    const first = lastLine(server.stdoutTail());
    expect(first).toBeGreaterThan(100);
    await new Promise((r) => setTimeout(r, 500));
    const tail = server.stdoutTail();
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(cap);
    expect(Buffer.byteLength(tail)).toBeGreaterThan(cap - 200);
    expect(lastLine(tail)).toBeGreaterThan(first);
    expect(tail.startsWith('line 000000001')).toBe(false);
  });

  it('kills every process of the group, including children forked by a shell', async () => {
    const port = await freePort();
    const result = await launchServer({ cmd: `sleep 1000 & python3 delayed.py ${port}`, cwd: dir, port });
    const server = listening(result);
    started.push(server);
    // The shell, sleep and python are all in the server's group; found from the leader down, the same.
    expect(groupMembers(server.pid)!.length).toBeGreaterThanOrEqual(2);
    expect(groupFromLeader(server.pid)!.sort()).toEqual(groupMembers(server.pid)!.sort());
    // The group listens on its port (its python child does), and on no other.
    expect(await groupListensOn(server.pid, port)).toBe(true);
    expect(await groupListensOn(server.pid, port + 1)).toBe(false);
    await server.kill();
    expect(server.isAlive()).toBe(false);
    expectGroupGone(server.pid);
    expect(await isListening(port)).toBe(false);
  });

  it('tells a group that holds no socket yet from one that listens, without reading every process', async () => {
    const port = await freePort();
    const sleeper = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    try {
      // The shell and the sleep it forked (which may take a moment on a loaded machine).
      for (let i = 0; i < 100 && (groupFromLeader(sleeper.pid!) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(groupFromLeader(sleeper.pid!)!.length).toBe(2);
      expect(await groupListensOn(sleeper.pid!, port)).toBe(false);
    } finally {
      process.kill(-sleeper.pid!, 'SIGKILL');
    }
    // A leader that is gone: not answered from the leader down.
    for (let i = 0; i < 100 && sleeper.exitCode === null && sleeper.signalCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(groupFromLeader(sleeper.pid!)).toBeNull();
    // (its child, killed with it, may take a moment to end on a loaded machine)
    for (let i = 0; i < 100 && groupAlive(sleeper.pid!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(groupAlive(sleeper.pid!)).toBe(false);
  });

  it('detects listening without connecting: a server that dies on its first connection survives launch', async () => {
    const { port, result } = await launch('fragile');
    const server = listening(result);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.isAlive()).toBe(true);
    // It really is that fragile.
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    const exit = await server.exited;
    s.destroy();
    expect(exit.code).toBe(1);
    expect(server.stderrTail()).toContain('a client connected; bye');
  });

  it('kill() escalates to SIGKILL, is idempotent, and never throws once the server is dead', async () => {
    const { result } = await launch('stubborn');
    const server = listening(result);
    const t0 = performance.now();
    await Promise.all([server.kill(), server.kill()]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(450);
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await server.kill();
    expectGroupGone(server.pid);
  });

  it("kill('SIGKILL') ends the group at once, without the grace period", async () => {
    const { result } = await launch('stubborn');
    const server = listening(result);
    const t0 = performance.now();
    await server.kill('SIGKILL');
    expect(performance.now() - t0).toBeLessThan(400);
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expectGroupGone(server.pid);
  });

  it('kills what a leader that exited before listening left behind', async () => {
    const port = await freePort();
    const result = await launchServer({ cmd: 'sleep 1000 & echo "started in the background" >&2; exit 4', cwd: dir, port });
    expect(result.kind).toBe('exited-before-listening');
    if (result.kind !== 'exited-before-listening') return;
    expect(result.code).toBe(4);
    expect(result.stderrTail).toContain('started in the background');
    expectGroupGone(result.pid!);
  });

  it('reports a command that cannot be started', async () => {
    const port = await freePort();
    const result = await launchServer({ cmd: ['./no-such-server'], cwd: dir, port });
    expect(result.kind).toBe('exited-before-listening');
    if (result.kind === 'exited-before-listening') expect(result.spawnError).toMatch(/ENOENT/);
  });

  it('can fall back to a connect probe, which sends a complete valid request', async () => {
    const port = await freePort();
    const result = await launchServer({ cmd: ['python3', 'recorder.py', String(port)], cwd: dir, port, probe: 'connect' });
    started.push(listening(result));
    for (let i = 0; i < 50 && !fs.existsSync(path.join(dir, 'got.txt')); i++) await new Promise((r) => setTimeout(r, 20));
    const got = await fsp.readFile(path.join(dir, 'got.txt'), 'latin1');
    expect(got).toBe(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });

  it('kills launched groups when the launching process exits', async () => {
    const script = path.join(dir, 'orphan.mts');
    await fsp.writeFile(
      script,
      `import { freePort, launchServer } from ${JSON.stringify(path.join(REPO, 'src/supervise/launch.ts'))};
const port = await freePort();
const r = await launchServer({ cmd: ['python3', 'delayed.py', String(port)], cwd: ${JSON.stringify(dir)}, port });
if (r.kind !== 'listening') process.exit(2);
process.stdout.write(String(r.server.pid));
process.exit(0);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code, err).toBe(0);
    const pid = Number(out);
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 50 && groupMembers(pid)!.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expectGroupGone(pid);
  });
});

describe('freePort, probeByConnect, TailBuffer', () => {
  it('freePort returns a port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const srv = net.createServer((s) => s.resume());
    await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(port, '127.0.0.1', resolve));
    expect(await probeByConnect(port)).toBe(true);
    await new Promise((r) => srv.close(r));
    expect(await probeByConnect(port)).toBe(false);
  });

  it('TailBuffer keeps exactly the last cap bytes', () => {
    const t = new TailBuffer(10);
    t.push(Buffer.from('abc'));
    t.push(Buffer.from('defghij'));
    expect(t.toString()).toBe('abcdefghij');
    t.push(Buffer.from('kl'));
    expect(t.toString()).toBe('cdefghijkl');
    t.push(Buffer.from('0123456789ABCDEF'));
    expect(t.toString()).toBe('6789ABCDEF');
    expect(t.length).toBe(10);
    expect(t.total).toBe(28);
  });
});

describe('freePort', () => {
  it('gives distinct ports below the ephemeral range of the kernel, where no outgoing connection takes them', async () => {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) expect(p).toBeLessThan(low);
  });
});
