import fc from 'fast-check';

/**
 * smuggler's byte sweep (defparam/smuggler, configs/exhaustive.py: every byte 0x01–0x1F and 0x7F–0xFF at
 * four places of a `Transfer-Encoding: chunked` line), as a generator: one byte, at one place. fast-check
 * shrinks a failure to the first place and the lowest byte that still shows it.
 */
export type SweepPlace = 'before-name' | 'after-name' | 'before-value' | 'after-value';

export const SWEEP_PLACES: readonly SweepPlace[] = ['before-name', 'after-name', 'before-value', 'after-value'];

/** The control bytes and the bytes over 0x7E: 0x01–0x1F, 0x7F–0xFF (160 bytes). */
export const SWEEP_BYTES: readonly number[] = [...Array.from({ length: 0x1f }, (_, i) => i + 1), ...Array.from({ length: 0x81 }, (_, i) => i + 0x7f)];

export interface TeByteCase {
  place: SweepPlace;
  byte: number;
  /** The Transfer-Encoding field line with the byte in its place (Latin-1, without its CRLF). */
  line: string;
  /** `0x0b after-name`: the case in words. */
  label: string;
}

/** The Transfer-Encoding line with `byte` at `place`. */
export function teLine(place: SweepPlace, byte: number): string {
  const b = String.fromCharCode(byte);
  switch (place) {
    case 'before-name':
      return `${b}Transfer-Encoding: chunked`;
    case 'after-name':
      return `Transfer-Encoding${b}: chunked`;
    case 'before-value':
      return `Transfer-Encoding:${b}chunked`;
    case 'after-value':
      return `Transfer-Encoding: chunked${b}`;
  }
}

/** One byte of the sweep at one place. */
export function teByteSweep(): fc.Arbitrary<TeByteCase> {
  // Indices, not constantFrom: an integer shrinks by halving toward 0, to the lowest failing byte.
  const index = (n: number) => fc.integer({ min: 0, max: n - 1 });
  return fc.record({ p: index(SWEEP_PLACES.length), b: index(SWEEP_BYTES.length) }).map(({ p, b }) => ({ place: SWEEP_PLACES[p]!, byte: SWEEP_BYTES[b]! })).map(({ place, byte }) => ({
    place,
    byte,
    line: teLine(place, byte),
    label: `0x${byte.toString(16).padStart(2, '0')} ${place}`,
  }));
}
