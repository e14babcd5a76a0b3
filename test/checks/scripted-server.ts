import net from 'node:net';

/**
 * A loopback server that answers fixed bytes: every check can be run against a known answer. Each
 * connection collects what arrives; once the client has been quiet for `quietMs`, `answer` decides what
 * to write back and whether to close. Listens on port 0; `close()` ends every connection.
 */
export interface Scripted {
  port: number;
  close(): Promise<void>;
}

export type Answer = { write: string | Uint8Array; close: boolean };

export async function scripted(answer: (received: string) => Answer, quietMs = 40): Promise<Scripted> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    let timer: NodeJS.Timeout | null = null;
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.length > 2 * 1024 * 1024) buf = buf.slice(-1024 * 1024);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const a = answer(buf);
        buf = '';
        if (sock.destroyed) return;
        sock.write(typeof a.write === 'string' ? Buffer.from(a.write, 'latin1') : a.write);
        if (a.close) sock.end();
      }, quietMs);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (timer) clearTimeout(timer);
      sockets.delete(sock);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const DATE = 'Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n';

/** A complete response: `status` with a short body and Content-Length (and Date), HTTP/1.1 unless told. */
export function response(status: number, opts: { version?: string; close?: boolean; body?: string; headers?: string[] } = {}): string {
  const body = opts.body ?? `${status}\n`;
  const head = [
    `${opts.version ?? 'HTTP/1.1'} ${status} X`,
    ...(opts.headers ?? [DATE.trimEnd(), `Content-Length: ${body.length}`]),
    ...(opts.close ? ['Connection: close'] : []),
  ];
  return head.join('\r\n') + '\r\n\r\n' + body;
}
