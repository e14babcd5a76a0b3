/**
 * The built-in profiles, as data: the reference protocol, `any` (the RFC alone), and the course
 * assignments (byo-http, text-file, record-dialogue, key-value). Profile files (profile-file.ts) extend
 * one of them by name.
 */
import { COURSE_WEIGHTS, type Dialogue, type Profile } from './profile.js';

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
