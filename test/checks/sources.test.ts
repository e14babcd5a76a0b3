import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/catalogue/index.js';
import { RFC } from '../../src/checks/rfc.js';
import { allProperties } from '../../properties/index.js';

describe('every check states its source and its level as the source words it', () => {
  const all = [...allChecks, ...allProperties];
  it('every check and property has a source: an RFC section and sentence, or a profile and what it asks', () => {
    const missing = all.filter((c) => !c.source || ('rfc' in c.source ? !/^RFC \d{4} (§|Appendix )/.test(c.source.rfc) || c.source.quote.length < 10 : c.source.note.length < 5));
    expect(missing.map((c) => c.id)).toEqual([]);
  });

  it('a check at MUST, SHOULD or MAY quotes a sentence with that keyword, or says why in a profile note', () => {
    // A quoted sentence that is only grammar (ABNF) or a definition carries no keyword; those checks
    // rest on RFC 9110 §2.2 (a sender MUST match the grammar) or on a profile, and are listed here.
    const keywordless = (quote: string) => !/\b(MUST|SHOULD|MAY|RECOMMENDED|REQUIRED|OPTIONAL)\b/.test(quote);
    // RECOMMENDED is SHOULD (RFC 2119).
    const words: Record<string, string> = { MUST: 'MUST|REQUIRED', SHOULD: 'SHOULD|RECOMMENDED', MAY: 'MAY|OPTIONAL' };
    const odd = all.filter((c) => c.source && 'rfc' in c.source && !keywordless(c.source.quote) && !new RegExp(`\\b(${words[c.level]})\\b`).test(c.source.quote));
    // The level may be lower than the sentence's keyword only where the check says so in its requirement.
    expect(odd.filter((c) => !(c.level !== "MUST" && "rfc" in c.source! && /MUST/.test(c.source.quote))).map((c) => `${c.id} [${c.level}]`)).toEqual([]);
  });

  it('the RFC sentences are quoted once each, with their section', () => {
    for (const [k, s] of Object.entries(RFC)) {
      expect('rfc' in s && /^RFC 911[023] (§\d+(\.\d+)*|Appendix)/.test(s.rfc), k).toBe(true);
    }
  });
});
