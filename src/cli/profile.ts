import { existsSync } from 'node:fs';
import { ProfileError, loadProfileFile } from '../model/profile-file.js';
import { anyProfile, profiles, type Profile } from '../model/profile.js';
import { UsageError } from './io.js';
import { requireMatches } from './catalogue.js';

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
    throw new UsageError(`unknown profile '${nameOrFile}': not a built-in profile (${Object.keys(profiles).join(', ')}) and no such file`);
  }
  let profile: Profile;
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
