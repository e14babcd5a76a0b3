/**
 * The class phase's probe set (issue 24): the same requests, in the same order, for every submission of
 * a class. Three parts, all fixed by the profile and the seed:
 * - fixed requests of the catalogue's kinds (the known path as GET, HEAD, HTTP/1.0, an unknown method,
 *   a malformed request line, another major version, no Host, bare LF, a field line without a colon,
 *   Content-Length with Transfer-Encoding, an unknown path, absolute form);
 * - the assignment's routes as sequences: the profile's operations when it has them, and otherwise the
 *   shapes the built-in assignments share (a record per path, `/create` + `/index.html` by path or by the
 *   Host header, `/files/{name}`, `/{name}.txt`): create then read, the same create twice, a read of a
 *   name never created, replace then read, delete then read, and eight creates at once then their reads;
 * - a fast-check sample of generated requests (method, path, body, version), some sent twice.
 * Pure: no sockets. Record names and values are drawn from the seed, so every submission gets the same bytes.
 */
import fc from 'fast-check';
import type { Operation, Operations, Profile } from '../model/profile.js';
import { knownHeaders } from '../model/profile-policy.js';
import { latin1, utf8 } from '../wire/bytes.js';
import { serializeRequest } from '../http1/request.js';

/** One request of a probe: its bytes, and its method (which decides how the answer is framed). */
export interface ProbeRequest {
  method: string;
  bytes: Uint8Array;
}

/** A write-and-read shape of an assignment: how records are created, read, replaced, deleted. */
export interface ProbeShape {
  name: string;
  ops: Operations;
  /** The built-in assignment profile whose protocol this shape is (a proposed profile extends it). */
  assignment: 'any' | 'key-value';
}

export type ProbeUse = 'create-read' | 'create-head' | 'create-twice' | 'read-absent' | 'replace-read' | 'replace-absent' | 'append-read' | 'delete-read' | 'concurrent';

export interface ClassProbe {
  /** Stable within a probe set: `fixed.head-known`, `route.kv-host.create-read`, `gen.07`. */
  id: string;
  /** How a person reads it: `POST /create, then GET /index.html`. */
  label: string;
  /** Stages sent before the answer that is signed; the requests of one stage go at once, each on its own connection. */
  setup: ProbeRequest[][];
  /** The requests whose answers are signed (several: the reads after concurrent creates), at once. */
  final: ProbeRequest[];
  /** Text whose presence in the final answers' bodies is a value read back. */
  markers?: string[];
  /** The body's bytes count in the signature (read-only probes sent before any write). */
  compareBytes?: boolean;
  /** For route probes: the shape and what the sequence tries (the proposed profile reads them). */
  shape?: string;
  use?: ProbeUse;
}

export interface ProbeSet {
  seed: number;
  probes: ClassProbe[];
  shapes: ProbeShape[];
}

const J = 'json-object' as const;
const R = 'raw' as const;

/** The shapes the built-in assignments share; statuses here are placeholders (the class's majority decides). */
export const COMMON_SHAPES: readonly ProbeShape[] = [
  {
    name: 'record',
    assignment: 'any',
    ops: {
      body: J,
      contentType: 'application/json',
      create: { method: 'POST', target: '/{name}', status: [201] },
      read: { method: 'GET', target: '/{name}', status: [200] },
      replace: { method: 'PUT', target: '/{name}', status: [200] },
      append: { method: 'PATCH', target: '/{name}', status: [200] },
      delete: { method: 'DELETE', target: '/{name}', status: [204] },
    },
  },
  {
    name: 'kv-path',
    assignment: 'key-value',
    ops: {
      body: R,
      create: { method: 'POST', target: '/create', body: '{name}:{value}', status: [201] },
      read: { method: 'GET', target: '/index.html', status: [200], readBack: 'contains', shows: '{name}:{value}' },
      replace: { method: 'PUT', target: '/update', body: '{name}:{value}', status: [200] },
    },
  },
  {
    name: 'kv-host',
    assignment: 'key-value',
    ops: {
      body: R,
      create: { method: 'POST', target: '/', host: '127.0.0.1/create', body: '{name}:{value}', status: [201] },
      read: { method: 'GET', target: '/', host: '127.0.0.1/index.html', status: [200], readBack: 'contains', shows: '{name}:{value}' },
      replace: { method: 'PUT', target: '/', host: '127.0.0.1/update', body: '{name}:{value}', status: [200] },
    },
  },
  {
    name: 'files',
    assignment: 'any',
    ops: { body: R, create: { method: 'POST', target: '/files/{name}', status: [201] }, read: { method: 'GET', target: '/files/{name}', status: [200] } },
  },
  {
    name: 'text',
    assignment: 'any',
    ops: {
      body: R,
      create: { method: 'POST', target: '/{name}.txt', status: [201] },
      read: { method: 'GET', target: '/{name}.txt', status: [200] },
      replace: { method: 'PUT', target: '/{name}.txt', status: [200] },
      append: { method: 'PATCH', target: '/{name}.txt', status: [200] },
    },
  },
];

/** How many creates go at once in a `concurrent` probe. */
export const CONCURRENT_CREATES = 8;
/** How many generated requests the sample holds. */
export const GENERATED = 16;

const fill = (t: string, name: string, value: string): string => t.replaceAll('{name}', name).replaceAll('{value}', value);

/** The body value of a record: raw text, or a JSON object holding it (`extra` adds a second field, for an append). */
function bodyValue(ops: Operations, value: string, field = 'value'): string {
  return ops.body === J ? JSON.stringify({ [field]: value }) : value;
}

/** The request of one operation for a record, as the profile file's format says it is sent. */
export function operationRequest(ops: Operations, op: Operation, name: string, value: string, field = 'value'): ProbeRequest {
  const v = bodyValue(ops, value, field);
  const headers: Array<[string, string]> = [['Host', fill(op.host ?? 'localhost', name, v)]];
  for (const [k, t] of Object.entries(op.headers ?? {})) headers.push([k, fill(t, name, v)]);
  const writes = op.method !== 'GET' && op.method !== 'HEAD' && op.method !== 'DELETE';
  if (writes && ops.contentType) headers.push(['Content-Type', ops.contentType]);
  const body = writes ? utf8(fill(op.body ?? '{value}', name, v)) : undefined;
  return { method: op.method, bytes: serializeRequest({ method: op.method, target: fill(op.target, name, v), version: 'HTTP/1.1', headers, ...(body ? { body } : {}) }) };
}

/** What a read shows of a record: the `shows` template of a listing, else the value itself. */
export function shownValue(op: Operation, name: string, value: string): string {
  return op.readBack === 'contains' && op.shows ? fill(op.shows, name, value) : value;
}

/** `POST /create` (with `Host: 127.0.0.1/create` when the route rides there). */
export function requestLabel(r: ProbeRequest): string {
  const text = Buffer.from(r.bytes.subarray(0, 512)).toString('latin1');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const shown = line.length > 60 ? `${line.slice(0, 57)}…` : line;
  const host = /\r?\nhost:[ \t]*([^\r\n]*)/i.exec(text)?.[1];
  return host && host !== 'localhost' && /\//.test(host) ? `${shown} (Host: ${host})` : shown;
}

function labelOf(setup: ProbeRequest[][], final: ProbeRequest[]): string {
  const part = (rs: ProbeRequest[]): string => (rs.length > 1 ? `${rs.length} × ${requestLabel(rs[0]!)} at once` : requestLabel(rs[0]!));
  return [...setup.map(part), part(final)].join(', then ');
}

function probe(id: string, setup: ProbeRequest[][], final: ProbeRequest[], extra: Partial<ClassProbe> = {}): ClassProbe {
  return { id, label: labelOf(setup, final), setup, final, ...extra };
}

/** The fixed requests, for the known path as the profile sends it. */
function fixedProbes(profile: Profile, unknownName: string): ClassProbe[] {
  const known = profile.knownPath;
  const hdr = knownHeaders(profile);
  const head = (lines: string[], eol = '\r\n'): Uint8Array => latin1(lines.join(eol) + eol + eol);
  const fields = hdr.map(([k, v]) => `${k}: ${v}`);
  const one = (id: string, method: string, bytes: Uint8Array, extra: Partial<ClassProbe> = {}): ClassProbe => probe(`fixed.${id}`, [], [{ method, bytes }], extra);
  return [
    one('get-known', 'GET', head([`GET ${known} HTTP/1.1`, ...fields]), { compareBytes: true }),
    one('head-known', 'HEAD', head([`HEAD ${known} HTTP/1.1`, ...fields]), { compareBytes: true }),
    one('get-known-http1-0', 'GET', head([`GET ${known} HTTP/1.0`, ...fields])),
    one('get-known-close', 'GET', head([`GET ${known} HTTP/1.1`, ...fields, 'Connection: close'])),
    one('get-unknown-path', 'GET', head([`GET /${unknownName} HTTP/1.1`, ...fields])),
    one('unknown-method', 'FROB', head([`FROB ${known} HTTP/1.1`, ...fields])),
    one('http2-version', 'GET', head([`GET ${known} HTTP/2.0`, ...fields])),
    one('malformed-line', 'GET', head([`GET  ${known} HTTP/1.1`, ...fields])),
    one('no-host', 'GET', head([`GET ${known} HTTP/1.1`, ...fields.slice(1)])),
    one('bare-lf', 'GET', head([`GET ${known} HTTP/1.1`, ...fields], '\n')),
    one('field-without-colon', 'GET', head([`GET ${known} HTTP/1.1`, ...fields, 'X-No-Colon'])),
    one('cl-and-te', 'POST', latin1(`POST ${known} HTTP/1.1\r\n${fields.join('\r\n')}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)),
    one('absolute-form', 'GET', head([`GET http://localhost${known} HTTP/1.1`, ...fields])),
  ];
}

/** The sequences of one shape, with names and values drawn from `draw`. */
function shapeProbes(shape: ProbeShape, draw: () => string): ClassProbe[] {
  const { ops } = shape;
  const id = (use: ProbeUse): string => `route.${shape.name}.${use}`;
  const at = (use: ProbeUse): Partial<ClassProbe> => ({ shape: shape.name, use });
  const out: ClassProbe[] = [];
  const create = (n: string, v: string): ProbeRequest => operationRequest(ops, ops.create, n, v);
  const read = (n: string): ProbeRequest => operationRequest(ops, ops.read, n, '');
  const shows = (n: string, v: string): string => shownValue(ops.read, n, v);
  {
    const [n, v] = [draw(), draw()];
    out.push(probe(id('create-read'), [[create(n, v)]], [read(n)], { markers: [shows(n, v)], ...at('create-read') }));
  }
  if (ops.read.target.includes('{name}')) {
    // HEAD of a record: its Content-Length is the GET's (RFC 9110 §9.3.2), the same for the whole class.
    const [n, v] = [draw(), draw()];
    const get = read(n);
    const headReq = { method: 'HEAD', bytes: latin1(Buffer.from(get.bytes).toString('latin1').replace(/^GET /, 'HEAD ')) };
    out.push(probe(id('create-head'), [[create(n, v)]], [headReq], { compareBytes: true, ...at('create-head') }));
  }
  {
    const [n, v] = [draw(), draw()];
    out.push(probe(id('create-twice'), [[create(n, v)]], [create(n, v)], at('create-twice')));
  }
  {
    const [n, v] = [draw(), draw()];
    out.push(probe(id('read-absent'), [], [read(n)], { markers: [shows(n, v)], ...at('read-absent') }));
  }
  if (ops.replace) {
    const [n, v, w] = [draw(), draw(), draw()];
    out.push(probe(id('replace-read'), [[create(n, v)], [operationRequest(ops, ops.replace, n, w)]], [read(n)], { markers: [shows(n, w)], ...at('replace-read') }));
    const [m, u] = [draw(), draw()];
    out.push(probe(id('replace-absent'), [], [operationRequest(ops, ops.replace, m, u)], at('replace-absent')));
  }
  if (ops.append) {
    // An append adds to the record: both the first value and the second are read back.
    const [n, v, w] = [draw(), draw(), draw()];
    out.push(probe(id('append-read'), [[create(n, v)], [operationRequest(ops, ops.append, n, w, 'extra')]], [read(n)], { markers: [v, w], ...at('append-read') }));
  }
  if (ops.delete) {
    const [n, v] = [draw(), draw()];
    out.push(probe(id('delete-read'), [[create(n, v)], [operationRequest(ops, ops.delete, n, '')]], [read(n)], { markers: [shows(n, v)], ...at('delete-read') }));
  }
  {
    const pairs = Array.from({ length: CONCURRENT_CREATES }, () => [draw(), draw()] as const);
    const reads = ops.read.target.includes('{name}') || (ops.read.host ?? '').includes('{name}') ? pairs.map(([n]) => read(n)) : [read(pairs[0]![0])];
    out.push(probe(id('concurrent'), [pairs.map(([n, v]) => create(n, v))], reads, { markers: pairs.map(([n, v]) => shows(n, v)), ...at('concurrent') }));
  }
  return out;
}

const METHODS = ['GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'BREW'] as const;

/** The generated sample: requests of the kinds students' servers meet, drawn by fast-check from the seed. */
function generatedProbes(profile: Profile, seed: number, names: readonly string[]): ClassProbe[] {
  const paths = [profile.knownPath, '/', '/index.html', '/a/b', '/%7Euser', '/create', '/update', '/files/x', '/index.txt', ...names.map((n) => `/${n}`)];
  const arb = fc.record({
    method: fc.constantFrom(...METHODS),
    path: fc.constantFrom(...paths),
    body: fc.constantFrom(null, '{"field":"v"}', 'k:v', 'plain text', ''),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
    hostRoute: fc.constantFrom(null, null, null, '127.0.0.1/index.html', '127.0.0.1/create'),
    twice: fc.boolean(),
  });
  const sample = fc.sample(arb, { seed, numRuns: GENERATED });
  return sample.map((g, i) => {
    const host = g.hostRoute ?? 'localhost';
    const bytes = serializeRequest({ method: g.method, target: g.path, version: g.version, headers: [['Host', host]], ...(g.body !== null ? { body: g.body } : {}) });
    const req = { method: g.method, bytes };
    const id = `gen.${String(i).padStart(2, '0')}`;
    return g.twice ? probe(id, [[req]], [req]) : probe(id, [], [req]);
  });
}

/**
 * The class's probe set: fixed, then the routes (the profile's operations, else the common shapes), then
 * the generated sample. Read-only fixed probes come first, so their bodies can be compared byte for byte.
 */
export function classProbes(profile: Profile, seed: number): ProbeSet {
  const names = fc.sample(fc.stringMatching(/^[a-z][a-z0-9]{7}$/), { seed, numRuns: 400 });
  const unique = [...new Set(names)];
  let next = 0;
  const draw = (): string => unique[next++ % unique.length]! + (next > unique.length ? String(next) : '');
  const shapes: ProbeShape[] = profile.operations ? [{ name: 'profile', ops: profile.operations, assignment: 'any' }] : [...COMMON_SHAPES];
  const fixed = fixedProbes(profile, draw());
  const routes = shapes.flatMap((s) => shapeProbes(s, draw));
  const generated = generatedProbes(profile, seed, [draw(), draw()]);
  return { seed, probes: [...fixed, ...generated, ...routes], shapes };
}
