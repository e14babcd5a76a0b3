import { afterEach, describe, expect, it } from 'vitest';
import { palette, stripAnsi } from '../../src/reporters/ansi.js';

describe('palette (node:util styleText)', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it('colours with the SGR codes when on, whatever the process streams are (the CLI decided)', () => {
    process.env.NO_COLOR = '1'; // styleText must not look at the environment or a stream: the CLI already did
    const p = palette(true);
    expect(p.red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(p.green('x')).toBe('\x1b[32mx\x1b[39m');
    expect(p.yellow('x')).toBe('\x1b[33mx\x1b[39m');
    expect(p.cyan('x')).toBe('\x1b[36mx\x1b[39m');
    expect(p.dim('x')).toBe('\x1b[2mx\x1b[22m');
    expect(p.bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(p.red('')).toBe('');
  });

  it('is the identity when off, and stripAnsi undoes it', () => {
    const off = palette(false);
    for (const f of Object.values(off)) expect(f('a b')).toBe('a b');
    const on = palette(true);
    expect(stripAnsi(on.bold(on.red('fail')) + ' ' + on.dim('(1 s)'))).toBe('fail (1 s)');
  });
});
