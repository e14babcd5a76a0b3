/**
 * The class as its own oracle (issue 24): for each probe where a clear majority of the class gives the
 * same signature (at least `threshold` of the submissions that answered it, and at least `minAgree` of
 * them), each submission that differs gets a finding with its answer and the majority's. Probes where the
 * class splits are listed as disagreements (where the assignment is ambiguous). Findings of one
 * submission that differ from the majority in the same way (the same aspect, the same two values) are
 * one root cause: the first probe carries it, the others name it as their root. Submissions that agree
 * on every probe form a cluster. Pure and deterministic: the same signatures give the same outcome.
 */
import type { ClassProbe } from './class-probes.js';
import type { SubmissionSignatures } from './class-run.js';
import { aspectValue, firstDifference, signatureKey, type Aspect, type ProbeSignature } from './class-signature.js';

export interface ClassThresholds {
  /** The part of the class that must agree for a majority (0.7 by default). */
  threshold: number;
  /** The fewest submissions a majority has. */
  minAgree: number;
  /** The smallest class that has a class phase. */
  minClass: number;
}

export const CLASS_THRESHOLDS: ClassThresholds = { threshold: 0.7, minAgree: 4, minClass: 5 };

export interface ClassFinding {
  submission: string;
  probe: string;
  label: string;
  /** The first part of the signature that differs. */
  aspect: Aspect;
  yours: ProbeSignature;
  majority: ProbeSignature;
  /** How many submissions give the majority's signature, of how many signed this probe. */
  agree: number;
  of: number;
  /** Set when this finding is a consequence: the probe of the submission's first finding that differs the same way. */
  rootProbe?: string;
}

export interface SignatureGroup {
  signature: ProbeSignature;
  members: string[];
}

/** A probe on which no signature reaches the threshold, and at least two groups are sizeable. */
export interface Disagreement {
  probe: string;
  label: string;
  groups: SignatureGroup[];
}

export interface ClassOutcome {
  thresholds: ClassThresholds;
  /** The submissions with signatures (graded ones that started), in name order. */
  submissions: string[];
  probes: number;
  findings: ClassFinding[];
  disagreements: Disagreement[];
  /** Submissions with the same signature on every probe, largest first. */
  clusters: string[][];
}

const counted = (s: ProbeSignature | undefined): s is ProbeSignature => s !== undefined && s.answer.kind !== 'not-run';

/** The groups of submissions with the same signature for one probe, largest first (ties: first member's name). */
export function signatureGroups(probe: string, classSigs: readonly SubmissionSignatures[]): SignatureGroup[] {
  const groups = new Map<string, SignatureGroup>();
  for (const s of classSigs) {
    const sig = s.signatures[probe];
    if (!counted(sig)) continue;
    const k = signatureKey(sig);
    const g = groups.get(k);
    if (g) g.members.push(s.submission);
    else groups.set(k, { signature: sig, members: [s.submission] });
  }
  return [...groups.values()].sort((a, b) => b.members.length - a.members.length || (a.members[0]! < b.members[0]! ? -1 : 1));
}

/** The majority group of a probe, when there is a clear one. */
export function majorityOf(groups: readonly SignatureGroup[], t: ClassThresholds): SignatureGroup | null {
  const n = groups.reduce((s, g) => s + g.members.length, 0);
  const top = groups[0];
  if (!top || n < t.minClass) return null;
  return top.members.length >= t.minAgree && top.members.length / n >= t.threshold ? top : null;
}

/** Outliers, disagreements and clusters of a class. `probes` in the order they were sent. */
export function classOutliers(probes: readonly ClassProbe[], signatures: readonly SubmissionSignatures[], thresholds: ClassThresholds = CLASS_THRESHOLDS): ClassOutcome {
  const classSigs = [...signatures].sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0));
  const findings: ClassFinding[] = [];
  const disagreements: Disagreement[] = [];
  if (classSigs.length >= thresholds.minClass) {
    for (const p of probes) {
      const groups = signatureGroups(p.id, classSigs);
      const n = groups.reduce((s, g) => s + g.members.length, 0);
      const major = majorityOf(groups, thresholds);
      if (major === null) {
        const sizeable = groups.filter((g) => g.members.length >= Math.max(2, Math.ceil(n * 0.2)));
        if (n >= thresholds.minClass && sizeable.length >= 2) disagreements.push({ probe: p.id, label: p.label, groups });
        continue;
      }
      for (const g of groups) {
        if (g === major) continue;
        for (const sub of g.members) {
          findings.push({ submission: sub, probe: p.id, label: p.label, aspect: firstDifference(g.signature, major.signature)!, yours: g.signature, majority: major.signature, agree: major.members.length, of: n });
        }
      }
    }
  }
  // Root causes: per submission, the first finding that differs a given way carries it.
  const order = new Map(probes.map((p, i) => [p.id, i]));
  findings.sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : order.get(a.probe)! - order.get(b.probe)!));
  const roots = new Map<string, string>();
  for (const f of findings) {
    const way = `${f.submission}\u0000${f.aspect}\u0000${differenceOf(f)}`;
    const root = roots.get(way);
    if (root === undefined) roots.set(way, f.probe);
    else f.rootProbe = root;
  }
  // Clusters: the same signature on every probe.
  const byVector = new Map<string, string[]>();
  for (const s of classSigs) {
    const v = probes.map((p) => (counted(s.signatures[p.id]) ? signatureKey(s.signatures[p.id]!) : '-')).join('\n');
    byVector.set(v, [...(byVector.get(v) ?? []), s.submission]);
  }
  const clusters = [...byVector.values()].sort((a, b) => b.length - a.length || (a[0]! < b[0]! ? -1 : 1));
  return { thresholds, submissions: classSigs.map((s) => s.submission), probes: probes.length, findings, disagreements, clusters };
}

/**
 * How a finding differs, as a short string: the two values of its aspect; for an earlier step, the
 * first step that differs (`201→200`), so a create answered 200 is one root cause in every sequence.
 */
export function differenceOf(f: Pick<ClassFinding, 'aspect' | 'yours' | 'majority'>): string {
  if (f.aspect === 'setup') {
    const i = f.majority.setup.findIndex((m, k) => f.yours.setup[k] !== m);
    const at = i < 0 ? f.majority.setup.length : i;
    return `${f.majority.setup[at] ?? '-'}→${f.yours.setup[at] ?? '-'}`;
  }
  return `${aspectValue(f.majority, f.aspect)}→${aspectValue(f.yours, f.aspect)}`;
}

/** A submission's findings that are root causes (not consequences of another), in probe order. */
export function rootFindings(outcome: ClassOutcome, submission: string): ClassFinding[] {
  return outcome.findings.filter((f) => f.submission === submission && f.rootProbe === undefined);
}
