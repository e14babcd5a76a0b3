import net from 'node:net';
import { makeContext } from '../../src/runner/context.js';
import type { Profile } from '../../src/model/profile.js';
import { anyProfile } from '../../src/model/builtin-profiles.js';
import type { Check, CheckRun } from '../../src/checks/types.js';

/**
 * A tiny scripted loopback server for unit tests of checks: every connection gets the same fixed bytes
 * once the client has been quiet for a moment (so a pipelined request arrives whole first), then the
 * connection is closed or kept open. Listens on port 0.
 */
export interface Script {
  /** The bytes answered (Latin-1 text), or a function of what the connection received. */
  reply: string | ((received: string) => string);
  /** Close the connection after the reply. */
  close: boolean;
}

export interface Scripted {
  port: number;
  /** Requests received, one entry per connection (Latin-1). */
  received: string[];
  setScript(s: Script): void;
  close(): Promise<void>;
}

export async function startScripted(first: Script): Promise<Scripted> {
  let script = first;
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let got = '';
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const index = received.push('') - 1;
    sock.on('data', (d) => {
      got += d.toString('latin1');
      received[index] = got.slice(0, 200_000);
      if (answered) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        answered = true;
        const s = script;
        const reply = typeof s.reply === 'string' ? s.reply : s.reply(got);
        sock.write(Buffer.from(reply, 'latin1'), () => {
          if (s.close) sock.end();
        });
      }, 30);
    });
    sock.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    setScript: (s) => {
      script = s;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs one check's own run function against the scripted server (no baseline, no levels applied). */
export async function runAgainst(check: Check, port: number, profile: Profile = anyProfile('/'), timeoutMs = 600): Promise<CheckRun> {
  const ctx = makeContext({ target: { host: '127.0.0.1', port }, timeoutMs, profile }, check.id, 't', new Map());
  return check.run(ctx);
}

/** A response with a small body. */
export function response(status: number, reason: string, extra: readonly string[] = []): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Length: 2\r\n${extra.map((l) => l + '\r\n').join('')}\r\nok`;
}
