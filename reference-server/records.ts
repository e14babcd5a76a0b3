/**
 * What a record is: a JSON object, nested at most MAX_RECORD_DEPTH levels deep. (JSON.parse accepts any
 * depth, but JSON.stringify recurses and overflows the stack somewhere past a few thousand levels; a record
 * the server could store but never send back or save must be refused up front.)
 */
export type JsonObject = { [key: string]: unknown };

export const MAX_RECORD_DEPTH = 256;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether objects and arrays in `value` nest deeper than `limit` levels (checked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (depth > limit) return true;
    for (const child of Object.values(node as object)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
