import { get } from '../../case.js';
import { sequenceCheck } from '../../sequence.js';
import type { Check } from '../../types.js';
import { bodyText, header, req } from '../../verify.js';
import { garbage } from '../robustness.js';
import { checkGroup } from '../../group.js';

const CITE = 'docs/checks.md#the-byo-http-assignment';

/** 3,000 bytes of every value (NUL, CR, LF, 0xFF included): more than one 1024-byte recv. */
const FILE = Buffer.from(garbage(3000, 'byo-http file'));

/** A short text file. */
const TEXT = 'hello from wiregrade\n';

/** POST of `body` to `target`, with its Content-Type and Content-Length. */
function postFile(target: string, body: string | Buffer, type: string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${b.length}\r\n\r\n`, 'latin1'), b]);
}

/** The "build your own HTTP server" routes: `/`, `/echo/{s}`, `/user-agent`, `/files/{name}`. */
export const byoHttpChecks: Check[] = checkGroup({ prefix: 'byo', family: 'assignment', needs: 'byo-http' }, [
  sequenceCheck({
    id: 'byo.root.is-200',
    requirement: 'GET / answers 200 OK.',
    cite: CITE,
    steps: [{ request: get([], { target: '/' }), expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'byo.unknown-path.is-404',
    requirement: 'A path the server has no route for (GET /{name}) answers 404 Not Found.',
    cite: CITE,
    steps: [{ request: get([], { target: '/{name}' }), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'byo.echo.returns-the-string',
    requirement: 'GET /echo/{s} answers 200 with Content-Type: text/plain and the body s.',
    cite: CITE,
    steps: [
      {
        request: get([], { target: '/echo/wiregrade-echo-42' }),
        expect: { accept: [200] },
        also: (ex) => {
          const r = ex.finals[0]!;
          if (bodyText(r) !== 'wiregrade-echo-42') return `the body is ${JSON.stringify(bodyText(r).slice(0, 80))}, not "wiregrade-echo-42"`;
          return /^text\/plain/i.test(header(r, 'content-type') ?? '') ? null : `Content-Type is ${JSON.stringify(header(r, 'content-type') ?? '(none)')}, not text/plain`;
        },
      },
    ],
  }),
  ...(
    [
      ['byo.user-agent.returns-the-header', 'User-Agent'],
      ['byo.user-agent.header-name-any-case', 'user-agent'],
    ] as const
  ).map(([id, name]) =>
    sequenceCheck({
      id,
      requirement: `GET /user-agent answers 200 with the User-Agent header's value as the body (field names are case-insensitive: "${name}:").`,
      cite: `${CITE}; RFC 9110 §5.1`,
      steps: [
        {
          request: get([`${name}: wiregrade-agent/1.0`], { target: '/user-agent' }),
          expect: { accept: [200] },
          also: (ex) => (bodyText(ex.finals[0]) === 'wiregrade-agent/1.0' ? null : `the body is ${JSON.stringify(bodyText(ex.finals[0]).slice(0, 80))}, not "wiregrade-agent/1.0"`),
        },
      ],
    }),
  ),
  sequenceCheck({
    id: 'byo.files.missing-is-404',
    requirement: 'GET /files/{name} of a file that does not exist answers 404.',
    cite: CITE,
    steps: [{ request: get([], { target: '/files/{name}' }), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'byo.files.post-text-round-trip',
    requirement: 'POST /files/{name} with a short text body answers 201 with a complete response, and a later GET returns the text.',
    cite: CITE,
    steps: [
      {
        // The whole answer is read (not only its head): a 201 whose end a client cannot find (no
        // Content-Length, the connection kept open) leaves the client waiting, and fails here.
        request: (ctx) => req(postFile(`/files/${ctx.name()}`, TEXT, 'text/plain'), 'POST'),
        expect: { accept: [201] },
        also: () => null,
      },
      {
        request: get([], { target: '/files/{name}' }),
        expect: { accept: [200] },
        also: (ex) => (bodyText(ex.finals[0]) === TEXT ? null : `GET returned ${JSON.stringify(bodyText(ex.finals[0]).slice(0, 80))}, not the text stored`),
      },
    ],
  }),
  sequenceCheck({
    id: 'byo.files.round-trip-byte-for-byte',
    requirement: 'POST /files/{name} of 3,000 bytes of every value (NUL, CR, LF, 0xFF) answers 201; a later GET returns them byte for byte as application/octet-stream.',
    cite: CITE,
    needs: 'byo-http',
    steps: [
      {
        // A short text POST first: when POST does not work at all, byo.files.post-text-round-trip owns that.
        request: (ctx) => req(postFile(`/files/${ctx.name('t')}`, TEXT, 'text/plain'), 'POST'),
        expect: { accept: [201] },
        setup: true,
      },
      {
        request: (ctx) => req(postFile(`/files/${ctx.name()}`, FILE, 'application/octet-stream'), 'POST'),
        expect: { accept: [201] },
      },
      {
        request: get([], { target: '/files/{name}' }),
        expect: { accept: [200] },
        also: (ex) => {
          const body = Buffer.from(ex.finals[0]!.body);
          if (Buffer.compare(body, FILE) !== 0) return `GET returned ${body.length} bytes${body.length === FILE.length ? ' that differ' : ''}, not the ${FILE.length} bytes stored`;
          return /^application\/octet-stream/i.test(header(ex.finals[0]!, 'content-type') ?? '') ? null : 'the file is not served as application/octet-stream';
        },
      },
    ],
  }),
]);
