/**
 * The profile zoo: for each built-in assignment profile other than `reference` (issue 8), one correct
 * server written to it and buggy ones, each with ONE classic bug that the profile's grading
 * should catch. Student-style Python 3.11 (socket + threading, stdlib only).
 *
 * Layout: `<profile>/<slug>/server.py`, run as `python3 server.py PORT` with its folder as cwd. The
 * servers of a profile subclass `<profile>/_lib/*_base.py` (the correct server runs it unchanged) and
 * override the one method where their bug lives, marked `# BUG:`. The HTTP plumbing the four bases
 * share (reading requests, framing, keep-alive, writing responses) is `_common/http_plumbing.py`; a
 * base finds `_common` beside its `_lib` folder. A server finds `_lib` beside or above its folder, so
 * a scratch copy must keep `_lib` and `_common` next to the server's folder (see `lib`, `common`).
 * Files a server keeps (`files/`, `*.txt`, `records.json`, `store.txt`) live in its cwd; the
 * starting ones (`index.txt`, `records.json`) ship in each server's folder.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ProfileName = 'byo-http' | 'text-file' | 'record-dialogue' | 'key-value';

export interface ProfileZooServer {
  profile: ProfileName;
  slug: string;
  kind: 'correct' | 'buggy';
  /** One sentence: what the student did wrong (for the correct server, what it is). */
  bug: string;
  /** Absolute path of the server's folder: copy it, and `lib` and `common` beside it, then run `cmd` there. */
  dir: string;
  /** Absolute path of the profile's shared `_lib` folder. */
  lib: string;
  /** Absolute path of the shared `_common` folder (the HTTP plumbing the bases import): copy it beside `lib` as `_common`. */
  common: string;
  /** The command line, run with a copy of `dir` as cwd. */
  cmd(port: number): string[];
  /** The profile file it is graded under, when not the built-in `profile` (absolute path; examples/profiles/ or test/zoo/profiles/files/). */
  profileFile?: string;
}

export const PROFILE_ZOO_DIR = path.dirname(fileURLToPath(import.meta.url));

type Entry = [profile: ProfileName, slug: string, kind: 'correct' | 'buggy', bug: string, profileFile?: string];

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const entries: Entry[] = [
  ['byo-http', 'correct', 'correct', 'The build-your-own-HTTP-server routes (/, /echo/{s} with gzip, /user-agent, /files/{name}), persistent and concurrent connections, done right.'],
  ['byo-http', 'user-agent-case', 'buggy', 'Looks the User-Agent header up case-sensitively, so `user-agent: x` gives an empty body.'],
  ['byo-http', 'files-truncated', 'buggy', 'Reads a request body with a single recv(1024), so a POSTed file over 1 KiB is stored cut.'],
  ['byo-http', 'unknown-path-200', 'buggy', 'Answers 200 (empty body) instead of 404 for a path it does not know.'],
  ['byo-http', 'post-201-unframed', 'buggy', 'Writes the 201 of a POST by hand as `HTTP/1.1 201 Created\\r\\n\\r\\n OK`: no Content-Length on a connection it keeps open, so a client never finds the end of the answer.'],
  ['byo-http', 'echo-gzip-shell', 'buggy', 'Compresses /echo/{s} for `Accept-Encoding: gzip` with `printf %s {s} | gzip` in a shell, so the echoed text runs as a command.'],
  ['byo-http', 'concurrent-pool-of-two', 'buggy', 'Hands each connection to a pool of two worker threads, so while two connections stay open a third client is accepted and never answered.'],
  ['byo-http', 'gzip-wrong-header', 'buggy', 'Looks for gzip in the request\'s Content-Encoding instead of its Accept-Encoding, so /echo/{s} is never compressed.'],
  ['byo-http', 'gzip-any-accept-encoding', 'buggy', 'Compresses /echo/{s} whenever the request has an Accept-Encoding header, so `Accept-Encoding: invalid-encoding` gets a gzip body.'],
  ['byo-http', 'gzip-exact-match', 'buggy', 'Compresses only when Accept-Encoding is exactly `gzip`, so `unknown-1, gzip, unknown-2` gets plain text.'],
  ['byo-http', 'gzip-length-of-text', 'buggy', 'Sends the gzip body of /echo/{s} with the Content-Length of the text before compression.'],
  ['byo-http', 'closes-after-each', 'buggy', 'Answers every request with `Connection: close` and closes (the first stages\' loop), so no connection persists.'],
  ['byo-http', 'close-not-announced', 'buggy', 'Closes after a request with `Connection: close`, but its answer does not say `Connection: close`.'],

  ['text-file', 'correct', 'correct', 'One text resource /index.txt (plus the ones POST creates): GET, HEAD, PUT, PATCH, POST, 204, 405, 505, done right.'],
  ['text-file', 'patch-replaces-text', 'buggy', 'PATCH replaces the content instead of appending the body to it.'],
  ['text-file', 'empty-write-200', 'buggy', 'Checks for a missing body with `is None`, so a write with an empty body answers 200 and clears the file instead of 204.'],
  ['text-file', 'http10-accepted', 'buggy', 'Serves HTTP/1.0 requests instead of answering 505.'],
  ['text-file', 'dot-dot-served', 'buggy', 'Takes any target ending in .txt as a file name, so `/../x.txt` (or an absolute path) reads and writes outside its folder.'],

  ['record-dialogue', 'correct', 'correct', 'Records in records.json, GET/HEAD served directly, POST/PUT/DELETE as a 300-prompt-then-one-line dialogue, done right.'],
  ['record-dialogue', 'post-overwrites', 'buggy', 'A POST of a name that exists overwrites the record (201) instead of answering 400.'],
  ['record-dialogue', 'delete-without-dialogue', 'buggy', 'DELETE removes the record named by the request target at once (200), without the 300 step.'],
  ['record-dialogue', 'students-file', 'correct', 'The store is students.json and every request names it in its target without the leading slash (`GET students.json HTTP/1.1`, `POST students.json`); GET of it is the whole store.', 'examples/profiles/record-dialogue.students-file.json'],
  ['record-dialogue', 'students-file-delete-keeps', 'buggy', 'The students.json variant, where DELETE answers 200 with the record but leaves it in the file.', 'examples/profiles/record-dialogue.students-file.json'],
  ['record-dialogue', 'file-not-persisted', 'buggy', 'Keeps changes in memory only and never rewrites records.json, so a restart loses them.'],

  ['key-value', 'correct', 'correct', '/create, /update and /index.html, routed by the path or by the Host header, done right.'],
  ['key-value', 'host-route-ignored', 'buggy', 'Looks only at the path, so a route carried in the Host header (`Host: 127.0.0.1/create`) gets 404.'],
  ['key-value', 'update-creates', 'buggy', 'PUT /update of an absent key creates it (200) instead of answering 400.'],
  ['key-value', 'no-colon-crash', 'buggy', 'Splits the body on ":" without a check, so a body without a colon kills the process.'],
  ['key-value', 'host-routed', 'correct', 'The routes only in the Host header (`GET /` + `Host: 127.0.0.1/index.html`), the path not looked at; a Host without a route gets 404.', 'examples/profiles/key-value.host-routed.json'],
  ['key-value', 'host-routed-crash', 'buggy', 'Routes only through the Host header and takes `host.split("/", 1)[1]` unchecked, so a request with `Host: localhost` kills the process.', 'examples/profiles/key-value.host-routed.json'],
  ['key-value', 'json-store-unlocked', 'buggy', 'Routes through the Host header and keeps the pairs in store.json, which every request reads, changes and writes back with no lock across its threads, so concurrent creates are lost.', 'examples/profiles/key-value.host-routed.json'],
  ['key-value', 'memory-only', 'buggy', 'Routes through the Host header and keeps the pairs in a dict only (store.txt is never written), so a restart loses them.', 'examples/profiles/key-value.host-routed.json'],
];

export const profileZoo: ProfileZooServer[] = entries.map(([profile, slug, kind, bug, profileFile]) => ({
  profile,
  slug,
  kind,
  bug,
  dir: path.join(PROFILE_ZOO_DIR, profile, slug),
  lib: path.join(PROFILE_ZOO_DIR, profile, '_lib'),
  common: path.join(PROFILE_ZOO_DIR, '_common'),
  cmd: (port: number) => ['python3', 'server.py', String(port)],
  ...(profileFile ? { profileFile: path.join(REPO, profileFile) } : {}),
}));

export function profileZooServer(profile: ProfileName, slug: string): ProfileZooServer {
  const s = profileZoo.find((z) => z.profile === profile && z.slug === slug);
  if (!s) throw new Error(`no profile zoo server ${profile}/${slug}`);
  return s;
}
