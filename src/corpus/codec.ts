/**
 * Property counterexamples as JSON: bytes become `{"$bytes": base64}` so a case can be stored in a
 * manifest and handed back to fast-check as an example. Values that are not plain data (class instances,
 * such as model-based commands) are not encodable: those entries replay from their seed and path alone.
 */
export function encodeExample(v: unknown): { ok: true; json: unknown } | { ok: false } {
  try {
    return { ok: true, json: enc(v) };
  } catch {
    return { ok: false };
  }
}

function enc(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('not JSON');
    return v;
  }
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(enc);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new Error('not plain data');
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, enc(x)]));
  }
  throw new Error('not JSON');
}

export function decodeExample(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(decodeExample);
  if (j !== null && typeof j === 'object') {
    const o = j as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof o.$bytes === 'string') return Uint8Array.from(Buffer.from(o.$bytes, 'base64'));
    return Object.fromEntries(keys.map((k) => [k, decodeExample(o[k])]));
  }
  return j;
}

/**
 * What makes a failure distinct: the check, why it failed and what came back, with the run-specific
 * parts folded away (record names, numbers, quoted values and JSON objects, a model run's command
 * list), so the same bug found again by another seed adds no entry, while two different bugs failing
 * the same check still get one entry each.
 */
export function failureSignature(check: string, reason: string, observed: string): string {
  return `${check} :: ${fold(reason.split(' — after: ')[0] ?? reason)} :: ${fold(observed)}`;
}

function fold(s: string): string {
  let out = s.replace(/wg[a-z0-9]+(-[a-z0-9]+)*/g, '{name}').replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  for (let i = 0; i < 5; i++) out = out.replace(/\{[^{}]*\}/g, '{…}').replace(/\[[^[\]]*\]/g, '[…]');
  return out.replace(/\d+/g, 'N');
}

/**
 * The record names wiregrade's checks make: `wg`, a run tag of 5 characters, 6 hex digits of the check
 * id, and maybe `-label` (see makeContext). Matched on the bytes read as Latin-1.
 */
const RECORD_NAME = /(?<![A-Za-z0-9])wg[a-z0-9]{5}(?=[0-9a-f]{6}(?![a-z0-9]))/g;

/** A run tag for record names: 5 characters of [a-z0-9], different from one millisecond to the next. */
export function runTagAt(ms: number): string {
  return Math.floor(ms).toString(36).slice(-5).padStart(5, '0');
}

let lastTagMs = 0;

/** A run tag no earlier call in this process gave: the time in ms, one more than the last when it has not moved. */
export function nextRunTag(): string {
  lastTagMs = Math.max(Date.now(), lastTagMs + 1);
  return runTagAt(lastTagMs);
}

/**
 * The requests of an entry with their record names made fresh: the run tag of every name is replaced by
 * `tag` (5 characters of [a-z0-9]), the same in every request, so a sequence still names the same
 * records, and the length of every request is unchanged (Content-Length, cuts and pauses stay right).
 * A replay then creates records no earlier replay created, and gives the same verdicts every time
 * against the same server. The stored bytes are not touched: this returns copies.
 */
export function freshenNames<R extends { plan: { bytes: Uint8Array } }>(requests: readonly R[], tag: string): R[] {
  if (!/^[a-z0-9]{5}$/.test(tag)) throw new Error(`a run tag is 5 characters of [a-z0-9], not '${tag}'`);
  return requests.map((r) => {
    const text = Buffer.from(r.plan.bytes).toString('latin1');
    const fresh = text.replace(RECORD_NAME, `wg${tag}`);
    if (fresh === text) return r;
    return { ...r, plan: { ...r.plan, bytes: Uint8Array.from(Buffer.from(fresh, 'latin1')) } };
  });
}
