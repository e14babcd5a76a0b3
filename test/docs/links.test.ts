/**
 * The README is a front door and docs/ the guide behind it: the README stays short, every relative link
 * in the README, in docs/ and in the examples' READMEs leads to a file that exists (and, with `#anchor`,
 * to a heading of it, by GitHub's anchor rule), and no example runs `npx wiregrade`, which fails for a
 * package that is not in a registry.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The headings of a Markdown file, outside fenced code blocks. */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

const markdown = [
  'README.md',
  ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'examples/github-classroom/README.md',
  'reference-server/README.md',
].filter((f) => existsSync(path.join(root, f)));

/** The relative links of a Markdown file (`[text](target)`), outside fenced code blocks. */
function linksOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('README and docs', () => {
  it('the README is at most 250 lines, and keeps the two set-up commands CI and a newcomer run', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
    expect(readme).toContain('npm ci && npm run fuzz');
    expect(readme).toMatch(/^npm test\b/m);
    for (const section of ['## Install', '## Test your own server', '## Grade a class', '## Read a report', '## Where to go next']) expect(readme).toContain(`\n${section}\n`);
  });

  it('every relative link in the README, docs/ and the examples leads to a file, and every #anchor to a heading', () => {
    const bad: string[] = [];
    let count = 0;
    for (const file of markdown) {
      for (const link of linksOf(file)) {
        count++;
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const resolved = target === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), target);
        if (!existsSync(resolved)) {
          bad.push(`${file}: ${link} (no such file)`);
          continue;
        }
        if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
          bad.push(`${file}: ${link} (no such heading)`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(count).toBeGreaterThan(20);
  });

  it('the README links to every page of docs/', () => {
    const linked = new Set(linksOf('README.md').map((l) => l.split('#')[0]));
    const pages = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.filter((p) => !linked.has(`docs/${p}`))).toEqual([]);
  });

  it('no example runs `npx wiregrade` (the package is installed, or run with npm run in a clone)', () => {
    const files = [...markdown, 'action.yml', 'examples/github-classroom/classroom.yml'];
    const found = files.filter((f) => readFileSync(path.join(root, f), 'utf8').includes('npx wiregrade'));
    expect(found).toEqual([]);
  });
});
