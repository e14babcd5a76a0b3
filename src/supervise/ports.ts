/**
 * Ports on loopback: a free one for a server to bind (below the kernel's ephemeral range), and the
 * readiness probe by connecting where the kernel's socket table cannot be read.
 */
import fs from 'node:fs';
import net from 'node:net';
import { formatEndpoint } from '../wire/endpoint.js';

/**
 * Fallback readiness probe for systems without /proc/net/tcp: connect and send a complete, valid
 * request (`GET / HTTP/1.1` with Host and `Connection: close`), so that even a fragile server sees an
 * ordinary client rather than an empty connection. True once the connection is accepted.
 */
export function probeByConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => {
      finish(false);
      socket.destroy();
    }, timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('connect', () => {
      finish(true);
      socket.end(`GET / HTTP/1.1\r\nHost: ${formatEndpoint({ host, port })}\r\nConnection: close\r\n\r\n`);
      socket.resume();
      // Read (and drop) the answer, then go; never keep the server's connection for long.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
    socket.on('close', () => finish(false));
  });
}

/**
 * A port that was free on 127.0.0.1 a moment ago, taken from below the kernel's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range). A port from inside that range (what binding port 0 gives)
 * can be handed to an outgoing connection, or to another port-0 listener, between this pick and the
 * server's own bind; a grade makes thousands of connections, and a class or a test suite runs many
 * grades at once, so that happens. Candidates are spread by the process id and a counter (no randomness:
 * nothing here bears on a verdict), each bound once to check it; after PORT_TRIES taken ones, port 0.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  const span = high - PORT_LOW;
  for (let i = 0; i < PORT_TRIES && span > 0; i++) {
    const port = PORT_LOW + ((process.pid * 7919 + portCounter++ * 104_729) % span);
    if (await bindable(port)) return port;
  }
  return bindZero();
}

const PORT_LOW = 10_000;
const PORT_TRIES = 50;
let portCounter = 0;

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > PORT_LOW ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function bindZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the bound port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}
