/**
 * A server for bench/server.ts to measure, run in its own process so that the load generator does not
 * share its CPU: `node bin/run-ts.js bench/server-target.ts reference|node-http [idle-timeout-ms]`.
 * Prints one JSON line, `{"port": N}`, once it listens; runs until SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceServer } from '../reference-server/index.js';

const kind = process.argv[2];
const idleTimeoutMs = Number(process.argv[3] ?? 5000);

if (kind === 'reference') {
  const server = await startReferenceServer({ limits: { idleTimeoutMs } });
  console.log(JSON.stringify({ port: server.port }));
  process.once('SIGTERM', () => void server.close());
} else if (kind === 'node-http') {
  // The minimal node:http equivalent of the reference server's `GET /{name}`: the same record store shape,
  // the same JSON answer (200 + the record, or 404).
  const records = new Map<string, unknown>();
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    if (request.method === 'PUT') {
      let body = '';
      request.setEncoding('utf8').on('data', (text: string) => (body += text));
      request.on('end', () => {
        records.set(name, JSON.parse(body));
        response.writeHead(201, { 'Content-Type': 'application/json' }).end(body);
      });
      return;
    }
    const record = records.get(name);
    const body = JSON.stringify(record === undefined ? { error: `/${name} does not exist` } : record);
    response.writeHead(record === undefined ? 404 : 200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
  });
} else {
  console.error('usage: bench/server-target.ts reference|node-http [idle-timeout-ms]');
  process.exitCode = 2;
}
