import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { probeAlive } from '../../src/runner/liveness.js';

/**
 * The liveness probe of `fuzz` on a connection reset before any byte: a server on its way out resets
 * the connections in its listen queue (then refuses), and must be found gone, not alive; a server that
 * resets such requests but goes on listening is alive.
 */
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A listener that resets every connection it accepts; with `thenClose`, it stops listening at the first one. */
function resetting(thenClose: boolean): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      c.resetAndDestroy();
      if (thenClose) srv.close();
    });
    servers.push(srv); // closed after the test, also when it never got its first connection
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
  });
}

describe('probeAlive after a reset with no answer', () => {
  it('finds a server that reset the probe and then stopped listening gone (refused)', async () => {
    const port = await resetting(true);
    expect(await probeAlive({ host: '127.0.0.1', port }, referenceProfile, 1000)).toBe('refused');
  });

  it('finds a server that resets the probe but keeps listening alive', async () => {
    const port = await resetting(false);
    expect(await probeAlive({ host: '127.0.0.1', port }, referenceProfile, 1000)).toBeNull();
  });
});
