/**
 * The answer the majority gives, as a profile (issue 24, `--propose-profile`): of the probed shapes of
 * an assignment (the profile's operations, or the common ones), the one whose create-then-read the
 * class's majority reads back, with the statuses that majority answers to each operation, and the
 * baseline it answers. Pure: from signatures to a proposal; src/model checks it against the schema.
 */
import type { Operation, Operations } from '../model/profile.js';
import { proposedProfileFile, type ProposedProfile } from '../model/class-profile.js';
import type { ProfileFile } from '../model/profile-file.js';
import type { ProbeSet } from './class-probes.js';
import type { SubmissionSignatures } from './class-run.js';
import { majorityOf, signatureGroups, CLASS_THRESHOLDS, type ClassThresholds } from './class-outliers.js';
import type { ProbeSignature } from './class-signature.js';

const ok = (s: string | number | undefined): boolean => /^2\d\d$/.test(String(s ?? ''));

function majority(probeId: string, sigs: readonly SubmissionSignatures[], t: ClassThresholds): { sig: ProbeSignature; size: number } | null {
  const m = majorityOf(signatureGroups(probeId, sigs), t);
  return m ? { sig: m.signature, size: m.members.length } : null;
}

const status = (s: ProbeSignature): number | undefined => (s.answer.kind === 'answer' ? s.answer.status : undefined);
const single = (stage: string | undefined): number | undefined => (stage !== undefined && /^\d{3}$/.test(stage) ? Number(stage) : undefined);

/** The statuses of one operation: the majority's, where it is one status. */
function withStatus(op: Operation, s: number, otherwise?: number): Operation {
  const out: Operation = { ...op, status: [s] };
  delete (out as { otherwise?: unknown }).otherwise;
  if (otherwise !== undefined && otherwise !== s) out.otherwise = [otherwise];
  return out;
}

/**
 * A profile file from the class's majority, or null when no shape's create-then-read has a majority
 * that reads the value back (the proposal then has nothing to say about records, and the baseline alone
 * is proposed when the class agrees on it).
 */
export function proposeProfile(set: ProbeSet, sigs: readonly SubmissionSignatures[], name: string, t: ClassThresholds = CLASS_THRESHOLDS): ProfileFile | null {
  let best: { shape: (typeof set.shapes)[number]; size: number; create: number; read: number } | null = null;
  for (const shape of set.shapes) {
    const m = majority(`route.${shape.name}.create-read`, sigs, t);
    if (!m || m.sig.readBack !== 'all') continue;
    const create = single(m.sig.setup[0]);
    const read = status(m.sig);
    if (!ok(create) || !ok(read)) continue;
    if (!best || m.size > best.size) best = { shape, size: m.size, create: create!, read: read! };
  }
  const known = majority('fixed.get-known', sigs, t);
  const knownStatus = known ? status(known.sig) : undefined;
  const probe0 = set.probes.find((p) => p.id === 'fixed.get-known');
  const knownTarget = probe0 ? (Buffer.from(probe0.final[0]!.bytes).toString('latin1').split(' ')[1] ?? '/') : '/';
  if (!best) {
    if (knownStatus === undefined || !(knownStatus >= 200 && knownStatus < 400)) return null;
    return proposedProfileFile({ name, extends: 'any', description: `proposed from ${sigs.length} submissions: the baseline only (no record operations the majority reads back)`, baseline: { method: 'GET', target: knownTarget, status: knownStatus } });
  }
  const { ops } = best.shape;
  const twice = majority(`route.${best.shape.name}.create-twice`, sigs, t);
  const absent = majority(`route.${best.shape.name}.read-absent`, sigs, t);
  const twiceStatus = twice ? status(twice.sig) : undefined;
  const out: Operations = {
    body: ops.body,
    ...(ops.contentType ? { contentType: ops.contentType } : {}),
    // A create of a name that exists: only an error status says something (an overwrite is the model's own business).
    create: withStatus(ops.create, best.create, twiceStatus !== undefined && twiceStatus >= 400 ? twiceStatus : undefined),
    read: withStatus(ops.read, best.read, absent && absent.sig.readBack !== 'all' ? status(absent.sig) : undefined),
  };
  if (ops.replace) {
    const m = majority(`route.${best.shape.name}.replace-read`, sigs, t);
    const s = m && m.sig.readBack === 'all' ? single(m.sig.setup[1]) : undefined;
    if (ok(s)) {
      const a = majority(`route.${best.shape.name}.replace-absent`, sigs, t);
      const as = a ? status(a.sig) : undefined;
      out.replace = withStatus(ops.replace, s!, as !== undefined && as >= 400 ? as : undefined);
    }
  }
  if (ops.append) {
    const m = majority(`route.${best.shape.name}.append-read`, sigs, t);
    const s = m && m.sig.readBack === 'all' ? single(m.sig.setup[1]) : undefined;
    if (ok(s)) out.append = withStatus(ops.append, s!);
  }
  if (ops.delete) {
    const m = majority(`route.${best.shape.name}.delete-read`, sigs, t);
    const s = m && m.sig.readBack === 'none' ? single(m.sig.setup[1]) : undefined;
    if (ok(s)) out.delete = withStatus(ops.delete, s!);
  }
  // The baseline: the read when it names no record (a listing), else the known path as the class answers it.
  const readNamesRecord = [ops.read.target, ops.read.host ?? ''].some((x) => x.includes('{name}'));
  const baseline: ProposedProfile['baseline'] = !readNamesRecord
    ? { method: ops.read.method, target: ops.read.target, ...(ops.read.host !== undefined ? { host: ops.read.host } : {}), status: best.read }
    : { method: 'GET', target: knownTarget, status: knownStatus ?? 200 };
  return proposedProfileFile({ name, extends: best.shape.assignment, description: `proposed from the majority of ${sigs.length} submissions (the ${best.shape.name} shape, read back by ${best.size})`, baseline, operations: out });
}
