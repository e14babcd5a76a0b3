/** ANSI colours through node:util's styleText; every function is the identity when colour is off. */
import { stripVTControlCharacters, styleText } from 'node:util';

export type Paint = (s: string) => string;

export interface Palette {
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
}

type Style = Parameters<typeof styleText>[0];

/**
 * One colour. Whether to colour is the CLI's decision (--no-color, NO_COLOR, a terminal), made before a
 * reporter runs, so styleText is told not to look at a stream itself.
 */
function paint(enabled: boolean, style: Style): Paint {
  return enabled ? (s) => (s === '' ? s : styleText(style, s, { validateStream: false })) : (s) => s;
}

export function palette(enabled: boolean): Palette {
  return {
    red: paint(enabled, 'red'),
    green: paint(enabled, 'green'),
    yellow: paint(enabled, 'yellow'),
    cyan: paint(enabled, 'cyan'),
    dim: paint(enabled, 'dim'),
    bold: paint(enabled, 'bold'),
  };
}

/** Removes ANSI escape sequences (for tests and width calculations): node:util's stripVTControlCharacters. */
export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}
