/** Byte helpers shared by every layer: building, slicing and showing raw bytes. */

const encoder = new TextEncoder();

/** Latin-1 string to bytes, one byte per char code (so '\x00'..'\xff' survive exactly). */
export function latin1(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

/** UTF-8 string to bytes. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}


/** Cut `bytes` at `splits` (ignoring out-of-range or repeated offsets). */
export function splitBytes(bytes: Uint8Array, splits: readonly number[] = []): Uint8Array[] {
  const cuts = [...new Set(splits)].filter((s) => s > 0 && s < bytes.length).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let prev = 0;
  for (const c of cuts) {
    pieces.push(bytes.subarray(prev, c));
    prev = c;
  }
  pieces.push(bytes.subarray(prev));
  return pieces;
}

/**
 * Escapes bytes for a shell `printf '…'` format argument: printable ASCII as itself, everything else as
 * a three-digit octal escape (\ooo, which bash, zsh, dash and coreutils printf all read; \xHH is not
 * portable to dash), and ' % \ escaped, so the exact bytes can be pasted into a terminal.
 */
export function printfEscape(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x25) s += '%%';
    else if (c === 0x27) s += "'\\''";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8).padStart(3, '0');
  }
  return s;
}

/** A short, readable rendering of bytes for reports: CR/LF shown as \r\n, others escaped, capped. */
export function showBytes(b: Uint8Array, max = 400): string {
  const head = b.subarray(0, max);
  let s = '';
  for (const c of head) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  if (b.length > max) s += `… (${b.length - max} more bytes)`;
  return s;
}
