import { anyProfile } from '../../../src/model/profile.js';
import { classProbes } from '../../../src/runner/class-probes.js';
import { probeSubmission } from '../../../src/runner/class-run.js';
import { classOutliers } from '../../../src/runner/class-outliers.js';
import { aspectValue } from '../../../src/runner/class-signature.js';
import { eachRunning, kvClass, zooClass } from './harness.js';

const which = process.argv[2] ?? 'zoo';
const members = which === 'kv' ? kvClass() : zooClass();
const set = classProbes(anyProfile('/'), 42);
console.log('probes', set.probes.length);
const t0 = performance.now();
const sigs = await eachRunning(members, 8, (m) => probeSubmission(m.member.name, m.target, set, { control: m.control }));
console.log('time', Math.round(performance.now() - t0), 'ms; per submission', sigs.map((s) => s.durationMs).join(' '));
const out = classOutliers(set.probes, sigs);
for (const m of members) {
  const roots = out.findings.filter((f) => f.submission === m.name && !f.rootProbe);
  const all = out.findings.filter((f) => f.submission === m.name);
  console.log(`${m.correct ? 'OK ' : 'BUG'} ${m.name}: ${all.length} findings, ${roots.length} roots`);
  for (const f of roots.slice(0, 6)) console.log(`     ${f.probe} [${f.aspect}] ${f.agree}/${f.of} majority=${aspectValue(f.majority, f.aspect)} yours=${aspectValue(f.yours, f.aspect)}  :: ${f.label}`);
}
console.log('disagreements');
for (const d of out.disagreements) console.log('  ', d.probe, d.label, d.groups.map((g) => `${g.members.length}:${g.members.slice(0,3).join(',')}`).join(' | '));
console.log('clusters', out.clusters.map((c) => c.length).join(' '));
import { signatureGroups } from '../../../src/runner/class-outliers.js';
for (const id of ['route.kv-host.replace-absent', 'route.kv-host.concurrent', 'route.kv-host.create-read']) {
  console.log(id);
  for (const g of signatureGroups(id, sigs)) console.log('   ', g.members.length, g.members.join(','), JSON.stringify(g.signature));
}
