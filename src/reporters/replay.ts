import type { SentRequest } from '../checks/types.js';
import { printfEscape, splitBytes } from '../wire/bytes.js';
import type { Endpoint } from '../wire/types.js';
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
 * A copy-paste command that sends exactly the bytes of `sent` to `target`, cut the same way:
 * `(printf '<piece 1>'; sleep <pause>; printf '<piece 2>'; sleep 1) | nc HOST PORT`.
 * `sleep 1` at the end keeps the connection open long enough to see the answer. The escapes are those of
 * printf's format string (bash, zsh, coreutils): \r \n \t \\ %% \xHH, and '\'' for a quote; a
 * piece that starts with `-` starts with \055 instead.
 */
export function replayCommand(target: Endpoint, sent: SentRequest): string {
  const pieces = splitBytes(sent.plan.bytes, sent.plan.splits);
  const steps: string[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) {
      const pause = sent.plan.pausesMs?.[i - 1] ?? 0;
      if (pause > 0) steps.push(`sleep ${sleepSeconds(pause)}`);
    }
    steps.push(`printf '${printfArg(piece)}'`);
  });
  steps.push('sleep 1');
  return `(${steps.join('; ')}) | nc ${shellWord(target.host)} ${target.port}`;
}

/** The replay of a sequence: the setup requests' commands first, in order, one per line. */
export function replaySequence(target: Endpoint, request: SentRequest | undefined, setup: readonly SentRequest[] = []): string | null {
  const all = request ? [...setup, request] : [...setup];
  return all.length === 0 ? null : all.map((r) => replayCommand(target, r)).join('\n');
}

/**
 * The wiregrade command that runs this check again against the same target. For a property it replays
 * the exact failing case: the same seed and fast-check path.
 */
export function rerunCommand(result: Pick<RunResult, 'target' | 'profile'>, c: Pick<CheckResult, 'id' | 'property'>): string {
  const t = result.target.host.includes(':') ? `[${result.target.host}]:${result.target.port}` : `${result.target.host}:${result.target.port}`;
  let cmd = `npx wiregrade fuzz --target ${t} --checks ${c.id}`;
  if (result.profile !== 'reference') cmd += ` --profile ${result.profile}`;
  if (c.property) cmd += ` --seed ${c.property.seed} --replay-path ${c.property.path}${c.property.replayPath ? ` --replay-commands '${c.property.replayPath}'` : ''}`;
  else cmd += ' --runs 0';
  return cmd;
}
