import net from 'node:net';
import type { CliIO } from '../../src/cli/io.js';
/** A port nobody listens on (the grader's own choice: below the kernel's ephemeral range). */
export { freePort } from '../../src/supervise/launch.js';

export interface Captured {
  io: CliIO;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIO(opts: { isTTY?: boolean; color?: boolean } = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: opts.isTTY ?? false, color: opts.color ?? false },
    get stdout() {
      return out.join('');
    },
    get stderr() {
      return err.join('');
    },
  };
}

export interface TinyServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP/1.1 server over node:net that answers every request head (up to a blank line) with the
 * same fixed response, and keeps the connection open.
 */
export async function fixedResponseServer(response: string): Promise<TinyServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.search(/\r?\n\r?\n/)) >= 0) {
        buf = buf.slice(buf.slice(i).match(/^\r?\n\r?\n/)![0].length + i);
        sock.write(response.replace('{DATE}', new Date().toUTCString()));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that answers the first chunk it reads with a bare-LF 300 and closes (a typical student server). */
export async function closeAfterFirstChunkServer(): Promise<TinyServer> {
  return tracked((sock) => sock.once('data', () => sock.end('HTTP/1.1 300 Multiple Choices\nContent-Length: 2\n\n[]')));
}

async function tracked(onConnection: (sock: net.Socket) => void): Promise<TinyServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    onConnection(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that accepts connections and never says a word. */
export async function silentServer(): Promise<TinyServer> {
  return tracked(() => {});
}

/** Is something listening on 127.0.0.1:port? */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export const OK_300 = 'HTTP/1.1 300 Multiple Choices\r\nDate: {DATE}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]';
export const ERR_500 = 'HTTP/1.1 500 Internal Server Error\r\nDate: {DATE}\r\nContent-Length: 0\r\n\r\n';

/** The arguments of a printed `wiregrade …` command, words as the shell splits them (quotes are single), after `wiregrade`. */
export function commandArgs(cmd: string): string[] {
  const words = cmd.match(/'(?:[^']|'\\'')*'|\S+/g) ?? [];
  const args = words.map((w) => (w.startsWith("'") ? w.slice(1, -1).replace(/'\\''/g, "'") : w));
  if (args[0] !== 'wiregrade') throw new Error(`not a wiregrade command: ${cmd}`);
  return args.slice(1);
}
