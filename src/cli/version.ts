import { readFileSync } from 'node:fs';

/** wiregrade's own version, from package.json: two levels up from src/cli/, three from dist/src/cli/. */
export function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wiregrade') return pkg.version ?? '0.0.0';
    } catch {
      // not there: try the next level
    }
  }
  return '0.0.0';
}
