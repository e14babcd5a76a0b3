/**
 * The reference server: a small record store over HTTP/1.1 that owns its bytes (see SPEC.md, "The
 * reference protocol"). It imports nothing from src/: it is the oracle the grader is tested against.
 *
 * Files, one responsibility each:
 *   parser.ts      incremental request parser (request line, headers, framing, chunked bodies)
 *   routes.ts      the protocol table: which request gets which answer
 *   store.ts       the records, with one write queue; data-file.ts: the durable file behind it
 *   responses.ts   answers as bytes: status line, CRLF, Content-Length, Date, Content-Type
 *   connection.ts  one connection: timeouts, pipelining, keep-alive, closing
 *   server.ts      startReferenceServer; cli.ts: `wiregrade serve`; main.ts: run it directly
 */
export { startReferenceServer, serverUrl, type ReferenceServer, type ReferenceServerOptions } from './server.js';
export { runServeCli, parseServeArgs, type ServeCliIo } from './cli.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { DataFileError } from './data-file.js';
