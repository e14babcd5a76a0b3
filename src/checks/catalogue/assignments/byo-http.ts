import { get } from '../../case.js';
import { sequenceCheck } from '../../sequence.js';
import type { Check } from '../../types.js';
import { bodyText, header, req } from '../../verify.js';
import { garbage } from '../robustness.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const CITE = 'docs/checks.md#the-byo-http-assignment';

/** 3,000 bytes of every value (NUL, CR, LF, 0xFF included): more than one 1024-byte recv. */
const FILE = Buffer.from(garbage(3000, 'byo-http file'));

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
    id: 'byo.files.round-trip-byte-for-byte',
    requirement: 'POST /files/{name} stores the body (201); a later GET returns it byte for byte as application/octet-stream (3,000 bytes of every value).',
    cite: CITE,
    steps: [
      {
        request: (ctx) => req(Buffer.concat([Buffer.from(`POST /files/${ctx.name()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: ${FILE.length}\r\n\r\n`, 'latin1'), FILE]), 'POST'),
        expect: { accept: [201] },
        setup: true,
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
