import { citeOf } from '../../src/checks/types.js';
import { describe, expect, inject, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { runChecks } from '../../src/runner/run-checks.js';
import { applies, referenceProfile } from '../../src/model/profile.js';
import { allProperties } from '../../src/checks/properties/index.js';

function target() {
  const t = inject('wiregradeTarget');
  const i = t.lastIndexOf(':');
  return { host: t.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(t.slice(i + 1)) };
}

describe('the catalogue', () => {
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
