/**
 * Where a response first breaks RFC 9112's grammar, shown the way a compiler shows a syntax error: the
 * line as it came (escaped, like every byte dump of the reports), and a caret under the first byte that
 * does not fit, with what the grammar wanted there. Pure functions over the bytes a check received; the
 * runner keeps the bytes, only this file reads the grammar into them.
 *
 * The grammar checked is the head of the first response (RFC 9112 §4 status-line, §5 field lines, §2.1
 * CRLF line ends and the empty line): what a strict client must parse before it can find the body.
 */
import { showBytes } from '../wire/bytes.js';

export interface BadByte {
  /** Offset of the byte in the bytes given. */
  offset: number;
  /** The line it is on, 1-based (line 1 is the status line). */
  line: number;
  /** What the grammar wanted there, in words. */
  expected: string;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
/** VCHAR or obs-text (RFC 9110 §5.5). */
const isVisible = (b: number): boolean => (b > SP && b < 0x7f) || b >= 0x80;
/** tchar (RFC 9110 §5.6.2). */
const isTchar = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b));

/** The longest head scanned: past it, the bytes are no response head this display can help with. */
const MAX_HEAD = 64 * 1024;

/**
 * The first byte of `bytes` where the first response's head breaks the grammar, or null when the head is
 * well formed (or ends before anything is wrong: an incomplete head has no bad byte yet).
 */
export function firstBadByte(bytes: Uint8Array): BadByte | null {
  const end = Math.min(bytes.length, MAX_HEAD);
  let i = 0;
  let line = 1;
  const bad = (offset: number, expected: string): BadByte | null => (offset < end ? { offset, line, expected } : null);
  /** At a line end: CR LF. Returns the offset after it, or the bad byte. */
  const lineEnd = (at: number, what: string): number | BadByte | null => {
    if (at >= end) return null;
    if (bytes[at] === CR) return at + 1 >= end ? null : bytes[at + 1] === LF ? at + 2 : bad(at + 1, 'LF after CR (a line ends with CRLF)');
    if (bytes[at] === LF) return bad(at, 'CR before LF (a line ends with CRLF, RFC 9112 §2.2)');
    return bad(at, what);
  };

  // status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)
  const name = 'HTTP/';
  for (let k = 0; k < name.length; k++) {
    if (i >= end) return null;
    if (bytes[i] !== name.charCodeAt(k)) return bad(i, `"${name[k]}" of "HTTP/" (a response starts with its status line, RFC 9112 §4)`);
    i++;
  }
  for (const want of ['digit', '.', 'digit'] as const) {
    if (i >= end) return null;
    const ok = want === 'digit' ? isDigit(bytes[i]!) : bytes[i] === 0x2e;
    if (!ok) return bad(i, want === 'digit' ? 'a digit of the HTTP version (HTTP/1.1)' : '"." of the HTTP version (HTTP/1.1)');
    i++;
  }
  if (i >= end) return null;
  if (bytes[i] !== SP) return bad(i, 'one space after the version');
  i++;
  for (let k = 0; k < 3; k++) {
    if (i >= end) return null;
    if (!isDigit(bytes[i]!)) return bad(i, 'a digit of the three-digit status code');
    i++;
  }
  if (i >= end) return null;
  if (bytes[i] !== SP) return bad(i, 'a space after the status code (the reason phrase may be empty, the space may not, RFC 9112 §4)');
  i++;
  while (i < end && (isVisible(bytes[i]!) || bytes[i] === SP || bytes[i] === HTAB)) i++;
  let next = lineEnd(i, 'a visible character, a space or a tab in the reason phrase, or CRLF');
  if (next === null || typeof next !== 'number') return next;
  i = next;

  // *( field-line CRLF ) CRLF; field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
  for (;;) {
    line++;
    if (i >= end) return null;
    if (bytes[i] === CR || bytes[i] === LF) {
      next = lineEnd(i, 'the empty line that ends the head');
      return next === null || typeof next !== 'number' ? next : null;
    }
    if (bytes[i] === SP || bytes[i] === HTAB) return bad(i, 'a field name: a line that starts with whitespace folds the previous value (obs-fold, which a sender MUST NOT generate, RFC 9112 §5.2)');
    const start = i;
    while (i < end && isTchar(bytes[i]!)) i++;
    if (i >= end) return null;
    if (bytes[i] !== COLON) {
      if (i === start) return bad(i, 'a field name (letters, digits and !#$%&\'*+-.^_`|~)');
      if (bytes[i] === SP || bytes[i] === HTAB) return bad(i, '":" right after the field name (no whitespace before the colon, RFC 9112 §5.1)');
      return bad(i, 'a field-name character or ":"');
    }
    i++;
    while (i < end && (isVisible(bytes[i]!) || bytes[i] === SP || bytes[i] === HTAB)) i++;
    next = lineEnd(i, 'a visible character, a space or a tab in the field value (no control bytes, RFC 9110 §5.5)');
    if (next === null || typeof next !== 'number') return next;
    i = next;
  }
}

/** How many characters showBytes uses for one byte. */
function width(b: number): number {
  return showBytes(Uint8Array.of(b)).length;
}

/**
 * The line holding `bad` as two lines of text: the line (escaped as the reports show bytes, its line end
 * included, cut around the bad byte when it is long) and a caret under the bad byte.
 */
export function caretLines(bytes: Uint8Array, bad: Pick<BadByte, 'offset'>, maxColumns = 72): [string, string] {
  let from = bad.offset;
  while (from > 0 && bytes[from - 1] !== LF) from--;
  let to = bad.offset;
  while (to < bytes.length && bytes[to] !== LF) to++;
  to = Math.min(bytes.length, to + 1);
  // Keep the caret in view: drop whole bytes from the front, then the back, until the line fits.
  let before = 0;
  for (let k = from; k < bad.offset; k++) before += width(bytes[k]!);
  let start = from;
  const room = Math.max(8, maxColumns - 12);
  while (before > room && start < bad.offset) before -= width(bytes[start++]!);
  let stop = start;
  let cols = 0;
  while (stop < to && (stop <= bad.offset || cols + width(bytes[stop]!) <= maxColumns)) cols += width(bytes[stop++]!);
  const head = start > from ? '…' : '';
  const tail = stop < to ? '…' : '';
  const text = head + showBytes(bytes.subarray(start, stop), Infinity) + tail;
  const caret = ' '.repeat(head.length + before) + '^'.repeat(width(bytes[bad.offset]!));
  return [text, caret];
}

/** `at byte N (line L): expected …`, then the line and its caret: the report's picture of a bad byte. */
export function describeBadByte(bytes: Uint8Array): string | null {
  const bad = firstBadByte(bytes);
  if (!bad) return null;
  const [text, caret] = caretLines(bytes, bad);
  return `byte ${bad.offset} (line ${bad.line}): expected ${bad.expected}\n${text}\n${caret}`;
}
