import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Dialogue, Profile } from './profile.js';
import { RECORD_DIALOGUE } from './builtin-profiles.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const status = z.int('a status code is a whole number').min(100, 'a status code is from 100 to 599').max(599, 'a status code is from 100 to 599');
const target = z.string().regex(/^\/[^\s]*$/, 'a request target starts with "/" and has no spaces');

const template = z.string().regex(/^[^\r\n]*$/, 'a template is one line');
const operation = z
  .strictObject({
    method: z.string().regex(TOKEN, 'a method is an HTTP token such as POST'),
    target: z.string().regex(/^\/\S*$/, 'an operation\'s target starts with "/" and has no spaces'),
    host: template.optional(),
    headers: z.record(z.string().regex(TOKEN, 'a header name is a token'), template).optional(),
    body: z.string().optional(),
    status: z.array(status).min(1, 'name at least one status'),
    otherwise: z.array(status).min(1).optional(),
    tolerated: z.array(status).optional(),
    readBack: z.enum(['exact', 'contains']).optional(),
    shows: template.optional(),
  })
  .refine(
    (op) => [op.target, op.host ?? '', op.body ?? '', op.readBack === 'contains' ? (op.shows ?? '') : '', ...Object.values(op.headers ?? {})].some((t) => t.includes('{name}')),
    { message: 'the record name ({name}) must go somewhere: the target, the Host header, another header or the body (or, for a read from a listing, what it shows)', path: ['target'] },
  );

/** A dialogue's target: a path, or a file name without the leading slash (`students.json`); no spaces. */
const dialogueTarget = z.string().regex(/^[^\s]+$/, 'a dialogue target is a path or a file name, without spaces');
const dialogueStep = z.strictObject({ line: template, status });

/** The record-dialogue assignment's dialogues; every field defaults to the built-in's (RECORD_DIALOGUE). */
const dialogue = z.strictObject({
  target: dialogueTarget.optional(),
  /** `null`: no GET of one record; read-backs find the record in the store that `target` returns. */
  recordTarget: dialogueTarget.nullable().optional(),
  deleteTarget: dialogueTarget.nullable().optional(),
  promptStatus: status.optional(),
  create: dialogueStep.optional(),
  existingStatus: status.optional(),
  update: dialogueStep.optional(),
  delete: dialogueStep.optional(),
  badLine: dialogueStep.optional(),
  field: z.strictObject({ name: z.string().min(1), created: z.string().min(1), updated: z.string().min(1) }).optional(),
});

/** The profile file's schema: unknown fields are errors, and every error names its field. */
export const profileFileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a profile name is lower-case letters, digits and dashes'),
  description: z.string().optional(),
  /** Start from a built-in profile: its checks and defaults. */
  extends: z.enum(['reference', 'any', 'byo-http', 'text-file', 'record-dialogue', 'key-value']).default('any'),
  baseline: z
    .strictObject({
      method: z.string().regex(TOKEN, 'a method is an HTTP token such as GET').default('GET'),
      target: target,
      /** The Host header of the baseline, the liveness probe and every request for the known path (default localhost). */
      host: template.optional(),
      /** Further header fields sent with them (a route or a key the assignment reads from a header). */
      headers: z.record(z.string().regex(TOKEN, 'a header name is a token'), template).optional(),
      status: z.array(status).min(1, 'name at least one status the baseline request may get'),
    })
    .optional(),
  /** The path of "a resource that exists" for the spec-free checks (default: the baseline's target). */
  knownPath: target.optional(),
  /** Rule sets whose stricter answers count as MUST (`reference`: the reference protocol's preferences). */
  rules: z.array(z.enum(['reference'])).optional(),
  /** Check-id prefixes that do not count for this assignment. */
  skip: z.array(z.string().min(1)).default([]),
  /** Points per check-id prefix (default 1 each). */
  points: z.record(z.string().min(1), z.number().min(0, 'points are 0 or more')).default({}),
  /** Sub-score weights per area (the score is then out of 100); absent: the built-in's. */
  weights: z
    .strictObject({
      assignment: z.number().min(0, 'a weight is 0 or more').optional(),
      robustness: z.number().min(0, 'a weight is 0 or more').optional(),
      conformance: z.number().min(0, 'a weight is 0 or more').optional(),
      security: z.number().min(0, 'a weight is 0 or more').optional(),
    })
    .optional(),
  /** The server must keep what it acknowledged across a kill -9 and restart (`grade` checks it). */
  persistent: z.boolean().optional(),
  /** Which differences from the oracle do not count. */
  differential: z
    .strictObject({
      equivalentStatuses: z.array(z.array(status).min(2, 'an equivalence group names at least two statuses')).optional(),
      closeIs: status.nullable().optional(),
      compareBodies: z.enum(['own-records', 'never']).optional(),
      compareHeaders: z.array(z.string().regex(TOKEN, 'a header name is a token')).optional(),
    })
    .optional(),
  /** How the record-dialogue assignment's dialogues go (with `extends: "record-dialogue"`). */
  dialogue: dialogue.optional(),
  /** How the assignment's record operations are sent: the model-based store property then applies. */
  operations: z
    .strictObject({
      body: z.enum(['raw', 'json-object']),
      contentType: z.string().optional(),
      create: operation,
      read: operation,
      replace: operation.optional(),
      append: operation.optional(),
      delete: operation.optional(),
    })
    .optional(),
});

export type ProfileFile = z.input<typeof profileFileSchema>;

/** The identity, for typed `wiregrade.config.ts` files: `export default defineConfig({ … })`. */
export function defineConfig(p: ProfileFile): ProfileFile {
  return p;
}

/** A profile file that cannot be used: one sentence naming the file and the field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** Turns a validated file into a Profile, on top of the built-in it extends. */
export function profileFrom(file: z.output<typeof profileFileSchema>, builtins: Record<string, Profile>): Profile {
  const base = builtins[file.extends]!;
  const baseline = file.baseline
    ? { method: file.baseline.method, target: file.baseline.target, ...(file.baseline.host !== undefined ? { host: file.baseline.host } : {}), ...(file.baseline.headers ? { headers: file.baseline.headers } : {}) }
    : base.baseline;
  return {
    ...base,
    name: file.name,
    baseline,
    baselineStatuses: file.baseline?.status ?? base.baselineStatuses,
    ...(file.baseline?.status !== undefined && base.learnsBaseline ? { learnsBaseline: false } : {}),
    knownPath: file.knownPath ?? file.baseline?.target ?? base.knownPath,
    skip: [...(base.skip ?? []), ...file.skip],
    points: { ...(base.points ?? {}), ...file.points },
    ...(file.operations ? { operations: file.operations, capabilities: [...base.capabilities, 'operations' as const] } : {}),
    ...(file.rules !== undefined ? { rules: [...new Set([...(base.rules ?? []), ...file.rules])] } : {}),
    ...(file.persistent !== undefined ? { persistent: file.persistent } : {}),
    ...(file.weights ? { weights: { ...(base.weights ?? {}), ...file.weights } } : {}),
    ...(file.differential ? { differential: file.differential } : {}),
    ...(file.dialogue ? { dialogue: dialogueFrom(file.dialogue, base.dialogue ?? RECORD_DIALOGUE) } : {}),
  };
}

/** A file's dialogue over the built-in's: each field it names replaces the built-in's; `null` removes an optional target. */
function dialogueFrom(d: z.output<typeof dialogue>, base: Dialogue): Dialogue {
  const out: Dialogue = { ...base };
  for (const [k, v] of Object.entries(d) as Array<[keyof Dialogue, unknown]>) {
    if (v === undefined) continue;
    if (v === null) delete out[k];
    else (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** What a profile module imports `defineConfig` from. */
const CONFIG_SPECIFIER = 'wiregrade/config';
let configHooked = false;

/**
 * Makes `import … from 'wiregrade/config'` in a profile module, wherever that file is (a folder without
 * wiregrade installed, with or without `"type": "module"`), name this very module: the running
 * wiregrade's (its sources or its compiled dist/, whichever is running). ES modules go through a
 * resolve hook (node:module's register); modules compiled to CommonJS (a .ts or .js file in a package
 * that is not `"type": "module"`) through require's resolution.
 */
async function hookConfigSpecifier(): Promise<void> {
  if (configHooked) return;
  configHooked = true;
  const self = import.meta.url;
  const mod = await import('node:module');
  const hook =
    `export async function resolve(specifier, context, next) {` +
    ` return specifier === ${JSON.stringify(CONFIG_SPECIFIER)} ? { url: ${JSON.stringify(self)}, shortCircuit: true } : next(specifier, context); }`;
  mod.register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const cjs = mod.default as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = cjs._resolveFilename;
  const selfPath = fileURLToPath(self);
  cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === CONFIG_SPECIFIER ? selfPath : original.call(this, request, ...rest);
  };
}

/** tsx's loader API, or null when tsx is not installed (it is an optional peer dependency: only a .ts profile needs it). */
async function tsxApi(): Promise<{ tsImport: (url: string, parent: string) => Promise<unknown> } | null> {
  try {
    return await import('tsx/esm/api');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/**
 * Imports a profile module (.ts, .mts, .cts, .js, .mjs, .cjs): through tsx when it is installed, which
 * compiles TypeScript and loads the file as its package says (ES module or CommonJS), from any folder;
 * without tsx, a JavaScript file is imported by Node itself and a TypeScript file is refused in one sentence.
 */
async function importProfileModule(absolute: string, file: string): Promise<unknown> {
  await hookConfigSpecifier();
  const tsx = await tsxApi();
  if (tsx) return tsx.tsImport(pathToFileURL(absolute).href, import.meta.url);
  if (/\.[mc]?ts$/i.test(absolute)) {
    throw new ProfileError(
      `the profile file ${file} is TypeScript, which needs tsx: install it beside wiregrade (npm install -g tsx, or npm install tsx in your project) or write the profile as .js, .mjs or .json`,
    );
  }
  return import(pathToFileURL(absolute).href);
}

/**
 * Loads a profile from `file`: JSON, or a TypeScript/JavaScript module whose default export is the
 * profile (`defineConfig`). Throws a ProfileError with one sentence naming the file and the field.
 */
export async function loadProfileFile(file: string, builtins: Record<string, Profile>): Promise<Profile> {
  let raw: unknown;
  if (/\.json$/i.test(file)) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new ProfileError(`cannot read the profile file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ProfileError(`the profile file ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  } else if (/\.[mc]?[tj]s$/i.test(file)) {
    try {
      const mod = (await importProfileModule(path.resolve(file), file)) as { default?: unknown };
      // A CommonJS module's `export default` arrives as `default.default`.
      const d = mod.default as { default?: unknown; __esModule?: boolean } | undefined;
      raw = d && typeof d === 'object' && 'default' in d && !('name' in d) ? d.default : d;
    } catch (err) {
      if (err instanceof ProfileError) throw err;
      throw new ProfileError(`cannot load the profile file ${file} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  } else {
    throw new ProfileError(`the profile file ${file} must end in .json, .ts, .mts, .js or .mjs`);
  }
  const parsed = profileFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `field ${issue.path.join('.')}` : 'the top level';
    throw new ProfileError(`the profile file ${file} is not valid: ${where}: ${issue.message}`);
  }
  return profileFrom(parsed.data, builtins);
}
