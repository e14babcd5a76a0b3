/**
 * A loopback server that accepts, reads and never answers (a silence on every request), open for the
 * time of `go` only: every socket it accepted is destroyed and the server closed after it, whatever `go` did.
 */
import net from 'node:net';

export async function withSilentServer(go: (target: { host: string; port: number }) => Promise<void>): Promise<void> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await go({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  } finally {
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
