import { describe, expect, it } from 'vitest';
import { csvField, neutraliseFormula, toClassCsv } from '../../src/reporters/csv.js';
import { runResult } from './fixtures.js';
import { allChecks, crashedAtStart, diedTwice, grade } from './grade-fixtures.js';

/** A tiny RFC 4180 parser: CRLF records, quoted fields with doubled quotes and embedded CR/LF. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < s.length) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < s.length && s[i] !== ',' && s[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`a bare line break in an unquoted field at ${i}`);
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) throw new Error('the last record does not end in CRLF');
  return rows;
}

const HEADER = ['student', 'score', 'max', 'percent', 'restarts', 'status', 'top_failure', 'failed_checks', 'profile', 'seed', 'zero_reason', 'partial'];
const FAILED = 'status.path.script-is-400 status.version.http2-is-505 metamorphic.split.any-byte store.post-then-get';

describe('toClassCsv', () => {
  const names = ['s10', 's2', 'a, "quoted"\r\nname', '=cmd|\' /C calc\'!A0', '+SUM(A1)', '-2', '@evil', '\tTAB', 'zoë'];
  const rows = [...names.map((n) => grade(n)), crashedAtStart('carol'), diedTwice('dave')];
  const csv = toClassCsv(rows);
  const parsed = parseCsv(csv);

  it('is RFC 4180: the header, CRLF after every record, one row per submission', () => {
    expect(parsed[0]).toEqual(HEADER);
    expect(csv.startsWith(HEADER.join(',') + '\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parsed).toHaveLength(rows.length + 1);
    for (const r of parsed) expect(r).toHaveLength(HEADER.length);
  });

  it('round-trips names with commas, quotes and line breaks, and sorts by name', () => {
    const got = parsed.slice(1).map((r) => r[0]!);
    expect(new Set(got)).toEqual(new Set([...names.map(neutraliseFormula), 'carol', 'dave']));
    expect(got).toContain('a, "quoted"\r\nname');
    // Symbols sort before letters (their order among themselves is the collator's); s2 before s10.
    expect(got.slice(-6)).toEqual(['a, "quoted"\r\nname', 'carol', 'dave', 's2', 's10', 'zoë']);
  });

  it('neutralises formula injection: a field starting with = + - @ TAB or CR gets a leading apostrophe', () => {
    for (const r of parsed.slice(1)) expect(r[0]).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv).toContain("'=cmd|' /C calc'!A0,");
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('\r=1')).toBe("'\r=1");
    expect(neutraliseFormula('alice')).toBe('alice');
    expect(neutraliseFormula('a=b')).toBe('a=b');
  });

  it('has the score, max, percent, restarts, status, top failure and failed checks of each submission', () => {
    const byName = new Map(parsed.slice(1).map((r) => [r[0]!, r]));
    expect(byName.get('s2')).toEqual(['s2', '2', '10', '20.0', '0', 'ok', 'metamorphic.split.any-byte', FAILED, 'reference', '42', '', '']);
    expect(byName.get('dave')).toEqual(['dave', '2', '10', '20.0', '2', 'died 3×', 'status.path.script-is-400', FAILED, 'reference', '42', '', '']);
    expect(byName.get('carol')).toEqual(['carol', '0', '0', '0.0', '0', 'crashed at start', '', '', 'reference', '42', 'exited-at-start', '']);
  });

  it('writes fractional scores and other statuses', () => {
    const p = parseCsv(
      toClassCsv([
        grade('f', allChecks, { score: { points: 2.5, max: 3 } }),
        grade('t', [], { timedOut: true, run: runResult([]) }),
        grade('n', [], { launch: { kind: 'never-listened', stderrTail: '', listensOn: [] }, run: runResult([]) }),
      ]),
    );
    expect(p.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[5]])).toEqual([
      ['f', '2.5', '3', '83.3', 'ok'],
      ['n', '0', '0', '0.0', 'never listened'],
      ['t', '0', '0', '0.0', 'timed out'],
    ]);
  });

  it('says why a 0 is a 0, from the typed causes: the launch, the time limit, what blocked every check, or nothing passed', () => {
    const launched = (by: NonNullable<Parameters<typeof grade>[2]>['launch'], checks = allChecks) => grade('x', checks, by ? { launch: by } : {});
    const zero = (g: ReturnType<typeof grade>) => parseCsv(toClassCsv([{ ...g, score: { points: 0, max: g.score.max } }]))[1]![HEADER.indexOf('zero_reason')];
    expect(zero(launched({ kind: 'exited-before-listening', code: 1, signal: null, stderrTail: '' }))).toBe('exited-at-start');
    expect(zero(launched({ kind: 'never-listened', stderrTail: '', listensOn: [] }))).toBe('never-listened');
    expect(zero(launched({ kind: 'never-listened', stderrTail: '', listensOn: [8000] }))).toBe('listens-elsewhere');
    expect(zero(launched({ kind: 'port-busy', port: 8080, pid: 7, command: 'python3' }))).toBe('port-busy');
    expect(zero(grade('t', allChecks, { timedOut: true }))).toBe('timed-out');
    const baselineFailed = allChecks.map((c) => (c.id.startsWith('baseline.') ? { ...c, verdict: 'fail' as const } : c.verdict === 'skip' ? c : { ...c, verdict: 'blocked' as const, cause: { kind: 'blocked' as const, by: { kind: 'baseline-failed' as const, baseline: 'baseline.valid-request-answered' } } }));
    expect(zero(grade('b', baselineFailed))).toBe('baseline-failed');
    expect(zero(grade('f', allChecks))).toBe('no-check-passed');
    // Points earned: no reason.
    expect(parseCsv(toClassCsv([grade('ok')]))[1]![HEADER.indexOf('zero_reason')]).toBe('');
  });

  it('names the profile and the seed on every row, and marks every row of an interrupted class partial', () => {
    const p = parseCsv(toClassCsv([grade('a', allChecks, { run: runResult(allChecks, { profile: 'any', seed: 7 }) }), grade('b')], { partial: true }));
    expect(p.slice(1).map((r) => [r[0], r[HEADER.indexOf('profile')], r[HEADER.indexOf('seed')], r[HEADER.indexOf('partial')]])).toEqual([
      ['a', 'any', '7', 'yes'],
      ['b', 'reference', '42', 'yes'],
    ]);
  });

  it('gives just the header for no submissions', () => {
    expect(toClassCsv([])).toBe(HEADER.join(',') + '\r\n');
  });

  it('csvField quotes only what needs it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });
});
