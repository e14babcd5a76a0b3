/**
 * What an assignment expects. This version knows the reference protocol (its status and store checks),
 * the spec-free families, and generic HTTP semantics around one known path (`any`). Points and which
 * checks count come from the profile too.
 */
/**
 * The areas a score is split into: the assignment's own features, robustness (a server that keeps
 * serving whatever it is sent), conformance to RFC 9110/9112, and security (files and commands reached
 * through the server).
 */
export type Area = 'assignment' | 'robustness' | 'conformance' | 'security';
export const AREAS: readonly Area[] = ['assignment', 'robustness', 'security', 'conformance'];

/**
 * The built-in course profiles weigh what the assignment asked for, and a server that keeps serving and
 * stays in its folder, above RFC strictness the course may never have taught.
 */
export const COURSE_WEIGHTS: Readonly<Record<Area, number>> = { assignment: 4, robustness: 3, security: 2, conformance: 1 };

/** What a profile's server implements: the checks written for that protocol need it. */
export type Capability = 'reference' | 'byo-http' | 'text-file' | 'record-dialogue' | 'key-value' | 'operations';

export interface Profile {
  name: string;
  /**
   * What the profile asks differently from the RFC, and why, in a sentence or two (a built-in course
   * profile says where its assignment departs from RFC 9110/9112).
   */
  note?: string;
  /**
   * Rule sets whose stricter answers this profile asks for, beyond the RFC (see `Source` in
   * src/checks/types.ts): `reference` = the reference protocol's 405 over 501, 505 for HTTP/2, bare LF
   * served, Content-Length on every body, 414 for a long target… Absent: the checks judge the RFC only.
   */
  rules?: readonly ('reference')[];
  /** Capabilities checks may need: `reference` = the reference record store of SPEC.md, or an assignment's protocol. */
  capabilities: readonly Capability[];
  /**
   * A plain valid request the server must answer: the baseline, and the liveness probe. `host` (default
   * `localhost`) and `headers` go with it, and with every request a check sends to the known path: an
   * assignment that routes through the Host header (`Host: 127.0.0.1/index.html`) is asked as it expects.
   */
  baseline: { method: string; target: string; host?: string; headers?: Readonly<Record<string, string>> };
  /** Statuses the baseline request may get from a server of this profile. */
  baselineStatuses: readonly number[];
  /**
   * The profile does not fix the known path's status (`any`): a run learns it from the server's own
   * answer to the baseline, and "served" (the `ok` outcome of a check) then means "answered as the plain
   * request for the known path was" (see learnedProfile), not "200".
   */
  learnsBaseline?: boolean;
  /** The path used by the spec-free checks for "a resource that exists". */
  knownPath: string;
  /**
   * Checks that do not count for this assignment, skipped: full check ids, or id prefixes ending in a dot
   * (`status.host.`). The built-in profiles name every check in full, so a search for an id finds them
   * (test/checks/ids-literal.test.ts holds them to it).
   */
  skip?: readonly string[];
  /** Points per check by id prefix (the longest matching prefix wins; default 1). */
  points?: Readonly<Record<string, number>>;
  /**
   * Sub-score weights: the score is then out of 100, each area's share of points weighted by these
   * (an area without checks that count drops out). Absent: the score is the points earned of the points
   * possible, every check alike (see src/runner/score.ts).
   */
  weights?: Readonly<Partial<Record<Area, number>>>;
  /** How the assignment's logical operations are sent (profile files); gives the `operations` capability. */
  operations?: Operations;
  /** The server must keep what it acknowledged across a kill -9 and restart (checked by `grade`). */
  persistent?: boolean;
  /** Which differences from the oracle do not count (differential checks). */
  differential?: DifferentialRules;
  /** How the record-dialogue assignment's dialogues go (the `record-dialogue` capability's checks read it). */
  dialogue?: Dialogue;
}

/** One step of a dialogue: the line sent after the prompt (a template: `{name}` is the record) and the final status. */
export interface DialogueStep {
  line: string;
  status: number;
}

/**
 * The record-dialogue assignment, as a profile says it: a write is a request, a prompt (a status and a
 * body), one line of values on the same connection, and a final answer.
 */
export interface Dialogue {
  /**
   * Where POST and PUT are sent, and where GET reads the whole store: a path (`/`) or, as some courses
   * write it, a file name without the leading slash (`students.json`).
   */
  target: string;
  /** GET of one record (`/{name}`); absent: a read-back GETs `target` and finds the record by name in its JSON object. */
  recordTarget?: string;
  /** Where DELETE is sent (`/{name}`; default `target`). */
  deleteTarget?: string;
  /** The prompt's status (300 Multiple Choices in the built-in). */
  promptStatus: number;
  /** POST's line: `{name}` then the record's fields (`{name} 30 Paris dev`), and its status. */
  create: DialogueStep;
  /** The status of a POST line naming a record that exists. */
  existingStatus: number;
  /** PUT's line, `{name} field value` (`{name} city Rome`), and its status. */
  update: DialogueStep;
  /** DELETE's line (`{name}`) and its status. */
  delete: DialogueStep;
  /** A line with the wrong number of values, and its status. */
  badLine: DialogueStep;
  /** The field read-backs look at: its value after `create` and after `update`. */
  field: { name: string; created: string; updated: string };
}

/** The built-in record-dialogue assignment (examples/profiles/record-dialogue.json spells it out). */
export const RECORD_DIALOGUE: Dialogue = {
  target: '/',
  recordTarget: '/{name}',
  deleteTarget: '/{name}',
  promptStatus: 300,
  create: { line: '{name} 30 Paris dev', status: 201 },
  existingStatus: 400,
  update: { line: '{name} city Rome', status: 200 },
  delete: { line: '{name}', status: 200 },
  badLine: { line: 'only-one-value', status: 400 },
  field: { name: 'city', created: 'Paris', updated: 'Rome' },
};

/**
 * The differential allow-list. By default headers (Date, Server, …), reason phrases and error bodies do
 * not count, a close counts as a 400, and the bodies of the case's own records must match.
 */
export interface DifferentialRules {
  /** Groups of statuses that count as the same answer, e.g. [[400, 404], [405, 501]]. */
  equivalentStatuses?: ReadonlyArray<readonly number[]>;
  /** What a close without an answer counts as (default 400); null: a close is an answer of its own. */
  closeIs?: number | null;
  /** `own-records` (default): 2xx/3xx bodies of the case's records must match; `never`: statuses only. */
  compareBodies?: 'own-records' | 'never';
  /** Header fields whose values must match too (case-insensitive names), e.g. ["content-type"]. */
  compareHeaders?: readonly string[];
}

/**
 * What a check may need beyond the profile's capabilities: an oracle, a server it can restart, or the
 * security canary planted beside the server's folder (`grade`, which owns that folder; any profile).
 */
export type Need = Capability | 'oracle' | 'restart' | 'canary' | 'host-route';

/** The Host header of the profile's known-good request (`localhost` unless the profile routes through Host). */
export function knownHost(profile: Pick<Profile, 'baseline'>): string {
  return profile.baseline.host ?? 'localhost';
}

/**
 * The authority of the known host (`127.0.0.1` for a Host-routed `127.0.0.1/index.html`): what an
 * absolute-form target (`http://AUTHORITY/path`) names, so that it agrees with the Host the profile sends.
 */
export function knownAuthority(profile: Pick<Profile, 'baseline'>): string {
  const host = knownHost(profile);
  const slash = host.indexOf('/');
  return slash === -1 ? host : host.slice(0, slash);
}

/** The header fields of a request for the known path: the profile's Host, then its baseline header fields. */
export function knownHeaders(profile: Pick<Profile, 'baseline'>): Array<[string, string]> {
  return [['Host', knownHost(profile)], ...Object.entries(profile.baseline.headers ?? {})];
}

/** Does the profile carry its routes in the Host header (a baseline Host other than `localhost`)? */
export function routesInHost(profile: Pick<Profile, 'baseline'>): boolean {
  return profile.baseline.host !== undefined && profile.baseline.host !== 'localhost';
}

/**
 * A request for the known path as the profile sends it: the first `Host: localhost` line of a template
 * that asks for `{known}` (the head of that request: a request hidden behind it keeps its own) becomes
 * the profile's Host, followed by its baseline header fields (same line ends).
 * The line keeps its own spelling (`host:`, `HOST:`), its whitespace around the value, and a port
 * (`localhost:8080` becomes `127.0.0.1:8080/index.html` for a Host-routed `127.0.0.1/index.html`).
 */
export function withKnownHost(text: string, profile: Pick<Profile, 'baseline'>): string {
  const extra = Object.entries(profile.baseline.headers ?? {});
  if (!routesInHost(profile) && extra.length === 0) return text;
  const host = knownHost(profile);
  const slash = host.indexOf('/');
  return text.replace(/(^|[\r\n])(host):([ \t]*)localhost(:\d+)?([ \t]*)(\r\n|\n|\r)/i, (_, before: string, name: string, ows1: string, port: string | undefined, ows2: string, eol: string) => {
    const value = port === undefined ? host : slash === -1 ? `${host}${port}` : `${host.slice(0, slash)}${port}${host.slice(slash)}`;
    return `${before}${name}:${ows1}${value}${ows2}${eol}${extra.map(([k, v]) => `${k}: ${v}${eol}`).join('')}`;
  });
}

/** How one logical operation is sent, and what it must get. `{name}` in the target is the record's name. */
export interface Operation {
  method: string;
  /** The request target; `{name}` where the record's name goes (it may go elsewhere instead). */
  target: string;
  /** The Host header, when the assignment carries the route there (`127.0.0.1/create`); `{name}` allowed. */
  host?: string;
  /** Further header fields, each value a template (`{name}`, `{value}`). */
  headers?: Readonly<Record<string, string>>;
  /** The body, a template: `{value}` (default) is the value, `{name}` the name (`{name}:{value}`, `{name} {value}`). */
  body?: string;
  /** Statuses when the record exists (for create: when it does not yet). */
  status: readonly number[];
  /** Statuses when the record does not exist (for create: when it already does); unchecked when absent. */
  otherwise?: readonly number[];
  /** Statuses tolerated in either case (an assignment that accepts 200 where 201 is preferred). */
  tolerated?: readonly number[];
  /**
   * For `read`: how the answer shows the record. `exact` (default): the body is the value; `contains`:
   * the body contains `shows` (a template, e.g. `{name}:{value}` in a listing), and a missing record's
   * name is absent from it.
   */
  readBack?: 'exact' | 'contains';
  shows?: string;
}

/**
 * An assignment's record operations. Bodies are `raw` text (stored and read back exactly) or a JSON
 * object (read back JSON-equal; `append` merges its fields). `append` is PATCH-or-append.
 */
export interface Operations {
  body: 'raw' | 'json-object';
  contentType?: string;
  create: Operation;
  read: Operation;
  replace?: Operation;
  append?: Operation;
  delete?: Operation;
}

export const referenceProfile: Profile = {
  name: 'reference',
  rules: ['reference'],
  capabilities: ['reference'],
  baseline: { method: 'GET', target: '/' },
  baselineStatuses: [300],
  knownPath: '/',
};

/**
 * `any`: no assignment at all. RFC 9110/9112 at their own levels around one known path (`--path`,
 * default `/`), whose answer to the baseline GET (whatever its status: `learnsBaseline`) is what "served"
 * means for the rest of the run: the MUSTs fail, the SHOULDs (404 for unknown paths, 501/405 for unknown
 * methods, 400 for an invalid request line) warn, and no rule set narrows the RFC's choices.
 */
export function anyProfile(path = '/'): Profile {
  return { name: 'any', capabilities: [], baseline: { method: 'GET', target: path }, baselineStatuses: [200], learnsBaseline: true, knownPath: path };
}

/**
 * The profile a run judges by once the baseline answered `status`: for a profile that learns its
 * baseline, "served" becomes that status, kept beside the profile's own default (RFC 9110 says a request
 * is processed; it never says 200). A 5xx is no baseline (the baseline check fails it), and a profile
 * that fixes its statuses (an assignment) is returned as it is.
 */
export function learnedProfile(profile: Profile, status: number): Profile {
  if (!profile.learnsBaseline || profile.baselineStatuses.includes(status) || status < 200 || status >= 500) return profile;
  return { ...profile, baselineStatuses: [status, ...profile.baselineStatuses] };
}

/**
 * What the course assignments below do not ask of students: RFC 9112's Host-header rules (the
 * key-value assignment even carries its routes in Host).
 */
const ASSIGNMENT_SKIPS: readonly string[] = [
  'status.header.missing-host-is-400',
  'status.header.duplicate-host-is-400',
  'status.header.host-with-space-is-400',
  // Its verdict rests on the Host rule too: a bare CR inside the Host line, taken as a line end or kept,
  // shows only when the server then judges the Host value (RFC 9112 §2.2 with §3.2).
  'status.header.bare-cr-line-end-rejected',
  'status.host.',
];

/** The popular "build your own HTTP server" routes. */
export const byoHttpProfile: Profile = {
  name: 'byo-http',
  note:
    'The CodeCrafters "build your own HTTP server" course, whose tester fails any response that carries a Date or a Server header field (its check against a server that is not the student\'s own): the profile does not require Date (RFC 9110 §6.6.1\'s MUST is not asked, wire.date.present skipped) and asks no Server. RFC 9112\'s Host-header rules are not asked either: the course never teaches them.',
  capabilities: ['byo-http'],
  baseline: { method: 'GET', target: '/' },
  baselineStatuses: [200],
  knownPath: '/',
  // The course's tester forbids Date (see the note): its presence is not asked. Its format, when sent,
  // still is (wire.date.imf-fixdate).
  skip: [...ASSIGNMENT_SKIPS, 'wire.date.present'],
  weights: COURSE_WEIGHTS,
};

/** One text resource, /index.txt; only HTTP/1.1 is served. */
export const textFileProfile: Profile = {
  name: 'text-file',
  capabilities: ['text-file'],
  baseline: { method: 'GET', target: '/index.txt' },
  baselineStatuses: [200],
  knownPath: '/index.txt',
  // Only HTTP/1.1 is served: HTTP/1.0 gets 505 by the assignment.
  skip: [...ASSIGNMENT_SKIPS, 'status.version.http1-0-served', 'status.header.http1-0-without-host-served', 'connection.http1-0.closes-by-default'],
  weights: COURSE_WEIGHTS,
};

const DIALOGUE_FRAMING_SKIPS: readonly string[] = [
  'framing.content-length.identical-duplicates-accepted',
  'framing.content-length.leading-zeros-accepted',
  'framing.content-length.trailing-whitespace-accepted',
  'framing.content-length.body-longer-than-declared',
  'framing.body.post-without-body-is-400',
  'framing.body.zero-length-is-400',
  // A POST whose hidden Content-Length is not read is followed by a GET: a dialogue server takes that
  // GET's request line for the answer to its 300 prompt.
  'framing.hidden-length.bare-cr-before-field-not-read',
  'framing.hidden-length.bare-cr-inside-name-not-read',
  'framing.hidden-length.obs-fold-not-read',
  'framing.hidden-length.whitespace-before-first-field-not-read',
  'framing.hidden-length.nbsp-after-name-not-read',
  'framing.hidden-length.name-split-over-lines-not-read',
];

/** A JSON file of records; POST, PUT and DELETE as a two-step dialogue on one connection. */
export const recordDialogueProfile: Profile = {
  name: 'record-dialogue',
  capabilities: ['record-dialogue'],
  baseline: { method: 'GET', target: '/' },
  baselineStatuses: [200],
  knownPath: '/',
  // The JSON file is the store: what the server acknowledged must survive a restart (grade checks it).
  persistent: true,
  dialogue: RECORD_DIALOGUE,
  // Unknown methods get 400 by the assignment, not 405.
  // POST is a dialogue: the line after the request answers its 300 prompt, so a request pipelined behind
  // a POST cannot be told from that answer, and the framing checks that judge one are not run.
  skip: [...ASSIGNMENT_SKIPS, ...DIALOGUE_FRAMING_SKIPS, 'status.method.unknown-token-is-405', 'status.method.options-is-405', 'status.method.trace-is-405', 'status.method.propfind-is-405', 'status.method.lowercase-get-is-405', 'status.method.mixed-case-get-is-405', 'status.method.connect-is-405'],
  weights: COURSE_WEIGHTS,
};

/** /create, /update, /index.html, the route in the path or the Host header. */
export const keyValueProfile: Profile = {
  name: 'key-value',
  capabilities: ['key-value'],
  baseline: { method: 'GET', target: '/index.html' },
  baselineStatuses: [200],
  knownPath: '/index.html',
  skip: ASSIGNMENT_SKIPS,
  weights: COURSE_WEIGHTS,
};

export const profiles: Record<string, Profile> = {
  reference: referenceProfile,
  any: anyProfile(),
  'byo-http': byoHttpProfile,
  'text-file': textFileProfile,
  'record-dialogue': recordDialogueProfile,
  'key-value': keyValueProfile,
};

/** The points a check is worth under `profile` (before level and verdict): the longest prefix wins. */
export function pointsFor(profile: Pick<Profile, 'points'>, checkId: string): number {
  let best = -1;
  let pts = 1;
  for (const [prefix, p] of Object.entries(profile.points ?? {})) {
    if (checkId.startsWith(prefix) && prefix.length > best) {
      best = prefix.length;
      pts = p;
    }
  }
  return pts;
}

/** Is this check switched off by the profile? */
export function skippedBy(profile: Pick<Profile, 'skip'>, checkId: string): boolean {
  return (profile.skip ?? []).some((p) => checkId.startsWith(p));
}

/** Does a check (or property) apply here: its capability is there, and the profile counts it? */
export function applies(c: { id: string; needs?: Need }, profile: Profile, env: { oracle?: unknown; canRestart?: boolean; canary?: unknown } = {}): boolean {
  if (c.needs === 'oracle') {
    if (env.oracle === undefined) return false;
  } else if (c.needs === 'canary') {
    if (env.canary === undefined) return false;
  } else if (c.needs === 'restart') {
    if (!profile.persistent || !env.canRestart) return false;
  } else if (c.needs === 'host-route') {
    if (!routesInHost(profile)) return false;
  } else if (c.needs && !profile.capabilities.includes(c.needs)) {
    return false;
  }
  return !skippedBy(profile, c.id);
}

/** Why a check that does not apply was skipped, in words. */
export function skipReason(c: { needs?: Need }, profile: Profile, env: { oracle?: unknown; canRestart?: boolean; canary?: unknown } = {}): string {
  if (c.needs === 'oracle' && env.oracle === undefined) return 'needs an oracle server (--oracle or --oracle-cmd)';
  if (c.needs === 'canary' && env.canary === undefined) return 'needs a folder wiregrade owns around the server (wiregrade grade)';
  if (c.needs === 'restart' && !profile.persistent) return `the ${profile.name} profile does not ask the server to persist across restarts`;
  if (c.needs === 'restart') return 'needs a server wiregrade can restart (wiregrade grade)';
  if (c.needs === 'host-route') return `the ${profile.name} profile does not carry its routes in the Host header`;
  return `not part of the ${profile.name} profile`;
}
