/**
 * The class page (issue 24; Autobahn's test matrix as the model): one row per student, one column per
 * class finding that is somebody's root cause (most students flagged first), then one per check that
 * some student failed; each cell links to that student's report, at that finding or check. Below: each
 * student's class findings (root causes first, their consequences counted under them), the probes where
 * the class disagrees, and the clusters (who answers every probe alike), with their sizes. A
 * self-contained HTML page: no script, no external file.
 */
import type { GradeResult } from '../runner/grade-types.js';
import type { ClassFinding, ClassOutcome } from '../runner/class-outliers.js';
import { escapeHtml } from './html.js';
import { ASPECT_WORDS, disagreementSentence, findingSentence } from './class-findings.js';

export interface ClassPageInput {
  outcome: ClassOutcome;
  /** The graded submissions, when the page sits beside their reports (their failed checks become columns). */
  results?: readonly GradeResult[];
  /** The report file of each submission, by name (relative to the page); absent: cells do not link. */
  reports?: ReadonlyMap<string, string>;
  /** The class findings' check id of a probe (`class.<probe>`). */
  checkIdOf: (probe: string) => string;
}

/** The anchor of a check in a student's HTML report (src/reporters/html.ts). */
export function reportAnchor(checkId: string): string {
  return 'check-' + checkId.replace(/[^A-Za-z0-9._-]/g, '-');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;text-align:center}
th.student,td.student{text-align:left}th.col{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-family:monospace;font-size:12px}
td.root{background:#f8d0d0}td.consequence{background:#fbeaea}td.fail{background:#f3c2c2}td.pass{color:#7a7}a{color:inherit}
.note{background:#fff8e0;border:1px solid #e8d48a;padding:.5em 1em;max-width:60em}code{font-size:12px}`;

/** The class page: the matrix, the findings, the disagreements and the clusters. */
export function renderClassPage(input: ClassPageInput): string {
  const { outcome, results = [], reports } = input;
  const names = outcome.submissions.length > 0 ? [...outcome.submissions] : results.map((g) => g.submission);
  for (const g of results) if (!names.includes(g.submission)) names.push(g.submission);
  // Rows: cluster by cluster (largest first), so students who answer alike sit together.
  const clusterOf = new Map<string, number>();
  outcome.clusters.forEach((c, i) => c.forEach((m) => clusterOf.set(m, i)));
  names.sort((a, b) => (clusterOf.get(a) ?? 1e9) - (clusterOf.get(b) ?? 1e9) || (a < b ? -1 : 1));

  const roots = outcome.findings.filter((f) => f.rootProbe === undefined);
  const rootCount = new Map<string, number>();
  for (const f of roots) rootCount.set(f.probe, (rootCount.get(f.probe) ?? 0) + 1);
  const classCols = [...rootCount.keys()].sort((a, b) => rootCount.get(b)! - rootCount.get(a)! || (a < b ? -1 : 1));
  const failed = new Map<string, number>();
  for (const g of results) for (const c of g.run.checks) if (c.verdict === 'fail' && c.rootCause === undefined && !c.id.startsWith('class.')) failed.set(c.id, (failed.get(c.id) ?? 0) + 1);
  const checkCols = [...failed.keys()].sort((a, b) => failed.get(b)! - failed.get(a)! || (a < b ? -1 : 1));
  const byName = new Map(results.map((g) => [g.submission, g]));
  const found = new Map<string, ClassFinding>();
  for (const f of outcome.findings) found.set(`${f.submission}\u0000${f.probe}`, f);

  const link = (name: string, id: string, text: string): string => {
    const r = reports?.get(name);
    return r ? `<a href="${escapeHtml(r)}#${escapeHtml(reportAnchor(id))}">${text}</a>` : text;
  };
  const head = [
    '<th class="student">student</th>',
    ...(results.length > 0 ? ['<th>score</th>'] : []),
    ...classCols.map((p) => `<th class="col class" title="${escapeHtml(outcome.findings.find((f) => f.probe === p)!.label)}">${escapeHtml(input.checkIdOf(p))}</th>`),
    ...checkCols.map((id) => `<th class="col check">${escapeHtml(id)}</th>`),
  ];
  const rows = names.map((name) => {
    const g = byName.get(name);
    const cells = [`<td class="student">${reports?.get(name) ? `<a href="${escapeHtml(reports.get(name)!)}">${escapeHtml(name)}</a>` : escapeHtml(name)}</td>`];
    if (results.length > 0) cells.push(`<td class="score">${g ? `${g.score.points}/${g.score.max}` : ''}</td>`);
    for (const p of classCols) {
      const f = found.get(`${name}\u0000${p}`);
      if (!f) cells.push(outcome.submissions.includes(name) ? '<td class="pass">·</td>' : '<td class="none"></td>');
      else if (f.rootProbe === undefined) cells.push(`<td class="root" title="${escapeHtml(ASPECT_WORDS[f.aspect])}">${link(name, input.checkIdOf(p), '✗')}</td>`);
      else cells.push(`<td class="consequence" title="follows from ${escapeHtml(input.checkIdOf(f.rootProbe))}">${link(name, input.checkIdOf(f.rootProbe), '∘')}</td>`);
    }
    for (const id of checkCols) {
      const c = g?.run.checks.find((x) => x.id === id);
      cells.push(c?.verdict === 'fail' ? `<td class="fail">${link(name, id, '✗')}</td>` : `<td class="${c ? 'pass' : 'none'}">${c ? '·' : ''}</td>`);
    }
    return `<tr data-student="${escapeHtml(name)}">${cells.join('')}</tr>`;
  });

  const findingsBy = names
    .map((name) => {
      const mine = outcome.findings.filter((f) => f.submission === name);
      if (mine.length === 0) return '';
      const items = mine
        .filter((f) => f.rootProbe === undefined)
        .map((f) => {
          const after = mine.filter((x) => x.rootProbe === f.probe).length;
          return `<li data-probe="${escapeHtml(f.probe)}">${link(name, input.checkIdOf(f.probe), `<code>${escapeHtml(input.checkIdOf(f.probe))}</code>`)}: ${escapeHtml(findingSentence(f))}${after > 0 ? ` <em>(and ${after} more probe${after === 1 ? '' : 's'} that differ the same way)</em>` : ''}</li>`;
        });
      return `<h3 id="student-${escapeHtml(name)}">${escapeHtml(name)}</h3><ul>${items.join('')}</ul>`;
    })
    .join('');
  const t = outcome.thresholds;
  const body = [
    `<h1>The class: ${outcome.submissions.length} submissions, ${outcome.probes} probes</h1>`,
    `<p>Every submission got the same probes; where at least ${Math.round(t.threshold * 100)} % of those that answered (and at least ${t.minAgree}) agree, a submission that answers otherwise is listed. ${outcome.findings.filter((f) => f.rootProbe === undefined).length} root findings in ${new Set(outcome.findings.map((f) => f.submission)).size} submissions; ${outcome.disagreements.length} probes where the class disagrees.</p>`,
    `<p class="note" id="how-to-read"><strong>How to read this page.</strong> The majority is not the truth: it is what most of the class did. A class finding says "you differ from most", and most are usually right, so it is usually a bug; but when most submissions share a bug, the few correct ones are the ones flagged. Read a column before deducting for it: if the majority's answer (in each finding's sentence) is itself wrong, the column flags the correct students. Probes where the class disagrees are where the assignment text may be ambiguous.</p>`,
    '<h2 id="matrix-h">Students × findings and checks</h2>',
    `<p>✗ a root cause (links to the student's report), ∘ a consequence of another of the student's findings, · the same as the majority or passed.</p>`,
    `<table id="matrix"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '<h2 id="findings">Class findings, root causes first</h2>',
    findingsBy || '<p>None: every submission answers like the majority wherever there is one.</p>',
    '<h2 id="disagreements">The class disagrees here</h2>',
    outcome.disagreements.length > 0 ? `<ul>${outcome.disagreements.map((d) => `<li data-probe="${escapeHtml(d.probe)}">${escapeHtml(disagreementSentence(d))}</li>`).join('')}</ul>` : '<p>Nowhere: every probe has a clear majority or one answer.</p>',
    '<h2 id="clusters">Clusters: who answers every probe alike</h2>',
    `<ol>${outcome.clusters.map((c) => `<li data-size="${c.length}"><strong>${c.length}</strong>: ${c.map((m) => escapeHtml(m)).join(', ')}</li>`).join('')}</ol>`,
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class: ${outcome.submissions.length} submissions</title><style>${STYLE}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
