import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, commandArgs } from '../cli/helpers.js';
import { freePort } from '../../src/supervise/launch.js';

/**
 * A class of five whose server answers everything 200 but a head over 512 KiB, which it never answers (so
 * a 1 MiB request line hangs it): every report
 * stays small, every report has its own file (folder names that differ only by a space or an accent),
 * the class gets an index, and the printed replay of the 1 MiB failure reproduces it.
 */

const SERVER = `// Answers every request head with 200 "ok", whatever it is, but one over 512 KiB: that one never.
const net = require('node:net');
net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('error', () => {});
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length > 4 * 1024 * 1024) return s.destroy();
    let i;
    while ((i = buf.indexOf('\\r\\n\\r\\n')) >= 0) {
      buf = buf.subarray(i + 4);
      if (i > 512 * 1024) continue;
      s.write('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Type: text/plain\\r\\nDate: ' + new Date().toUTCString() + '\\r\\n\\r\\nok');
    }
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
`;

const NAMES = ['a b', 'a_b', "émile o'brien", "emile o'brien", 'zoe'];
const KB200 = 200 * 1024;
const made: string[] = [];
const children: ChildProcess[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Starts the class's server script on a free port; resolves once it accepts connections. */
async function startServer(dir: string): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['server.js', String(port)], { cwd: dir, stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return port;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the test server did not listen');
}

const argsOf = commandArgs;

describe('reports people can act on', () => {
  it('a class of 5 with a 1 MiB-request failure: reports under 200 KB each, one file per student, an index, and a replay that reproduces it', async () => {
    const root = tmp('wg-report-size-');
    const klass = path.join(root, 'class');
    for (const n of NAMES) {
      mkdirSync(path.join(klass, n), { recursive: true });
      writeFileSync(path.join(klass, n, 'server.js'), SERVER);
    }
    const out = path.join(root, 'out');
    mkdirSync(out);
    // The reference profile: there a 1 MiB request line must be refused (under `any`, serving it is allowed).
    const common = ['--cmd', `${process.execPath} server.js {port}`, '--profile', 'reference', '--runs', '0', '--timeout-ms', '500'];
    const c = captureIO();
    const one = captureIO();
    // The class, and one of its submissions graded on its own (the text report and Gradescope's
    // results.json), side by side: each grade has its own server and port.
    const [code] = await Promise.all([
      main(['grade', klass, ...common, '--jobs', '5', '--report', path.join(out, 'reports'), '--json', path.join(out, 'class.json'), '--junit', path.join(out, 'junit.xml'), '--csv', path.join(out, 'class.csv')], c.io),
      main(['grade', '--cwd', path.join(klass, 'zoe'), ...common, '--gradescope', path.join(out, 'results.json'), '--json', path.join(out, 'zoe.json'), '--report', path.join(out, 'one')], one.io),
    ]);
    expect(code, c.stderr).toBe(0);

    // One report per student (5 distinct files), and an index linking each.
    const html = readdirSync(path.join(out, 'reports')).filter((f) => f.endsWith('.html') && f !== 'index.html');
    expect(html).toHaveLength(5);
    const index = readFileSync(path.join(out, 'reports', 'index.html'), 'utf8');
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(links.sort()).toEqual(html.sort());
    for (const n of NAMES) expect(index).toContain(`>${n.replace(/'/g, '&#39;')}</a>`);

    // Every report under 200 KB per student.
    for (const f of html) expect(statSync(path.join(out, 'reports', f)).size, f).toBeLessThan(KB200);
    for (const f of ['junit.xml', 'class.csv']) expect(statSync(path.join(out, f)).size / NAMES.length, f).toBeLessThan(KB200);
    // The class JSON is compact (passes by id, warnings in words, blocked and skipped checks grouped by
    // cause): under 200 KB a student even with 88 failures and 46 warnings.
    expect(statSync(path.join(out, 'class.json')).size / NAMES.length, 'class.json').toBeLessThan(KB200);

    // One submission: the text report and Gradescope's results.json too.
    expect(Buffer.byteLength(one.stdout)).toBeLessThan(KB200);
    expect(statSync(path.join(out, 'results.json')).size).toBeLessThan(KB200);
    // The one-submission JSON is the class JSON's entry, indented: every failure in full (this server
    // fails about 170 checks since the catalogue grew), about a kilobyte each, and little else.
    const zoeJson = JSON.parse(readFileSync(path.join(out, 'zoe.json'), 'utf8')) as { checks: Array<{ verdict: string }> };
    const failures = zoeJson.checks.filter((x) => x.verdict === 'fail').length;
    expect(failures).toBeGreaterThan(88);
    expect(statSync(path.join(out, 'zoe.json')).size).toBeLessThan(Math.max(KB200, failures * 1300));

    // The 1 MiB failure: abridged in the reports, exact in the corpus, and its replay reproduces it.
    const id = 'robustness.size.1mib-request-line-rejected';
    const zoe = JSON.parse(readFileSync(path.join(out, 'zoe.json'), 'utf8')) as { checks: Array<{ id: string; verdict: string; firstFailure?: { replay: string; corpusFile: string; request: { abridged?: boolean; length: number } } }> };
    const f = zoe.checks.find((x) => x.id === id)!;
    expect(f.verdict).toBe('fail');
    expect(f.firstFailure!.request).toMatchObject({ abridged: true, length: 5 + 1024 * 1024 + 30 });
    // Aimed at the student's own server (the grader's port is gone): PORT to fill in.
    expect(f.firstFailure!.replay).toMatch(/^wiregrade replay \S+\.json --target 127\.0\.0\.1:PORT --profile reference --timeout-ms 500$/);
    const zoeHtml = readFileSync(path.join(out, 'reports', 'zoe.html'), 'utf8');
    const printed = /<pre class="cmd">(wiregrade replay [^<]*robustness\.size\.1mib-request-line-rejected[^<]*)<\/pre>/.exec(zoeHtml)![1]!;
    const args = argsOf(printed);
    const port = await startServer(path.join(klass, 'zoe'));
    args[args.indexOf('--target') + 1] = `127.0.0.1:${port}`;
    const r = captureIO();
    expect(await main([...args, '--no-color'], r.io), r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAILED +${id.replace(/\./g, '\\.')} `, 'm'));
  }, 180_000); // five grades of a server that fails 88 checks, then the replays
});
