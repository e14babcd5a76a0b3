import { runMatrixRow, failingIds } from './test/zoo/run-matrix.js';
const slug = process.argv[2] ?? 'no-505';
const t = performance.now();
const r = await runMatrixRow(slug);
const cpu = process.cpuUsage();
console.log(slug, Math.round(performance.now() - t), 'ms wall', Math.round((cpu.user + cpu.system) / 1000), 'ms cpu', failingIds(r.result).length, 'failing');
