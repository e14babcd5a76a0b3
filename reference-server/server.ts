/**
 * startReferenceServer: a listening socket, a store, and a Connection for every client.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Connection } from './connection.js';
import { resolveLimits, type Limits } from './limits.js';
import { RecordStore } from './store.js';

export interface ReferenceServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0 (a free port, see the `port` of the result). */
  port?: number;
  /** A data file: the store persists there (see data-file.ts). Without it the store lives in memory. */
  data?: string;
  limits?: Partial<Limits>;
  /** Log one line per request. */
  verbose?: boolean;
  /** Where verbose lines go; default standard error. */
  log?: (line: string) => void;
}

export interface ReferenceServer {
  /** The address the server is bound to. */
  readonly host: string;
  readonly port: number;
  /** Stops listening, destroys every open connection, waits for pending writes; resolves when done. */
  close(): Promise<void>;
}

/**
 * Starts the reference server. Rejects, with an Error whose message is one sentence, when the data file
 * cannot be used (it is left untouched), a limit is not a positive integer, or the address cannot be bound.
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const limits = resolveLimits(options.limits);
  const store = options.data === undefined ? RecordStore.inMemory() : await RecordStore.open(options.data);
  const log = options.verbose === true ? (options.log ?? ((line: string) => process.stderr.write(`${line}\n`))) : null;

  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    try {
      new Connection(socket, { store, limits, log });
    } catch (error) {
      log?.(`could not set up a connection: ${String(error)}`);
      socket.destroy();
    }
  });
  // Beyond maxConnections, Node accepts a connection and closes it at once (no answer is sent).
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => log?.(`connection refused: ${limits.maxConnections} connections are open`));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new Error(`cannot listen on ${host}:${port} (${error.code ?? error.message})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => log?.(`server error: ${error.message}`));

  const address = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    host: address.address,
    port: address.port,
    close() {
      closed ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await serverClosed;
        await store.idle();
      })();
      return closed;
    },
  };
}

/** `http://host:port`, with brackets around an IPv6 address. */
export function serverUrl(server: Pick<ReferenceServer, 'host' | 'port'>): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `http://${host}:${server.port}`;
}
