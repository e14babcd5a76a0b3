import { runSession } from './src/runner/session.js';
import { allChecks } from './src/checks/catalogue/index.js';
import { allProperties } from './properties/index.js';
import { profiles as builtinProfiles } from './src/model/builtin-profiles.js';
import { startZoo, zoo } from './test/helpers/zoo.js';
const slug = process.argv[2]!;
const z = zoo.find((x) => x.slug === slug)!;
const s = await startZoo(slug);
const t0 = performance.now();
const running = new Map<string, number>();
const spans: [string, number, number, string][] = [];
let idleFrom: number | null = 0;
const gaps: [number, number, string][] = [];
let lastEnded = '';
try {
  const r = await runSession({
    target: { host: s.host, port: s.port }, profile: (builtinProfiles as any)[z.profile], checks: allChecks, properties: allProperties,
    timeoutMs: 2000, seed: 1, runs: 50,
    onEvent: (e) => {
      const t = performance.now() - t0;
      if (e.type === 'check-start') { if (running.size === 0 && idleFrom !== null && t - idleFrom > 30) gaps.push([idleFrom, t, `${lastEnded} -> ${e.id}`]); running.set(e.id, t); }
      if (e.type === 'check-end') { const st = running.get(e.result.id)!; running.delete(e.result.id); spans.push([e.result.id, st, t, e.result.verdict]); lastEnded = e.result.id; if (running.size === 0) idleFrom = t; }
      if (e.type === "property-progress" && e.id === process.env.P) console.log(`  pp ${t.toFixed(0)} case ${e.cases}/${e.runs} el ${e.elapsedMs}`);
      if (e.type === "server-down") console.log(`  server-down after ${e.afterCheck} at ${t.toFixed(0)}`);
    },
  });
  console.log(`${slug}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} finally { await s.stop(); }
const min = Number(process.argv[3] ?? 300);
for (const [id, a, b, v] of spans.sort((x, y) => x[1] - y[1])) if (b - a >= min) console.log(`  ${(a / 1000).toFixed(2)}-${(b / 1000).toFixed(2)} ${((b - a) / 1000).toFixed(2)} ${id} ${v}`);
let gsum = 0; for (const [a, b, w] of gaps) { gsum += b - a; if (b - a > 200) console.log(`  gap ${(a / 1000).toFixed(2)}-${(b / 1000).toFixed(2)} ${w}`); }
console.log(`  gaps total ${(gsum / 1000).toFixed(1)} s`);
