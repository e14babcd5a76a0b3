/**
 * Security checks, judged with the canary `grade` plants beside the server's folder (see Canary): what
 * no RFC sentence states, and every server owes the machine it runs on. They apply to every profile in
 * `grade` (file-serving and storing assignments are exactly where they matter) and are skipped by
 * `fuzz`, which owns no folder around the server. A handful of requests each, every one under the run's
 * deadline. Every payload that could write resolves, from any folder the server may start from, to a
 * path inside the canary's folder: nothing else on the machine is ever touched.
 */
import type { Exchange } from '../../client/exchange.js';
import { sleep } from '../../wire/deadline.js';
import type { Canary, Check, CheckRun, SentRequest, Source } from '../types.js';
import { describeExchange, req, result } from '../verify.js';
import { checkGroup, type CheckDecl } from '../group.js';
import type { Profile } from '../../model/profile.js';
import { withKnownHost } from '../../model/profile-policy.js';

const CITE = 'docs/checks.md#security-checks';
const SECURE = (note: string): Source => ({ profile: 'any', note });

/** How many `..` segments climb from any plausible server folder to `/` (more are harmless there). */
const CLIMB = 12;
/** How long a command the server ran in the background gets to show its file. */
const SETTLE_MS = 300;
/**
 * After this many exchanges that ran out of time, a check stops asking: each would wait its whole
 * deadline, and a check of a few dozen requests must not cost minutes. What it could not ask, it could
 * not judge: the check is then blocked.
 */
const MAX_TIMEOUTS = 2;
/** The most bytes of an answer searched for the canary. */
const SCAN_CAP = 4 * 1024 * 1024;

/** An absolute path as a request target carries it: each segment percent-encoded where it needs to be. */
function urlPath(abs: string): string {
  return abs
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** Every byte the server sent in an exchange (raw, and each response's decoded body). */
function received(ex: Exchange): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  for (const e of ex.transcript) {
    if (e.dir !== 'received' || n > SCAN_CAP) continue;
    parts.push(Buffer.from(e.bytes));
    n += e.bytes.length;
  }
  for (const r of [...ex.finals, ...(ex.partial ? [ex.partial] : [])]) parts.push(Buffer.from(r.body));
  return Buffer.concat(parts);
}

/** Counts exchanges that ran out of time; `tooMany` once a check should stop asking. */
function timeouts(): { saw(ex: Exchange): void; readonly tooMany: boolean } {
  let n = 0;
  return {
    saw: (ex) => {
      if (ex.kind === 'timeout') n++;
    },
    get tooMany() {
      return n >= MAX_TIMEOUTS;
    },
  };
}

function stopped(asked: number, total: number, expected: string[], exchanges: Exchange[]): CheckRun {
  return { ...result('blocked', `not judged: the server did not answer ${MAX_TIMEOUTS} of the first ${asked} of ${total} requests in time, so the rest were not sent`, expected, undefined, undefined), exchanges };
}

function skipped(expected: string[]): CheckRun {
  return result('skip', 'needs a folder wiregrade owns around the server (wiregrade grade)', expected, undefined, undefined);
}

/** What a probe carries of the profile: its Host (a route, for a Host-routed assignment) and its header fields. */
type Routing = Pick<Profile, 'baseline'>;

/**
 * `GET target` as raw bytes (the target exactly as given: no client normalises its dot-segments), with
 * the profile's Host and header fields, so that a probe reaches the server's handlers as its requests do.
 */
function getReq(routing: Routing, target: string, lines: readonly string[] = []): SentRequest {
  return req(withKnownHost(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`, routing), 'GET');
}

/** The traversal targets that would reach `abs` (a file in the canary's folder) from the server's folder. */
export function readTargets(c: Pick<Canary, 'dir' | 'readName'>): string[] {
  const n = encodeURIComponent(c.readName);
  const abs = urlPath(`${c.dir}/${c.readName}`);
  const climb = '/..'.repeat(CLIMB);
  return [
    `/../${n}`,
    `/../../${n}`,
    `/%2e%2e/${n}`,
    `/.%2e/${n}`,
    `/..%2f${n}`,
    `/..%2F..%2F${n}`,
    `/files/../${n}`,
    `/files/../../${n}`,
    `/static/../../${n}`,
    `../${n}`,
    `/${abs}`,
    `${climb}${abs}`,
    `/files${climb}${abs}`,
    `${'/%2e%2e'.repeat(CLIMB)}${abs}`,
    `/${'..%2f'.repeat(CLIMB)}${abs.slice(1).replaceAll('/', '%2f')}`,
  ];
}

/**
 * Write targets for a file `name` in the canary's folder. Only targets that end in the folder's
 * absolute path: from any folder the server may resolve them against (its own, a subfolder, `/`),
 * decoded or not, they land in the canary's folder or inside the server's own (a relative `/../x`
 * would land in `/x` on a server that opens the target as a path).
 */
export function writeTargets(dir: string, name: string): string[] {
  const abs = urlPath(`${dir}/${name}`);
  const climb = '/..'.repeat(CLIMB);
  // The encoded climbs are followed by a plain one, as long: a server that does not decode them takes
  // them for folder names that the plain climb leaves again (never a file of that name at `/`).
  return [`${climb}${abs}`, `/${abs}`, `/files${climb}${abs}`, `${'/%2e%2e'.repeat(CLIMB)}${climb}${abs}`, `/${'..%2f'.repeat(CLIMB)}${climb}${abs}`];
}

const readCheck: CheckDecl = {
  id: 'security.path-traversal.read',
  level: 'MUST',
  requirement: 'The server never sends a file from outside its own folder: requests with "../" (plain, percent-encoded, after a route such as /files/) or an absolute path do not return a file wiregrade placed next to that folder.',
  source: SECURE('a target names a resource among those the server serves; RFC 9110 §17.3 (attacks based on file and path names) warns that a server mapping targets to files must avoid names such as ".." that are special to the file system'),
  cite: CITE,
  needs: 'canary',
  async run(ctx): Promise<CheckRun> {
    const expected = ['no answer contains the canary file planted outside the server\'s folder'];
    const c = ctx.canary;
    if (!c) return skipped(expected);
    const secret = Buffer.from(c.content.trim(), 'latin1');
    const exchanges: Exchange[] = [];
    const targets = readTargets(c);
    const late = timeouts();
    for (const target of targets) {
      if (late.tooMany) return stopped(exchanges.length, targets.length, expected, exchanges);
      const r = getReq(ctx.profile, target);
      const ex = await ctx.send(r);
      exchanges.push(ex);
      late.saw(ex);
      if (received(ex).includes(secret)) {
        return { ...result('fail', `GET ${target} returned the content of ${c.dir}/${c.readName}, a file outside the server's folder`, expected, ex, r), exchanges };
      }
    }
    return { ...result('pass', `none of ${exchanges.length} traversal requests returned the canary`, expected, undefined, undefined), exchanges };
  },
};

const writeCheck: CheckDecl = {
  id: 'security.path-traversal.write',
  level: 'MUST',
  requirement: 'The server never writes outside its own folder: a PUT or POST whose target climbs out with "../" (plain or percent-encoded) or names an absolute path creates no file there.',
  source: SECURE('a write names a resource inside the server\'s own store; RFC 9110 §17.3 (attacks based on file and path names) warns that a server mapping targets to files must avoid names such as ".." that are special to the file system'),
  cite: CITE,
  needs: 'canary',
  async run(ctx): Promise<CheckRun> {
    const expected = ['no file created next to the server\'s folder'];
    const c = ctx.canary;
    if (!c) return skipped(expected);
    const before = new Set(await c.entries());
    const exchanges: Exchange[] = [];
    const late = timeouts();
    const total = 2 * writeTargets(c.dir, 'x').length;
    let i = 0;
    for (const method of ['PUT', 'POST']) {
      for (const target of writeTargets(c.dir, `${ctx.name(`w${i}`)}.txt`)) {
        if (late.tooMany) return stopped(exchanges.length, total, expected, exchanges);
        // A JSON object: stores of records take it, and stores of text keep it as it is.
        const body = `{"wiregrade":"write probe ${ctx.name(`w${i}`)}"}`;
        const r = req(withKnownHost(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, ctx.profile), method);
        const ex = await ctx.send(r);
        exchanges.push(ex);
        late.saw(ex);
        const made = await ours(c, before, ctx.name(`w${i}`));
        if (made.length > 0) {
          for (const m of made) await c.remove(m);
          return { ...result('fail', `${method} ${target} created ${c.dir}/${made[0]}, outside the server's folder (answered ${describeExchange(ex)})`, expected, ex, r), exchanges };
        }
        i++;
      }
    }
    return { ...result('pass', `none of ${exchanges.length} traversal writes created a file outside the server's folder`, expected, undefined, undefined), exchanges };
  },
};

/** New entries of the canary's folder that a request marked `marker` made (by name or by content). */
async function ours(c: Canary, before: ReadonlySet<string>, marker: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await c.entries()) {
    if (before.has(e)) continue;
    if (e.includes(marker) || Buffer.from(await c.head(e, 4096)).includes(Buffer.from(marker))) out.push(e);
  }
  return out;
}

/** A shell command carried in a request: `$(…)`, backticks, `;`, `|`, each creating its own file. */
interface Injection {
  /** The request, and where the payload went, in words. */
  request: SentRequest;
  where: string;
  /** The file the payload creates when a shell runs it. */
  file: string;
}

/** The payload forms: each runs `cmd` when a shell expands or parses it. */
const FORMS: ReadonlyArray<(cmd: string) => string> = [(c) => `$(${c})`, (c) => `\`${c}\``, (c) => `x;${c}`, (c) => `x|${c}`];

/** Percent-encodes every byte but letters and digits (for servers that decode the target). */
function pct(s: string): string {
  return [...Buffer.from(s, 'latin1')].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/**
 * The command-injection requests, each with its own file to create (`dir/<marker>-<i>`). In a target a
 * space cannot be sent, so `$IFS` stands for it (the file's path is absolute, so `$IFS/…` ends the name);
 * a percent-encoded target and a header carry a plain space. Half are asked with `Accept-Encoding: gzip`
 * (a server that compresses through a shell pipeline).
 */
export function injections(dir: string, marker: string, routing: Routing & Pick<Profile, 'knownPath'>): Injection[] {
  const known = routing.knownPath;
  const out: Injection[] = [];
  const file = (): string => `${dir}/${marker}-${out.length}`;
  const add = (where: string, make: (f: string) => SentRequest): void => {
    const f = file();
    out.push({ where, request: make(f), file: f });
  };
  const gzip = 'Accept-Encoding: gzip';
  FORMS.forEach((form) => {
    add('the target (/echo/…), gzip accepted', (f) => getReq(routing, `/echo/${form(`touch$IFS${f}`)}`, [gzip]));
    add('the target (/echo/…)', (f) => getReq(routing, `/echo/${form(`touch$IFS${f}`)}`));
    add('the target (/echo/…, percent-encoded), gzip accepted', (f) => getReq(routing, `/echo/${pct(form(`touch ${f}`))}`, [gzip]));
  });
  add('the target', (f) => getReq(routing, `/${FORMS[0]!(`touch$IFS${f}`)}`, [gzip]));
  add('the query', (f) => getReq(routing, `${known}${known.includes('?') ? '&' : '?'}q=${FORMS[0]!(`touch$IFS${f}`)}`));
  add('the target (/files/…)', (f) => getReq(routing, `/files/${FORMS[2]!(`touch$IFS${f}`)}`));
  add('the User-Agent header, gzip accepted', (f) => getReq(routing, '/user-agent', [`User-Agent: ${FORMS[0]!(`touch ${f}`)}`, gzip]));
  add('the User-Agent header', (f) => getReq(routing, '/user-agent', [`User-Agent: ${FORMS[2]!(`touch ${f}`)}`]));
  add('the Accept-Encoding header', (f) => getReq(routing, `/echo/x`, [`Accept-Encoding: gzip${FORMS[2]!(`touch ${f}`).slice(1)}`]));
  return out;
}

/** A path a shell and a request line carry as it is. */
const SHELL_SAFE = /^[A-Za-z0-9._/-]+$/;

const injectionCheck: CheckDecl = {
  id: 'security.command-injection',
  level: 'MUST',
  requirement: 'The server never runs text from a request as a shell command: targets and header values holding $(…), backticks, ";" or "|" (with and without Accept-Encoding: gzip) create no file.',
  source: SECURE('a request is data: a server that passes it to a shell lets any client run commands on its machine (RFC 9110 §17.4, attacks based on command, code, or query injection)'),
  cite: CITE,
  needs: 'canary',
  async run(ctx): Promise<CheckRun> {
    const expected = ['no command from a request is run (no file created)'];
    const c = ctx.canary;
    if (!c) return skipped(expected);
    if (!SHELL_SAFE.test(c.dir)) return result('skip', `the scratch folder's path (${c.dir}) has characters a payload cannot carry: use --scratch with a plain path`, expected, undefined, undefined);
    const marker = `wiregrade-pwned-${ctx.name()}`;
    const list = injections(c.dir, marker, ctx.profile);
    const exchanges: Exchange[] = [];
    const ran = async (): Promise<Injection | undefined> => {
      const names = new Set(await c.entries());
      return list.find((x) => names.has(x.file.slice(c.dir.length + 1)));
    };
    const fail = async (hit: Injection, ex: Exchange | undefined): Promise<CheckRun> => {
      for (const x of list) await c.remove(x.file.slice(c.dir.length + 1));
      return { ...result('fail', `the server ran a shell command carried in ${hit.where}: it created ${hit.file}`, expected, ex, hit.request), exchanges };
    };
    const slow = timeouts();
    for (const inj of list) {
      if (slow.tooMany) {
        const hit = await ran();
        return hit ? fail(hit, exchanges[list.indexOf(hit)]) : stopped(exchanges.length, list.length, expected, exchanges);
      }
      const ex = await ctx.send(inj.request);
      exchanges.push(ex);
      slow.saw(ex);
      const hit = await ran();
      if (hit) return fail(hit, exchanges[list.indexOf(hit)]);
    }
    // A command the server started in the background may finish after its answer.
    await sleep(SETTLE_MS);
    const late = await ran();
    if (late) return fail(late, exchanges[list.indexOf(late)]);
    return { ...result('pass', `none of ${list.length} injection payloads ran`, expected, undefined, undefined), exchanges };
  },
};

/** Path traversal (read and write) and command injection, judged with the canary of `grade`. */
export const securityChecks: Check[] = checkGroup({ prefix: 'security', family: 'security', impact: 'security' }, [readCheck, writeCheck, injectionCheck]);
