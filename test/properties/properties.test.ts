import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../reference-server/index.js';
import { allProperties } from '../../properties/index.js';
import { runProperty } from '../../src/runner/run-properties.js';
import type { Profile } from '../../src/model/profile.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { referenceTarget } from '../helpers/target.js';

/** The reference protocol written as a profile file's operations, for store.prop.operations. */
const referenceAsOperations: Profile = {
  ...referenceProfile,
  capabilities: [...referenceProfile.capabilities, 'operations'],
  operations: {
    body: 'json-object',
    create: { method: 'POST', target: '/{name}', status: [201], otherwise: [409] },
    read: { method: 'GET', target: '/{name}', status: [200], otherwise: [404] },
    append: { method: 'PATCH', target: '/{name}', status: [200], otherwise: [404] },
    delete: { method: 'DELETE', target: '/{name}', status: [204], otherwise: [404] },
  },
};

/**
 * Every property, defined once in properties/, run here against WIREGRADE_TARGET (or the bundled
 * reference server): each must hold. Modest run counts keep `npm test` quick; `npm run bench` and
 * `wiregrade fuzz --runs 1000` run the large ones. The seed is fixed (WIREGRADE_SEED overrides it) so a
 * failure here replays with `wiregrade fuzz --seed S --path P --checks ID`.
 */
const seed = Number(process.env.WIREGRADE_SEED ?? 20261121);
const runs = Number(process.env.WIREGRADE_RUNS ?? 20);

describe(`properties against ${process.env.WIREGRADE_TARGET ?? 'a reference server'} (seed ${seed}, ${runs} runs each)`, () => {
  const target = referenceTarget();
  // The differential property's oracle: a second reference server, which must agree with the target.
  let oracle: Awaited<ReturnType<typeof startReferenceServer>>;
  beforeAll(async () => {
    oracle = await startReferenceServer({ port: 0 });
  });
  afterAll(() => oracle.close());

  for (const p of allProperties) {
    it(p.id, async () => {
      const o = await runProperty(p, { target: target(), profile: p.needs === 'operations' ? referenceAsOperations : referenceProfile, timeoutMs: 2000, seed, runs, oracle: { host: oracle.host, port: oracle.port } });
      expect(o.result.verdict, `${o.result.reason} ${JSON.stringify(o.result.property ?? {})}`).toBe('pass');
      expect(o.result.runs).toBeGreaterThan(0);
    });
  }
});
