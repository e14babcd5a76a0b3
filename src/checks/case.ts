import type { CheckDecl } from './group.js';
import type { Check, CheckContext, Impact, Level, Source } from './types.js';
import { adopts } from './level.js';
import { withAnswerGrammar } from './answer-grammar.js';
import { knownAuthority, withKnownHost } from '../model/profile-policy.js';
import { expectStatus, req, type Accept, type StatusExpectation } from './verify.js';

/**
 * A check that is one request and a set of acceptable outcomes: most of the catalogue. The request is
 * raw text (Latin-1, so `\x00` is the NUL byte); `{name}` becomes a record name unique to the run and
 * check, `{known}` the profile's known path (and then `Host: localhost` the profile's Host and header
 * fields, see withKnownHost), `{authority}` the authority of the profile's Host (for absolute-form targets), `{body:N}` a JSON object body of about N bytes.
 */
export interface CaseSpec {
  id: string;
  requirement: string;
  /** The RFC sentence (or profile rule) the check tests; its keyword is `level`. */
  source?: Source;
  cite?: string;
  level?: Level;
  /**
   * The reference protocol's stricter answer among those the RFC allows (`accept`, `warn`): under a
   * profile that adopts the `reference` rules it replaces them, at level MUST.
   */
  rule?: { note: string; accept: readonly Accept[]; warn?: readonly Accept[]; mustClose?: boolean; level?: Level };
  request: string;
  method?: string;
  accept: readonly Accept[];
  warn?: readonly Accept[];
  mustClose?: boolean;
  needs?: Check['needs'];
  impact?: Impact;
}

export function fill(template: string, ctx: CheckContext): string {
  // A request for the known path goes as the profile sends its baseline (its Host, its header fields).
  const t = template.includes('{known}') ? withKnownHost(template, ctx.profile) : template;
  return t
    .replaceAll('{name}', ctx.name())
    .replaceAll('{known}', ctx.profile.knownPath)
    .replaceAll('{authority}', knownAuthority(ctx.profile))
    .replace(/\{body:(\d+)\}/g, (_, n: string) => jsonBodyOfSize(Number(n)));
}

/** A JSON object whose serialization is exactly `n` bytes (n ≥ 10). */
export function jsonBodyOfSize(n: number): string {
  const pad = Math.max(0, n - '{"data":""}'.length);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const s = alphabet.repeat(Math.ceil(pad / alphabet.length)).slice(0, pad);
  return `{"data":"${s}"}`;
}

export function caseCheck(c: CaseSpec): CheckDecl {
  const method = c.method ?? c.request.split(' ')[0] ?? 'GET';
  const rfc: StatusExpectation = { accept: c.accept, ...(c.warn ? { warn: c.warn } : {}), ...(c.mustClose ? { mustClose: true } : {}) };
  const build = (ctx: CheckContext) => req(fill(c.request, ctx), method);
  const byRfc = expectStatus(build, rfc);
  const rule = c.rule;
  const byRule = rule ? expectStatus(build, { accept: rule.accept, ...(rule.warn ? { warn: rule.warn } : {}), ...(rule.mustClose ? { mustClose: true } : {}) }) : undefined;
  const ruled: StatusExpectation | undefined = rule ? { accept: rule.accept, ...(rule.warn ? { warn: rule.warn } : {}), ...(rule.mustClose ? { mustClose: true } : {}) } : undefined;
  const check: CheckDecl = {
    id: c.id,
    requirement: c.requirement,
    run: async (ctx) => withAnswerGrammar(await (byRule && adopts(ctx.profile, 'reference') ? byRule(ctx) : byRfc(ctx))),
    expectation: (profile) => (ruled && adopts(profile, 'reference') ? ruled : rfc),
  };
  return withSharedFields(check, c);
}

/**
 * Sets the optional fields every check builder shares: level, source, rule, cite, needs, impact (the group fills
 * in what a check leaves out: its family, a level, needs, a profile check's source; see group.ts).
 */
export function withSharedFields(check: CheckDecl, c: { level?: Level; source?: Source; cite?: string; needs?: Check['needs']; impact?: Impact; rule?: { note: string; level?: Level } }): CheckDecl {
  if (c.level) check.level = c.level;
  if (c.source) check.source = c.source;
  if (c.rule) check.profileRule = { rules: 'reference', note: c.rule.note, ...(c.rule.level ? { level: c.rule.level } : {}) };
  if (c.cite) check.cite = c.cite;
  if (c.needs) check.needs = c.needs;
  if (c.impact) check.impact = c.impact;
  return check;
}

/** `GET {known} HTTP/1.1` with Host, and the given extra header lines (each without its CRLF). */
export function get(lines: readonly string[] = [], opts: { target?: string; version?: string; method?: string } = {}): string {
  const head = [`${opts.method ?? 'GET'} ${opts.target ?? '{known}'} ${opts.version ?? 'HTTP/1.1'}`, 'Host: localhost', ...lines];
  return head.join('\r\n') + '\r\n\r\n';
}

/** A write request with a body and the given header lines (Content-Length added unless `raw`). */
export function write(method: string, target: string, body: string, lines: readonly string[] = [], opts: { raw?: boolean } = {}): string {
  const hs = ['Host: localhost', 'Content-Type: application/json', ...lines];
  if (!opts.raw) hs.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  return `${method} ${target} HTTP/1.1\r\n${hs.join('\r\n')}\r\n\r\n${body}`;
}
