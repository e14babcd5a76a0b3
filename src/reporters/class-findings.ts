/**
 * The class phase's words (issue 24): an answer's signature as a person reads it, and a finding as one
 * sentence ("17 of 20 submissions answer 404 to `GET /students/99`; yours answered 200 with an empty
 * body"). The only place a class signature becomes text.
 */
import type { ClassFinding, Disagreement } from '../runner/class-outliers.js';
import type { ProbeSignature } from '../runner/class-signature.js';

const NO_ANSWER: Record<string, string> = {
  death: 'the server died',
  hang: 'no answer before the deadline',
  closed: 'the connection closed without an answer',
  reset: 'the connection was reset without an answer',
  refused: 'the connection was refused',
  overflow: 'more bytes than the cap',
  'not-run': 'not probed',
};

function bodyWords(body: string | undefined): string {
  if (body === undefined) return '';
  if (body === 'empty') return 'with an empty body';
  if (body === 'non-empty') return 'with a body';
  if (body === 'json') return 'with a JSON body';
  if (body.startsWith('json{')) {
    const keys = body.slice(5, -1);
    return keys === '' ? 'with an empty JSON object' : `with a JSON object (keys ${keys.split(',').join(', ')})`;
  }
  if (body.startsWith('text#')) return `with a text body (bytes ${body.slice(5)})`;
  return 'with a text body';
}

/**
 * One answer: `200 with an empty body`, `the server died`, `404 with a body, the value not read back`.
 * The header fields that matter are named when they are what differs (`aspect` = `headers`).
 */
export function describeAnswer(s: ProbeSignature, aspect?: ClassFinding['aspect']): string {
  const a = s.answer;
  const parts: string[] = [];
  if (a.kind !== 'answer') parts.push(NO_ANSWER[a.kind] ?? a.kind);
  else {
    parts.push([String(a.status), bodyWords(a.body)].filter(Boolean).join(' '));
    if (a.framing === 'chunked') parts.push('chunked');
    if (a.framing === 'close-delimited') parts.push('its body ended only by a close');
    if (a.length !== undefined) parts.push(`Content-Length ${a.length}`);
    if (a.extra) parts.push('then more bytes after the answer');
    const fields = a.headers ?? [];
    if (aspect === 'headers') parts.push(fields.length > 0 ? `with ${fields.map((x) => x.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())).join(', ')}` : 'without Content-Type, Location or Allow');
    if (a.closed) parts.push('closing the connection');
  }
  if (s.readBack === 'all') parts.push('the value read back');
  else if (s.readBack === 'none') parts.push('the value not read back');
  else if (s.readBack === 'some') parts.push('only some of the values read back');
  const main = parts.join(', ');
  return s.setup.length > 0 ? `${s.setup.join(', then ')}, then ${main}` : main;
}

/** The finding as one sentence. */
export function findingSentence(f: ClassFinding): string {
  return `${f.agree} of ${f.of} submissions answer ${describeAnswer(f.majority, f.aspect)} to \`${f.label}\`; yours answered ${describeAnswer(f.yours, f.aspect)}.`;
}

/** What differs, in a few words (the page's cells and the check's title). */
export const ASPECT_WORDS: Readonly<Record<ClassFinding['aspect'], string>> = {
  death: 'the server died',
  'no-answer': 'no answer',
  setup: 'an earlier step answered otherwise',
  status: 'another status',
  framing: 'other framing',
  headers: 'other header fields',
  body: 'another body',
  'read-back': 'another read-back',
  close: 'another close',
};

/** A disagreement as one sentence: `GET /x: 6 answer 200 …; 5 answer 404 …`. */
export function disagreementSentence(d: Disagreement): string {
  return `\`${d.label}\`: ${d.groups.map((g) => `${g.members.length} answer ${describeAnswer(g.signature)}`).join('; ')}.`;
}
