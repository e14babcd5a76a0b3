import { citeOf } from '../../src/checks/types.js';
import { describe, expect, it } from 'vitest';
import { referenceTarget } from '../helpers/target.js';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { referenceProfile } from '../../src/model/builtin-profiles.js';
import { applies } from '../../src/model/profile-policy.js';
import { allProperties } from '../../properties/index.js';


describe('the catalogue', () => {
  const target = referenceTarget();
  it('has at least 120 checks with unique slug ids, a level, a requirement and a cite', () => {
    expect(allChecks.length).toBeGreaterThanOrEqual(120);
    const ids = [...allChecks, ...allProperties].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of allChecks) {
      expect(c.id).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
      expect(['MUST', 'SHOULD', 'MAY']).toContain(c.level);
      expect(c.requirement.length).toBeGreaterThan(20);
      expect(c.cite ?? citeOf(c.source), c.id).toBeTruthy();
    }
  });

  it('is passed in full by the reference server, strict included (the other assignments\' checks are skipped)', async () => {
    const result = await runChecks({ target: target(), checks: allChecks, profile: referenceProfile, timeoutMs: 2000, seed: 1, strict: true });
    const notPassed = result.checks.filter((c) => c.verdict !== 'pass' && !(c.verdict === 'skip' && !applies(allChecks.find((x) => x.id === c.id)!, referenceProfile)));
    expect(notPassed.map((c) => `${c.id}: ${c.verdict}: ${c.reason}`)).toEqual([]);
    expect(result.checks).toHaveLength(allChecks.length);
    // Every check written for the reference protocol or for no assignment in particular ran and passed.
    expect(result.checks.filter((c) => c.verdict === 'pass').length).toBe(allChecks.filter((c) => applies(c, referenceProfile)).length);
  });
});
