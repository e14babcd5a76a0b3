/** `wiregrade list`: one line per check, a prefix filter, --json and --verbose. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { everything } from '../../src/cli/catalogue.js';
import { captureIO } from './helpers.js';

const BASELINE = 'baseline.valid-request-answered';
const LEVELS = new Set(['MUST', 'SHOULD', 'MAY']);

async function list(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIO();
  const code = await main(['list', ...args], c.io);
  return { code, stdout: c.stdout, stderr: c.stderr };
}

describe('wiregrade list', () => {
  it('prints one line per check: id, level, family, requirement, and nothing else', async () => {
    const r = await list();
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const all = everything();
    expect(lines).toHaveLength(all.length);
    lines.forEach((line, i) => {
      const [id, level, family, ...rest] = line.split(/\s{2,}/);
      expect(id).toBe(all[i]!.id);
      expect(LEVELS.has(level!), line).toBe(true);
      expect(family).toBe(all[i]!.family);
      expect(rest.join('  ').length, line).toBeGreaterThan(0);
    });
    expect(r.stdout).not.toMatch(/[│┌└─]/); // no box drawing: the output greps and cuts
    expect(r.stdout).toMatch(/^status\.target\.absolute-form-accepted\s+MUST\s+status\s+A server MUST accept the absolute-form/m);
  });

  it('filters by id prefix, several prefixes allowed', async () => {
    const r = await list('framing.smuggling');
    expect(r.code).toBe(0);
    const ids = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);
    const want = everything().filter((c) => c.id.startsWith('framing.smuggling')).map((c) => c.id);
    expect(want.length).toBeGreaterThan(3);
    expect(ids).toEqual(want);
    const two = await list('baseline', 'framing.smuggling');
    expect(two.stdout.trimEnd().split('\n')).toHaveLength(want.length + everything().filter((c) => c.id.startsWith('baseline')).length);
  });

  it('a prefix that matches nothing: exit 2 and one sentence naming the families', async () => {
    const r = await list('framing.smugling');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wiregrade: no check's id starts with "framing\.smugling" \(ids start with baseline, .*framing.*\)\n$/);
  });

  it('--json: an array with the RFC source and the profile rule, filtered the same way', async () => {
    const r = await list('--json');
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(everything().length);
    expect(entries.find((e) => e.id === BASELINE)).toMatchObject({ id: BASELINE, family: 'robustness', level: 'MUST' });
    const crlf = entries.find((e) => e.id === 'status.header.bare-lf-line-ends-accepted')!;
    expect(crlf).toMatchObject({ level: 'MAY', cite: 'RFC 9112 §2.2', profileRule: { rules: 'reference' } });
    expect((crlf.source as { quote: string }).quote).toMatch(/a recipient MAY recognize a single LF/);
    // The rules declared on a check come with it: its impact, and the failures it follows from.
    expect(entries.find((e) => e.id === 'framing.smuggling.cl-te-embedded-get-not-answered')).toMatchObject({ impact: 'security' });
    expect(entries.find((e) => e.id === 'robustness.slow-client.does-not-block-others')).toMatchObject({
      impact: 'denial-of-service',
      follows: [{ root: 'robustness.idle-client.does-not-block-others', when: expect.any(String) }],
    });
    expect(entries.find((e) => e.id === BASELINE)).not.toHaveProperty('impact');
    // Whether it may run side by side (grading): a framing check may, the 64 KiB extension and the baseline may not.
    expect(entries.find((e) => e.id === 'framing.smuggling.cl-te-embedded-get-not-answered')).toMatchObject({ sideBySide: true });
    expect(entries.find((e) => e.id === 'framing.chunked-syntax.64kib-extension-ignored-or-4xx')).not.toHaveProperty('sideBySide');
    expect(entries.find((e) => e.id === BASELINE)).not.toHaveProperty('sideBySide');
    // A property whose cases may run side by side says so; one that writes records does not.
    expect(entries.find((e) => e.id === 'metamorphic.prop.split-invariance')).toMatchObject({ casesSideBySide: true });
    expect(entries.find((e) => e.id === 'store.prop.model')).not.toHaveProperty('casesSideBySide');
    const filtered = JSON.parse((await list('status.header.', '--json')).stdout) as Array<{ id: string }>;
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.id.startsWith('status.header.'))).toBe(true);
  });

  it('--verbose: the section, the RFC sentence quoted and the profile rule under each line', async () => {
    const r = await list('status.header.bare-lf-line-ends-accepted', '--verbose');
    expect(r.code).toBe(0);
    const [head, ...body] = r.stdout.trimEnd().split('\n');
    expect(head).toBe('status.header.bare-lf-line-ends-accepted  MAY  status  RFC 9112 §2.2');
    expect(body.every((l) => l.startsWith('  '))).toBe(true);
    expect(body.join('\n')).toMatch(/“.*a recipient MAY recognize a single LF/);
    expect(body.join('\n')).toMatch(/reference rule \(/);
    const two = await list('status.target.absolute-form-accepted', 'status.method.lowercase-get-is-405', '--verbose');
    expect(two.stdout.split('\n\n')).toHaveLength(2); // a blank line between checks
    expect(two.stdout).toMatch(/^status\.target\.absolute-form-accepted  MUST  status  RFC 9112 §3\.2\.2$/m);
    expect(two.stdout).toMatch(/^status\.method\.lowercase-get-is-405  SHOULD  status  RFC 9110 §9\.1$/m);
  });
});
