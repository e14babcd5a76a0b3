import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { LONGEST_FIRST } from './sequencer.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('starts only files that exist first (a renamed file would otherwise lose its place silently)', () => {
  for (const f of LONGEST_FIRST) expect(existsSync(path.join(REPO, f)), f).toBe(true);
});
