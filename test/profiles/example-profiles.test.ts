import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oversizedHeaders } from '../../properties/arbitraries/malformations.js';
import { validRead } from '../../properties/arbitraries/requests.js';
import { fill } from '../../src/checks/case.js';
import type { CheckContext } from '../../src/checks/types.js';
import { loadProfileFile, ProfileError } from '../../src/model/profile-file.js';
import type { Profile } from '../../src/model/profile.js';
import { profiles } from '../../src/model/builtin-profiles.js';
import { applies, routesInHost, withKnownHost } from '../../src/model/profile-policy.js';
import { probeBytes } from '../../src/runner/liveness.js';
import { tempFolders } from '../helpers/tmp.js';

/**
 * The profile files of examples/profiles/ that say where everything goes (issue 13): a Host-routed
 * key-value assignment, and the record-dialogue assignment spelled out (the built-in) and as courses
 * that name the file in the target write it.
 */
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/profiles');
const load = (f: string): Promise<Profile> => loadProfileFile(path.join(EXAMPLES, f), profiles);
const tmp = tempFolders();

/** Just enough of a check's context for fill(). */
const ctxOf = (profile: Profile): CheckContext => ({ profile, name: () => 'n1' }) as unknown as CheckContext;

describe('a Host-routed profile', () => {
  it('sends its Host with the baseline, the liveness probe and every request for the known path', async () => {
    const p = await load('key-value.host-routed.json');
    expect(routesInHost(p)).toBe(true);
    expect(Buffer.from(probeBytes(p)).toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: 127\.0\.0\.1\/index\.html\r\n/);
    expect(fill('GET {known} HTTP/1.1\r\nHost: localhost\r\n\r\n', ctxOf(p))).toBe('GET / HTTP/1.1\r\nHost: 127.0.0.1/index.html\r\n\r\n');
    // Its spelling, whitespace and port stay; a request not for the known path keeps its plain Host.
    expect(fill('GET {known} HTTP/1.1\r\nhost:  localhost:8080 \r\n\r\n', ctxOf(p))).toBe('GET / HTTP/1.1\r\nhost:  127.0.0.1:8080/index.html \r\n\r\n');
    expect(fill('GET /{name} HTTP/1.1\r\nHost: localhost\r\n\r\n', ctxOf(p))).toBe('GET /n1 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // A request hidden behind the one for the known path keeps its own plain Host.
    expect(fill('POST {known} HTTP/1.1\r\nHost: localhost\r\n\r\nGET /x HTTP/1.1\r\nHost: localhost\r\n\r\n', ctxOf(p))).toBe('POST / HTTP/1.1\r\nHost: 127.0.0.1/index.html\r\n\r\nGET /x HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });

  it('generated requests for the known path (the properties) carry its Host too', async () => {
    const p = await load('key-value.host-routed.json');
    const texts = [...fc.sample(validRead(p, () => 'fresh'), { numRuns: 30, seed: 7 }), ...fc.sample(oversizedHeaders(p), { numRuns: 5, seed: 7 })].map((g) => Buffer.from(g.bytes).toString('latin1'));
    for (const t of texts) {
      expect(t).toMatch(/^(GET|HEAD) \/ HTTP\/1\.1\r\n/);
      expect(t).toMatch(/\r\nhost: 127\.0\.0\.1\/index\.html\r\n/i);
      expect(t).not.toMatch(/localhost/i);
    }
  });

  it('adds its baseline header fields after the Host line, with the line end the template uses', () => {
    const p: Profile = { ...profiles.any!, baseline: { method: 'GET', target: '/', headers: { 'X-Route': 'index' } } };
    expect(routesInHost(p)).toBe(false);
    expect(withKnownHost('GET / HTTP/1.1\nHost: localhost\n\n', p)).toBe('GET / HTTP/1.1\nHost: localhost\nX-Route: index\n\n');
    expect(Buffer.from(probeBytes(p)).toString('latin1')).toContain('\r\nHost: localhost\r\nX-Route: index\r\n');
  });

  it('changes nothing for a profile that routes by the path', () => {
    const t = 'GET {known} HTTP/1.1\r\nHost: localhost\r\n\r\n';
    expect(fill(t, ctxOf(profiles['key-value']!))).toBe('GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(Buffer.from(probeBytes(profiles.reference!)).toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: localhost\r\n/);
  });

  it('runs robustness.unrouted-host.server-survives only where routes are in the Host header', async () => {
    const c = { id: 'robustness.unrouted-host.server-survives', needs: 'host-route' as const };
    expect(applies(c, await load('key-value.host-routed.json'))).toBe(true);
    expect(applies(c, profiles['key-value']!)).toBe(false);
    expect(applies(c, profiles.any!)).toBe(false);
  });
});

describe('record-dialogue as a profile file', () => {
  it('examples/profiles/record-dialogue.json is the built-in, field for field', async () => {
    // (A file always has points, `{}` by default: no points given is the same as none.)
    const builtin = profiles['record-dialogue']!;
    expect(await load('record-dialogue.json')).toEqual({ ...builtin, points: builtin.points ?? {} });
  });

  it('a file can name the store in the target without a slash, and drop the GET of one record', async () => {
    const p = await load('record-dialogue.students-file.json');
    expect(p.dialogue).toMatchObject({ target: 'students.json', promptStatus: 300, create: { line: '{name} 30 Paris dev', status: 201 } });
    expect(p.dialogue).not.toHaveProperty('recordTarget');
    expect(p.dialogue).not.toHaveProperty('deleteTarget');
    expect(p.baseline).toEqual({ method: 'GET', target: '/students.json' });
  });

  it('refuses a dialogue target with a space, naming the field', async () => {
    const f = path.join(tmp('wg-dialogue-'), 'bad.json');
    writeFileSync(f, JSON.stringify({ name: 'bad', extends: 'record-dialogue', dialogue: { target: 'students json' } }));
    await expect(loadProfileFile(f, profiles)).rejects.toThrow(ProfileError);
    await expect(loadProfileFile(f, profiles)).rejects.toThrow(/field dialogue\.target: a dialogue target is a path or a file name/);
  });
});
