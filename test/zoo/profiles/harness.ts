/**
 * What the profile zoo's tests need, on node:net and node:child_process only: start a server from a
 * scratch copy of its folder (and `_lib` and `_common` beside it), wait until it accepts connections,
 * restart it in the same folder, kill it; and a raw HTTP/1.1 client that reads responses off one
 * connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ProfileZooServer } from './manifest.js';
import { freePort } from '../../../src/supervise/launch.js';
export { freePort };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when a TCP connection to the port succeeds (the connection is closed at once). */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ZooProcess {
  port = 0;
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private exitedNow = true;
  private stderr = '';

  private constructor(
    readonly server: ProfileZooServer,
    /** The scratch root: the server's copy, `_lib` and `_common`. */
    readonly root: string,
    /** The server's cwd (inside root). */
    readonly dir: string,
  ) {}

  /** Copy the server's folder, its `_lib` and `_common` into a new temp dir, and start it there. */
  static async start(server: ProfileZooServer): Promise<ZooProcess> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), `wiregrade-pzoo-${server.profile}-${server.slug}-`));
    const dir = path.join(root, server.slug);
    await fs.cp(server.dir, dir, { recursive: true });
    await fs.cp(server.lib, path.join(root, '_lib'), { recursive: true });
    await fs.cp(server.common, path.join(root, '_common'), { recursive: true });
    const p = new ZooProcess(server, root, dir);
    try {
      await p.launch();
    } catch (err) {
      await p.stop();
      throw err;
    }
    return p;
  }

  get exited(): boolean {
    return this.exitedNow;
  }

  stderrTail(): string {
    return this.stderr.slice(-2000);
  }

  /** Resolves true if the process exits within ms. */
  async exitsWithin(ms: number): Promise<boolean> {
    return Promise.race([this.exit.then(() => true), sleep(ms).then(() => false)]);
  }

  private async launch(): Promise<void> {
    this.port = await freePort();
    const [cmd, ...args] = this.server.cmd(this.port);
    const child = spawn(cmd!, args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    this.exitedNow = false;
    this.stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-8000);
    });
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedNow = true;
        resolve({ code, signal });
      });
      child.once('error', () => {
        this.exitedNow = true;
        resolve({ code: null, signal: null });
      });
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.exitedNow) break;
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error(`${this.server.profile}/${this.server.slug} did not listen on ${this.port}:\n${this.stderrTail()}`);
  }

  /** Kill the process group (SIGKILL) and wait for the exit. The scratch folder stays. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exitedNow) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await Promise.race([this.exit, sleep(5000)]);
  }

  /** Kill it and start it again in the same folder, on a new port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Kill it and remove the scratch copy. */
  async stop(): Promise<void> {
    await this.kill();
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// A raw client.

export interface RawResponse {
  statusLine: string;
  version: string;
  status: number;
  reason: string;
  /** The header section as sent, without the blank line. */
  head: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** No Content-Length: the body ran to the close. */
  closeDelimited: boolean;
}

export function header(res: RawResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

export function bodyText(res: RawResponse): string {
  return res.body.toString('utf8');
}

/** One response off the front of buf, or undefined if it is not complete yet. Throws if malformed. */
function parseResponse(buf: Buffer, headOnly: boolean, ended: boolean): { res: RawResponse; used: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const m = /^HTTP\/(\d\.\d) (\d{3})(?: ([^\r\n]*))?$/.exec(statusLine);
  if (!m) throw new Error(`malformed status line ${JSON.stringify(statusLine)}`);
  const headers = lines.map((line): [string, string] => {
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`malformed header line ${JSON.stringify(line)}`);
    return [line.slice(0, i), line.slice(i + 1).trim()];
  });
  const status = Number(m[2]);
  const base = { statusLine, version: m[1]!, status, reason: m[3] ?? '', head, headers };
  const start = end + 4;
  if (headOnly || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { res: { ...base, body: Buffer.alloc(0), closeDelimited: false }, used: start };
  }
  const cl = headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1];
  if (cl === undefined) {
    if (!ended) return undefined;
    return { res: { ...base, body: buf.subarray(start), closeDelimited: true }, used: buf.length };
  }
  if (!/^\d+$/.test(cl)) throw new Error(`malformed Content-Length ${JSON.stringify(cl)}`);
  const n = Number(cl);
  if (buf.length < start + n) return undefined;
  return { res: { ...base, body: buf.subarray(start, start + n), closeDelimited: false }, used: start + n };
}

/** One client connection. Always destroy() it (the tests do, in finally). */
export class RawConn {
  private buf = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly sock: net.Socket) {
    const poke = (): void => {
      const w = this.wake;
      this.wake = undefined;
      w?.();
    };
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      poke();
    });
    const gone = (): void => {
      this.ended = true;
      poke();
    };
    sock.on('end', gone);
    sock.on('close', gone);
    sock.on('error', gone);
  }

  static connect(port: number, timeoutMs = 3000): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ port, host: '127.0.0.1' });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect to ${port} timed out`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        resolve(new RawConn(sock));
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        sock.destroy();
        reject(err);
      });
    });
  }

  write(data: string | Buffer): void {
    this.sock.write(data);
  }

  /** Send FIN (half-close): the server sees the end of input. */
  end(): void {
    this.sock.end();
  }

  destroy(): void {
    this.sock.destroy();
  }

  /** Wait until check() gives a value, or the server closes / the time is up (then undefined). */
  private async until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined || this.ended) return v ?? check();
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** The next response, or undefined if the connection ends (or the time is up) first. */
  async maybeResponse(opts: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse | undefined> {
    const got = await this.until(() => parseResponse(this.buf, opts.head ?? false, this.ended), opts.timeoutMs ?? 3000);
    if (!got) return undefined;
    this.buf = this.buf.subarray(got.used);
    return got.res;
  }

  /** The next response; throws if none comes. */
  async response(opts: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const res = await this.maybeResponse(opts);
    if (!res) {
      const text = JSON.stringify(this.buf.toString('latin1').slice(0, 300));
      throw new Error(`no complete response (${this.ended ? 'connection ended' : 'timed out'}; buffered: ${text})`);
    }
    return res;
  }

  /** True if the server closes the connection within ms, with nothing more sent. */
  async closedWithin(ms: number): Promise<boolean> {
    await this.until(() => undefined, ms);
    return this.ended && this.buf.length === 0;
  }

  /** Bytes received and not yet used by a response. */
  get pending(): Buffer {
    return this.buf;
  }
}

/** Build a request: Host 127.0.0.1 unless given, Content-Length when there is a body. */
export function req(
  method: string,
  target: string,
  opts: { body?: string | Buffer; headers?: string[]; version?: string; host?: string | null; close?: boolean } = {},
): Buffer {
  const lines = [`${method} ${target} ${opts.version ?? 'HTTP/1.1'}`];
  if (opts.host !== null) lines.push(`Host: ${opts.host ?? '127.0.0.1'}`);
  lines.push(...(opts.headers ?? []));
  if (opts.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(opts.body)}`);
  if (opts.close) lines.push('Connection: close');
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return opts.body === undefined ? head : Buffer.concat([head, Buffer.from(opts.body)]);
}

/** Open a connection, run fn with it, always destroy it. */
export async function withConn<T>(port: number, fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(port);
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

/** One request on its own connection (Connection: close), one response. */
export function once(port: number, request: Buffer, opts: { head?: boolean } = {}): Promise<RawResponse> {
  return withConn(port, async (c) => {
    c.write(request);
    return c.response(opts);
  });
}
