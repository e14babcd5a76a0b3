import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAfterFirstChunkServer, isListening, silentServer, type TinyServer } from './helpers.js';
import { WIREGRADE_BIN } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = WIREGRADE_BIN;

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], onStderr?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('bin/wiregrade.js', () => {
  it('list: exit 0, prints the baseline id', async () => {
    const r = await run(['list']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('baseline.valid-request-answered');
  });

  it('a bad flag: exit 2, one line on stderr', async () => {
    const r = await run(['fuzz', '--tagret', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('finishes and reports against a server that answers once and closes (no early exit while a pause is pending)', async () => {
    const server = await closeAfterFirstChunkServer();
    try {
      const r = await run(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${server.port}`, '--timeout-ms', '300']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\d+ checks: \d+ passed, [1-9]\d* failed, .* — target 127\.0\.0\.1:\d+, profile reference, seed \d+, \d+ ms\n$/);
    } finally {
      await server.close();
    }
  });

  describe('SIGINT during fuzz', () => {
    let silent: TinyServer;
    beforeAll(async () => {
      silent = await silentServer();
    });
    afterAll(() => silent.close());

    it('stops the run and exits 130', async () => {
      let sent = false;
      const r = await run(['fuzz', '--no-corpus', '--profile', 'reference', '--target', `127.0.0.1:${silent.port}`, '--timeout-ms', '30000'], (soFar, child) => {
        if (!sent && soFar.includes('seed: ')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 200);
        }
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('wiregrade: interrupted');
    });

    it('closes the bundled reference server and exits 130', async () => {
      let sent = false;
      const r = await run(['fuzz', '--no-corpus'], (soFar, child) => {
        if (!sent && soFar.includes('seed: ')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 100);
        }
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(130);
      expect(r.stdout).toBe('');
      const m = /bundled reference server on 127\.0\.0\.1:(\d+)/.exec(r.stderr);
      expect(await isListening(Number(m![1]))).toBe(false);
    });

    it('kills the whole process group of a --cmd server and exits 130', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wg-sigint-cmd-'));
      try {
        // A server that starts a child of its own (the group's second process), then listens.
        writeFileSync(path.join(dir, 'server.py'), [
          'import os, socket, subprocess, sys',
          "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])",
          "open('child.pid', 'w').write(str(child.pid))",
          "open('server.pid', 'w').write(str(os.getpid()))",
          's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
          "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8)",
          'while True:',
          '    c, _ = s.accept()',
          "    c.recv(65536); c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok')",
          '',
        ].join('\n'));
        let sent = false;
        const r = await run(['fuzz', '--no-corpus', '--cmd', 'python3 server.py {port}', '--cwd', dir], (soFar, child) => {
          if (!sent && soFar.includes('seed: ')) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 200);
          }
        });
        expect(sent).toBe(true);
        expect(r.code).toBe(130);
        // SIGKILL went to the whole group as wiregrade exited; the kernel ends those processes a moment later.
        const m = /started your server on 127\.0\.0\.1:(\d+) /.exec(r.stderr);
        const port = Number(m![1]);
        const childPid = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
        expect(await waitFor(() => !pidAlive(childPid), 3000), `pid ${childPid} survived`).toBe(true);
        const t0 = Date.now();
        while ((await isListening(port)) && Date.now() - t0 < 3000) await new Promise((res) => setTimeout(res, 50));
        expect(await isListening(port)).toBe(false);
      } finally {
        // Whatever the outcome, neither the server nor its child outlives the test.
        for (const f of ['server.pid', 'child.pid']) {
          try {
            const pid = Number(readFileSync(path.join(dir, f), 'utf8'));
            // (only while it is still this test's Python: a pid can be reused once its process is gone)
            if (pidAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('python')) process.kill(pid, 'SIGKILL');
          } catch {
            // gone already (the case the test asserts), or never started
          }
        }
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

/** Is `pid` a live process (not gone, not a zombie waiting for its reaper)? */
function pidAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
