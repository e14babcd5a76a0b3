import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { allProperties } from '../../properties/index.js';
import { citeUnder } from '../../src/checks/level.js';
import { profiles } from '../../src/model/builtin-profiles.js';

/**
 * Every cite a report shows a student must lead somewhere: an RFC section, or a heading of the docs in
 * this repository (`docs/FILE.md#anchor`, GitHub's anchor for the heading). Nothing cites "SPEC", a
 * document students do not have.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(root, file), 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** The highest top-level section number of the RFCs cited (a section past it cannot exist). */
const LAST_SECTION: Record<string, number> = { '9110': 17, '9112': 12, '9113': 11, '6585': 7, '5789': 5, '3986': 7, '6455': 11 };

const SECTION = '§\\d+(?:\\.\\d+)*';

/** Why one cite does not resolve, or null when it does. */
function problem(cite: string): string | null {
  // Words in parentheses explain, they do not cite: "RFC 9112 §9.6 (a client may close at any time)".
  for (const group of cite.replace(/\s*\([^)]*\)/g, '').split(';').map((g) => g.trim())) {
    const doc = /^docs\/([a-z-]+\.md)#([a-z0-9-]+)$/.exec(group);
    if (doc) {
      let anchors: Set<string>;
      try {
        anchors = anchorsOf(`docs/${doc[1]}`);
      } catch {
        return `docs/${doc[1]} does not exist`;
      }
      if (!anchors.has(doc[2]!)) return `docs/${doc[1]} has no heading #${doc[2]}`;
      continue;
    }
    let rfc: string | null = null;
    for (const raw of group.split(',').map((x) => x.trim())) {
      const item = raw;
      const m = new RegExp(`^(?:RFC (\\d{4}) ?)?((?:${SECTION}(?:–${SECTION})?)|Appendix [A-Z](?:\\.\\d+)*)?$`).exec(item);
      if (!m || (!m[1] && !m[2])) return `'${raw}' is neither an RFC section nor docs/FILE.md#heading`;
      rfc = m[1] ?? rfc;
      if (!rfc) return `'${raw}' names a section of no RFC`;
      for (const s of (m[2] ?? '').matchAll(/§(\d+)/g)) {
        const last = LAST_SECTION[rfc];
        if (last === undefined) return `RFC ${rfc} is not one this test knows the sections of`;
        if (Number(s[1]) < 1 || Number(s[1]) > last) return `RFC ${rfc} has no section ${s[1]}`;
      }
    }
  }
  return null;
}

describe('cites', () => {
  it('every check and property cites something, and every cite resolves to an RFC section or a docs heading', () => {
    const bad: string[] = [];
    for (const c of [...allChecks, ...allProperties]) {
      // The cite a report shows: the check's own, else its source's (an RFC section, or the docs of the
      // profile whose rule it is); under the reference rules, the rule's docs and the RFC section.
      for (const cite of [citeUnder(c, profiles.any!), citeUnder(c, profiles.reference!)]) {
      if (!cite) {
        bad.push(`${c.id}: no cite`);
        continue;
      }
      const why = problem(cite);
      if (why) bad.push(`${c.id}: ${why}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('tells a bad cite from a good one', () => {
    expect(problem('RFC 9112 §6.3, RFC 9110 §8.6')).toBeNull();
    expect(problem('RFC 9110 §15.6.6, §6.2; docs/reference-protocol.md#framing')).toBeNull();
    expect(problem('RFC 9112 §4–§6')).toBeNull();
    expect(problem('SPEC reference protocol')).not.toBeNull();
    expect(problem('docs/reference-protocol.md#no-such-heading')).not.toBeNull();
    expect(problem('RFC 9112 §40')).not.toBeNull();
    expect(problem('the text-file assignment')).not.toBeNull();
  });
});
