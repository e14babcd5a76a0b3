/** A tiny ANSI colour helper (no dependency): every function is the identity when colour is off. */

export type Paint = (s: string) => string;

export interface Palette {
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
}

function sgr(enabled: boolean, open: number, close: number): Paint {
  return enabled ? (s) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`) : (s) => s;
}

export function palette(enabled: boolean): Palette {
  return {
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    cyan: sgr(enabled, 36, 39),
    dim: sgr(enabled, 2, 22),
    bold: sgr(enabled, 1, 22),
  };
}

/** Removes ANSI SGR sequences (for tests and width calculations). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}
