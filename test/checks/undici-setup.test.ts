/**
 * A real-client check that needs a record first (wire.undici.accepts-record, accepts-204) and could not
 * create it is `blocked`, and its result carries the POST and what the server sent to it: the report
 * shows why, not only that (until session 24 it carried no exchange).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { response, runAgainst, startScripted, type Scripted } from './peer-scripted.js';

let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a real-client check whose record could not be created', () => {
  for (const id of ['wire.undici.accepts-record', 'wire.undici.accepts-204']) {
    it(`${id}: blocked, with the POST and the server's answer to it`, async () => {
      server = await startScripted({ reply: response(500, 'Internal Server Error', ['Connection: close']), close: true });
      const check = allChecks.find((c) => c.id === id)!;
      const run = await runAgainst(check, server.port, referenceProfile);
      expect(run.verdict).toBe('blocked');
      expect(run.reason).toMatch(/^not judged: creating \/\S+ got .*500/);
      expect(run.request?.methods).toEqual(['POST']);
      expect(run.exchanges).toHaveLength(1);
      expect(run.exchanges[0]!.finals[0]?.status).toBe(500);
      // undici itself was never asked: the only connection was the POST's.
      expect(server.received).toHaveLength(1);
      expect(server.received[0]).toMatch(/^POST \//);
    });
  }
});
