/**
 * `npm run bench:server`: the reference server against a minimal node:http server answering the same
 * `GET /{name}` (a pre-seeded record), then the reference server's memory with 1,000 idle connections.
 *
 * Each server runs in its own child process (bench/server-target.ts); autocannon runs in this process,
 * so the load generator and the server do not share a core. Both servers run for the whole comparison,
 * with the same autocannon settings, in alternating rounds (so a change in machine load hits both alike).
 * Two figures per server: requests per second, and the server's CPU time per request (utime + stime of
 * its process from /proc/PID/stat), which says how much the server itself spends when the load generator
 * is the bottleneck. RSS is VmRSS from /proc/PID/status of the reference server's process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface AutocannonResult {
  duration: number;
  requests: { average: number; total: number };
  latency: { average: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const LOAD = { connections: 10, pipelining: 1 };
// autocannon counts whole seconds: 5 alternating rounds of 1 s give each server 5 s under load.
const ROUNDS = 5;
const ROUND_SECONDS = 1;
const WARMUP_SECONDS = 1;
/** Clock ticks per second in /proc/PID/stat (USER_HZ): 100 on Linux. */
const CLOCK_TICKS = 100;
const IDLE_CONNECTIONS = 1000;
const RECORD = { name: 'bench', n: 42, tags: ['a', 'b', 'c'], text: 'hello, world', nested: { ok: true } };

interface Target {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

async function startTarget(kind: 'reference' | 'node-http', idleTimeoutMs = 5000): Promise<Target> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/server-target.ts', kind, String(idleTimeoutMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
    });
    void exited.then(() => reject(new Error(`${kind} server exited before listening`)));
  });
  return {
    child,
    port,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function seed(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(RECORD),
  });
  await response.text();
  if (response.status !== 201) throw new Error(`seeding answered ${response.status}`);
  const check = await fetch(`http://127.0.0.1:${port}/bench`);
  const body = await check.text();
  if (check.status !== 200 || body !== JSON.stringify(RECORD)) throw new Error(`GET /bench answered ${check.status} ${body}`);
}

/** CPU time (user + system) the process has used so far, in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime (field 14) is index 11, stime (15) index 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface Tally {
  requests: number;
  seconds: number;
  cpu: number;
  errors: number;
  non2xx: number;
  latencies: number[];
}

async function round(target: Target, tally: Tally): Promise<void> {
  const pid = target.child.pid as number;
  const cpuBefore = await cpuSeconds(pid);
  const result = await autocannon({ url: `http://127.0.0.1:${target.port}/bench`, ...LOAD, duration: ROUND_SECONDS });
  tally.cpu += (await cpuSeconds(pid)) - cpuBefore;
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.errors += result.errors + result.timeouts;
  tally.non2xx += result.non2xx;
  tally.latencies.push(result.latency.average);
}

async function compare(): Promise<{ reference: Tally; nodeHttp: Tally }> {
  const targets = { reference: await startTarget('reference'), nodeHttp: await startTarget('node-http') };
  try {
    const tallies = {
      reference: { requests: 0, seconds: 0, cpu: 0, errors: 0, non2xx: 0, latencies: [] } as Tally,
      nodeHttp: { requests: 0, seconds: 0, cpu: 0, errors: 0, non2xx: 0, latencies: [] } as Tally,
    };
    for (const target of Object.values(targets)) {
      await seed(target.port);
      await autocannon({ url: `http://127.0.0.1:${target.port}/bench`, ...LOAD, duration: WARMUP_SECONDS });
    }
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? (['reference', 'nodeHttp'] as const) : (['nodeHttp', 'reference'] as const);
      for (const key of order) await round(targets[key], tallies[key]);
    }
    return tallies;
  } finally {
    await Promise.all(Object.values(targets).map((target) => target.stop()));
  }
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error('no VmRSS in /proc/PID/status');
  return Number(match[1]);
}

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function idleMemory(): Promise<{ before: number; after: number; open: number }> {
  // A long idle timeout, so the connections stay open while we measure.
  const target = await startTarget('reference', 120_000);
  const sockets: Socket[] = [];
  try {
    await sleep(500);
    const before = await rssKiB(target.child.pid as number);
    for (let i = 0; i < IDLE_CONNECTIONS; i += 100) {
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => openIdle(target.port)))));
    }
    await sleep(1000);
    const after = await rssKiB(target.child.pid as number);
    const open = sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
    return { before, after, open };
  } finally {
    for (const socket of sockets) socket.destroy();
    await target.stop();
  }
}

const perSecond = (tally: Tally): number => tally.requests / tally.seconds;

function line(label: string, tally: Tally): string {
  const latency = tally.latencies.reduce((sum, value) => sum + value, 0) / tally.latencies.length;
  return (
    `${label.padEnd(18)} ${Math.round(perSecond(tally)).toString().padStart(7)} req/s, ` +
    `server CPU ${((tally.cpu / tally.requests) * 1e6).toFixed(1)} µs/request ` +
    `(${tally.requests} requests in ${tally.seconds.toFixed(1)} s, mean latency ${latency.toFixed(2)} ms, ` +
    `errors ${tally.errors}, non-2xx ${tally.non2xx})`
  );
}

console.log(
  `GET /{name}, autocannon: ${LOAD.connections} connections, pipelining ${LOAD.pipelining}, ` +
    `${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per server after ${WARMUP_SECONDS} s of warm-up`,
);
const { reference, nodeHttp } = await compare();
console.log(line('reference server', reference));
console.log(line('node:http', nodeHttp));
console.log(
  `ratio (reference / node:http): ${(perSecond(reference) / perSecond(nodeHttp)).toFixed(2)} in req/s; ` +
    `${(nodeHttp.cpu / nodeHttp.requests / (reference.cpu / reference.requests)).toFixed(2)} in requests per CPU second`,
);

const memory = await idleMemory();
console.log(
  `reference server RSS (VmRSS of its process): ${(memory.before / 1024).toFixed(1)} MB at rest, ` +
    `${(memory.after / 1024).toFixed(1)} MB with ${memory.open} of ${IDLE_CONNECTIONS} idle connections open`,
);
