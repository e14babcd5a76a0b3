/**
 * A connector for undici that closes the way the grader's own connections do (see
 * Connection.close): when the server closes first, the connection is reset rather than answered with a
 * FIN, so the server's side never waits in TIME_WAIT. Otherwise a server that binds without
 * SO_REUSEADDR could not bind its port again for a minute after a restart.
 */
import net from 'node:net';
import type { buildConnector } from 'undici';
import { DEFAULT_CAP_BYTES } from '../wire/connection.js';

/**
 * What the server sent on the connector's connections: a count, and the first bytes (at most
 * SEEN_CAP), so that a check can ask the grader's own parser what undici may have rejected.
 */
export interface Seen {
  bytes: number;
  first?: Buffer[];
}

export const SEEN_CAP = 64 * 1024;

/**
 * The most bytes a connection made for undici may receive: past it the connection is destroyed with
 * an OverflowError, the way the grader's own connections stop at DEFAULT_CAP_BYTES (a body that never
 * ends would otherwise grow undici's buffers by gigabytes before any deadline passes).
 */
export const UNDICI_CAP_BYTES = DEFAULT_CAP_BYTES;

/** The error a capped connection is destroyed with (its `code`: WIREGRADE_OVERFLOW). */
export class OverflowError extends Error {
  readonly code = 'WIREGRADE_OVERFLOW';
  constructor(readonly capBytes: number) {
    super(`the server sent more than ${capBytes} bytes without completing a response`);
    this.name = 'OverflowError';
  }
}

export function politeConnector(seen?: Seen, capBytes = UNDICI_CAP_BYTES) {
  return (opts: buildConnector.Options, callback: buildConnector.Callback): net.Socket => connectPolitely(opts, callback, capBytes, seen);
}

function connectPolitely(opts: buildConnector.Options, callback: buildConnector.Callback, capBytes: number, seen?: Seen): net.Socket {
  const socket = net.connect({ host: opts.hostname, port: Number(opts.port), allowHalfOpen: true });
  let received = 0;
  socket.on('data', (c: Buffer) => {
    // How many bytes the server sent (whether undici had an answer to judge at all).
    if (seen) {
      if (seen.first && seen.bytes < SEEN_CAP) seen.first.push(Buffer.from(c.subarray(0, SEEN_CAP - seen.bytes)));
      seen.bytes += c.length;
    }
    received += c.length;
    if (received > capBytes && !socket.destroyed) {
      // Stop reading at once: undici sees the connection fail with the overflow as its cause.
      socket.pause();
      destroy(new OverflowError(capBytes));
    }
  });
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
