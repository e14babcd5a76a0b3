// The outputs of action.yml, from wiregrade's Gradescope results.json (the per-check points, already
// scaled to --max-score) and its JSON report (the percentage, from the unscaled points, as wiregrade
// prints it): `score`, `max-score`, `percent`, and `result`, the base64 JSON that
// classroom-resources/autograding-grading-reporter reads (tests with name, status pass|fail, score,
// message; the run's status is pass when wiregrade exited 0, i.e. at or above the pass mark).
//   node action/outputs.mjs RESULTS_JSON GRADE_JSON EXIT_CODE [MAX_SCORE] >> "$GITHUB_OUTPUT"
import { readFileSync } from 'node:fs';

const [file, gradeFile, exitCode = '1', maxScore = ''] = process.argv.slice(2);
const gs = JSON.parse(readFileSync(file, 'utf8'));
const { points, max: ownMax } = JSON.parse(readFileSync(gradeFile, 'utf8')).score;
const max = maxScore !== '' ? Number(maxScore) : ownMax;
const percent = ownMax > 0 ? Math.round((points / ownMax) * 1000) / 10 : 0;
const firstLine = (s) => {
  const text = String(s ?? '').replace(/^`{3,}\w*\n|\n`{3,}$/g, '');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines[1] ?? lines[0] ?? '').trim().slice(0, 300);
};
const result = {
  version: 1,
  status: exitCode === '0' ? 'pass' : 'fail',
  max_score: max,
  tests: gs.tests.map((t) => ({
    name: t.name,
    status: t.status === 'passed' ? 'pass' : 'fail',
    score: t.score,
    message: t.status === 'passed' ? '' : firstLine(t.output),
    line_no: 0,
    test_code: '',
    execution_time: '0',
  })),
};
const lines = [
  `score=${gs.score}`,
  `max-score=${max}`,
  `percent=${percent.toFixed(1)}`,
  `result=${Buffer.from(JSON.stringify(result)).toString('base64')}`,
];
process.stdout.write(lines.join('\n') + '\n');
