import { get, write } from '../../case.js';
import { sequenceCheck, type Step } from '../../sequence.js';
import type { Check } from '../../types.js';
import { bodyText } from '../../verify.js';
import { checkGroup } from '../../group.js';

const CITE = 'docs/checks.md#the-text-file-assignment';

function text(method: string, body: string): string {
  return write(method, '/{name}.txt', body).replace('Content-Type: application/json', 'Content-Type: text/plain');
}

const create: Step = { request: text('POST', 'abc'), expect: { accept: [201] }, setup: true };

function contentIs(want: string): Step {
  return {
    request: get([], { target: '/{name}.txt' }),
    expect: { accept: [200] },
    also: (ex) => (bodyText(ex.finals[0]) === want ? null : `GET returned ${JSON.stringify(bodyText(ex.finals[0]).slice(0, 80))}, expected ${JSON.stringify(want)}`),
  };
}

/** One text resource per name: GET, PUT replaces, PATCH appends, POST creates, empty writes 204, HTTP/1.1 only. */
export const textFileChecks: Check[] = checkGroup({ prefix: 'text', family: 'assignment', needs: 'text-file' }, [
  sequenceCheck({
    id: 'text.index.is-200',
    requirement: 'GET /index.txt answers 200 with its content.',
    cite: CITE,
    steps: [{ request: get([], { target: '/index.txt' }), expect: { accept: [200] } }],
  }),
  sequenceCheck({ id: 'text.post.creates', requirement: 'POST /{name}.txt creates the resource with the body (201); GET returns it.', cite: CITE, steps: [{ ...create, setup: false }, contentIs('abc')] }),
  sequenceCheck({
    id: 'text.put.replaces',
    requirement: 'PUT replaces the content (200); GET returns the new content only.',
    cite: CITE,
    steps: [create, { request: text('PUT', 'xyz'), expect: { accept: [200] } }, contentIs('xyz')],
  }),
  sequenceCheck({
    id: 'text.patch.appends',
    requirement: 'PATCH appends the body to the content (200); GET returns old and new, in order.',
    cite: CITE,
    steps: [create, { request: text('PATCH', 'def'), expect: { accept: [200] } }, contentIs('abcdef')],
  }),
  sequenceCheck({
    id: 'text.empty-write.is-204-and-changes-nothing',
    requirement: 'A write with no data answers 204 No Content and leaves the content as it was.',
    cite: CITE,
    steps: [create, { request: text('PUT', ''), expect: { accept: [204] } }, contentIs('abc')],
  }),
  sequenceCheck({
    id: 'text.version.http1-0-is-505',
    requirement: 'Any version other than HTTP/1.1 (here HTTP/1.0) answers 505 HTTP Version Not Supported.',
    cite: CITE,
    steps: [{ request: 'GET /index.txt HTTP/1.0\r\n\r\n', expect: { accept: [505] } }],
  }),
]);
