/**
 * The runner's tests without a network: an exchange of a given outcome (or answered in a given time),
 * and a server "process" that is dead from kill() until the next restart, recording each death and
 * restart.
 */
import type { Exchange, OutcomeKind } from '../../src/client/exchange.js';
import type { DeathRecord, ServerControl } from '../../src/runner/scheduler.js';
import { ResponseParser } from '../../src/http1/response-parser.js';
import { latin1 } from '../../src/wire/bytes.js';

export function ex(kind: OutcomeKind, receivedBytes = kind === 'response' ? 40 : 0): Exchange {
  return { kind, responses: [], finals: [], partial: null, connection: 'closed', sentBytes: 10, receivedBytes, elapsedMs: 1, transcript: [] };
}

/** An exchange answered with one complete final response of this status (a server that served it, or not). */
export function served(status = 200): Exchange {
  const p = new ResponseParser();
  p.expect('GET');
  const finals = p.feed(latin1(`HTTP/1.1 ${status} X\r\nContent-Length: 0\r\n\r\n`));
  return { ...ex('response'), responses: finals, finals };
}

/** An answered exchange whose first byte came `ms` after the request's last byte (the pace, firstByteMs). */
export function answeredIn(ms: number): Exchange {
  return {
    ...ex('response'),
    elapsedMs: ms + 1,
    transcript: [
      { dir: 'sent', atMs: 1, bytes: new Uint8Array(10) },
      { dir: 'received', atMs: 1 + ms, bytes: new Uint8Array(40) },
    ],
  };
}

export type FakeServer = ServerControl & { kill(): void; deaths: DeathRecord[]; restarts: number };

/** A process that is "dead" from `kill()` until the next restart. */
export function fakeServer(): FakeServer {
  let dead = false;
  const deaths: DeathRecord[] = [];
  return {
    deaths,
    restarts: 0,
    kill() {
      dead = true;
    },
    exited: () => (dead ? { code: 1, signal: null } : null),
    async restart() {
      dead = false;
      this.restarts++;
      return { ok: true };
    },
    onDeath: (d) => void deaths.push(d),
  };
}
