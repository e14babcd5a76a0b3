/**
 * The reference protocol, row by row (SPEC.md, "The reference protocol"). A request whose framing and
 * syntax were fine gets its answer here, and the connection stays open whatever the status.
 *
 * The order of the checks:
 *   1. a method the server does not implement: 405 + Allow (whatever the path);
 *   2. the path: `/`, `/{name}`, a path whose segments are all names but more than one (`/a/b`): 404, or a
 *      path with a segment that is not a name (`/../x`, `/%00`, `/a/`): 400;
 *   3. a method not allowed on `/`: 405 + `Allow: GET, HEAD`;
 *   4. POST, PUT, PATCH: the body must be UTF-8 JSON, an object, nested at most MAX_RECORD_DEPTH levels
 *      (else 400), then the store decides (201/200/404/409).
 * HEAD is answered as GET; the serializer drops the body.
 */
import { isRecordName, RECORD_NAME_RULE } from './names.js';
import type { ParsedRequest } from './parser.js';
import { isJsonObject, MAX_RECORD_DEPTH, nestsDeeperThan, type JsonObject } from './records.js';
import { errorReply, type Reply } from './responses.js';
import type { RecordStore, WriteResult } from './store.js';

const ROOT_METHODS = ['GET', 'HEAD'] as const;
const RECORD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type Resource =
  | { readonly kind: 'root' }
  | { readonly kind: 'record'; readonly name: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The answer to a well-formed request: at once for reads, once the store has it for writes. */
export function route(request: Pick<ParsedRequest, 'method' | 'target' | 'body'>, store: RecordStore): Reply | Promise<Reply> {
  const resource = resolveTarget(request.target);
  const { method } = request;

  if (!(RECORD_METHODS as readonly string[]).includes(method)) {
    const allowed = resource.kind === 'root' ? ROOT_METHODS : RECORD_METHODS;
    return methodNotAllowed(method, allowed);
  }
  switch (resource.kind) {
    case 'invalid':
      return errorReply(400, resource.reason);
    case 'absent':
      return errorReply(404, 'no such resource: the paths are / and /{name}');
    case 'root':
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, ROOT_METHODS);
      return { status: 300, body: store.names().map((name) => `/${name}`) };
    case 'record':
      return recordRoute(method, resource.name, request.body, store);
  }
}

function recordRoute(method: string, name: string, body: Buffer, store: RecordStore): Reply | Promise<Reply> {
  if (method === 'GET' || method === 'HEAD') {
    const record = store.get(name);
    return record === undefined ? notFound(name) : { status: 200, body: record };
  }
  if (method === 'DELETE') return commit(store, { kind: 'delete', name }, name);

  const record = parseJsonObject(body);
  if (typeof record === 'string') return errorReply(400, record);
  const kind = method === 'POST' ? 'create' : method === 'PUT' ? 'replace' : 'merge';
  return commit(store, { kind, name, record }, name);
}

async function commit(store: RecordStore, op: Parameters<RecordStore['write']>[0], name: string): Promise<Reply> {
  let result: WriteResult;
  try {
    result = await store.write(op);
  } catch {
    return errorReply(500, 'the store could not save the change; nothing was changed');
  }
  switch (result.outcome) {
    case 'created':
      return { status: 201, body: result.record, headers: [['Location', `/${name}`]] };
    case 'replaced':
    case 'merged':
      return { status: 200, body: result.record };
    case 'deleted':
      return { status: 204 };
    case 'exists':
      return errorReply(409, `/${name} already exists`);
    case 'missing':
      return notFound(name);
  }
}

function notFound(name: string): Reply {
  return errorReply(404, `/${name} does not exist`);
}

function methodNotAllowed(method: string, allowed: readonly string[]): Reply {
  return errorReply(405, `${method} is not allowed here`, [['Allow', allowed.join(', ')]]);
}

/**
 * The resource a request target names. Accepts origin-form (`/a?x`) and absolute-form (`http://h/a`); the
 * query is ignored. Names are matched as sent: there is no percent-decoding (no valid name needs it).
 */
function resolveTarget(target: string): Resource {
  let path = target;
  const authority = target.startsWith('/') ? null : /^https?:\/\/[^/?#]*/i.exec(target);
  if (authority !== null) path = `/${target.slice(authority[0].length).replace(/^\//, '')}`;
  if (!path.startsWith('/')) return { kind: 'invalid', reason: 'the request target must be a path such as /name' };
  const query = path.indexOf('?');
  if (query !== -1) path = path.slice(0, query);

  if (path === '/') return { kind: 'root' };
  const segments = path.slice(1).split('/');
  if (!segments.every(isRecordName)) return { kind: 'invalid', reason: RECORD_NAME_RULE };
  if (segments.length > 1) return { kind: 'absent' };
  return { kind: 'record', name: segments[0] as string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as a JSON object, or why it is not one. */
function parseJsonObject(body: Buffer): JsonObject | string {
  if (body.length === 0) return 'the request needs a JSON object as its body';
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return 'the body is not valid UTF-8';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the body is not valid JSON';
  }
  if (!isJsonObject(value)) return 'the body must be a JSON object';
  if (nestsDeeperThan(value, MAX_RECORD_DEPTH)) return `the body nests deeper than ${MAX_RECORD_DEPTH} levels`;
  return value;
}
