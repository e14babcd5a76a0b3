/**
 * File names for submissions: readable, stable, and unique for any folder names. A name that is already a
 * plain lower-case file name (`alice`, `s_10`, `a_b`) is its own slug; any other is folded to one (accents
 * dropped, everything but letters, digits, `.`, `_` and `-` made `-`, lower case, at most 48 characters)
 * and given 6 hex digits of a hash of the exact name, so `a b` and `a_b`, or `émile o'brien` and
 * `emile o'brien`, never share a file — on a case-insensitive file system either. The slug of a name
 * depends on that name alone, so a student's report keeps its file name from one run to the next.
 */
import { createHash } from 'node:crypto';

const PLAIN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Names a folder of reports uses for itself, and names Windows will not open. */
const RESERVED = new Set(['index', 'corpus', 'con', 'prn', 'aux', 'nul', 'com1', 'lpt1']);
const MAX_FOLDED = 48;

function hash(name: string, n: number): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, n);
}

function fold(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return ascii.slice(0, MAX_FOLDED).replace(/[-.]+$/, '');
}

/** The slug of one name, on its own (see the module comment). */
export function submissionSlug(name: string, hashDigits = 6): string {
  if (PLAIN.test(name) && !RESERVED.has(name.replace(/\..*$/, ''))) return name;
  const f = fold(name);
  return `${f || 'submission'}-${hash(name, hashDigits)}`;
}

/**
 * The slugs of all the names of a class, by name. Two slugs equal but for letter case (or a hash clash)
 * get more hash digits until every slug differs, compared without case.
 */
export function submissionSlugs(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const name of [...new Set(names)].sort()) {
    let digits = 6;
    let slug = submissionSlug(name, digits);
    while (taken.has(slug.toLowerCase()) && taken.get(slug.toLowerCase()) !== name && digits < 64) slug = `${fold(name) || 'submission'}-${hash(name, (digits += 4))}`;
    taken.set(slug.toLowerCase(), name);
    out.set(name, slug);
  }
  return out;
}
