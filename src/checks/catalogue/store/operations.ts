import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../../../client/exchange.js';
import { serializeRequest } from '../../../http1/request.js';
import type { Operation, Operations } from '../../../model/profile.js';
import type { Check, CheckContext, CheckRun, SentRequest } from '../../types.js';
import { bodyJson, bodyText, describeExchange, result, statusOf } from '../../verify.js';
import { sleep } from '../../../wire/deadline.js';
import { checkGroup } from '../../group.js';

const CITE = 'docs/checks.md#operations-from-a-profile-file';

/** Fills `{name}` and `{value}` in an operation's template. */
export function fillOp(t: string, name: string, value: string): string {
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
export const operationsChecks: Check[] = checkGroup({ prefix: 'store', family: 'store' }, [
  {
    id: 'store.operations.concurrent-creates-all-kept',
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
  {
    id: 'store.operations.kill-9-keeps-acknowledged',
    level: 'MUST',
    requirement: "A record created through the assignment's create operation and acknowledged survives a kill -9 of the server in the middle of a later create, and a restart (profiles that say \"persistent\": true; grade only).",
    source: { profile: 'persistent', note: "the profile file's operations on a persistent store: a write acknowledged before a kill -9 is there after the restart" },
    cite: CITE,
    needs: 'restart',
    async run(ctx: CheckContext): Promise<CheckRun> {
      const expected = ['every acknowledged create read back after the restart'];
      const ops = ctx.profile.operations;
      if (!ops) return result('skip', `the ${ctx.profile.name} profile has no operations`, expected, undefined, undefined);
      const value = (tag: string): string => (ops.body === 'raw' ? `d${tag}w` : JSON.stringify({ tag }));
      const acked: Array<{ name: string; value: string; request: SentRequest }> = [];
      for (let round = 0; round < 3; round++) {
        const a = ctx.name(`k${round}a`);
        const first = operationRequest(ops, ops.create, a, value(`${round}a`));
        const ex = await ctx.send(first);
        if (!acknowledged(ops.create, ex)) return result('blocked', `not judged: creating ${a} got ${describeExchange(ex)}`, expected, ex, first);
        acked.push({ name: a, value: value(`${round}a`), request: first });
        // A second create in flight when the kill lands, a little later each round.
        const b = ctx.name(`k${round}b`);
        const second = operationRequest(ops, ops.create, b, value(`${round}b`));
        const pending = ctx.send(second);
        await sleep(2 + 10 * round);
        if (!(await ctx.restartServer!())) return result('fail', 'the server could not be started again after a kill -9', expected, undefined, second);
        if (acknowledged(ops.create, await pending)) acked.push({ name: b, value: value(`${round}b`), request: second });
        for (const w of acked) {
          const read = operationRequest(ops, ops.read, w.name);
          const back = await ctx.send(read);
          if (!shows(ops, back, w.name, w.value)) {
            return result('fail', `after a kill -9 and restart (round ${round + 1}), ${w.name}, acknowledged before, was not read back: ${describeExchange(back)}`, expected, back, read, { setup: acked.map((x) => x.request) });
          }
        }
      }
      return result('pass', `${acked.length} acknowledged creates survived 3 kills`, expected, undefined, undefined);
    },
  },
]);
