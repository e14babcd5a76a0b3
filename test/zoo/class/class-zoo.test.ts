/**
 * Issue 24's acceptance on the zoo: a class of 37 submissions under `any` (no assignment profile) — the
 * three correct implementations (threaded, node, asyncio; 11 submissions, the Python ones each with a
 * Server field and an idle timeout of the student's own) and thirteen student-style buggy servers
 * handed in twice each. Every buggy submission gets at least one class finding that points at its bug;
 * the correct ones get none. The class page of that class is parsed for its structure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anyProfile } from '../../../src/model/builtin-profiles.js';
import { classProbes } from '../../../src/runner/class-probes.js';
import { probeSubmission, type SubmissionSignatures } from '../../../src/runner/class-run.js';
import { classOutliers, type ClassFinding, type ClassOutcome } from '../../../src/runner/class-outliers.js';
import { proposeProfile } from '../../../src/runner/class-propose.js';
import { renderClassPage } from '../../../src/reporters/class-page.js';
import { findingSentence } from '../../../src/reporters/class-findings.js';
import { eachRunning, zooClass, ZOO_CLASS_BUGGY } from './harness.js';

const SEED = 20261121;
const set = classProbes(anyProfile('/'), SEED);
const members = zooClass();
let sigs: SubmissionSignatures[] = [];
let outcome: ClassOutcome;
let classMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  sigs = await eachRunning(members, 10, (m) => probeSubmission(m.member.name, m.target, set, { control: m.control }));
  classMs = performance.now() - t0;
  outcome = classOutliers(set.probes, sigs);
}, 240_000);

/** What each bug's finding looks like: the probe and how it differs from the majority. */
const POINTS_AT: Record<(typeof ZOO_CLASS_BUGGY)[number], (f: ClassFinding) => boolean> = {
  'post-200': (f) => f.aspect === 'setup' && f.majority.setup[0] === '201' && f.yours.setup[0] === '200',
  'missing-is-200': (f) => f.probe === 'fixed.get-unknown-path' && f.majority.answer.status === 404 && f.yours.answer.status === 200,
  'unknown-method-400': (f) => f.probe === 'fixed.unknown-method' && f.majority.answer.status === 405 && f.yours.answer.status === 400,
  'garbage-405': (f) => f.probe === 'fixed.malformed-line' && f.majority.answer.status === 400 && f.yours.answer.status === 405,
  'no-505': (f) => f.probe === 'fixed.http2-version' && f.majority.answer.status === 505 && f.yours.answer.status !== 505,
  'head-with-body': (f) => f.aspect === 'framing' && f.yours.answer.extra === true && f.label.startsWith('HEAD'),
  'head-cl-zero': (f) => f.probe.endsWith('create-head') && f.aspect === 'framing' && f.yours.answer.length === 0,
  'patch-replaces': (f) => f.probe === 'route.record.append-read' && f.majority.answer.body === 'json{extra,value}' && f.yours.answer.body === 'json{extra}',
  'delete-keeps': (f) => f.probe === 'route.record.delete-read' && f.majority.answer.status === 404 && f.yours.answer.status === 200,
  'lost-update': (f) => f.probe === 'route.record.concurrent',
  'crash-no-colon': (f) => f.probe === 'fixed.field-without-colon' && f.aspect === 'death',
  'no-content-length': (f) => f.aspect === 'framing' && f.majority.answer.framing === 'length' && f.yours.answer.framing === 'close-delimited',
  '200-for-everything': (f) => f.aspect === 'status' && f.yours.answer.status === 200 && f.majority.answer.status !== 200,
};

describe('a class of 37 zoo submissions under any', () => {
  it('has at least 30 submissions, and each signed every probe', () => {
    expect(members.length).toBeGreaterThanOrEqual(30);
    for (const s of sigs) expect(Object.keys(s.signatures)).toHaveLength(set.probes.length);
    console.log(`class phase: ${members.length} submissions × ${set.probes.length} probes in ${(classMs / 1000).toFixed(1)} s (10 at a time)`);
  });

  it('the correct submissions get no class finding', () => {
    const correct = members.filter((m) => m.correct);
    expect(correct.length).toBe(11);
    for (const m of correct) expect(outcome.findings.filter((f) => f.submission === m.name), m.name).toEqual([]);
  });

  it('each buggy submission gets a root class finding that points at its bug', () => {
    const counts: string[] = [];
    for (const m of members.filter((x) => !x.correct)) {
      const mine = outcome.findings.filter((f) => f.submission === m.name);
      const roots = mine.filter((f) => f.rootProbe === undefined);
      const hit = roots.find(POINTS_AT[m.slug as keyof typeof POINTS_AT]);
      expect(hit, `${m.name}: ${roots.map((f) => `${f.probe} ${f.aspect}`).join('; ')}`).toBeDefined();
      counts.push(`${m.name}: ${roots.length} root / ${mine.length}`);
    }
    console.log(counts.join('\n'));
  });

  it('a finding is one sentence with both answers', () => {
    const f = outcome.findings.find((x) => x.submission === 'delete-keeps-1' && x.probe === 'route.record.delete-read')!;
    expect(findingSentence(f)).toMatch(/^\d+ of 37 submissions answer 201, then 204, then 404 .* to `POST \/\S+ HTTP\/1\.1, then DELETE \/\S+ HTTP\/1\.1, then GET \/\S+ HTTP\/1\.1`; yours answered 201, then 204, then 200 /);
  });

  it('the proposed profile of this class is the record store: POST 201 (409 again), GET 200 (404 absent), DELETE 204, baseline GET / 300', () => {
    const file = proposeProfile(set, sigs, 'zoo-class')!;
    expect(file.extends).toBe('any');
    expect(file.baseline).toEqual({ method: 'GET', target: '/', status: [300] });
    expect(file.operations).toMatchObject({
      body: 'json-object',
      create: { method: 'POST', target: '/{name}', status: [201], otherwise: [409] },
      read: { method: 'GET', target: '/{name}', status: [200], otherwise: [404] },
      delete: { method: 'DELETE', target: '/{name}', status: [204] },
    });
  });

  it('the class page: a matrix row per student, root causes first, cells linking to the reports, clusters with sizes', () => {
    const reports = new Map(members.map((m) => [m.name, `${m.name}.html`]));
    const html = renderClassPage({ outcome, reports, checkIdOf: (p) => `class.${p}` });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Balanced tags (a browser renders what it can; we hold the page to well-formed).
    const stack: string[] = [];
    for (const m of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*?(\/?)>/g)) {
      const [, close, tag] = m;
      if (['meta', 'br', '!doctype'].includes(tag!)) continue;
      if (close) expect(stack.pop(), `</${tag}>`).toBe(tag);
      else stack.push(tag!);
    }
    expect(stack).toEqual([]);
    const table = /<table id="matrix">([\s\S]*?)<\/table>/.exec(html)![1]!;
    const rows = [...table.matchAll(/<tr data-student="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1]).sort()).toEqual(members.map((m) => m.name).sort());
    const header = [...table.matchAll(/<th class="col class"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(header.length).toBeGreaterThan(0);
    for (const [, name, cells] of rows) {
      const isCorrect = members.find((m) => m.name === name)!.correct;
      const links = [...cells!.matchAll(/<td class="root"[^>]*><a href="([^"]+)#check-class\.([^"]+)">/g)];
      if (isCorrect) expect(links, name).toEqual([]);
      else {
        expect(links.length, name).toBeGreaterThan(0);
        for (const l of links) expect(l[1]).toBe(`${name}.html`);
      }
    }
    // Each student's findings, root causes first (their consequences counted, not listed).
    for (const id of ['findings', 'disagreements', 'clusters', 'how-to-read']) expect(html).toContain(`id="${id}"`);
    const sizes = [...html.matchAll(/<li data-size="(\d+)">/g)].map((m) => Number(m[1]));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(members.length);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(html).toMatch(/when most submissions share a bug, the few correct ones are the ones flagged/);
  });
});
