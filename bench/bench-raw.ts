/**
 * The raw loopback loop `npm run bench` compares the fuzzer with: on node:net directly, open a
 * connection, send one valid GET, read the answer to its end (the head, then Content-Length bytes of
 * body), close our side and wait for the server to close too, as the grader's polite close does. No
 * parsing beyond finding the end: this is the floor a grader cannot go below on this machine.
 */
import net from 'node:net';

export interface RawLoopResult {
  requests: number;
  /** Requests that did not end with a complete response (each counts in `requests` too). */
  errors: number;
  ms: number;
  perSecond: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One request on a fresh connection; resolves true when a complete response came back. */
function once(host: string, port: number, bytes: Buffer, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, noDelay: true });
    let buf: Buffer = Buffer.alloc(0);
    let complete = false;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      if (complete) return;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const end = buf.indexOf(HEAD_END);
      if (end < 0) return;
      const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
      const length = m ? Number(m[1]) : 0;
      if (buf.length >= end + 4 + length) {
        complete = true;
        socket.end(); // our FIN; the answer counts once the server has closed too
      }
    });
    socket.on('close', () => finish(complete));
    socket.on('error', () => finish(false));
  });
}

/**
 * `requests` requests, `concurrency` at a time (each worker one after another), against host:port.
 */
export async function rawLoop(host: string, port: number, opts: { requests: number; concurrency: number; target: string; timeoutMs?: number }): Promise<RawLoopResult> {
  const bytes = Buffer.from(`GET ${opts.target} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 'latin1');
  let next = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.requests) {
      next++;
      if (!(await once(host, port, bytes, opts.timeoutMs ?? 2000))) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const ms = performance.now() - t0;
  return { requests: opts.requests, errors, ms: Math.round(ms), perSecond: opts.requests / (ms / 1000) };
}
