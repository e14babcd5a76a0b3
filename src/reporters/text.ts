import { blockedGroups, blockWhy, deathHeadline, phraseUnreachable, reasonOf, phraseBaselineAnswer, phraseSideBySide } from './causes.js';
import { table, getBorderCharacters } from 'table';
import type { Exchange } from '../client/exchange.js';
import type { SentRequest, Verdict } from '../checks/types.js';
import { countVerdicts, type CheckResult, type RunResult } from '../runner/types.js';
import { concatBytes, showBytes } from '../wire/bytes.js';
import { palette, type Palette } from './ansi.js';
import { formatEndpoint, plural } from './format.js';
import { PLACEHOLDER_TARGET, PORT_PLACEHOLDER, portIsGone, replayFor, rerunCommand, shellQuote, withPortPlaceholder } from './replay.js';
import { renderCorpusSection } from './corpus.js';
import { describeBadByte } from './bad-byte.js';
import { byConsequence, serverDownAfter } from './consequence.js';
import { FAMILY_ORDER } from '../runner/score.js';
import { dependantsOf } from '../runner/root-causes.js';

export interface TextOptions {
  color: boolean;
  /** How many failures are shown in full (default 5); the rest get one line each. */
  maxFailures?: number;
  /** Every failure in full (`--all`). */
  all?: boolean;
  /** Every warning on its own line (`--verbose`); by default they are counted by family. */
  verbose?: boolean;
  /** The JSON report's file when the run wrote one (`--json FILE`): the report then points at it. */
  jsonFile?: string;
}

/** Failures shown in full by default; the rest get one line each. */
export const DEFAULT_FULL_FAILURES = 5;

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'warn', 'blocked', 'skip', 'error'];
const INDENT = '  ';
const LABEL_WIDTH = 10;

/** The summary table: one row per family, one column per verdict, and a total row. */
export function summaryRows(checks: readonly CheckResult[]): string[][] {
  const families = [...FAMILY_ORDER, ...new Set(checks.map((c) => c.family).filter((f) => !FAMILY_ORDER.includes(f)))];
  const rows: string[][] = [['family', ...VERDICTS]];
  for (const f of families) {
    const of = checks.filter((c) => c.family === f);
    if (of.length === 0) continue;
    const n = countVerdicts(of);
    rows.push([f, ...VERDICTS.map((v) => String(n[v]))]);
  }
  const t = countVerdicts(checks);
  rows.push(['total', ...VERDICTS.map((v) => String(t[v]))]);
  return rows;
}

function renderTable(checks: readonly CheckResult[], p: Palette): string {
  const rows = summaryRows(checks).map((row, r, all) =>
    row.map((cell, i) => {
      if (r === 0 || r === all.length - 1) return p.bold(cell);
      if (i === 0 || cell === '0') return cell;
      const v = VERDICTS[i - 1];
      return v === 'fail' || v === 'error' ? p.red(cell) : v === 'warn' ? p.yellow(cell) : v === 'pass' ? p.green(cell) : cell;
    }),
  );
  return table(rows, {
    border: getBorderCharacters('norc'),
    columns: Object.fromEntries(VERDICTS.map((_, i) => [i + 1, { alignment: 'right' as const }])),
    drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size - 1 || i === size,
  });
}

/** Why a shrink stopped where it did (CheckResult.property.shrinkStoppedAtMs). */
export function shrinkStop(ms: number, of: 'run' | undefined): string {
  const s = Math.round(ms / 1000);
  if (of !== 'run') return `the shrink stopped at its budget of ${s} s waiting on deadlines`;
  return ms === 0 ? "not shrunk: the run's shrinks had spent their time waiting on deadlines" : `the shrink stopped after ${s} s waiting on deadlines, what was left of the run's time for shrinks`;
}

/** `label:` padded, then the value; continuation lines indented to the value's column. */
function field(label: string, value: string): string {
  const pad = ' '.repeat(INDENT.length + LABEL_WIDTH);
  const head = `${INDENT}${(label + ':').padEnd(LABEL_WIDTH)}`;
  return value
    .split('\n')
    .map((line, i) => (i === 0 ? head : pad) + line)
    .join('\n');
}

function describeCuts(sent: SentRequest): string | null {
  const splits = sent.plan.splits ?? [];
  if (splits.length === 0) return null;
  const pauses = sent.plan.pausesMs ?? [];
  const p = pauses.length ? `; pauses ${pauses.map((ms) => `${ms} ms`).join(', ')}` : '';
  return `sent in ${splits.length + 1} pieces: split at byte ${splits.join(', ')}${p}`;
}

function showRequest(sent: SentRequest): string {
  const cuts = describeCuts(sent);
  const b = sent.plan.bytes;
  const shown = b.length === 0 ? '(nothing: a connection opened and closed without a byte)' : showBytes(b);
  return shown + (cuts ? `\n${cuts}` : '');
}

/** The bytes the server sent in the last exchange of a check (what came back, byte for byte). */
export function receivedBytes(exchanges: readonly Exchange[] | undefined): Uint8Array | null {
  const last = exchanges?.[exchanges.length - 1];
  if (!last || last.kind === 'refused') return null;
  return concatBytes(last.transcript.filter((e) => e.dir === 'received').map((e) => e.bytes));
}

function levelTag(c: CheckResult): string {
  return `[${c.level}]`;
}

function requirementLine(c: CheckResult): string {
  return c.cite ? `${c.requirement} (${c.cite})` : c.requirement;
}

/**
 * The full block for one failure: requirement, expected, actual, the bytes both ways, and a replay;
 * `mark` is `!` where it is shown as a warning (JUnit, Gradescope).
 */
export function renderFailure(result: RunResult, c: CheckResult, p: Palette, mark: '✗' | '!' = '✗'): string {
  const death = deathHeadline(c);
  // A death is not a pass that failed: it says so on the first line, before the requirement.
  const head = death ? `${p.red(p.bold(death))} — ${requirementLine(c)}` : requirementLine(c);
  const lines = [`${mark === '✗' ? p.red(mark) : p.yellow(mark)} ${p.bold(c.id)} ${levelTag(c)} ${head}`];
  // The reason often just restates expected/actual; show it only when it adds something.
  if (c.source) lines.push(field('source', 'rfc' in c.source ? `${c.source.rfc}: “${c.source.quote}”` : `the ${c.source.profile} profile: ${c.source.note}`));
  const why = reasonOf(c);
  if (why && !(c.actual && why.includes(c.actual))) lines.push(field('why', why));
  lines.push(field('expected', c.expected.length ? c.expected.join(' or ') : '(not stated)'));
  lines.push(field('actual', c.actual || '(nothing recorded)'));
  const setup = c.setup ?? [];
  setup.forEach((s, i) => lines.push(field(`setup ${i + 1}`, showRequest(s))));
  if (c.request) lines.push(field('request', showRequest(c.request)));
  const got = receivedBytes(c.exchanges);
  if (got) lines.push(field('received', got.length ? showBytes(got, 300) : '(no bytes)'));
  // A response a strict client cannot parse: the line, and a caret under its first bad byte.
  const bad = got ? describeBadByte(got) : null;
  if (bad) lines.push(field('bad byte', bad));
  const seq = c.request ? [...setup, c.request] : setup;
  if (c.corpusFile) lines.push(field('corpus', c.corpusFile));
  if (seq.length) {
    const replay = replayFor(result, c);
    const bytes = seq.reduce((n, s) => n + s.plan.bytes.length, 0);
    const none = c.byteReplay === false ? '(the bytes alone do not reproduce it: it took a reset or a half-close; the rerun below does)' : `(${bytes} bytes, too long to paste: the rerun below sends them again)`;
    lines.push(field('replay', replay ?? none));
  }
  if (c.property) lines.push(field('found', `case ${c.runs} of the property, shrunk ${c.property.shrinks} time(s)${c.property.shrinkStoppedAtMs !== undefined ? ` (${shrinkStop(c.property.shrinkStoppedAtMs, c.property.shrinkBudgetOf)}; a smaller case may exist)` : ''}; seed ${c.property.seed}, path ${c.property.path}`));
  lines.push(field('rerun', rerunCommand(result, c)));
  return lines.join('\n');
}

/** The line under a root cause: the failures that follow from it, which are not deducted again. */
export function dependantsLine(deps: readonly CheckResult[]): string {
  return `${plural(deps.length, 'failure follows', 'failures follow')} from this one (not deducted again): ${deps.map((d) => d.id).join(', ')}`;
}

/** The last line: counts, target, profile, seed and duration. */
export function finalLine(result: RunResult): string {
  const n = countVerdicts(result.checks);
  return (
    `${plural(result.checks.length, 'check')}: ${n.pass} passed, ${n.fail} failed, ${plural(n.warn, 'warning')}, ` +
    `${n.blocked} blocked, ${n.skip} skipped, ${plural(n.error, 'error')} — target ${formatEndpoint(result.target)}, ` +
    `profile ${result.profile}, seed ${result.seed}, ${result.durationMs} ms`
  );
}

/** One line for a failure: its id, its level and what happened (the death first when the server went away). */
export function failureLine(c: CheckResult, p: Palette): string {
  const death = deathHeadline(c);
  // What came first (a long `expected` is what gets cut).
  const what = death ?? (c.actual ? `got ${c.actual}; expected ${c.expected.length ? c.expected.join(' or ') : '(not stated)'}` : reasonOf(c));
  return `${p.red('✗')} ${p.bold(c.id)} ${levelTag(c)} ${oneLine(what)}`;
}

/** Text on one line, cut at `max` characters. */
function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Warnings counted by family, in the summary table's order: `status 20, wire 3`. */
export function warningFamilies(warnings: readonly CheckResult[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const c of warnings) m.set(c.family, (m.get(c.family) ?? 0) + 1);
  const order = (f: string): number => {
    const i = (FAMILY_ORDER as readonly string[]).indexOf(f);
    return i < 0 ? FAMILY_ORDER.length : i;
  };
  return [...m].sort((a, b) => order(a[0]) - order(b[0]));
}

/**
 * The human report: a summary table by family; every failure, in the order of its consequence (a death,
 * a security finding, a denial of service, broken framing, then the rest), the first few in full and the
 * others in one line each; errors; warnings counted by family (each with --verbose); blocked checks by
 * reason; the corpus; then a one-line total. Pure: returns the text (ending in a newline).
 */
export function renderText(result: RunResult, opts: TextOptions): string {
  const p = palette(opts.color);
  if (result.unreachable) return `cannot reach ${formatEndpoint(result.target)} (${phraseUnreachable(result.unreachable)})\n`;
  const out: string[] = [renderTable(result.checks, p).trimEnd()];
  if (result.baselineAnswer) out.push('', p.dim(phraseBaselineAnswer(result.baselineAnswer)));
  // How the checks ran (fuzz --cmd, the bundled server, a --target): side by side or not, and why.
  if (result.sideBySide) out.push('', p.dim(phraseSideBySide(result.sideBySide)));

  // What matters first: the check that took the server down, security findings, then MUSTs.
  // One bug, one entry: a failure that follows from another is listed under its root cause.
  const failures = byConsequence(result.checks.filter((c) => c.verdict === 'fail' && !c.rootCause), serverDownAfter(result));
  const failedIds = new Set(result.checks.filter((c) => c.verdict === 'fail').map((c) => c.id));
  // A corpus entry replayed first that took the server down is a failure of this run too: listed first.
  const corpusDeaths = (result.corpus?.replayed ?? []).filter((r) => r.verdict === 'FAILED' && deathHeadline(r) && !failedIds.has(r.check));
  const full = opts.all ? failures.length : Math.max(0, opts.maxFailures ?? DEFAULT_FULL_FAILURES);
  // A server `fuzz --cmd` started on a port of its own is gone: commands are aimed at PORT.
  const gone = portIsGone(result);
  const commandTarget = gone ? PLACEHOLDER_TARGET : result.target;
  const aimed = (text: string): string => (gone ? withPortPlaceholder(text) : text);
  if (failures.length || corpusDeaths.length) {
    const following = result.checks.filter((c) => c.verdict === 'fail' && c.rootCause).length;
    const n = failures.length + corpusDeaths.length;
    out.push('', p.bold(`Failures (${n}${following ? `, and ${following} that follow from them` : ''}), most serious first:`));
    for (const r of corpusDeaths) {
      out.push('', `${p.red('✗')} ${p.bold(r.check)} [corpus] ${p.red(p.bold(deathHeadline(r)!))} — the regression corpus entry ${r.file}, replayed first`);
      out.push(field('replay', aimed(`wiregrade replay ${shellQuote(r.file)} --target ${formatEndpoint(commandTarget)}`)));
    }
    for (const c of failures.slice(0, full)) {
      out.push('', renderFailure(result, c, p));
      const deps = dependantsOf(result.checks, c.id);
      if (deps.length) out.push(`  ${p.dim('↳')} ${dependantsLine(deps)}`);
    }
    const rest = failures.slice(full);
    if (rest.length) {
      const where = opts.jsonFile ? `; every detail is in the JSON report ${opts.jsonFile}` : '; --json FILE writes every detail to FILE';
      out.push('', p.bold(`${plural(rest.length, 'more failure')}, one line each (--max-failures N shows N in full, --all every one${where}):`));
      for (const c of rest) {
        out.push(failureLine(c, p));
        const deps = dependantsOf(result.checks, c.id);
        if (deps.length) out.push(`  ${p.dim('↳')} ${dependantsLine(deps)}`);
      }
    }
  }

  const errors = result.checks.filter((c) => c.verdict === 'error');
  if (errors.length) {
    out.push('', p.bold(`Errors (${errors.length}) — the suite could not run these checks:`));
    for (const c of errors) out.push(`${p.red('E')} ${c.id}: ${reasonOf(c)}`);
  }

  const warnings = result.checks.filter((c) => c.verdict === 'warn');
  if (warnings.length && opts.verbose) {
    out.push('', p.bold(`Warnings (${warnings.length}):`));
    for (const c of warnings) out.push(`${p.yellow('!')} ${c.id}: ${reasonOf(c)}`);
  } else if (warnings.length) {
    const families = warningFamilies(warnings)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
    out.push('', `${p.yellow('!')} ${p.bold(plural(warnings.length, 'warning'))} (SHOULDs, not failures) by family: ${families}; --verbose lists each`);
  }

  const blocked = result.checks.filter((c) => c.verdict === 'blocked');
  if (blocked.length) {
    const byReason = new Map<string, number>();
    for (const [reason, n] of blockedGroups(blocked)) byReason.set(reason, n);
    out.push('');
    for (const [reason, n] of byReason) out.push(`${p.dim('-')} ${plural(n, 'check')} blocked: ${reason}`);
  }

  if (result.stopped) {
    out.push(
      '',
      p.red(p.bold(`The run stopped after ${result.stopped.afterCheck}`)) +
        ` (${blockWhy(result.stopped.cause)}); the checks after it were not run.`,
    );
  }

  if (result.corpus) out.push('', ...renderCorpusSection(result.corpus, p, commandTarget, new Set([...failedIds, ...corpusDeaths.map((r) => r.check)])).map(aimed));
  if (gone && (failures.length > 0 || corpusDeaths.length > 0)) {
    out.push('', p.dim(`The replay commands are aimed at your own server: start it and put the port it listens on for ${PORT_PLACEHOLDER} (wiregrade's port is gone); the rerun commands start it themselves.`));
  }

  out.push('', finalLine(result));
  return out.join('\n') + '\n';
}
