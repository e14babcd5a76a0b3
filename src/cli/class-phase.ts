/**
 * The class phase of `grade` (issue 24), wired in: while each submission's server runs (before its
 * session), the class's probe set goes to it; once every submission is graded, the class's outliers
 * become `class.*` results in each student's run (warnings worth nothing by default; `--class-weight W`
 * makes each root finding a failure worth W points), the class page is written, and on request the
 * proposed profile and the class signatures (which a late submission, graded alone, is compared with).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../model/profile.js';
import type { GradeOptions } from '../runner/grade.js';
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { classProbes, type ProbeSet } from '../runner/class-probes.js';
import { probeSubmission, type SubmissionSignatures } from '../runner/class-run.js';
import { classOutliers, CLASS_THRESHOLDS, type ClassFinding, type ClassOutcome, type ClassThresholds } from '../runner/class-outliers.js';
import { proposeProfile } from '../runner/class-propose.js';
import { familyScores, scoreRun } from '../runner/score.js';
import { describeAnswer, findingSentence } from '../reporters/class-findings.js';
import { renderClassPage } from '../reporters/class-page.js';
import { submissionSlugs } from '../reporters/slug.js';
import { writeFileAtomic } from '../util/write-file.js';
import { parseInteger } from './args.js';
import { UsageError, type CliIO } from './io.js';

export interface ClassFlags {
  /** false with --no-class. */
  class?: boolean;
  classThreshold?: string;
  classWeight?: string;
  classPage?: string;
  classSignatures?: string;
  proposeProfile?: string;
  report?: string;
}

/** What the signatures file holds: enough to compare a late submission with the same probes. */
interface SignaturesFile {
  wiregradeClassSignatures: 1;
  seed: number;
  profile: string;
  probes: string[];
  submissions: SubmissionSignatures[];
}

/** The check id of a probe's class finding. */
export const classCheckId = (probe: string): string => `class.${probe}`;

/** A class finding as a result in the student's run: a warning worth nothing, or a failure worth `weight`. */
export function classResult(f: ClassFinding, weight: number): CheckResult {
  const r: CheckResult = {
    id: classCheckId(f.probe),
    family: 'assignment',
    level: weight > 0 ? 'MUST' : 'SHOULD',
    requirement: `Answer \`${f.label}\` as the class's clear majority does.`,
    source: { profile: 'class', note: `the class's own majority (${f.agree} of ${f.of} submissions), not the RFC: a difference is usually a bug, unless most of the class shares one` },
    verdict: weight > 0 ? 'fail' : 'warn',
    runs: 1,
    failures: 1,
    durationMs: 0,
    weight,
    reason: findingSentence(f),
    expected: [describeAnswer(f.majority, f.aspect)],
    actual: describeAnswer(f.yours, f.aspect),
  };
  if (f.rootProbe !== undefined) r.rootCause = classCheckId(f.rootProbe);
  return r;
}

export interface ClassPhase {
  /** What each submission's grade adds: the probes, sent before its session. */
  gradeOptions(name: string): Pick<GradeOptions, 'beforeSession'>;
  /** After every grade: findings into the results, then the page, the proposal and the signatures (it says what it wrote). */
  finish(results: GradeResult[]): Promise<void>;
}

function parsePercent(text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n > 50 && n <= 100)) throw new UsageError(`--class-threshold must be a percentage above 50 and at most 100, not '${text}'`);
  return n / 100;
}

async function loadSignatures(file: string, set: ProbeSet, profile: Profile): Promise<SubmissionSignatures[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`cannot read --class-signatures ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: SignaturesFile;
  try {
    data = JSON.parse(text) as SignaturesFile;
  } catch {
    throw new UsageError(`--class-signatures ${file} is not a class signatures file (not JSON)`);
  }
  if (data.wiregradeClassSignatures !== 1 || !Array.isArray(data.submissions)) throw new UsageError(`--class-signatures ${file} is not a class signatures file`);
  if (data.seed !== set.seed || data.profile !== profile.name || data.probes.join('\n') !== set.probes.map((p) => p.id).join('\n')) {
    throw new UsageError(`--class-signatures ${file} was made with another seed or profile (seed ${data.seed}, profile ${data.profile}); grade with --seed ${data.seed} --profile ${data.profile} to compare with it`);
  }
  return data.submissions;
}

/**
 * The class phase, or null when there is none: turned off (`--no-class`), or fewer than five
 * submissions and no saved class to compare with.
 */
export async function classPhase(flags: ClassFlags, profile: Profile, count: number, seed: number, io: CliIO): Promise<ClassPhase | null> {
  if (flags.class === false) return null;
  const thresholds: ClassThresholds = { ...CLASS_THRESHOLDS, ...(flags.classThreshold !== undefined ? { threshold: parsePercent(flags.classThreshold) } : {}) };
  const weight = flags.classWeight === undefined ? 0 : parseInteger('--class-weight', flags.classWeight, 0, 1000);
  for (const [flag, file] of [['--propose-profile', flags.proposeProfile], ['--class-page', flags.classPage], ['--class-signatures', flags.classSignatures]] as const) {
    // The class page may go in the --report folder, which grade makes.
    const inReport = flag === '--class-page' && flags.report !== undefined && path.dirname(path.resolve(file ?? '')) === path.resolve(flags.report);
    if (file !== undefined && !inReport && !(await fs.stat(path.dirname(path.resolve(file))).catch(() => null))?.isDirectory()) throw new UsageError(`cannot write ${flag} ${file}: the directory ${path.dirname(path.resolve(file))} does not exist`);
  }
  if (flags.proposeProfile !== undefined && !/\.json$/i.test(flags.proposeProfile)) throw new UsageError(`--propose-profile ${flags.proposeProfile} must end in .json (a profile file)`);
  const set = classProbes(profile, seed);
  const saved = flags.classSignatures ? await loadSignatures(flags.classSignatures, set, profile) : [];
  if (count + saved.length < thresholds.minClass) return null;
  const signed = new Map<string, SubmissionSignatures>();
  return {
    gradeOptions: (name) => ({
      beforeSession: async (target, control) => {
        signed.set(name, await probeSubmission(name, target, set, { control }));
        // The checks then meet a server started afresh, as without the class phase (what the probes
        // stored in memory is gone; files the server wrote in its scratch copy stay).
        await control.restart();
      },
    }),
    finish: async (results) => {
      const mine = results.map((g) => signed.get(g.submission)).filter((s): s is SubmissionSignatures => s !== undefined);
      const names = new Set(mine.map((s) => s.submission));
      const all = [...saved.filter((s) => !names.has(s.submission)), ...mine];
      const outcome: ClassOutcome = classOutliers(set.probes, all, thresholds);
      for (const g of results) {
        const fs_ = outcome.findings.filter((f) => f.submission === g.submission);
        if (fs_.length === 0) continue;
        g.run.checks.push(...fs_.map((f) => classResult(f, weight)));
        g.score = scoreRun(g.run);
        g.families = familyScores(g.run);
      }
      const written: string[] = [];
      const pageFile = flags.classPage ?? null;
      if (pageFile) {
        await fs.mkdir(path.dirname(path.resolve(pageFile)), { recursive: true });
        const slugs = submissionSlugs(results.map((g) => g.submission));
        const rel = (name: string): string | undefined => {
          const slug = slugs.get(name);
          return slug && flags.report ? path.relative(path.dirname(path.resolve(pageFile)), path.resolve(flags.report, `${slug}.html`)) : undefined;
        };
        const reports = new Map(results.flatMap((g) => (rel(g.submission) ? [[g.submission, rel(g.submission)!] as const] : [])));
        await writeFileAtomic(pageFile, renderClassPage({ outcome, results, reports, checkIdOf: classCheckId }));
        written.push(pageFile);
      }
      if (flags.proposeProfile) {
        const name = path.basename(flags.proposeProfile).replace(/\.json$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'proposed';
        const file = proposeProfile(set, all, /^[a-z0-9]/.test(name) ? name : `p-${name}`, thresholds);
        if (file === null) io.err(`wiregrade: no profile proposed: the class has no clear majority on its known path or on any record operation\n`);
        else {
          await writeFileAtomic(flags.proposeProfile, JSON.stringify(file, null, 2) + '\n');
          written.push(flags.proposeProfile);
        }
      }
      if (flags.classSignatures) {
        const data: SignaturesFile = { wiregradeClassSignatures: 1, seed, profile: profile.name, probes: set.probes.map((p) => p.id), submissions: [...all].sort((a, b) => (a.submission < b.submission ? -1 : 1)) };
        await writeFileAtomic(flags.classSignatures, JSON.stringify(data) + '\n');
        written.push(flags.classSignatures);
      }
      const roots = outcome.findings.filter((f) => f.rootProbe === undefined).length;
      io.err(`class phase: ${outcome.submissions.length} submissions, ${outcome.probes} probes; ${roots} root findings in ${new Set(outcome.findings.map((f) => f.submission)).size} submissions; the class disagrees on ${outcome.disagreements.length} probes${written.length > 0 ? `; written: ${written.join(', ')}` : ''}\n`);
    },
  };
}
