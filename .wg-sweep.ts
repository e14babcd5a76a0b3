import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { startZoo, zoo } from './test/helpers/zoo.js';
const slugs = process.argv.slice(2);
for (const slug of slugs) {
  const z = zoo.find((x) => x.slug === slug)!;
  const s = await startZoo(slug);
  const out = `/tmp/wg-sweep-${slug}.json`;
  const t0 = performance.now();
  await new Promise<void>((res) => {
    const c = spawn('node', ['bin/wiregrade.js', 'fuzz', '--target', `127.0.0.1:${s.port}`, '--profile', z.profile, '--no-corpus', '--seed', '1', '--json', out], { stdio: 'ignore' });
    c.on('exit', () => res());
  });
  const ms = performance.now() - t0;
  await s.stop();
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const checks = (j.checks ?? j.results ?? []) as any[];
  const top = checks.map((c) => [c.id ?? c.checkId, c.durationMs ?? 0, c.verdict ?? c.status]).sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`${slug}: ${(ms / 1000).toFixed(1)} s`);
  for (const t of top) console.log(`   ${t[0]} ${t[1]} ${t[2]}`);
}
