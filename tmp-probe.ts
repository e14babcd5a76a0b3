import { allChecks } from './src/checks/catalogue/index.js';
import { allProperties } from './properties/index.js';
import { anyProfile } from './src/model/profile.js';
import { runSession } from './src/runner/session.js';
import { controls, startControl } from './test/controls/servers.js';
const only = process.argv.slice(2);
for (const c of controls.filter((x) => only.length === 0 || only.includes(x.slug))) {
  const s = await startControl(c);
  if ('skipped' in s) { console.log(s.skipped); continue; }
  try {
    const { result } = await runSession({ target: { host: '127.0.0.1', port: s.port }, profile: anyProfile('/index.html'), checks: allChecks, properties: allProperties, timeoutMs: 2000, seed: 1, runs: 20 });
    const bad = result.checks.filter((x) => x.verdict === 'fail' || x.verdict === 'error');
    const warn = result.checks.filter((x) => x.verdict === 'warn').length;
    console.log(`== ${c.slug}: ${bad.length} fail, ${warn} warn`);
    for (const b of bad) console.log(`  ${b.verdict} ${b.id} [${b.level}]: ${b.reason.slice(0, 230)}`);
  } finally { await s.stop(); }
}
