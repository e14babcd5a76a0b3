/**
 * A connector for undici that closes the way the grader's own connections do (see
 * Connection.close): when the server closes first, the connection is reset rather than answered with a
 * FIN, so the server's side never waits in TIME_WAIT. Otherwise a server that binds without
 * SO_REUSEADDR could not bind its port again for a minute after a restart.
 */
import net from 'node:net';
import type { buildConnector } from 'undici';

/**
 * What the server sent on the connector's connections: a count, and the first bytes (at most
 * SEEN_CAP), so that a check can ask the grader's own parser what undici may have rejected.
 */
export interface Seen {
  bytes: number;
  first?: Buffer[];
}

export const SEEN_CAP = 64 * 1024;

export function politeConnector(seen?: Seen) {
  return (opts: buildConnector.Options, callback: buildConnector.Callback): net.Socket => connectPolitely(opts, callback, seen);
}

function connectPolitely(opts: buildConnector.Options, callback: buildConnector.Callback, seen?: Seen): net.Socket {
  const socket = net.connect({ host: opts.hostname, port: Number(opts.port), allowHalfOpen: true });
  // How many bytes the server sent (whether undici had an answer to judge at all).
  if (seen) {
    socket.on('data', (c: Buffer) => {
      if (seen.first && seen.bytes < SEEN_CAP) seen.first.push(c.subarray(0, SEEN_CAP - seen.bytes));
      seen.bytes += c.length;
    });
  }
  // Registered before undici's own listeners: the reset goes out before undici reacts to the end.
  let peerEnded = false;
  socket.on('end', () => {
    peerEnded = true;
    socket.resetAndDestroy();
  });
  // undici destroys the socket as soon as a `Connection: close` response is complete, which is usually
  // a moment before the server's FIN arrives: give the server up to 100 ms to close first.
  const destroy = socket.destroy.bind(socket);
  socket.destroy = ((err?: Error) => {
    if (peerEnded || socket.destroyed) return destroy(err);
    const timer = setTimeout(() => destroy(err), 100);
    socket.once('close', () => clearTimeout(timer));
    return socket;
  }) as typeof socket.destroy;
  socket.setNoDelay(true);
  const onError = (err: Error): void => callback(err, null);
  socket.once('error', onError);
  socket.once('connect', () => {
    socket.off('error', onError);
    callback(null, socket);
  });
  return socket;
}
