import { caseCheck, get, write } from '../../case.js';
import { sequenceCheck, type Step } from '../../sequence.js';
import type { Check } from '../../types.js';
import { bodyJson, header } from '../../verify.js';
import { checkGroup, type CheckDecl } from '../../group.js';

const REC = '{"color":"red","size":3}';
const REC2 = '{"color":"blue"}';

const create: Step = { request: write('POST', '/{name}', REC), expect: { accept: ['2xx'] }, setup: true };

function locationIs(ex: Parameters<NonNullable<Step['also']>>[0], ctx: Parameters<NonNullable<Step['also']>>[1]): string | null {
  const r = ex.finals[0];
  const loc = r ? header(r, 'location') : undefined;
  if (loc === undefined) return 'the 201 response has no Location header';
  const path = loc.replace(/^https?:\/\/[^/]+/, '');
  return path === `/${ctx.name()}` ? null : `Location is ${JSON.stringify(loc)}, expected "/${ctx.name()}"`;
}

/** POST, PUT or PATCH with a body that is not JSON: 400. */
function notJsonBody(c: { id: string; method: 'POST' | 'PUT' | 'PATCH' }): CheckDecl {
  return caseCheck({
    id: c.id,
    requirement: `${c.method} with a body that is not JSON answers 400 Bad Request.`,
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write(c.method, '/{name}', 'not json at all'),
    accept: [400],
  });
}

/** POST, PUT or PATCH with a JSON body that is not an object (an array): 400. */
function jsonArrayBody(c: { id: string; method: 'POST' | 'PUT' | 'PATCH' }): CheckDecl {
  return caseCheck({
    id: c.id,
    requirement: `${c.method} with a JSON body that is not an object (an array) answers 400 Bad Request.`,
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write(c.method, '/{name}', '[1,2,3]'),
    accept: [400],
  });
}

/** A write or DELETE on the list, `/`: 405 with Allow. */
function rootNotAllowed(c: { id: string; method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' }): CheckDecl {
  const m = c.method;
  return sequenceCheck({
    id: c.id,
    requirement: `${m} / is not allowed on the list: 405 Method Not Allowed with an Allow header.`,
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.5.6',
    steps: [{ request: m === 'DELETE' ? get([], { target: '/', method: m }) : write(m, '/', REC), method: m, expect: { accept: [405] } }],
  });
}

/** The reference protocol's table of SPEC.md, row by row: one check per status it names. */
export const statusChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', needs: 'reference' }, [
  sequenceCheck({
    id: 'status.list.get-root-is-300',
    requirement: 'GET / answers 300 Multiple Choices with a JSON array of the record paths.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.4.1',
    steps: [
      {
        request: get([], { target: '/' }),
        expect: { accept: [300] },
        also: (ex) => (Array.isArray(bodyJson(ex.finals[0])) ? null : 'the 300 body is not a JSON array'),
      },
    ],
  }),
  sequenceCheck({
    id: 'status.record.get-missing-is-404',
    requirement: 'GET of a record that does not exist answers 404 Not Found.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.5.5',
    steps: [{ request: get([], { target: '/{name}' }), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'status.record.head-missing-is-404',
    requirement: 'HEAD of a record that does not exist answers 404, with no body.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §9.3.2',
    steps: [{ request: get([], { target: '/{name}', method: 'HEAD' }), method: 'HEAD', expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'status.record.post-new-is-201',
    requirement: 'POST /{name} with a JSON object creates the record: 201 Created.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.3.2',
    steps: [{ request: write('POST', '/{name}', REC), expect: { accept: [201] } }],
  }),
  sequenceCheck({
    id: 'status.record.post-new-has-location',
    requirement: 'A 201 Created response to POST carries Location: /{name}.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.3.2',
    steps: [{ request: write('POST', '/{name}', REC), expect: { accept: [201] }, setup: true, also: locationIs }],
  }),
  sequenceCheck({
    id: 'status.record.post-existing-is-409',
    requirement: 'POST /{name} when the record exists answers 409 Conflict.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.5.10',
    steps: [create, { request: write('POST', '/{name}', REC2), expect: { accept: [409] } }],
  }),
  sequenceCheck({
    id: 'status.record.get-existing-is-200',
    requirement: 'GET of an existing record answers 200 OK with the record as JSON.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    steps: [create, { request: get([], { target: '/{name}' }), expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'status.record.head-existing-is-200',
    requirement: 'HEAD of an existing record answers 200 OK with no body.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §9.3.2',
    steps: [create, { request: get([], { target: '/{name}', method: 'HEAD' }), method: 'HEAD', expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'status.record.put-new-is-201',
    requirement: 'PUT /{name} of a new record creates it: 201 Created with Location.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §9.3.4',
    steps: [{ request: write('PUT', '/{name}', REC), expect: { accept: [201] }, also: locationIs }],
  }),
  sequenceCheck({
    id: 'status.record.put-existing-is-200',
    requirement: 'PUT /{name} of an existing record replaces it: 200 OK.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §9.3.4',
    steps: [create, { request: write('PUT', '/{name}', REC2), expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'status.record.patch-existing-is-200',
    requirement: 'PATCH /{name} of an existing record merges the fields: 200 OK.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 5789',
    steps: [create, { request: write('PATCH', '/{name}', REC2), expect: { accept: [200] } }],
  }),
  sequenceCheck({
    id: 'status.record.patch-missing-is-404',
    requirement: 'PATCH of a record that does not exist answers 404.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    steps: [{ request: write('PATCH', '/{name}', REC2), expect: { accept: [404] } }],
  }),
  sequenceCheck({
    id: 'status.record.delete-existing-is-204',
    requirement: 'DELETE of an existing record answers 204 No Content, with no body.',
    cite: 'docs/reference-protocol.md#requests-and-answers; RFC 9110 §15.3.5',
    steps: [create, { request: get([], { target: '/{name}', method: 'DELETE' }), method: 'DELETE', expect: { accept: [204] } }],
  }),
  sequenceCheck({
    id: 'status.record.delete-missing-is-404',
    requirement: 'DELETE of a record that does not exist answers 404.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    steps: [{ request: get([], { target: '/{name}', method: 'DELETE' }), method: 'DELETE', expect: { accept: [404] } }],
  }),
  notJsonBody({ id: 'status.body.post-not-json-is-400', method: 'POST' }),
  jsonArrayBody({ id: 'status.body.post-json-array-is-400', method: 'POST' }),
  notJsonBody({ id: 'status.body.put-not-json-is-400', method: 'PUT' }),
  jsonArrayBody({ id: 'status.body.put-json-array-is-400', method: 'PUT' }),
  notJsonBody({ id: 'status.body.patch-not-json-is-400', method: 'PATCH' }),
  jsonArrayBody({ id: 'status.body.patch-json-array-is-400', method: 'PATCH' }),
  caseCheck({
    id: 'status.body.put-empty-is-400',
    requirement: 'PUT with an empty body answers 400 Bad Request.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write('PUT', '/{name}', ''),
    accept: [400],
    warn: [411],
  }),
  caseCheck({
    id: 'status.body.json-string-is-400',
    requirement: 'POST with a JSON string (not an object) answers 400 Bad Request.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write('POST', '/{name}', '"just a string"'),
    accept: [400],
  }),
  caseCheck({
    id: 'status.body.truncated-json-is-400',
    requirement: 'POST with truncated JSON (\'{"a":\') answers 400 Bad Request.',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write('POST', '/{name}', '{"a":'),
    accept: [400],
  }),
  rootNotAllowed({ id: 'status.method.post-root-is-405', method: 'POST' }),
  rootNotAllowed({ id: 'status.method.put-root-is-405', method: 'PUT' }),
  rootNotAllowed({ id: 'status.method.patch-root-is-405', method: 'PATCH' }),
  rootNotAllowed({ id: 'status.method.delete-root-is-405', method: 'DELETE' }),
  sequenceCheck({
    id: 'status.method.405-has-allow',
    requirement: 'An origin server MUST generate an Allow header field in a 405 (Method Not Allowed) response.',
    cite: 'RFC 9110 §15.5.6',
    steps: [
      {
        request: get([], { method: 'FOO' }),
        method: 'FOO',
        expect: { accept: [405] },
        setup: true,
        also: (ex) => (ex.finals[0] && header(ex.finals[0], 'allow') !== undefined ? null : 'the 405 response has no Allow header'),
      },
    ],
  }),
  caseCheck({
    id: 'status.record.name-with-allowed-punctuation',
    requirement: 'A name made of every allowed character class ("A-z0-9._~-") is a valid record name: POST creates it (201).',
    cite: 'docs/reference-protocol.md#requests-and-answers',
    request: write('POST', '/{name}._~-Z9', REC),
    accept: ['2xx'],
  }),
]);
