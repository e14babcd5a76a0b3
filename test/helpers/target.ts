import { afterAll, beforeAll, inject } from 'vitest';
import { startReferenceServer } from '../../reference-server/index.js';
import { parseTarget } from '../../src/cli/args.js';
import type { Endpoint } from '../../src/wire/types.js';

/**
 * The server a file's tests judge as "the reference server": WIREGRADE_TARGET when it is set (see
 * test/setup/target.ts), else a reference server of the file's own, started before its tests and closed
 * after. Not one shared by every file: test files run side by side, and another file's records would
 * change a shared server's listing between a check's two requests.
 */
export function referenceTarget(): () => Endpoint {
  let endpoint: Endpoint | null = null;
  let close: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    const given = inject('wiregradeTarget');
    if (given) {
      endpoint = parseTarget(given);
      return;
    }
    const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    endpoint = { host: server.host, port: server.port };
    close = () => server.close();
  });
  afterAll(async () => {
    await close?.();
  });
  return () => {
    if (!endpoint) throw new Error('the reference target is set up in beforeAll');
    return endpoint;
  };
}
