import fc from 'fast-check';

export type JsonObject = Record<string, unknown>;

const KEYS = ['a', 'b', 'c', 'color', 'size', 'name', 'n', 'tags'] as const;

const scalar = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
);

/** A small JSON object, as the records of the reference store hold (keys from a small set so merges meet). */
export const jsonObject: fc.Arbitrary<JsonObject> = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }),
  { maxKeys: 4, noNullPrototype: true },
);

/** Bodies that are not a JSON object: the reference protocol answers 400 to each. */
export const notAJsonObject: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constant('not json'),
  fc.constant('{"a":'),
  fc.constant('[1,2,3]'),
  fc.constant('"text"'),
  fc.constant('42'),
  fc.constant('null'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => {
    try {
      const v: unknown = JSON.parse(s);
      return typeof v !== 'object' || v === null || Array.isArray(v);
    } catch {
      return true;
    }
  }),
);
