import { existsSync } from 'node:fs';
import type { Profile } from '../model/profile.js';
import { anyProfile, profiles } from '../model/builtin-profiles.js';
import { UsageError } from './io.js';
import { editDistance, requireMatches } from './catalogue.js';

/** The built-in profile a mistyped name is closest to (a typo is two edits or fewer, case aside), if any. */
export function nearestProfile(name: string): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of Object.keys(profiles)) {
    const d = editDistance(name.toLowerCase(), n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best !== null && bestD <= Math.min(2, Math.floor(name.length / 2)) ? best : null;
}

/**
 * The notice a command prints when it judges by the `any` profile because none was named: what it
 * assumed and how to name the assignment instead.
 */
export function assumedAnyNotice(knownPath: string): string {
  return `profile: any (RFC 9110/9112 only, known path ${knownPath}); --profile NAME|FILE judges by an assignment's rules\n`;
}

/**
 * `--profile NAME|FILE` (and `--path` for `any`): a built-in profile by name, or a profile file (JSON,
 * or a TypeScript module with `export default defineConfig({…})`). A bad file is one sentence naming
 * the file and the field.
 */
export async function resolveProfile(nameOrFile: string, knownPath?: string): Promise<Profile> {
  if (knownPath !== undefined && !/^\/\S*$/.test(knownPath)) throw new UsageError(`--path '${knownPath}' is not a path: it starts with "/" and has no spaces`);
  if (nameOrFile === 'any') return anyProfile(knownPath ?? '/');
  if (knownPath !== undefined) throw new UsageError('--path goes with --profile any (a profile file names its own known path)');
  const builtin = profiles[nameOrFile];
  if (builtin) return builtin;
  if (!existsSync(nameOrFile)) {
    const near = nearestProfile(nameOrFile);
    throw new UsageError(`unknown profile '${nameOrFile}': not a built-in profile (${Object.keys(profiles).join(', ')}) and no such file${near ? `; did you mean '${near}'?` : ''}`);
  }
  let profile: Profile;
  // The profile file's schema (zod) is loaded only for a profile file.
  const { ProfileError, loadProfileFile } = await import('../model/profile-file.js');
  try {
    profile = await loadProfileFile(nameOrFile, profiles);
  } catch (err) {
    if (err instanceof ProfileError) throw new UsageError(err.message);
    throw err;
  }
  // A typo in a prefix would silently change what counts: every one must name at least one check.
  requireMatches(`the profile file ${nameOrFile}: skip`, profile.skip ?? []);
  requireMatches(`the profile file ${nameOrFile}: points`, Object.keys(profile.points ?? {}));
  return profile;
}
