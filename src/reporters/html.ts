/**
 * The report a student reads: one self-contained HTML page (inline CSS, no script, nothing fetched)
 * with the score, how the server ran, and every failure with the requirement, the bytes both ways and
 * how to reproduce it. Everything that comes from the server, the student or a check is escaped: a
 * response holding `<script>` shows as text.
 */
import { deathHeadline, describeExit, reasonOf } from './causes.js';
import type { SentRequest } from '../checks/types.js';
import type { Exchange } from '../client/exchange.js';
import type { GradeResult } from '../runner/grade-types.js';
import type { CheckResult } from '../runner/types.js';
import { concatBytes, showBytes } from '../wire/bytes.js';
import { formatDuration, formatEndpoint, formatPercent, formatPoints, plural } from './format.js';
import { areaRows, scoreRows, classJudgedBy, compareSubmissions, gradeNotes, gradeStatus, lastLines, orderedFamilies, partialSentence, topFailureOf, type PartialClass } from './grading.js';
import { gradeReplay, gradeRerun, ranOnGradersPort, regradeCommand } from './own-server.js';
import { PORT_PLACEHOLDER, portIsGone } from './replay.js';
import { dependantsOf } from '../runner/root-causes.js';
import { byConsequence, serverDownAfter } from './consequence.js';
import { describeBadByte } from './bad-byte.js';

/** How many bytes of each direction of one exchange are shown. */
export const BYTES_CAP = 4096;
/** How many exchanges of one check are shown (the last ones: a sequence fails at its end). */
const MAX_EXCHANGES = 4;
const MAX_DEATHS = 10;
/** Failures shown in full in a report at most; the rest get a line each. */
const MAX_FULL_FAILURES = 20;
/** Failures are shown in full while they take less than this … */
const FULL_FAILURES_BYTES = 48 * 1024;
/** … and in short while all of them take less than this; the rest by id (see renderHtmlReport) … */
const FAILURES_BYTES = 96 * 1024;
/** … each with its replay (when at most MAX_SHORT_REPLAY characters) while they take less than this. */
const REPLAYS_BYTES = 120 * 1024;
const MAX_SHORT_REPLAY = 400;

/** `text` on one line, at most `max` characters (an ellipsis when cut). */
function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * Escapes text for HTML content and attribute values, and shows control characters (other than tab and
 * newline) and bidirectional overrides as `\xHH` / `\uHHHH`, so nothing the server sent can change the
 * page or hide what it says.
 */
export function escapeHtml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g, (ch) => {
        const code = ch.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
      })
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

/** A fragment id from a check id (ids are slugs already; anything else becomes `-`). */
function anchor(id: string): string {
  return 'check-' + id.replace(/[^A-Za-z0-9._-]/g, '-');
}

function isPlain(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a || b === 0x09;
}

/**
 * Bytes for reading: showBytes' escapes (`\r\n`, `\x00`), with a real line break after each LF so a
 * request or response reads line by line; capped at `cap` bytes.
 */
export function showBytesByLine(b: Uint8Array, cap = BYTES_CAP): string {
  const head = b.subarray(0, cap);
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0x0a) {
      lines.push(showBytes(head.subarray(start, i + 1), Infinity));
      start = i + 1;
    }
  }
  if (start < head.length) lines.push(showBytes(head.subarray(start), Infinity));
  let s = lines.join('\n');
  if (b.length > cap) s += `\n… (${b.length - cap} more bytes not shown)`;
  return s;
}

/** A classic hex dump: offset, 16 bytes in hex, and the printable ASCII (others as `.`); capped at `cap` bytes. */
export function hexDump(b: Uint8Array, cap = BYTES_CAP): string {
  const head = b.subarray(0, cap);
  const rows: string[] = [];
  for (let o = 0; o < head.length; o += 16) {
    const row = head.subarray(o, o + 16);
    const hex = [...row].map((x) => x.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    rows.push(`${o.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  if (b.length > cap) rows.push(`… (${b.length - cap} more bytes not shown)`);
  return rows.join('\n');
}

/** One direction of an exchange: the bytes by line, and a hex view when they hold anything but text. */
function bytesBlock(title: string, b: Uint8Array): string {
  const head = `<p class="dir">${escapeHtml(title)} (${plural(b.length, 'byte')})</p>`;
  if (b.length === 0) return `${head}<p class="none">nothing</p>`;
  const pre = `<pre class="bytes">${escapeHtml(showBytesByLine(b))}</pre>`;
  const odd = b.subarray(0, BYTES_CAP).some((x) => !isPlain(x));
  const hex = odd ? `<details class="hex"><summary>hex view (the bytes include non-printable ones)</summary><pre>${escapeHtml(hexDump(b))}</pre></details>` : '';
  return head + pre + hex;
}

function outcomeWords(x: Exchange): string {
  const kind: Record<Exchange['kind'], string> = {
    response: 'a complete response',
    'closed-without-response': 'the server closed the connection without a complete response',
    reset: 'the connection was reset',
    timeout: 'no complete response before the deadline',
    refused: 'the connection was refused',
    overflow: 'the server sent more than the suite reads',
  };
  const conn = x.kind === 'refused' ? '' : `; the connection was ${x.connection === 'open' ? 'still open' : x.connection}`;
  return `${kind[x.kind]}${conn}; ${Math.round(x.elapsedMs)} ms`;
}

function exchangesSection(c: CheckResult): string {
  const all = c.exchanges ?? [];
  const parts: string[] = [];
  if (all.length === 0) {
    // No transcript kept: the request alone, as planned.
    const reqs: SentRequest[] = [...(c.setup ?? []), ...(c.request ? [c.request] : [])];
    reqs.forEach((r, i) => parts.push(bytesBlock(reqs.length > 1 ? `Request ${i + 1} of ${reqs.length}, sent` : 'Sent', r.plan.bytes)));
    return parts.length ? `<h4>What was sent</h4>${parts.join('')}` : '';
  }
  const shown = all.slice(-MAX_EXCHANGES);
  const skipped = all.length - shown.length;
  if (skipped) parts.push(`<p class="note">${plural(skipped, 'earlier connection')} not shown.</p>`);
  shown.forEach((x, k) => {
    const i = skipped + k + 1;
    const label = all.length > 1 ? `Connection ${i} of ${all.length}` : 'The connection';
    parts.push(`<h5>${escapeHtml(label)}: ${escapeHtml(outcomeWords(x))}</h5>`);
    if (x.kind === 'refused') {
      parts.push(`<p>${escapeHtml(x.message ?? 'refused')}</p>`);
      return;
    }
    const sent = concatBytes(x.transcript.filter((e) => e.dir === 'sent').map((e) => e.bytes));
    const got = concatBytes(x.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes));
    parts.push(bytesBlock('Sent by wiregrade', sent), bytesBlock('Received from your server', got));
    // A response head a strict client cannot parse: the line, and a caret under its first bad byte.
    const bad = describeBadByte(got);
    if (bad) parts.push(`<p class="dir">The first byte a strict client cannot parse</p><pre class="bytes">${escapeHtml(bad)}</pre>`);
  });
  const cuts = c.request?.plan.splits ?? [];
  if (cuts.length) {
    const pauses = c.request?.plan.pausesMs ?? [];
    const p = pauses.length ? `, with pauses of ${pauses.map((ms) => `${ms} ms`).join(', ')}` : '';
    parts.unshift(`<p class="note">The request was sent in ${cuts.length + 1} pieces, split at byte ${cuts.join(', ')}${p}.</p>`);
  }
  return `<h4>What was sent and received</h4>${parts.join('')}`;
}

function requirementHtml(c: CheckResult): string {
  const req = `<p class="req"><span class="level">${escapeHtml(c.level)}</span> ${escapeHtml(c.requirement)}${c.cite ? ` <cite>${escapeHtml(c.cite)}</cite>` : ''}</p>`;
  // The sentence the verdict rests on, so a student can read it where it is written.
  if (c.source && 'rfc' in c.source) return `${req}<blockquote class="source">“${escapeHtml(c.source.quote)}” — ${escapeHtml(c.source.rfc)}</blockquote>`;
  if (c.source) return `${req}<p class="source note">Asked by the ${escapeHtml(c.source.profile)} profile: ${escapeHtml(c.source.note)}</p>`;
  return req;
}

function failureSection(g: GradeResult, c: CheckResult): string {
  const id = anchor(c.id);
  const parts = [
    `<section class="check failure" id="${id}" aria-labelledby="${id}-h">`,
    `<h3 id="${id}-h"><span class="tag fail">fail</span> <code>${escapeHtml(c.id)}</code>${deathHeadline(c) ? ` — ${escapeHtml(deathHeadline(c)!)}` : ''}</h3>`,
    requirementHtml(c),
  ];
  if (reasonOf(c)) parts.push(`<p><strong>Why:</strong> ${escapeHtml(reasonOf(c))}</p>`);
  const expected = c.expected.length ? `<ul>${c.expected.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>` : '<p>(not stated)</p>';
  parts.push(
    '<dl class="ea">',
    `<dt>Expected${c.expected.length > 1 ? ' (any of)' : ''}</dt><dd>${expected}</dd>`,
    `<dt>Actual</dt><dd><p>${escapeHtml(c.actual || '(nothing recorded)')}</p></dd>`,
    '</dl>',
  );
  const deps = dependantsOf(g.run.checks, c.id);
  if (deps.length) {
    parts.push(
      `<p><strong>Follows from it:</strong> ${plural(deps.length, 'more failure')}, not deducted again (fix this one and they go too):</p>`,
      `<ul>${deps.map((d) => `<li><code>${escapeHtml(d.id)}</code> — ${escapeHtml(d.requirement)}</li>`).join('')}</ul>`,
    );
  }
  parts.push(exchangesSection(c));

  const replay = gradeReplay(g, c);
  const own = ranOnGradersPort(g);
  // Run on a port of wiregrade's choosing, since stopped (a grade, a `fuzz --cmd`): the commands are aimed at the reader's own server.
  const startIt = own || portIsGone(g.run) ? `Start your server, put the port it listens on for ${PORT_PLACEHOLDER}, then` : `With the server running at ${escapeHtml(formatEndpoint(g.run.target))},`;
  parts.push('<h4>How to reproduce</h4>');
  if (replay?.startsWith('wiregrade replay ')) {
    parts.push(`<p>${startIt} send the exact bytes, saved in the regression corpus, with wiregrade:</p>`, `<pre class="cmd">${escapeHtml(replay)}</pre>`);
  } else if (replay) {
    const seq = (c.setup?.length ?? 0) > 0 ? ' (one line per request, in order)' : '';
    parts.push(`<p>${startIt} send the same bytes${seq}:</p>`, `<pre class="cmd">${escapeHtml(replay)}</pre>`);
  }
  parts.push(`<p>Or run this check again with wiregrade${own ? ` against your server on ${PORT_PLACEHOLDER}` : ''}:</p>`, `<pre class="cmd">${escapeHtml(gradeRerun(g, c))}</pre>`);
  if (own) parts.push("<p>Or let wiregrade start your server and grade this check, from your submission's folder:</p>", `<pre class="cmd">${escapeHtml(regradeCommand(g, c.id))}</pre>`);
  if (c.property) {
    parts.push(
      `<p class="note">Found as case ${c.runs} of a generated property and shrunk ${plural(c.property.shrinks, 'time')}; ` +
        `seed ${c.property.seed}, path ${escapeHtml(c.property.path)}.</p>`,
    );
  }
  if (c.corpusFile) parts.push(`<p class="note">Saved in the regression corpus as <code>${escapeHtml(c.corpusFile)}</code>.</p>`);
  parts.push('</section>');
  return parts.join('\n');
}

function notesSection(g: GradeResult): string {
  const notes = gradeNotes(g);
  const items = notes.map((n) => {
    const detail = n.detail ? `<br><span class="sub">${escapeHtml(n.detail.label)}:</span><pre class="stderr">${escapeHtml(n.detail.lines.join('\n'))}</pre>` : '';
    return `<li class="${n.bad ? 'bad' : 'ok'}">${n.bad ? '<span class="vh">Problem: </span>' : ''}${escapeHtml(n.text)}${detail}</li>`;
  });
  let deaths = '';
  if (g.deaths.length > 1) {
    const shown = g.deaths.slice(0, MAX_DEATHS);
    const rows = shown.map(
      (d) =>
        `<li>after <code>${escapeHtml(d.afterCheck)}</code> (${escapeHtml(describeExit(d.code, d.signal))}${d.restarted ? ', restarted' : ', not restarted'})` +
        (d.stderrTail.trim() ? `<pre class="stderr">${escapeHtml(lastLines(d.stderrTail).join('\n'))}</pre>` : '') +
        '</li>',
    );
    const more = g.deaths.length > MAX_DEATHS ? `<p>… and ${g.deaths.length - MAX_DEATHS} more.</p>` : '';
    deaths = `<details><summary>Each time the server died, with its last lines on stderr</summary><ol>${rows.join('')}</ol>${more}</details>`;
  }
  return `<h2 id="run">How your server ran</h2><ul class="notes">${items.join('')}</ul>${deaths}`;
}

function familyTable(g: GradeResult): string {
  const rows = orderedFamilies(g.families).map(
    (f) =>
      `<tr class="${f.points < f.max ? 'lost' : 'full'}"><th scope="row">${escapeHtml(f.family)}</th><td>${f.passed} / ${f.total}</td>` +
      `<td>${formatPoints(f.points)} / ${formatPoints(f.max)}</td><td>${formatPercent(f.points, f.max)}</td></tr>`,
  );
  const passed = g.families.reduce((s, f) => s + f.passed, 0);
  const total = g.families.reduce((s, f) => s + f.total, 0);
  // The last row of scoreRows is the total (the points themselves when the score is weighted).
  const totalRow = scoreRows(g).at(-1)!;
  const areas = areaRows(g);
  const areaTable = areas
    ? '<table class="score"><caption>Score by area (weighted, out of 100)</caption>' +
      `<thead><tr>${areas[0]!.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
      `<tbody>${areas.slice(1, -1).map((r) => `<tr><th scope="row">${escapeHtml(r[0]!)}</th>${r.slice(1).map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody>` +
      `<tfoot><tr><th scope="row">score</th><td></td><td></td><td>${escapeHtml(areas.at(-1)![3]!)}</td></tr></tfoot></table>`
    : '';
  return (
    '<table class="score"><caption>Score by check family</caption>' +
    '<thead><tr><th scope="col">family</th><th scope="col">checks passed</th><th scope="col">points</th><th scope="col">%</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody>` +
    `<tfoot><tr><th scope="row">total</th><td>${passed} / ${total}</td><td>${escapeHtml(totalRow[2]!)}</td>` +
    `<td>${escapeHtml(totalRow[3]!)}</td></tr></tfoot></table>` +
    areaTable
  );
}

/** Check ids, comma-separated, in one paragraph. */
function idList(checks: readonly CheckResult[]): string {
  return `<p class="ids">${checks.map((c) => `<code>${escapeHtml(c.id)}</code>`).join(', ')}</p>`;
}

function checkList(checks: readonly CheckResult[], withReason: boolean): string {
  return `<ul class="checks">${checks
    .map((c) => `<li><code>${escapeHtml(c.id)}</code> — ${escapeHtml(c.requirement)}${c.cite ? ` <cite>${escapeHtml(c.cite)}</cite>` : ''}${withReason && reasonOf(c) ? `<br><span class="sub">${escapeHtml(reasonOf(c))}</span>` : ''}</li>`)
    .join('')}</ul>`;
}

const CSS = `
:root { color-scheme: light; --fail: #a4161a; --ok: #1b5e20; --warn: #7a4b00; --muted: #555; --line: #ccc; --code: #f4f4f4; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; } h4 { font-size: 1rem; margin: 1rem 0 .25rem; } h5 { font-size: .95rem; margin: .75rem 0 .25rem; font-weight: 600; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: var(--code); border: 1px solid var(--line); padding: .5rem .75rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0 .75rem; }
.score-line { font-size: 1.25rem; } .score-line strong { font-size: 1.5rem; }
table.score { border-collapse: collapse; margin: .5rem 0; } table.score caption { text-align: left; font-weight: 600; }
table.score th, table.score td { border: 1px solid var(--line); padding: .25rem .75rem; text-align: right; } table.score th[scope=row] { text-align: left; }
table.score tfoot { font-weight: 700; } tr.lost td { color: var(--fail); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; } dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
ul.notes li.bad { color: var(--fail); } ul.notes pre { color: #111; }
.check { border: 1px solid var(--line); border-left: 6px solid var(--fail); padding: .75rem 1rem; margin: 1rem 0; break-inside: avoid-page; }
.tag { display: inline-block; font-size: .8rem; font-weight: 700; text-transform: uppercase; padding: 0 .4rem; border: 1px solid currentColor; border-radius: 3px; }
.tag.fail { color: var(--fail); } .level { font-weight: 700; } .req { font-size: 1.05rem; } cite { color: var(--muted); }
dl.ea dt { font-weight: 700; margin-top: .25rem; } dl.ea dd { margin-left: 1.25rem; } dl.ea ul, dl.ea p { margin: 0; }
.dir { margin: .5rem 0 0; font-weight: 600; } .none, .note, .sub { color: var(--muted); } .warn-list li { color: var(--warn); }
details > summary { cursor: pointer; } details.hex pre { font-size: .8rem; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  pre { background: none; } a { color: inherit; text-decoration: none; }
  details > summary { list-style: none; } details::details-content { content-visibility: visible; display: contents; }
  h2, h3, h4 { break-after: avoid-page; }
}
`.trim();

/**
 * The student's report: the score and the per-family table, how the server ran (launch, deaths and
 * restarts, sandbox), each failure in full (requirement and RFC cite, expected vs actual, the exact bytes
 * both ways with a hex view, a printf | nc replay and the wiregrade rerun), checks the grader could not
 * run, warnings, blocked checks grouped by reason, and the passed checks (collapsed).
 */
export function renderHtmlReport(g: GradeResult): string {
  const checks = g.run.checks;
  const by = (v: CheckResult['verdict']) => checks.filter((c) => c.verdict === v);
  // One bug, one entry: a failure that follows from another is listed in that one's section.
  const failures = byConsequence(by('fail').filter((c) => !c.rootCause), serverDownAfter(g.run, g.deaths));
  const errors = by('error');
  const warnings = by('warn');
  const blocked = by('blocked');
  const passed = by('pass');
  const skipped = by('skip');
  const name = escapeHtml(g.submission);
  const body: string[] = [];

  body.push(
    `<h1>wiregrade report: ${name}</h1>`,
    `<p class="score-line">Score: <strong>${formatPoints(g.score.points)} / ${formatPoints(g.score.max)}</strong> points (${formatPercent(g.score.points, g.score.max)})</p>`,
    '<dl class="meta">',
    `<dt>command</dt><dd><code>${escapeHtml(g.command)}</code></dd>`,
    `<dt>target</dt><dd><code>${escapeHtml(formatEndpoint(g.run.target))}</code></dd>`,
    `<dt>profile</dt><dd>${escapeHtml(g.run.profile)}${g.run.strict ? ' (strict: SHOULD checks count)' : ''}</dd>`,
    `<dt>seed</dt><dd>${g.run.seed}</dd>`,
    `<dt>started</dt><dd>${escapeHtml(g.run.startedAt)}</dd>`,
    `<dt>duration</dt><dd>${formatDuration(g.durationMs)}</dd>`,
    '</dl>',
    `<p>${[
      `${failures.length} failed`,
      `${passed.length} passed`,
      plural(warnings.length, 'warning'),
      `${blocked.length} blocked`,
      `${skipped.length} not applicable`,
      ...(errors.length ? [`${errors.length} could not be run`] : []),
    ].join(', ')}.</p>`,
    '<h2 id="score">Score</h2>',
    familyTable(g),
    notesSection(g),
  );

  body.push(`<h2 id="failures">Failures (${failures.length})</h2>`);
  if (failures.length) {
    body.push(`<nav aria-label="failures"><ul>${failures.map((c) => `<li><a href="#${anchor(c.id)}"><code>${escapeHtml(c.id)}</code></a></li>`).join('')}</ul></nav>`);
    // In full, the first failures (in the order of their consequence) while they take less than
    // FULL_FAILURES_BYTES (and at most MAX_FULL_FAILURES); then in short (the requirement, expected and
    // got, the replay) while the failures take less than FAILURES_BYTES; the rest by id and what was got.
    // So a report stays small whatever the server does (the JSON report and the corpus have them all).
    let used = 0;
    let full = 0;
    while (full < failures.length && full < MAX_FULL_FAILURES && used < FULL_FAILURES_BYTES) {
      const section = failureSection(g, failures[full]!);
      body.push(section);
      used += section.length;
      full++;
    }
    const rest = failures.slice(full);
    if (rest.length > 0) {
      const item = (c: CheckResult, withRequirement: boolean): string => {
        const replay = gradeReplay(g, c);
        return `<li id="${anchor(c.id)}"><code>${escapeHtml(c.id)}</code>${withRequirement ? ` — ${escapeHtml(c.requirement)}` : ''}<br><span class="sub">expected ${escapeHtml(c.expected.join(' or '))}; got ${escapeHtml(c.actual)}</span>${replay ? `<pre class="cmd">${escapeHtml(replay)}</pre>` : ''}</li>`;
      };
      // By id: what was got, and the replay while the failures take less than REPLAYS_BYTES (a student
      // acts on a replay; a long one is left to the JSON report).
      const bare = (c: CheckResult): string => {
        const replay = used < REPLAYS_BYTES ? gradeReplay(g, c) : null;
        const shown = replay !== null && replay.length <= MAX_SHORT_REPLAY ? `<pre class="cmd">${escapeHtml(replay)}</pre>` : '';
        const html = `<li id="${anchor(c.id)}"><code>${escapeHtml(c.id)}</code>: got ${escapeHtml(oneLine(c.actual, 80))}${shown}</li>`;
        used += html.length;
        return html;
      };
      // Failures in a row that break the same requirement (26 smuggling checks quote one RFC sentence)
      // share it: the requirement once, its checks under it.
      const runs: CheckResult[][] = [];
      for (const c of rest) {
        const last = runs[runs.length - 1];
        if (last && last[0]!.requirement === c.requirement) last.push(c);
        else runs.push([c]);
      }
      const short: string[] = [];
      const byId: CheckResult[] = [];
      for (const run of runs) {
        if (used >= FAILURES_BYTES) {
          byId.push(...run);
          continue;
        }
        const html = run.length === 1 ? item(run[0]!, true) : `<li>${escapeHtml(run[0]!.requirement)} (${run.length} checks)<ul>${run.map((c) => item(c, false)).join('')}</ul></li>`;
        short.push(html);
        used += html.length;
      }
      body.push(`<h3>${plural(rest.length - byId.length, 'more failure')}, in short</h3><ul>${short.join('')}</ul>`);
      if (byId.length > 0) {
        body.push(`<h3>${plural(byId.length, 'more failure')}, by id</h3><p>Each in full in the JSON report (<code>--json</code>) and in <code>wiregrade fuzz --checks ID</code> against your server.</p><ul>${byId.map((c) => bare(c)).join('')}</ul>`);
      }
    }
  } else {
    body.push('<p>No check failed.</p>');
  }

  if (errors.length) {
    body.push(`<h2 id="errors">Checks the grader could not run (${errors.length})</h2>`, '<p>Something went wrong in the grader itself while running these; tell your teaching staff.</p>', checkList(errors, true));
  }
  if (warnings.length) {
    body.push(
      `<h2 id="warnings">Warnings (${warnings.length})</h2>`,
      g.run.strict ? '<p>SHOULD requirements; this run was strict, so they count:</p>' : '<p>Not required (SHOULD) and not counted, but worth fixing:</p>',
    );
    body.push(`<ul class="warn-list">${warnings.map((c) => `<li><code>${escapeHtml(c.id)}</code>: ${escapeHtml(reasonOf(c))}<br><span class="sub">${escapeHtml(c.requirement)}${c.cite ? ` (${escapeHtml(c.cite)})` : ''}</span></li>`).join('')}</ul>`);
  }
  if (blocked.length) {
    const groups = new Map<string, CheckResult[]>();
    for (const c of blocked) groups.set(reasonOf(c), [...(groups.get(reasonOf(c)) ?? []), c]);
    body.push(`<h2 id="blocked">Blocked (${blocked.length})</h2>`, '<p>These checks could not run because something they depend on failed; fix that first.</p>');
    for (const [reason, cs] of groups) {
      // One short entry each (the id), under the cause they share: 300 blocked checks are one sentence and 300 ids.
      body.push(`<details><summary>${escapeHtml(plural(cs.length, 'check'))}: ${escapeHtml(reason)}</summary>${idList(cs)}</details>`);
    }
  }
  // Passed and skipped checks by id only (`wiregrade list` has every requirement): a report stays small
  // however many checks the catalogue has.
  body.push(`<h2 id="passed">Passed (${passed.length})</h2>`);
  body.push(passed.length ? `<details><summary>${plural(passed.length, 'check')} passed</summary>${idList(passed)}</details>` : '<p>No check passed.</p>');
  if (skipped.length) {
    const why = new Map<string, CheckResult[]>();
    for (const c of skipped) why.set(reasonOf(c), [...(why.get(reasonOf(c)) ?? []), c]);
    body.push(
      `<details><summary>${plural(skipped.length, 'check')} did not apply to this assignment</summary>${[...why]
        .map(([reason, cs]) => `<p class="sub">${escapeHtml(reason)}:</p>${idList(cs)}`)
        .join('')}</details>`,
    );
  }

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>wiregrade report: ${name}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    `<footer>Generated by wiregrade on ${escapeHtml(g.run.startedAt)}. Replay commands need <code>printf</code> and <code>nc</code> (netcat).</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The class's index page: one row per submission (sorted by name) with its score, status and first
 * failure, linking to its report (`<slug>.html`, beside the index).
 */
export function renderClassIndex(results: readonly GradeResult[], slugs: ReadonlyMap<string, string>, opts: { partial?: PartialClass } = {}): string {
  const rows = [...results]
    .sort((a, b) => compareSubmissions(a.submission, b.submission))
    .map((g) => {
      const href = encodeURIComponent(slugs.get(g.submission) ?? g.submission) + '.html';
      const top = topFailureOf(g);
      return (
        `<tr class="${g.score.points < g.score.max ? 'lost' : 'full'}"><th scope="row"><a href="${escapeHtml(href)}">${escapeHtml(g.submission)}</a></th>` +
        `<td>${formatPoints(g.score.points)} / ${formatPoints(g.score.max)}</td><td>${formatPercent(g.score.points, g.score.max)}</td>` +
        `<td>${escapeHtml(gradeStatus(g))}</td><td>${top ? `<code>${escapeHtml(top)}</code>` : '—'}</td></tr>`
      );
    });
  const started = results[0]?.run.startedAt ?? '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<title>wiregrade: class reports</title>',
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>wiregrade: ${plural(results.length, 'submission')}</h1>`,
    ...classJudgedBy(results).map((l) => `<p class="judged">Judged by ${escapeHtml(l)}.</p>`),
    ...(opts.partial ? [`<p class="partial"><strong>${escapeHtml(partialSentence(opts.partial))}.</strong></p>`] : []),
    '<table class="score"><caption>Each submission, with a link to its report</caption>',
    '<thead><tr><th scope="col">student</th><th scope="col">points</th><th scope="col">%</th><th scope="col">status</th><th scope="col">top failure</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    `<footer>Generated by wiregrade on ${escapeHtml(started)}.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
