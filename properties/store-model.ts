import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { defineProperty } from '../src/checks/property.js';
import type { CheckContext, SentRequest } from '../src/checks/types.js';
import { bodyJson, describeExchange, statusOf } from '../src/checks/verify.js';
import { serializeRequest } from '../src/http1/request.js';
import { jsonObject, notAJsonObject, type JsonObject } from './arbitraries/json.js';
import type { Exchange } from '../src/client/exchange.js';
import { nextCase } from './case-names.js';

/** The model: what the store must hold for this run's names. */
interface Model {
  records: Map<number, JsonObject>;
}

/** The real system: a context, this run's names, and what was sent so far (for the report). */
interface Real {
  ctx: CheckContext;
  names: string[];
  sent: SentRequest[];
  exchanges: Exchange[];
}

/** A failed step: carries the sequence so far so the report can show it. */
export class StoreMismatch extends Error {
  constructor(
    message: string,
    readonly request: SentRequest,
    readonly setup: SentRequest[],
    readonly exchange: Exchange,
    readonly expected: string,
  ) {
    super(message);
  }
}

/**
 * Sends one command on a fresh connection. Only GET's and the listing's bodies are judged: the others are
 * read `headOnly` (a body framed by a close that does not come is not waited on; a body with a length is
 * read whole as always, and the connection is closed after it either way).
 */
async function send(r: Real, method: string, slot: number | null, body?: string): Promise<{ ex: Exchange; req: SentRequest }> {
  const target = slot === null ? '/' : `/${r.names[slot]}`;
  const headers: Array<[string, string]> = [['Host', 'localhost']];
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  const req: SentRequest = { plan: { bytes: serializeRequest({ method, target, version: 'HTTP/1.1', headers, body: body === undefined ? undefined : Buffer.from(body, 'utf8') }) }, methods: [method] };
  const ex = await r.ctx.send(req, method === 'GET' ? {} : { headOnly: true });
  r.exchanges.push(ex);
  return { ex, req };
}

function fail(r: Real, req: SentRequest, ex: Exchange, expected: string, what: string, got = describeExchange(ex)): never {
  throw new StoreMismatch(`${what}: expected ${expected}, got ${got}`, req, [...r.sent], ex, expected);
}

abstract class StoreCommand implements fc.AsyncCommand<Model, Real> {
  abstract label: string;
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  toString(): string {
    return this.label;
  }
}

class Post extends StoreCommand {
  label: string;
  constructor(readonly slot: number, readonly obj: JsonObject) {
    super();
    this.label = `POST #${slot} ${JSON.stringify(obj)}`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, 'POST', this.slot, JSON.stringify(this.obj));
    if (m.records.has(this.slot)) {
      if (statusOf(ex) !== 409) fail(r, req, ex, '409 (the record exists)', this.label);
    } else {
      if (statusOf(ex) !== 201) fail(r, req, ex, '201', this.label);
      m.records.set(this.slot, this.obj);
    }
    r.sent.push(req);
  }
}

class Put extends StoreCommand {
  label: string;
  constructor(readonly slot: number, readonly obj: JsonObject) {
    super();
    this.label = `PUT #${slot} ${JSON.stringify(obj)}`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, 'PUT', this.slot, JSON.stringify(this.obj));
    const want = m.records.has(this.slot) ? 200 : 201;
    if (statusOf(ex) !== want) fail(r, req, ex, String(want), this.label);
    m.records.set(this.slot, this.obj);
    r.sent.push(req);
  }
}

class Patch extends StoreCommand {
  label: string;
  constructor(readonly slot: number, readonly obj: JsonObject) {
    super();
    this.label = `PATCH #${slot} ${JSON.stringify(obj)}`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, 'PATCH', this.slot, JSON.stringify(this.obj));
    const cur = m.records.get(this.slot);
    if (!cur) {
      if (statusOf(ex) !== 404) fail(r, req, ex, '404 (no such record)', this.label);
    } else {
      if (statusOf(ex) !== 200) fail(r, req, ex, '200', this.label);
      m.records.set(this.slot, { ...cur, ...this.obj });
    }
    r.sent.push(req);
  }
}

class Delete extends StoreCommand {
  label: string;
  constructor(readonly slot: number) {
    super();
    this.label = `DELETE #${slot}`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, 'DELETE', this.slot);
    const want = m.records.has(this.slot) ? 204 : 404;
    if (statusOf(ex) !== want) fail(r, req, ex, String(want), this.label);
    m.records.delete(this.slot);
    r.sent.push(req);
  }
}

class Get extends StoreCommand {
  label: string;
  constructor(readonly slot: number, readonly head: boolean) {
    super();
    this.label = `${head ? 'HEAD' : 'GET'} #${slot}`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, this.head ? 'HEAD' : 'GET', this.slot);
    const cur = m.records.get(this.slot);
    if (!cur) {
      if (statusOf(ex) !== 404) fail(r, req, ex, '404 (no such record)', this.label);
    } else {
      if (statusOf(ex) !== 200) fail(r, req, ex, '200', this.label);
      if (!this.head && !isDeepStrictEqual(bodyJson(ex.finals[0]), cur)) {
        fail(r, req, ex, `200 with ${JSON.stringify(cur)}`, `${this.label} body`, `200 with ${Buffer.from(ex.finals[0]?.body ?? []).toString('utf8').slice(0, 300)}`);
      }
    }
    r.sent.push(req);
  }
}

class List extends StoreCommand {
  label = 'GET /';
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, 'GET', null);
    if (statusOf(ex) !== 300) fail(r, req, ex, '300', this.label);
    const list = bodyJson(ex.finals[0]);
    const want = r.names.map((n, i) => [`/${n}`, m.records.has(i)] as const);
    const wrong = Array.isArray(list) ? want.filter(([p, has]) => list.includes(p) !== has) : want;
    if (wrong.length > 0) fail(r, req, ex, `a list ${wrong.map(([p, has]) => (has ? `with ${p}` : `without ${p}`)).join(', ')}`, this.label);
    r.sent.push(req);
  }
}

class BadWrite extends StoreCommand {
  label: string;
  constructor(readonly slot: number, readonly method: string, readonly body: string) {
    super();
    this.label = `${method} #${slot} ${JSON.stringify(body)} (not a JSON object)`;
  }
  async run(m: Model, r: Real) {
    const { ex, req } = await send(r, this.method, this.slot, this.body);
    const ok = this.method === 'PATCH' && !m.records.has(this.slot) ? [400, 404] : [400];
    if (!ok.includes(statusOf(ex) ?? 0)) fail(r, req, ex, ok.join(' or '), this.label);
    r.sent.push(req); // the model is unchanged: a rejected request changes nothing
  }
}

/** Two record names per sequence: few enough that writes and reads of one record meet often. */
const SLOTS = 2;
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const patch = fc.tuple(slot, jsonObject).map(([s, o]) => new Patch(s, o));
const get = fc.tuple(slot, fc.boolean()).map(([s, h]) => new Get(s, h));

/**
 * Sequences of commands, weighted towards what finds store bugs (writes followed by reads of the same
 * record): PATCH and GET appear twice in the list, so each is drawn twice as often.
 */
export const storeCommands = (replayPath?: string) =>
  fc.commands(
  [
    fc.tuple(slot, jsonObject).map(([s, o]) => new Post(s, o)),
    fc.tuple(slot, jsonObject).map(([s, o]) => new Put(s, o)),
    patch,
    patch,
    slot.map((s) => new Delete(s)),
    get,
    get,
    fc.constant(new List()),
    fc.tuple(slot, fc.constantFrom('POST', 'PUT', 'PATCH'), notAJsonObject).map(([s, m, b]) => new BadWrite(s, m, b)),
  ],
  { maxCommands: 30, size: 'medium', ...(replayPath ? { replayPath } : {}) },
);

export const storeModel = defineProperty({
  id: 'store.prop.model',
  family: 'store',
  level: 'MUST',
  requirement: 'Random sequences of POST, GET, HEAD, PUT, PATCH, DELETE and GET / agree with an in-memory model: every status and body as the model says; a rejected request changes nothing; a deleted record is gone.',
  source: { profile: 'reference', note: 'the reference protocol\'s record store, against a model' },
  cite: 'docs/reference-protocol.md#requests-and-answers',
  needs: 'reference',
  commands: true,
  arbitrary: (_ctx, opts) => storeCommands(opts?.replayPath),
  async verify(ctx, cmds) {
    const run = nextCase(ctx);
    const real: Real = { ctx, names: Array.from({ length: SLOTS }, (_, i) => ctx.name(`r${run}s${i}`)), sent: [], exchanges: [] };
    try {
      await fc.asyncModelRun(() => ({ model: { records: new Map() }, real }), cmds);
      return null;
    } catch (err) {
      if (!(err instanceof StoreMismatch)) throw err;
      return {
        reason: `${err.message} — after: ${cmds.toString()}`,
        expected: [err.expected],
        actual: describeExchange(err.exchange),
        request: err.request,
        setup: err.setup,
        exchanges: real.exchanges.slice(-5),
      };
    }
  },
});
