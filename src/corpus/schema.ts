import { z } from 'zod';

/** One request of an entry: its bytes live in a file of their own beside the manifest, stored exactly. */
export const requestSchema = z.strictObject({
  file: z.string().regex(/^[A-Za-z0-9._-]+\.bin$/, 'a plain file name ending in .bin'),
  method: z.string(),
  splits: z.array(z.int().nonnegative()),
  pausesMs: z.array(z.int().nonnegative()),
});

const acceptSchema = z.union([z.int().min(100).max(999), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx', 'close', 'ok'])]);

/** How an entry is judged when it is replayed. */
export const judgeSchema = z.discriminatedUnion('kind', [
  /** Send the requests in order, each on a new connection; the last one's outcome must be accepted. */
  z.strictObject({ kind: z.literal('status'), accept: z.array(acceptSchema).min(1), warn: z.array(acceptSchema), mustClose: z.boolean() }),
  /** Run the deterministic check by its id (the bytes are kept for people). */
  z.strictObject({ kind: z.literal('check') }),
  /** Replay the property's shrunk case from its seed and fast-check path (and try `example` first). */
  z.strictObject({ kind: z.literal('property'), seed: z.int(), path: z.string().regex(/^\d+(:\d+)*$/), replayPath: z.string().optional(), example: z.unknown().optional() }),
]);

export const manifestSchema = z.strictObject({
  format: z.literal('wiregrade-corpus/1'),
  check: z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/),
  /** Check id + what went wrong, in a normal form: the same bug found again has the same signature. */
  signature: z.string(),
  profile: z.string(),
  requests: z.array(requestSchema),
  judge: judgeSchema,
  expected: z.array(z.string()),
  observed: z.string(),
  reason: z.string(),
  origin: z.strictObject({ seed: z.int(), path: z.string().optional(), date: z.string(), target: z.string(), tool: z.string() }),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type Judge = z.infer<typeof judgeSchema>;
