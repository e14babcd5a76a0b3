/**
 * JUnit XML for CI (GitLab's test reports, GitHub Actions' JUnit reporters, Jenkins): one <testsuite>
 * per submission, one <testcase> per check. Everything the server or a student controls is escaped, and
 * characters XML 1.0 does not allow (most C0 controls, U+FFFE/U+FFFF, lone surrogates) are written as
 * visible `\xHH` text, so the file always parses.
 */
import { deathHeadline, reasonOf } from './causes.js';
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { palette } from './ansi.js';
import { formatPercent, formatPoints } from './format.js';
import { gradeNotes, type GradeNote } from './grading.js';
import { renderFailure } from './text.js';
import { commandRun, forGrade } from './own-server.js';

/**
 * Text made legal in an XML 1.0 document: C0 controls other than TAB/LF/CR, DEL and C1 controls, and
 * U+FFFE/U+FFFF become `\xHH` / `\uHHHH` text; a lone surrogate becomes U+FFFD.
 */
export function xmlLegal(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]/g, (ch) => {
        const code = ch.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
      })
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  );
}

/** Escapes character data (element content). */
export function xmlText(s: string): string {
  return xmlLegal(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (for double quotes); TAB, LF and CR as character references so they survive normalisation. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function secondsAttr(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** JUnit's `timestamp`: ISO 8601 without a zone (the schema's pattern), or null when it is not a date. */
function timestamp(iso: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : null;
}

/** An attribute's message: one line, capped (the details are in the body). */
function message(s: string, max = 300): string {
  const one = s.replace(/\s*\r?\n\s*/g, ' ');
  return one.length > max ? one.slice(0, max) + '…' : one;
}

function noteText(n: GradeNote): string {
  const lines = [n.text];
  if (n.detail) lines.push(`${n.detail.label}:`, ...n.detail.lines.map((l) => `  ${l}`));
  return lines.join('\n');
}

interface Case {
  classname: string;
  name: string;
  timeMs: number;
  /** The inner XML (already escaped), or '' for a plain pass. */
  body: string;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
}

const plain = palette(false);

/** Failures and warnings rendered in full (bytes, replay); the rest say what was expected and what came. */
const MAX_FULL = 20;

/** A short account of a failure: the requirement, what was expected, what came back. */
function shortFailure(c: CheckResult): string {
  const death = deathHeadline(c);
  return `${death ? `${death}\n` : ''}${c.requirement}\nexpected: ${c.expected.join(' or ')}\nactual:   ${c.actual}\n(the JSON report and the corpus have its bytes)`;
}

function checkCase(g: GradeResult, c: CheckResult, full: boolean): Case {
  const base = { classname: `wiregrade.${c.family}`, name: c.id, timeMs: c.durationMs };
  switch (c.verdict) {
    case 'pass':
      return { ...base, body: '', outcome: 'pass' };
    case 'fail':
      return {
        ...base,
        outcome: 'failure',
        body: `<failure${attrs({ message: message(reasonOf(c) || c.actual || 'failed'), type: c.level })}>${xmlText(full ? forGrade(g, renderFailure(commandRun(g), c, plain)) : shortFailure(c))}</failure>`,
      };
    case 'error':
      return {
        ...base,
        outcome: 'error',
        body: `<error${attrs({ message: message(reasonOf(c) || 'the check could not run'), type: 'error' })}>${xmlText(`the suite could not run this check: ${reasonOf(c)}`)}</error>`,
      };
    case 'skip':
    case 'blocked':
      return { ...base, outcome: 'skipped', body: `<skipped${attrs({ message: message(`${c.verdict}: ${reasonOf(c)}`) })}/>` };
    case 'warn': {
      // A warning passes; the block says what to improve. renderFailure's ✗ would say "failed": use "!".
      const text = full ? forGrade(g, renderFailure(commandRun(g), c, plain, '!')) : shortFailure(c);
      return { ...base, outcome: 'pass', body: `<system-out>${xmlText(`warning [${c.level}]: ${reasonOf(c)}\n\n${text}`)}</system-out>` };
    }
  }
}

/** The testcases that are not checks: a launch that failed, and a wall-time limit hit. */
function launchCases(g: GradeResult): Case[] {
  const out: Case[] = [];
  const notes = gradeNotes(g);
  if (g.launch.kind === 'exited-before-listening' || g.launch.kind === 'never-listened') {
    const note = notes.find((n) => n.kind === 'launch')!;
    out.push({
      classname: 'wiregrade.launch',
      name: 'launch',
      timeMs: 0,
      outcome: 'failure',
      body: `<failure${attrs({ message: message(note.text), type: 'launch' })}>${xmlText(`${noteText(note)}\n\ncommand: ${g.command}`)}</failure>`,
    });
  }
  if (g.timedOut) {
    const note = notes.find((n) => n.kind === 'timeout')!;
    out.push({
      classname: 'wiregrade.launch',
      name: 'wall-time limit',
      timeMs: g.durationMs,
      outcome: 'failure',
      body: `<failure${attrs({ message: note.text, type: 'timeout' })}>${xmlText(note.text)}</failure>`,
    });
  }
  return out;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function count(cases: readonly Case[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome === 'failure').length,
    errors: cases.filter((c) => c.outcome === 'error').length,
    skipped: cases.filter((c) => c.outcome === 'skipped').length,
  };
}

function renderCase(c: Case): string {
  const head = `    <testcase${attrs({ classname: c.classname, name: c.name, time: secondsAttr(c.timeMs) })}`;
  return c.body ? `${head}>\n      ${c.body}\n    </testcase>` : `${head}/>`;
}

function renderSuite(g: GradeResult): { xml: string; counts: Counts } {
  // The first MAX_FULL failures and warnings in full, so a report stays small whatever the server does.
  let shown = 0;
  const cases = [...launchCases(g), ...g.run.checks.map((c) => checkCase(g, c, (c.verdict === 'fail' || c.verdict === 'warn') && shown++ < MAX_FULL))];
  const counts = count(cases);
  const a: Record<string, string | number> = { name: g.submission, ...counts, time: secondsAttr(g.durationMs) };
  const ts = timestamp(g.run.startedAt);
  if (ts) a.timestamp = ts;
  const props: Record<string, string> = {
    score: `${formatPoints(g.score.points)}/${formatPoints(g.score.max)}`,
    percent: formatPercent(g.score.points, g.score.max),
    command: g.command,
    profile: g.run.profile,
    seed: String(g.run.seed),
    strict: String(g.run.strict),
    restarts: String(g.restarts),
    sandbox: g.sandbox,
  };
  const lines = [
    `  <testsuite${attrs(a)}>`,
    '    <properties>',
    ...Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.map(renderCase),
  ];
  const notes = gradeNotes(g).map(noteText);
  if (notes.length) lines.push(`    <system-out>${xmlText(notes.join('\n'))}</system-out>`);
  lines.push('  </testsuite>');
  return { xml: lines.join('\n'), counts };
}

/**
 * JUnit XML for one or more graded submissions. `fail` → <failure type="MUST|SHOULD"> with the
 * requirement, expected, actual, request bytes and replay in the body; `error` → <error>; `skip` and
 * `blocked` → <skipped>; `warn` → a passing testcase whose <system-out> holds the warning. A server that
 * did not start gives a failing `wiregrade.launch` testcase; a wall-time limit hit, another.
 */
export function toJUnit(results: readonly GradeResult[]): string {
  const suites = results.map(renderSuite);
  const total = suites.reduce<Counts>(
    (t, s) => ({ tests: t.tests + s.counts.tests, failures: t.failures + s.counts.failures, errors: t.errors + s.counts.errors, skipped: t.skipped + s.counts.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const time = results.reduce((t, g) => t + g.durationMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'wiregrade', ...total, time: secondsAttr(time) })}>`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
