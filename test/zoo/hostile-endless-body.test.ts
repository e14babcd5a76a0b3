import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw.js';
import { startZoo, type StartedZoo } from '../helpers/zoo.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';

/**
 * hostile-endless-body: a complete, valid head with no length, then a body that never ends. Every read
 * of the grader is capped, the real-client (undici) check's included, and what a run keeps of a judged
 * exchange is bounded: `wiregrade fuzz`, run as a student runs it (its own process), ends with exit 1,
 * undici's read stopped at its cap, and its resident memory sampled all along stays under 200 MB
 * (it climbed to about 1 GB before the caps).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RSS_LIMIT_KB = 200 * 1024;

/** The resident memory of a process and its children (kB), from /proc. */
function treeRssKb(pid: number): number {
  let kb = 0;
  const pids = [pid];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    if (children) pids.push(...children.split(/\s+/).map(Number));
  } catch {
    return 0;
  }
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      kb = Math.max(kb, Number(m?.[1] ?? 0));
    } catch {
      // gone between the listing and the read
    }
  }
  return kb;
}

describe('hostile-endless-body', () => {
  const running: StartedZoo[] = [];
  afterAll(async () => {
    await Promise.all(running.map((z) => z.stop()));
  });

  it('sends a complete head with no length, then body bytes without end', async () => {
    const z = await startZoo('hostile-endless-body');
    running.push(z);
    const reply = await rawRequest(z.port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', { timeoutMs: 3000, maxBytes: 1024 * 1024 });
    expect(reply.end).toBe('overflow');
    expect(reply.text.startsWith('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbbbb')).toBe(true);
  });

  it('fuzz ends with exit 1, the real-client check failed at its cap, and the grader under 200 MB all along', async () => {
    const z = await startZoo('hostile-endless-body');
    running.push(z);
    const child = spawn(process.execPath, [WIREGRADE_BIN, 'fuzz', '--target', `127.0.0.1:${z.port}`, '--profile', 'reference', '--no-corpus', '--json', '-'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.resume();
    let peakKb = 0;
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(child.pid!))), 200);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearInterval(sampler);
    expect(code).toBe(1);
    expect(peakKb, `peak RSS ${Math.round(peakKb / 1024)} MB`).toBeGreaterThan(0);
    expect(peakKb, `peak RSS ${Math.round(peakKb / 1024)} MB`).toBeLessThan(RSS_LIMIT_KB);
    const report = JSON.parse(out) as { checks: Array<{ id: string; verdict: string; firstFailure?: { reason: string } }> };
    // The head is a valid answer: the baseline holds; the body that never ends is judged where it is read.
    expect(report.checks.find((x) => x.id === 'baseline.valid-request-answered')!.verdict).toBe('pass');
    // The real-client check reads under its own cap: undici's read stops at the overflow, not at a deadline.
    const undici = report.checks.find((x) => x.id === 'wire.undici.accepts-baseline')!;
    expect(undici.verdict).toBe('fail');
    expect(undici.firstFailure!.reason).toMatch(/WIREGRADE_OVERFLOW: the server sent more than \d+ bytes without completing a response/);
  }, 180_000);
});
