/**
 * The runner's tests without a network: an exchange of a given outcome, and a server "process" that is
 * dead from kill() until the next restart, recording each death and restart.
 */
import type { Exchange, OutcomeKind } from '../../src/client/exchange.js';
import type { DeathRecord, ServerControl } from '../../src/runner/scheduler.js';

export function ex(kind: OutcomeKind, receivedBytes = kind === 'response' ? 40 : 0): Exchange {
  return { kind, responses: [], finals: [], partial: null, connection: 'closed', sentBytes: 10, receivedBytes, elapsedMs: 1, transcript: [] };
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
