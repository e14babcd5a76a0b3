import type { SentRequest } from '../checks/types.js';
import { printfEscape, splitBytes } from '../wire/bytes.js';
import type { Endpoint } from '../wire/types.js';
import { formatEndpoint } from './format.js';
import type { CheckResult, RunResult } from '../runner/types.js';

/** Seconds for `sleep`, from milliseconds: `0.05`, `1`, `0.001` (never exponent notation). */
export function sleepSeconds(ms: number): string {
  const s = (Math.max(0, ms) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '' ? '0' : s;
}

/** A shell word for a host name (quoted only when it holds anything but a plain host's characters). */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._:%-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * printf's format argument for `piece`. A format that starts with `-` would be read as an option
 * (`printf: -x: invalid option`), so a leading `-` is written as the octal escape `\055`.
 */
function printfArg(piece: Uint8Array): string {
  const s = printfEscape(piece);
  return s.startsWith('-') ? '\\055' + s.slice(1) : s;
}

/**
 * How long `nc` waits for a silent server before it gives up (`nc -w`, in whole seconds): the run's
 * deadline for an exchange, at least 2 s. `-w` is in every netcat (OpenBSD's, Debian's, macOS's,
 * busybox's); Debian's `-q` is not.
 */
export function ncWaitSeconds(timeoutMs: number | undefined): number {
  return Math.max(2, Math.ceil((timeoutMs ?? 0) / 1000));
}

/** How long a held connection (an idle client) stays open at most: past the request sent behind it. */
const HELD_SECONDS = 5;

/** `printf '<piece 1>'; sleep <pause>; printf '<piece 2>'`: the bytes of `sent`, cut the same way. */
function printfSteps(sent: SentRequest): string[] {
  const pieces = splitBytes(sent.plan.bytes, sent.plan.splits);
  const steps: string[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) {
      const pause = sent.plan.pausesMs?.[i - 1] ?? 0;
      if (pause > 0) steps.push(`sleep ${sleepSeconds(pause)}`);
    }
    steps.push(`printf '${printfArg(piece)}'`);
  });
  return steps;
}

/**
 * A copy-paste command that sends exactly the bytes of `sent` to `target`, cut the same way:
 * `(printf '<piece 1>'; sleep <pause>; printf '<piece 2>'; sleep 1) | nc -w 2 HOST PORT`.
 * `sleep 1` at the end keeps the connection open long enough to see the answer; `-w 2` ends it once the
 * server has been silent for 2 s, so the command exits against a server that keeps the connection
 * alive (netcat otherwise waits for the server to close). The escapes are those of printf's format
 * string (bash, zsh, coreutils): \r \n \t \\ %% \xHH, and '\'' for a quote; a piece that starts with
 * `-` starts with \055 instead.
 */
export function replayCommand(target: Endpoint, sent: SentRequest, waitSeconds = ncWaitSeconds(undefined)): string {
  return `(${[...printfSteps(sent), 'sleep 1'].join('; ')}) | nc -w ${waitSeconds} ${shellWord(target.host)} ${target.port}`;
}

/**
 * A connection held open in the background while the next lines run (an idle client: nothing sent; a
 * stalled one: its bytes, then nothing), for at most HELD_SECONDS; the last line ends it (`kill $!`).
 */
function heldCommand(target: Endpoint, sent: SentRequest): string {
  const nc = `nc -w ${HELD_SECONDS} ${shellWord(target.host)} ${target.port}`;
  const open = sent.plan.bytes.length === 0 ? `${nc} </dev/null >/dev/null &` : `(${[...printfSteps(sent), `sleep ${HELD_SECONDS}`].join('; ')}) 2>/dev/null | ${nc} >/dev/null &`;
  return `${open} sleep 0.5`;
}

/**
 * The replay of a sequence: the setup requests' commands first, in order, one per line. An empty request
 * (a connection opened and closed without a byte) is `nc -z HOST PORT`; a setup step that stays open
 * (`held`: an idle client) is a background `nc` that the last line ends, so the request behind it is
 * sent while it is open, as the check did.
 */
export function replaySequence(target: Endpoint, request: SentRequest | undefined, setup: readonly SentRequest[] = [], waitSeconds = ncWaitSeconds(undefined)): string | null {
  const all = request ? [...setup, request] : [...setup];
  if (all.length === 0) return null;
  const lines = all.map((r) => (r.held ? heldCommand(target, r) : r.plan.bytes.length === 0 ? `nc -z ${shellWord(target.host)} ${target.port}` : replayCommand(target, r, waitSeconds)));
  if (all.some((r) => r.held) && !all.at(-1)!.held) lines[lines.length - 1] += '; kill $! 2>/dev/null';
  return lines.join('\n');
}

/** What a reader puts in place of the port of a server wiregrade started and has stopped since. */
export const PORT_PLACEHOLDER = 'PORT';

/** Port 0 is never a server's port: in a command built for the placeholder target it marks the place of PORT. */
const MARK_PORT = 0;

/** The target a command is built for when the server's port is gone: 127.0.0.1, its port MARK_PORT (see withPortPlaceholder). */
export const PLACEHOLDER_TARGET: Endpoint = { host: '127.0.0.1', port: MARK_PORT };

/**
 * A command (or report text) built for PLACEHOLDER_TARGET, with the placeholder in place: `… | nc
 * 127.0.0.1 PORT`, `nc -z 127.0.0.1 PORT`, `--target 127.0.0.1:PORT`. Only those spots change: a
 * request's bytes are inside printf's quotes, never at the end of a line or after `--target `.
 */
export function withPortPlaceholder(text: string): string {
  return text.replace(/ 127\.0\.0\.1 0(?![0-9.:])/g, ` 127.0.0.1 ${PORT_PLACEHOLDER}`).replace(/--target 127\.0\.0\.1:0(?= |$)/gm, `--target 127.0.0.1:${PORT_PLACEHOLDER}`);
}

/**
 * Did `fuzz --cmd` start the server on a port of wiregrade's choosing (`{port}`), stopped since? Then a
 * command aimed at its target reaches nothing: it is aimed at PORT, the port of the reader's own server.
 */
export function portIsGone(result: Pick<RunResult, 'invocation'>): boolean {
  return result.invocation?.cmd !== undefined && result.invocation.port === undefined;
}

/**
 * The `printf | nc` form is printed only while it stays short: the requests of a failure together hold at
 * most this many bytes. Longer ones replay from their corpus entry (`wiregrade replay FILE`).
 */
export const SHORT_REPLAY_BYTES = 2048;

/** A word for a POSIX shell: as it is when it holds only safe characters, else in single quotes. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9._\/:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The flags of the run that decide what a check does and how it is judged, as given on the command line. */
function invocationFlags(result: Pick<RunResult, 'profile' | 'strict' | 'invocation'>): string[] {
  const inv = result.invocation ?? { profile: result.profile };
  const out: string[] = [];
  // Always named: `fuzz --target` alone judges by `any`, and `replay` by each entry's own.
  out.push(`--profile ${shellQuote(inv.profile)}`);
  if (inv.path !== undefined) out.push(`--path ${shellQuote(inv.path)}`);
  if (inv.timeoutMs !== undefined) out.push(`--timeout-ms ${inv.timeoutMs}`);
  return out;
}

/**
 * The command that replays a failure: `printf | nc` when its bytes are short (and say it all: not for a
 * failure that took a reset or a half-close); otherwise, when the failure
 * is in a corpus entry, `wiregrade replay ENTRY --target HOST:PORT` (with the flags the judgement
 * depends on); otherwise null (the request is too long to paste: the rerun command reproduces it).
 * Aimed at PORT when the server's port is gone (portIsGone).
 */
export function replayFor(result: Pick<RunResult, 'target' | 'profile' | 'strict' | 'invocation'>, c: Pick<CheckResult, 'request' | 'setup' | 'corpusFile' | 'byteReplay'>): string | null {
  if (portIsGone(result)) {
    const r = replayAt({ ...result, target: PLACEHOLDER_TARGET }, c);
    return r === null ? null : withPortPlaceholder(r);
  }
  return replayAt(result, c);
}

function replayAt(result: Pick<RunResult, 'target' | 'profile' | 'strict' | 'invocation'>, c: Pick<CheckResult, 'request' | 'setup' | 'corpusFile' | 'byteReplay'>): string | null {
  const all = [...(c.setup ?? []), ...(c.request ? [c.request] : [])];
  if (all.length === 0) return null;
  const size = all.reduce((n, r) => n + r.plan.bytes.length, 0);
  if (size <= SHORT_REPLAY_BYTES && c.byteReplay !== false) return replaySequence(result.target, c.request, c.setup, ncWaitSeconds(result.invocation?.timeoutMs));
  if (!c.corpusFile) return null;
  return ['wiregrade replay', shellQuote(c.corpusFile), '--target', formatEndpoint(result.target), ...invocationFlags(result), ...(result.strict ? ['--strict'] : [])].join(' ');
}

/**
 * The wiregrade command that runs this check again against the same target (or, for `fuzz --cmd`, a
 * server started the same way), with every flag of the run
 * that matters (the profile as given, `--path`, `--strict`, `--timeout-ms`, the oracle), and `--no-corpus`
 * (it runs exactly this check, writes nothing). For a property it
 * replays the exact failing case: the same seed and fast-check path.
 */
export function rerunCommand(result: Pick<RunResult, 'target' | 'profile' | 'strict' | 'invocation'>, c: Pick<CheckResult, 'id' | 'property'>): string {
  const inv = result.invocation;
  // A server wiregrade started (`fuzz --cmd`) is started again the same way: its port is gone.
  const server = inv?.cmd !== undefined
    ? ['--cmd', shellQuote(inv.cmd), ...(inv.cwd !== undefined ? ['--cwd', shellQuote(inv.cwd)] : []), ...(inv.port !== undefined ? ['--port', String(inv.port)] : [])]
    : ['--target', formatEndpoint(result.target)];
  const parts = ['wiregrade fuzz', ...server, '--checks', c.id, ...invocationFlags(result)];
  if (result.strict) parts.push('--strict');
  if (inv?.oracle) parts.push('--oracle', shellQuote(inv.oracle));
  if (inv?.oracleCmd) parts.push('--oracle-cmd', shellQuote(inv.oracleCmd));
  // Exactly this check: no corpus replayed first (an entry that kills the server would hide it), none written.
  parts.push('--no-corpus');
  if (c.property) {
    parts.push('--seed', String(c.property.seed), '--replay-path', c.property.path);
    if (c.property.replayPath) parts.push('--replay-commands', shellQuote(c.property.replayPath));
  } else {
    parts.push('--runs', '0');
  }
  return parts.join(' ');
}
