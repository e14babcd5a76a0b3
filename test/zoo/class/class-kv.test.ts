/**
 * Issue 24's acceptance, on the profile zoo's key-value servers: a class of a course that teaches routes
 * in the Host header, probed under `any` only (no assignment profile), names the Host-routed bugs (the
 * route in the Host header ignored; a death on a Host without a route) and the lost update of an
 * unlocked store, which `any` cannot see; and the profile proposed from the class's correct part grades
 * the correct servers at full marks and fails each buggy one.
 */
import { mkdtempSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyProfile, profiles } from '../../../src/model/builtin-profiles.js';
import { loadProfileFile } from '../../../src/model/profile-file.js';
import { classProbes } from '../../../src/runner/class-probes.js';
import { probeSubmission, type SubmissionSignatures } from '../../../src/runner/class-run.js';
import { classOutliers, type ClassOutcome } from '../../../src/runner/class-outliers.js';
import { proposeProfile } from '../../../src/runner/class-propose.js';
import { gradeSubmission } from '../../../src/runner/grade.js';
import { catalogue, properties, selectChecks } from '../../../src/cli/catalogue.js';
import { DEFAULT_LIMITS } from '../../../src/supervise/limits.js';
import { freePort } from '../../../src/supervise/launch.js';
import { profileZooServer } from '../profiles/manifest.js';
import { START_MS } from '../../helpers/env.js';
import { eachRunning, kvClass } from './harness.js';

const SEED = 24;
const set = classProbes(anyProfile('/'), SEED);
const members = kvClass();
let sigs: SubmissionSignatures[] = [];
let outcome: ClassOutcome;
const made: string[] = [];

beforeAll(async () => {
  sigs = await eachRunning(members, 8, (m) => probeSubmission(m.member.name, m.target, set, { control: m.control }));
  outcome = classOutliers(set.probes, sigs);
}, 180_000);

afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const findingsOf = (name: string) => outcome.findings.filter((f) => f.submission === name);

describe('the key-value class under any: the class finds what any cannot', () => {
  it('the correct servers (path-or-Host and Host-only) get no class finding', () => {
    for (const m of members.filter((x) => x.correct)) expect(findingsOf(m.name), m.name).toEqual([]);
  });

  it('the route in the Host header ignored: the Host-routed create is answered 404 where the class answers 201', () => {
    for (const name of ['host-route-ignored-1', 'host-route-ignored-2']) {
      const f = findingsOf(name).find((x) => x.probe === 'route.kv-host.create-read' && x.rootProbe === undefined);
      expect(f, name).toBeDefined();
      expect(f!.majority.setup).toEqual(['201']);
      expect(f!.yours.setup).toEqual(['404']);
      expect(f!.label).toContain('Host: 127.0.0.1/create');
    }
  });

  it('a death on a Host without a route: one root finding, the death, on the first plain request', () => {
    for (const name of ['host-routed-crash-1', 'host-routed-crash-2']) {
      const roots = findingsOf(name).filter((x) => x.rootProbe === undefined);
      expect(roots.map((r) => r.aspect), name).toEqual(['death']);
      expect(roots[0]!.probe).toBe('fixed.get-known');
    }
  });

  it('the lost update: eight creates at once through the Host route, and only some read back', () => {
    for (const name of ['json-store-unlocked-1', 'json-store-unlocked-2']) {
      const f = findingsOf(name).find((x) => x.probe === 'route.kv-host.concurrent');
      expect(f, name).toBeDefined();
      expect(f!.majority.readBack).toBe('all');
      expect(f!.yours.readBack).not.toBe('all');
    }
  });

  it('the update that creates: an update of an absent key answered 200 where the class answers 400', () => {
    for (const name of ['update-creates-1', 'update-creates-2']) {
      const f = findingsOf(name).find((x) => x.probe === 'route.kv-host.replace-absent');
      expect(f?.majority.answer.status, name).toBe(400);
      expect(f?.yours.answer.status, name).toBe(200);
    }
  });

  it('deterministic: the same signatures give the same findings, and one submission compared alone with the saved class gets the same', () => {
    const again = classOutliers(set.probes, [...sigs].reverse());
    expect(again.findings).toEqual(outcome.findings);
    const late = sigs.find((s) => s.submission === 'update-creates-2')!;
    const alone = classOutliers(set.probes, [...sigs.filter((s) => s !== late), JSON.parse(JSON.stringify(late)) as SubmissionSignatures]);
    expect(alone.findings.filter((f) => f.submission === late.submission)).toEqual(findingsOf(late.submission));
  });
});

/** A submission folder made from a key-value zoo server, `_lib` and `_common` inside it. */
function submission(slug: string): string {
  const z = profileZooServer('key-value', slug);
  const root = mkdtempSync(path.join(tmpdir(), 'wg-class-kv-'));
  made.push(root);
  cpSync(z.dir, root, { recursive: true });
  cpSync(z.lib, path.join(root, '_lib'), { recursive: true });
  cpSync(z.common, path.join(root, '_common'), { recursive: true });
  return root;
}

describe('--propose-profile on the correct part of the class', () => {
  it('proposes the Host routes with the majority statuses, which grade the correct servers at full marks and fail each buggy one', async () => {
    const correct = sigs.filter((s) => members.find((m) => m.name === s.submission)!.correct);
    const file = proposeProfile(set, correct, 'kv-class');
    expect(file).not.toBeNull();
    expect(file!.baseline).toEqual({ method: 'GET', target: '/', host: '127.0.0.1/index.html', status: [200] });
    expect(file!.operations?.create).toMatchObject({ method: 'POST', target: '/', host: '127.0.0.1/create', status: [201] });
    expect(file!.operations?.replace).toMatchObject({ host: '127.0.0.1/update', status: [200], otherwise: [400] });
    const dir = mkdtempSync(path.join(tmpdir(), 'wg-class-prop-'));
    made.push(dir);
    const pf = path.join(dir, 'kv-class.json');
    writeFileSync(pf, JSON.stringify(file, null, 2));
    const profile = await loadProfileFile(pf, profiles);
    const { checks, properties: props } = selectChecks(catalogue(), [], properties());
    const grades = await Promise.all(
      ['correct', 'host-routed', 'host-route-ignored', 'host-routed-crash', 'json-store-unlocked', 'update-creates'].map(async (slug) => {
        const scratchRoot = mkdtempSync(path.join(tmpdir(), 'wg-class-scr-'));
        made.push(scratchRoot);
        const g = await gradeSubmission({
          submission: slug, cmd: 'python3 server.py {port}', dir: submission(slug), port: await freePort(), profile, checks, properties: props,
          seed: 1, runs: 5, timeoutMs: 2000, strict: false, limits: { ...DEFAULT_LIMITS, wallMs: 120_000 }, sandbox: false, startTimeoutMs: START_MS, scratchRoot,
        });
        return [slug, g] as const;
      }),
    );
    for (const [slug, g] of grades) {
      const failed = g.run.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'blocked').map((c) => c.id);
      if (slug === 'correct' || slug === 'host-routed') expect({ slug, failed, score: g.score.points }).toEqual({ slug, failed: [], score: g.score.max });
      else expect(g.score.points, `${slug} fails: ${failed.join(', ')}`).toBeLessThan(g.score.max);
    }
    console.log(grades.map(([slug, g]) => `${slug}: ${g.score.points}/${g.score.max}; fails ${g.run.checks.filter((c) => c.verdict === 'fail' && c.rootCause === undefined).map((c) => c.id).join(', ') || 'nothing'}`).join('\n'));
  }, 240_000);
});
