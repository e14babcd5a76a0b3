/**
 * Grade a zoo server as `wiregrade grade` would a submission: a folder made from the server (with the
 * shared base inside it), the reference profile, the fixed grading seed.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import type { Check } from '../../src/checks/types.js';
import type { PropertyDef } from '../../src/checks/property.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { gradeSubmission } from '../../src/runner/grade.js';
import type { GradeResult } from '../../src/runner/grade-types.js';
import { DEFAULT_LIMITS } from '../../src/supervise/limits.js';
import { freePort } from '../../src/supervise/launch.js';
import { ZOO_SERVERS_DIR } from '../zoo/manifest.js';
import { START_MS } from './env.js';

export interface ZooGrade {
  checks: readonly Check[];
  properties?: readonly PropertyDef<any>[];
  runs?: number;
  serial?: boolean;
  /** The wall-time limit of the grade (the default limits' otherwise). */
  wallMs?: number;
}

/** Grades zoo server `slug` from a folder made under `into` (a scratch folder the caller removes). */
export async function gradeZoo(slug: string, into: string, o: ZooGrade): Promise<GradeResult> {
  const dir = path.join(into, slug);
  cpSync(path.join(ZOO_SERVERS_DIR, slug), dir, { recursive: true });
  cpSync(path.join(ZOO_SERVERS_DIR, '_lib'), path.join(dir, '_lib'), { recursive: true });
  return gradeSubmission({
    submission: slug,
    cmd: 'python3 server.py {port}',
    dir,
    port: await freePort(),
    profile: profiles.reference!,
    checks: o.checks,
    properties: o.properties ?? [],
    seed: 20261121,
    runs: o.runs ?? 0,
    timeoutMs: 2000,
    strict: false,
    ...(o.serial ? { serial: true } : {}),
    limits: o.wallMs !== undefined ? { ...DEFAULT_LIMITS, wallMs: o.wallMs } : DEFAULT_LIMITS,
    sandbox: false,
    startTimeoutMs: START_MS,
  });
}
