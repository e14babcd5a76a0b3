import { describe, expect, it } from 'vitest';
import { caretLines, describeBadByte, firstBadByte } from '../../src/reporters/bad-byte.js';
import { palette } from '../../src/reporters/ansi.js';
import { renderFailure } from '../../src/reporters/text.js';
import { renderHtmlReport } from '../../src/reporters/html.js';
import { exchangeReceiving, failCheck, runResult } from './fixtures.js';
import { grade } from './grade-fixtures.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
/** The offset and line of the first bad byte, or null. */
const at = (s: string): [number, number] | null => {
  const r = firstBadByte(b(s));
  return r ? [r.offset, r.line] : null;
};

describe('firstBadByte', () => {
  it('finds nothing wrong in well-formed heads, with or without a reason phrase, a body after them, or obs-text in values', () => {
    expect(at('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')).toBeNull();
    expect(at('HTTP/1.1 204 \r\n\r\n')).toBeNull();
    expect(at('HTTP/1.0 404 Not Found\r\nX-Empty:\r\nX-Latin: caf\xe9\r\n\r\n')).toBeNull();
    expect(at('HTTP/1.1 200 OK\r\nA: b\r\n\r\n\x00\x01 binary body \n\r')).toBeNull();
  });

  it('has no bad byte yet when the head is only incomplete', () => {
    expect(at('')).toBeNull();
    expect(at('HTT')).toBeNull();
    expect(at('HTTP/1.1 200 OK\r\nContent-Le')).toBeNull();
    expect(at('HTTP/1.1 200 OK\r\n\r')).toBeNull();
  });

  it('points at the first byte the status line does not allow', () => {
    expect(at('<html>Error</html>')).toEqual([0, 1]);
    expect(at('http/1.1 200 OK\r\n\r\n')).toEqual([0, 1]);
    expect(at('HTTP/1.1  200 OK\r\n\r\n')).toEqual([9, 1]);
    expect(at('HTTP/1.1 2x0 OK\r\n\r\n')).toEqual([10, 1]);
    expect(at('HTTP/1.1 200\r\n\r\n')).toEqual([12, 1]);
    expect(firstBadByte(b('HTTP/1.1 200\r\n\r\n'))!.expected).toMatch(/space after the status code/);
    expect(at('HTTP/11 200 OK\r\n\r\n')).toEqual([6, 1]);
    expect(at('HTTP/1.1 200 OK\x00\r\n\r\n')).toEqual([15, 1]);
  });

  it('points at a bare LF, a CR without LF, whitespace before a colon, a line without a colon, obs-fold, a control byte in a value', () => {
    expect(at('HTTP/1.1 200 OK\nA: b\n\n')).toEqual([15, 1]);
    expect(at('HTTP/1.1 200 OK\r\nA: b\rC: d\r\n\r\n')).toEqual([22, 2]);
    const spaced = firstBadByte(b('HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\n\r\n'))!;
    expect([spaced.offset, spaced.line, spaced.expected]).toEqual([29, 2, expect.stringMatching(/before the colon/)]);
    expect(at('HTTP/1.1 200 OK\r\nnot a field\r\n\r\n')).toEqual([20, 2]);
    expect(at('HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n')).toEqual([23, 3]);
    expect(at('HTTP/1.1 200 OK\r\nA: b\x01c\r\n\r\n')).toEqual([21, 2]);
    expect(at('HTTP/1.1 200 OK\r\nA: b\r\n\n')).toEqual([23, 3]);
  });
});

describe('caretLines', () => {
  it('shows the line, its line end escaped, and a caret under the bad byte', () => {
    const bytes = b('HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\n\r\n');
    expect(caretLines(bytes, { offset: 29 })).toEqual(['Content-Type : text/plain\\r\\n', '            ^']);
  });

  it('marks every column of an escaped byte, counting escapes before it', () => {
    const bytes = b('HTTP/1.1 200 OK\r\nA: \tb\x01c\r\n\r\n');
    expect(caretLines(bytes, { offset: 22 })).toEqual(['A: \\tb\\x01c\\r\\n', '      ^^^^']);
  });

  it('keeps the caret in view on a long line, with … where it was cut', () => {
    const long = `HTTP/1.1 200 OK\r\nX-Long: ${'a'.repeat(200)}\x7f${'z'.repeat(200)}\r\n\r\n`;
    const bad = firstBadByte(b(long))!;
    const [text, caret] = caretLines(b(long), bad, 40);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(44);
    expect(text.slice(caret.indexOf('^'), caret.length)).toBe('\\x7f');
  });

  it('puts the caret under a status line that is no status line at all', () => {
    expect(describeBadByte(b('<html><body>Bad version</body></html>'))).toBe(
      'byte 0 (line 1): expected "H" of "HTTP/" (a response starts with its status line, RFC 9112 §4)\n<html><body>Bad version</body></html>\n^',
    );
    expect(describeBadByte(b('HTTP/1.1 200 OK\r\n\r\n'))).toBeNull();
  });
});

describe('the text report of a failure', () => {
  it('shows the first bad byte of a response a strict client cannot parse, with a caret under it', () => {
    const broken = { ...failCheck, exchanges: [exchangeReceiving('HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\nContent-Length: 0\r\n\r\n', 'response')] };
    const text = renderFailure(runResult([broken]), broken, palette(false));
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  bad byte: '));
    expect(lines[at]).toBe('  bad byte: byte 29 (line 2): expected ":" right after the field name (no whitespace before the colon, RFC 9112 §5.1)');
    expect(lines[at + 1]).toBe(`${' '.repeat(12)}Content-Type : text/plain\\r\\n`);
    expect(lines[at + 2]).toBe(`${' '.repeat(12)}            ^`);
    // A well-formed answer gets no such line.
    expect(renderFailure(runResult([failCheck]), failCheck, palette(false))).not.toContain('bad byte:');
  });
});

describe('the HTML report of a failure', () => {
  it('shows the bad byte under the bytes received, escaped', () => {
    const broken = { ...failCheck, exchanges: [exchangeReceiving('HTTP/1.1 200 OK\r\nX-Tag<b>: 1\r\n\r\n', 'response')] };
    const html = renderHtmlReport(grade('erin', [broken]));
    expect(html).toContain('The first byte a strict client cannot parse');
    expect(html).toContain('byte 22 (line 2): expected a field-name character or &quot;:&quot;\nX-Tag&lt;b&gt;: 1\\r\\n\n     ^</pre>');
    expect(renderHtmlReport(grade('erin', [failCheck]))).not.toContain('strict client cannot parse');
  });
});
