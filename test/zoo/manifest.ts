/**
 * The zoo: small HTTP/1.1 servers written like students write them, each with ONE classic bug, plus
 * correct ones and a few hostile ones. wiregrade is tested against them: every correct server must
 * pass, every buggy one must fail the checks that its bug breaks.
 *
 * Python servers (except the hostile ones and correct-asyncio) subclass test/zoo/servers/_lib/
 * student_base.py and override the one method where their bug lives (marked `# BUG:`). Each runs as
 * `python3 server.py PORT` / `node server.js PORT` with its own folder as cwd; it finds `_lib` in
 * its parent folder, so a copy must keep that layout (see test/helpers/zoo.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPECTED_FAILURES } from './expected-failures.js';

export type ZooLang = 'python' | 'node';
export type ZooKind = 'correct' | 'buggy' | 'hostile';

export interface ZooServer {
  slug: string;
  lang: ZooLang;
  kind: ZooKind;
  /** One sentence: what the student did wrong (for correct servers, what they are). */
  bug: string;
  /** The command line, run with `dir` as cwd. */
  cmd(port: number): string[];
  /** Absolute path of the server's folder. */
  dir: string;
  /** Check ids this server must fail in the matrix, no more, no fewer (test/zoo/expected-failures.ts). */
  expectFailing: readonly string[];
  /** The profile its matrix row runs under: `reference` unless the server is of no assignment (`any`). */
  profile: 'reference' | 'any';
}

export const ZOO_SERVERS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers');

type Entry = [slug: string, lang: ZooLang, kind: ZooKind, bug: string, profile?: 'any'];

const entries: Entry[] = [
  ['correct-threaded', 'python', 'correct', 'The base: a thread per connection, buffered reads until the header end, a lock around the store.'],
  ['correct-node', 'node', 'correct', 'Written independently on node:net: one parser state machine per connection.'],
  ['correct-asyncio', 'python', 'correct', 'Written independently on asyncio streams.'],
  ['correct-pool-8', 'python', 'correct', 'The base with a fixed pool of 8 worker threads: a ninth client waits in the queue (a design, not a bug; side by side, it gets batches of 7).'],

  ['single-recv', 'python', 'buggy', 'Reads each request with one recv(1024), so a request split across segments or longer than 1 KiB is cut.'],
  ['recv-until-short', 'python', 'buggy', 'Reads a request with recv(1024) until a read comes back short, taking that as the end of the request.'],
  ['recv-8-until-short', 'python', 'buggy', 'Reads a request in 8-byte pieces until a read comes back short, so a request whose length is a multiple of 8 waits for more forever.'],
  ['malformed-head', 'python', 'buggy', 'Answers every request with `HTTP/1.1 400 Bad Request\\nDate: …\\n` and no blank line after the headers, then closes.'],
  ['no-reuseaddr-crash', 'python', 'buggy', 'Binds without SO_REUSEADDR, closes every connection first, and exits on a method with a non-ASCII byte.'],
  ['lf-line-ends', 'python', 'buggy', 'Ends response lines with a bare \\n instead of \\r\\n.'],
  ['crlf-lf-header-end', 'python', 'buggy', 'Ends the response header section with \\r\\n\\n instead of \\r\\n\\r\\n.'],
  ['no-content-length', 'python', 'buggy', 'Sends no Content-Length, yet keeps the connection open, so the body has no end.'],
  ['wrong-content-length', 'python', 'buggy', 'Sends a Content-Length one byte smaller than the body.'],
  ['no-reason-phrase', 'python', 'buggy', 'Writes the status line without a reason phrase or the space before it (`HTTP/1.1 200`).'],
  ['version-echo', 'python', 'buggy', "Echoes the request's version in the status line (`HTTP/2 505 ...`, `HTTP/1.0 200 OK`)."],
  ['head-with-body', 'python', 'buggy', 'Sends the body in answer to HEAD too.'],
  ['head-100', 'python', 'buggy', 'Answers HEAD with `100 Continue` and nothing else.'],
  ['head-cl-zero', 'python', 'buggy', 'Answers HEAD with Content-Length: 0 instead of the length GET would give.'],
  ['post-200', 'python', 'buggy', 'Answers a POST that creates a record with 200 instead of 201.'],
  ['missing-is-200', 'python', 'buggy', 'Answers GET of a missing record with 200 and `{}` instead of 404.'],
  ['unknown-method-400', 'python', 'buggy', 'Answers unknown methods with 400 instead of 405.'],
  ['garbage-405', 'python', 'buggy', 'Answers malformed request lines with 405 instead of 400.'],
  ['no-505', 'python', 'buggy', 'Never compares the major version with 1, so HTTP/2 (and HTTP/3.0, HTTP/9.9) requests are served as HTTP/1.1.'],
  ['crash-on-empty', 'python', 'buggy', 'Parses the request line without checking for an empty read, so a client that connects and closes kills the process.'],
  ['crash-on-close', 'python', 'buggy', 'Parses the empty read of a connection the client closed as a request line (IndexError), so every client that closes its connection kills the process (exit code 1).'],
  ['crash-no-body', 'python', 'buggy', 'Calls json.loads on an empty body without a check, which kills the process (POST/PUT/PATCH with no body).'],
  ['crash-no-colon', 'python', 'buggy', 'Splits header lines on ":" without a check, so a line without a colon kills the process.'],
  ['never-closes', 'python', 'buggy', 'Ignores `Connection: close` and HTTP/1.0: every connection is kept open.'],
  ['one-client-exits', 'python', 'buggy', 'Has no loop around accept(): serves one connection, then the program ends.'],
  ['exits-on-error', 'python', 'buggy', 'Ends the process on any exception in a connection, e.g. a client resetting its connection.'],
  ['single-thread-blocking', 'python', 'buggy', 'Serves connections one after another on one thread, so an idle client blocks everyone.'],
  ['banner', 'python', 'buggy', 'Greets every connection with `Welcome to the server!!\\r\\n` before reading the request.'],
  ['lost-update', 'python', 'buggy', 'Reads, modifies and writes the store without a lock (with a small sleep between), so concurrent writes are lost.'],
  ['truncate-1k', 'python', 'buggy', "Stores at most 1024 bytes of a record's JSON text, so large records come back cut (and invalid)."],
  ['patch-replaces', 'python', 'buggy', 'PATCH replaces the record instead of merging the fields into it.'],
  ['delete-keeps', 'python', 'buggy', 'DELETE answers 204 but never removes the record.'],
  ['rejected-post-stores', 'python', 'buggy', 'A POST to an existing name answers 409 but overwrites the record anyway.'],
  ['split-differs', 'python', 'buggy', 'Answers 400 to any request that took more than one recv() to arrive.'],
  ['200-for-everything', 'python', 'buggy', 'Answers every request, valid or not, with 200 and `{}`.'],
  ['path-traversal', 'python', 'buggy', 'Stores each record in a file named after the request path, unchecked, so "/../../x" writes outside its folder.'],
  ['answers-before-body', 'python', 'buggy', 'Never reads the body: answers as soon as the headers are in, then parses the body as the next request.'],
  ['te-xchunked', 'python', 'buggy', 'Takes any Transfer-Encoding whose value ends in "chunked" as chunked, so "xchunked" is read as chunked instead of refused.'],
  ['trailers-as-request', 'python', 'buggy', 'Stops reading a chunked body at the last chunk, so trailer fields are read as the next request.'],
  ['upgrade-101', 'python', 'buggy', 'Answers 101 Switching Protocols to any Upgrade (naming no protocol, HTTP/1.0 too), then carries on in HTTP/1.1.'],
  ['closes-unannounced', 'python', 'buggy', 'Closes the connection after every response without sending `Connection: close` first.'],
  ['root-404', 'python', 'correct', 'Of no assignment, graded under `any`: `/` is not a resource (404), /hello is; correct otherwise.', 'any'],
  ['cl-over-te', 'python', 'buggy', 'With both Content-Length and Transfer-Encoding, reads Content-Length and keeps the connection open, so a request hidden in a chunk is answered (TE.CL smuggling).'],
  ['close-ignored-when-pipelined', 'python', 'buggy', 'Honours "Connection: close" only once nothing more is buffered, so a request pipelined behind it is answered too.'],
  ['method-letters-only', 'python', 'buggy', 'Takes a method to be letters only, so the valid token M-SEARCH is refused with 400.'],
  ['strip-header-names', 'python', 'buggy', 'Cleans field names with str.strip(), so "Content-Length\\x85" is a Content-Length and "Host : x" a Host.'],
  ['splitlines-head', 'python', 'buggy', 'Splits the request head with str.splitlines(), so a bare CR ends a field line and can hide a Content-Length.'],

  ['hostile-silent', 'python', 'hostile', 'Accepts connections and never answers or closes them.'],
  ['hostile-drip', 'python', 'hostile', 'Sends a valid-looking response one byte per second, never finishing.'],
  ['hostile-flood', 'python', 'hostile', 'Sends endless bytes as fast as it can to every connection.'],
  ['hostile-reset', 'python', 'hostile', 'Reads the request, then resets the connection (SO_LINGER 0, close).'],
  ['hostile-garbage', 'python', 'hostile', 'Answers every request with random binary garbage, then closes.'],
  ['hostile-crash-at-start', 'python', 'hostile', 'Raises an exception at start, before it listens.'],
  ['hostile-never-binds', 'python', 'hostile', 'Runs forever without ever listening.'],
  ['hostile-floods-stdout', 'python', 'hostile', 'Prints debug lines to stdout in a loop (about 11 MB a second) while serving correctly.'],
  ['hostile-endless-body', 'python', 'hostile', 'Answers every request with a complete head that gives no length, then an endless body, and never closes.'],
  ['hostile-hardcoded-port', 'python', 'hostile', 'Ignores its argument and always listens on the port it hard-coded (otherwise the correct base server).'],
];

export const zoo: ZooServer[] = entries.map(([slug, lang, kind, bug, profile]) => ({
  slug,
  profile: profile ?? 'reference',
  lang,
  kind,
  bug,
  cmd: (port: number) => (lang === 'python' ? ['python3', 'server.py', String(port)] : [process.execPath, 'server.js', String(port)]),
  dir: path.join(ZOO_SERVERS_DIR, slug),
  expectFailing: EXPECTED_FAILURES[slug] ?? [],
}));

export function zooServer(slug: string): ZooServer {
  const s = zoo.find((z) => z.slug === slug);
  if (!s) throw new Error(`no zoo server named ${slug}`);
  return s;
}
