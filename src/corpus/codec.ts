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
