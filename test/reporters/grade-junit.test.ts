import { describe, expect, it } from 'vitest';
import { toJUnit, xmlAttr, xmlLegal, xmlText } from '../../src/reporters/junit.js';
import { allChecks, crashedAtStart, diedTwice, grade, hostileFailCheck } from './grade-fixtures.js';
import { findAll, parseXml, type XmlElement } from './xml-check.js';

const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/; // eslint-disable-line no-control-regex

function suiteCounts(s: XmlElement) {
  const cases = findAll(s, 'testcase');
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.children.some((x) => x.name === 'failure')).length,
    errors: cases.filter((c) => c.children.some((x) => x.name === 'error')).length,
    skipped: cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length,
  };
}

function attrCounts(e: XmlElement) {
  return { tests: Number(e.attrs.tests), failures: Number(e.attrs.failures), errors: Number(e.attrs.errors), skipped: Number(e.attrs.skipped) };
}

describe('toJUnit', () => {
  const results = [grade('alice'), crashedAtStart('carol'), diedTwice('dave'), grade('<b>&"evil"\x00</b>', allChecks, { timedOut: true })];
  const xml = toJUnit(results);
  const root = parseXml(xml);
  const suites = findAll(root, 'testsuite');

  it('is well-formed XML 1.0: <testsuites> with one <testsuite> per submission', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(suites.map((s) => s.attrs.name)).toEqual(['alice', 'carol', 'dave', '<b>&"evil"\\x00</b>']);
  });

  it('keeps no character XML 1.0 forbids, and shows server bytes escaped', () => {
    expect(xml).not.toMatch(FORBIDDEN);
    // `<script` only ever appears escaped: as text it decodes back to what the server sent.
    expect(xml).not.toMatch(/<script/i);
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\x00x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
  });

  it('has counts attributes equal to its testcases, failures, errors and skipped, per suite and in total', () => {
    for (const s of suites) expect(attrCounts(s)).toEqual(suiteCounts(s));
    expect(attrCounts(root)).toEqual(suiteCounts(root));
    expect(attrCounts(suites[0]!)).toEqual({ tests: 12, failures: 4, errors: 1, skipped: 4 });
  });

  it('gives each check a testcase named by its id in class wiregrade.<family>, with its time in seconds', () => {
    const cases = findAll(suites[0]!, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(allChecks.map((c) => c.id));
    expect(cases.map((c) => c.attrs.classname)).toEqual(allChecks.map((c) => `wiregrade.${c.family}`));
    expect(cases[2]!.attrs.time).toBe('0.012');
    expect(suites[0]!.attrs.time).toBe('5.432');
    expect(suites[0]!.attrs.timestamp).toBe('2026-01-01T00:00:00');
  });

  it('puts a failure\'s reason in message, its level in type, and requirement, expected, actual, request and replay in the body', () => {
    const tc = findAll(suites[0]!, 'testcase').find((c) => c.attrs.name === hostileFailCheck.id)!;
    const f = tc.children[0]!;
    expect(f.name).toBe('failure');
    expect(f.attrs.message).toBe('the server answered 200 & echoed the path\\x07');
    expect(f.attrs.type).toBe('MUST');
    expect(f.text).toContain(hostileFailCheck.requirement);
    expect(f.text).toContain('expected: 400 or the connection closed without a response');
    expect(f.text).toContain('actual:   200 OK <script>\\x01');
    expect(f.text).toContain('request:  GET /<script>alert(1)</script>\\x00x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
    expect(f.text).toContain('received: HTTP/1.1 200 OK\\r\\nContent-Length: 41\\r\\n\\r\\n<script>alert("pwned")</script>\\x00\\x1b[2J\\x0c');
    expect(f.text).toContain("replay:   (printf 'GET /<script>alert(1)</script>\\000x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'; sleep 1) | nc -w 2 127.0.0.1 PORT");
    // The grader's port (8080 here) belonged to a server that no longer runs: never printed in a command.
    expect(f.text).not.toMatch(/nc 127\.0\.0\.1 8080|--target 127\.0\.0\.1:8080/);
  });

  it('maps error to <error>, skip and blocked to <skipped message>, warn to a pass with <system-out>', () => {
    const byName = new Map(findAll(suites[0]!, 'testcase').map((c) => [c.attrs.name!, c]));
    const err = byName.get('wire.broken-check')!.children[0]!;
    expect(err.name).toBe('error');
    expect(err.attrs.message).toBe('the check itself failed: boom');
    expect(byName.get('store.skip-me')!.children[0]!).toMatchObject({ name: 'skipped', attrs: { message: 'skip: not part of the x profile' } });
    expect(byName.get('store.put-creates')!.children[0]!).toMatchObject({ name: 'skipped', attrs: { message: 'blocked: not run: the baseline request (baseline.valid-request-answered) failed' } });
    const warn = byName.get('wire.date-header')!;
    expect(warn.children.map((c) => c.name)).toEqual(['system-out']);
    expect(warn.children[0]!.text).toMatch(/^warning \[SHOULD\]: no Date header\n\n! wire\.date-header \[SHOULD\]/);
    expect(byName.get('baseline.valid-request-answered')!.children).toEqual([]);
  });

  it('turns a launch failure into one failing wiregrade.launch testcase with the stderr tail', () => {
    const carol = suites[1]!;
    const cases = findAll(carol, 'testcase');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.attrs).toMatchObject({ classname: 'wiregrade.launch', name: 'launch' });
    const f = cases[0]!.children[0]!;
    expect(f.attrs.message).toBe('the server exited before listening (exit code 1)');
    expect(f.text).toContain('OSError: [Errno 98] Address already in use');
    expect(f.text).toContain('command: python3 server.py');
    expect(attrCounts(carol)).toEqual({ tests: 1, failures: 1, errors: 0, skipped: 0 });
  });

  it('adds a failing testcase for a wall-time limit hit, and the notes and score as suite properties and output', () => {
    const evil = suites[3]!;
    expect(findAll(evil, 'testcase').some((c) => c.attrs.name === 'wall-time limit' && c.children[0]!.name === 'failure')).toBe(true);
    const dave = suites[2]!;
    const props = Object.fromEntries(findAll(dave, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ score: '2/10', percent: '20.0%', restarts: '2', sandbox: 'bubblewrap', command: 'python3 server.py' });
    const out = dave.children.find((c) => c.name === 'system-out')!;
    expect(out.text).toContain('the server died 3 times and was restarted 2 times');
    expect(out.text).toContain('IndexError: list index out of range\\x1b[31m');
  });

  it('renders an empty list as an empty <testsuites>', () => {
    const r = parseXml(toJUnit([]));
    expect(r.attrs).toMatchObject({ tests: '0', failures: '0', errors: '0', skipped: '0' });
    expect(r.children).toEqual([]);
  });
});

describe('XML escaping', () => {
  it('xmlLegal shows forbidden characters as text and replaces lone surrogates', () => {
    expect(xmlLegal('a\x00b\x08\x0b\x1f\x7f\ufffe\ud800z\r\n\t')).toBe('a\\x00b\\x08\\x0b\\x1f\\x7f\\ufffe\ufffdz\r\n\t');
    expect(xmlLegal('😀')).toBe('😀');
  });

  it('xmlText and xmlAttr escape markup; attributes keep their line breaks as references', () => {
    expect(xmlText('<a href="x">&amp;</a>')).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;');
    expect(xmlAttr(`"it's"\n\t`)).toBe('&quot;it&apos;s&quot;&#10;&#9;');
  });

  it('the checker rejects what it should', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a>&foo;</a>')).toThrow();
    expect(() => parseXml('<a>a & b</a>')).toThrow();
    expect(() => parseXml('<a>\x01</a>')).toThrow();
    expect(() => parseXml('<a x="<"/>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(() => parseXml('<a>&#0;</a>')).toThrow();
    expect(parseXml('<a x="&lt;&#10;">t&amp;<b/></a>')).toMatchObject({ name: 'a', attrs: { x: '<\n' }, text: 't&' });
  });
});
