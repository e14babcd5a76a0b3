/**
 * What an assignment expects, as a type: the known path and its answer, the capabilities, the rule sets,
 * points, weights and skips. The built-in profiles are data in builtin-profiles.ts; what a run asks of a
 * profile (does a check apply, the Host it sends, the points of a check) is in profile-policy.ts.
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
