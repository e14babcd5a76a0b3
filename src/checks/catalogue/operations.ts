import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../../client/exchange.js';
import { serializeRequest } from '../../http1/request.js';
import type { Operation, Operations } from '../../model/profile.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../types.js';
import { bodyJson, bodyText, describeExchange, result, statusOf } from '../verify.js';

const CITE = 'docs/checks.md#operations-from-a-profile-file';

/** Fills `{name}` and `{value}` in an operation's template. */
function fillOp(t: string, name: string, value: string): string {
  return t.replaceAll('{name}', name).replaceAll('{value}', value);
}

/** One operation as the profile file sends it: its method, target, Host, header fields and body template. */
export function operationRequest(ops: Operations, op: Operation, name: string, value?: string): SentRequest {
  const v = value ?? '';
  const headers: Array<[string, string]> = [['Host', op.host ? fillOp(op.host, name, v) : 'localhost']];
  for (const [h, t] of Object.entries(op.headers ?? {})) headers.push([h, fillOp(t, name, v)]);
  const body = value === undefined ? undefined : Buffer.from(fillOp(op.body ?? '{value}', name, v), 'utf8');
  if (body) headers.push(['Content-Type', ops.contentType ?? (ops.body === 'raw' ? 'text/plain' : 'application/json')]);
  return { plan: { bytes: serializeRequest({ method: op.method, target: fillOp(op.target, name, v), version: 'HTTP/1.1', headers, body }) }, methods: [op.method] };
}

/** Did the server acknowledge the operation (a status it lists, or tolerates)? */
function acknowledged(op: Operation, ex: Exchange): boolean {
  const s = statusOf(ex);
  return s !== null && [...op.status, ...(op.tolerated ?? [])].includes(s);
}

/** Does a read's answer show the record with this value (exactly, JSON-equal, or inside a listing)? */
function shows(ops: Operations, ex: Exchange, name: string, value: string): boolean {
  const read = ops.read;
  if (!acknowledged(read, ex)) return false;
  if (read.readBack === 'contains') return bodyText(ex.finals[0]).includes(fillOp(read.shows ?? '{value}', name, value));
  return ops.body === 'raw' ? bodyText(ex.finals[0]) === value : isDeepStrictEqual(bodyJson(ex.finals[0]), JSON.parse(value));
}

const WRITERS = 12;

/**
 * Concurrency through the assignment's own operations (any profile file with `operations`): clients
 * that write at once lose nothing the server acknowledged. A store kept in one file that each request
 * reads, changes and writes back without a lock loses all but one of a burst of creates.
 */
export const operationsChecks: Check[] = [
  {
    id: 'store.operations.concurrent-creates-all-kept',
    family: 'store',
    level: 'MUST',
    requirement: `${WRITERS} clients creating ${WRITERS} different records at once through the assignment's create operation: every create the server acknowledged is there when read back (no lost update).`,
    source: { profile: 'operations', note: "the profile file's operations: a write the server acknowledged is there when it is read, whatever other clients wrote at the same time" },
    cite: CITE,
    needs: 'operations',
    async run(ctx: CheckContext): Promise<CheckRun> {
      const ops = ctx.profile.operations!;
      const expected = ['every acknowledged create read back'];
      const names = Array.from({ length: WRITERS }, (_, i) => ctx.name(`cc${i}`));
      // Letters and digits only: a value that sits in a template next to other text (`{name}:{value}`).
      const values = names.map((_, i) => (ops.body === 'raw' ? `v${i}w` : JSON.stringify({ i })));
      const creates = names.map((n, i) => operationRequest(ops, ops.create, n, values[i]));
      const acks = await Promise.all(creates.map((r) => ctx.send(r)));
      const acked = acks.map((a) => acknowledged(ops.create, a));
      if (!acked.some(Boolean)) return result('blocked', `not judged: none of the ${WRITERS} concurrent creates was acknowledged (${describeExchange(acks[0]!)})`, expected, acks[0], creates[0]);
      const lost: string[] = [];
      let last: { ex: Exchange; request: SentRequest } | undefined;
      for (let i = 0; i < names.length; i++) {
        if (!acked[i]) continue;
        const request = operationRequest(ops, ops.read, names[i]!);
        const ex = await ctx.send(request);
        if (!shows(ops, ex, names[i]!, values[i]!)) {
          lost.push(names[i]!);
          last ??= { ex, request };
        }
      }
      const n = acked.filter(Boolean).length;
      if (lost.length > 0) {
        return result('fail', `${lost.length} of ${n} acknowledged concurrent creates lost: the read of ${lost[0]} got ${describeExchange(last!.ex)}${ops.read.readBack === 'contains' ? ' without the record' : ''}`, expected, last!.ex, last!.request, { setup: creates });
      }
      return result('pass', `${n} of ${WRITERS} acknowledged, all read back`, expected, acks[0], creates[0]);
    },
  },
];
