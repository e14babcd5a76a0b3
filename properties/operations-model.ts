import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { jsonObject, type JsonObject } from './arbitraries/json.js';
import { defineProperty } from '../src/checks/property.js';
import type { CheckContext, SentRequest } from '../src/checks/types.js';
import { bodyJson, describeExchange, statusOf } from '../src/checks/verify.js';
import type { Exchange } from '../src/client/exchange.js';
import type { Operation, Operations } from '../src/model/profile.js';
import { fillOp, operationRequest } from '../src/checks/catalogue/store/operations.js';
import { StoreMismatch } from './store-model.js';
import { nextCase } from './case-names.js';

/**
 * The store model for any assignment whose profile file says how its operations are sent
 * (`operations`: create, read, and optionally replace, append, delete). Random sequences run against a
 * model; every status the profile names, and every read-back, must match it.
 */
type Value = string | JsonObject;

interface Real {
  ctx: CheckContext;
  ops: Operations;
  names: string[];
  sent: SentRequest[];
  last: Exchange[];
}

function encode(ops: Operations, v: Value | undefined): Buffer | undefined {
  if (v === undefined) return undefined;
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
}

/**
 * Sends one operation on a fresh connection. Only a read's body is judged: the others are read `headOnly`
 * (a body framed by a close that does not come is not waited on; one with a length is read whole).
 */
async function send(r: Real, op: Operation, slot: number, v?: Value): Promise<{ ex: Exchange; req: SentRequest }> {
  const req = operationRequest(r.ops, op, r.names[slot]!, v === undefined ? undefined : encode(r.ops, v)!.toString('utf8'));
  const ex = await r.ctx.send(req, op === r.ops.read ? {} : { headOnly: true });
  r.last.push(ex);
  return { ex, req };
}

function expectStatus(r: Real, req: SentRequest, ex: Exchange, want: readonly number[] | undefined, what: string, op: Operation): void {
  if (want === undefined) return;
  const s = statusOf(ex);
  const ok = [...want, ...(op.tolerated ?? [])];
  if (s === null || !ok.includes(s)) throw new StoreMismatch(`${what}: expected ${want.join(' or ')}, got ${describeExchange(ex)}`, req, [...r.sent], ex, want.join(' or '));
}

abstract class Cmd implements fc.AsyncCommand<Map<number, Value>, Real> {
  abstract label: string;
  check(_m: Readonly<Map<number, Value>>): boolean {
    return true;
  }
  abstract run(m: Map<number, Value>, r: Real): Promise<void>;
  toString(): string {
    return this.label;
  }
}

class Create extends Cmd {
  constructor(
    readonly slot: number,
    readonly v: Value,
    /** The profile says what creating an existing record gets; else it is never tried. */
    readonly knowsExisting: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Map<number, Value>>): boolean {
    return this.knowsExisting || !m.has(this.slot);
  }
  get label() {
    return `create #${this.slot} ${JSON.stringify(this.v).slice(0, 60)}`;
  }
  async run(m: Map<number, Value>, r: Real) {
    const exists = m.has(this.slot);
    const { ex, req } = await send(r, r.ops.create, this.slot, this.v);
    expectStatus(r, req, ex, exists ? r.ops.create.otherwise : r.ops.create.status, this.label, r.ops.create);
    if (!exists) m.set(this.slot, this.v);
    r.sent.push(req);
  }
}

class Read extends Cmd {
  constructor(readonly slot: number) {
    super();
  }
  get label() {
    return `read #${this.slot}`;
  }
  async run(m: Map<number, Value>, r: Real) {
    const cur = m.get(this.slot);
    const { ex, req } = await send(r, r.ops.read, this.slot);
    const name = r.names[this.slot]!;
    if (r.ops.read.readBack === 'contains') {
      // The record shows inside a page (a listing): present as `shows`, or its name absent.
      expectStatus(r, req, ex, r.ops.read.status, this.label, r.ops.read);
      const page = Buffer.from(ex.finals[0]?.body ?? []).toString('utf8');
      if (cur !== undefined) {
        const want = fillOp(r.ops.read.shows ?? '{value}', name, typeof cur === 'string' ? cur : JSON.stringify(cur));
        if (!page.includes(want)) throw new StoreMismatch(`${this.label}: the page does not show ${JSON.stringify(want).slice(0, 200)}`, req, [...r.sent], ex, want);
      } else if (page.includes(name)) {
        throw new StoreMismatch(`${this.label}: the page still shows ${name}, which does not exist`, req, [...r.sent], ex, `no ${name}`);
      }
      r.sent.push(req);
      return;
    }
    expectStatus(r, req, ex, cur === undefined ? r.ops.read.otherwise : r.ops.read.status, this.label, r.ops.read);
    if (cur !== undefined) {
      const got: unknown = typeof cur === 'string' ? Buffer.from(ex.finals[0]?.body ?? []).toString('utf8') : bodyJson(ex.finals[0]);
      if (!isDeepStrictEqual(got, cur)) {
        throw new StoreMismatch(`${this.label}: expected ${JSON.stringify(cur).slice(0, 200)}, got ${JSON.stringify(got)?.slice(0, 200)}`, req, [...r.sent], ex, JSON.stringify(cur).slice(0, 200));
      }
    }
    r.sent.push(req);
  }
}

class Write extends Cmd {
  constructor(readonly kind: 'replace' | 'append', readonly slot: number, readonly v: Value) {
    super();
  }
  get label() {
    return `${this.kind} #${this.slot} ${JSON.stringify(this.v).slice(0, 60)}`;
  }
  async run(m: Map<number, Value>, r: Real) {
    const op = r.ops[this.kind]!;
    const cur = m.get(this.slot);
    const { ex, req } = await send(r, op, this.slot, this.v);
    expectStatus(r, req, ex, cur === undefined ? op.otherwise : op.status, this.label, op);
    if (cur !== undefined) {
      if (this.kind === 'replace') m.set(this.slot, this.v);
      else m.set(this.slot, typeof cur === 'string' ? cur + String(this.v) : { ...cur, ...(this.v as JsonObject) });
    }
    r.sent.push(req);
  }
}

class Delete extends Cmd {
  constructor(readonly slot: number) {
    super();
  }
  get label() {
    return `delete #${this.slot}`;
  }
  async run(m: Map<number, Value>, r: Real) {
    const op = r.ops.delete!;
    const exists = m.has(this.slot);
    const { ex, req } = await send(r, op, this.slot);
    expectStatus(r, req, ex, exists ? op.status : op.otherwise, this.label, op);
    m.delete(this.slot);
    r.sent.push(req);
  }
}

/**
 * Raw values: non-empty text, sometimes past the 1 KiB of a single recv(1024). When the value sits in
 * a template next to other text (`{name}:{value}`), only letters and digits, so it cannot be mistaken
 * for the separator.
 */
const rawValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 .,-'.split('')) }),
  fc.integer({ min: 900, max: 3000 }).map((n) => 'x'.repeat(n)),
);
const plainValue: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 24, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')) });

function templated(ops: Operations): boolean {
  return [ops.create, ops.read, ops.replace, ops.append, ops.delete].some((op) => op !== undefined && ((op.body ?? '{value}') !== '{value}' || op.readBack === 'contains'));
}

function commands(ops: Operations, replayPath?: string) {
  const slot = fc.constantFrom(0, 0, 1);
  const value: fc.Arbitrary<Value> = ops.body === 'raw' ? (templated(ops) ? plainValue : rawValue) : jsonObject.filter((o) => Object.keys(o).length > 0);
  const list: fc.Arbitrary<Cmd>[] = [
    fc.tuple(slot, value).map(([s, v]) => new Create(s, v, ops.create.otherwise !== undefined)),
    fc.tuple(slot, value).map(([s, v]) => new Create(s, v, ops.create.otherwise !== undefined)),
    slot.map((s) => new Read(s)),
    slot.map((s) => new Read(s)),
  ];
  if (ops.replace) list.push(fc.tuple(slot, value).map(([s, v]) => new Write('replace', s, v)));
  if (ops.append) list.push(fc.tuple(slot, value).map(([s, v]) => new Write('append', s, v)));
  if (ops.delete) list.push(slot.map((s) => new Delete(s)));
  return fc.commands(list, { maxCommands: 20, size: 'medium', ...(replayPath ? { replayPath } : {}) });
}

export const operationsModel = defineProperty({
  id: 'store.prop.operations',
  family: 'store',
  level: 'MUST',
  requirement: "Random sequences of the assignment's operations (create, read, replace, append, delete, as its profile file sends them) agree with a model: every named status, and every read-back, byte for byte (raw) or JSON-equal.",
  source: { profile: 'operations', note: 'the profile file\'s operations, against a model' },
  cite: 'docs/checks.md#operations-from-a-profile-file',
  needs: 'operations',
  commands: true,
  arbitrary: (ctx, opts) => commands(ctx.profile.operations!, opts?.replayPath),
  async verify(ctx, cmds) {
    const k = nextCase(ctx);
    const real: Real = { ctx, ops: ctx.profile.operations!, names: [ctx.name(`o${k}a`), ctx.name(`o${k}b`)], sent: [], last: [] };
    try {
      await fc.asyncModelRun(() => ({ model: new Map<number, Value>(), real }), cmds);
      return null;
    } catch (err) {
      if (!(err instanceof StoreMismatch)) throw err;
      return { reason: `${err.message} — after: ${cmds.toString()}`, expected: [err.expected], actual: describeExchange(err.exchange), request: err.request, setup: err.setup, exchanges: real.last.slice(-4) };
    }
  },
});
