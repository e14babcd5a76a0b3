/**
 * A profile file proposed from a class's majority (issue 24, `--propose-profile`): the baseline, the
 * record operations and their statuses as most of the class answers them, in the profile-file format
 * (profile-file.ts), checked against its schema before it is written.
 */
import { profileFileSchema, type ProfileFile } from './profile-file.js';
import type { Operations } from './profile.js';

/** RFC 9112's Host checks, which a course that routes through the Host header contradicts (as examples/profiles/key-value.host-routed.json). */
export const HOST_ROUTED_SKIPS = ['status.header.empty-host-served-or-400', 'status.version.http1-0-served', 'status.header.http1-0-without-host-served'] as const;

export interface ProposedProfile {
  name: string;
  /** The built-in whose protocol the routes are (its checks then judge the assignment's own rules), or `any`. */
  extends: 'any' | 'key-value';
  description: string;
  baseline: { method: string; target: string; host?: string; status: number };
  operations?: Operations;
}

/** The profile file of a proposal (throws when it would not load: a bug of the proposer, not the class). */
export function proposedProfileFile(p: ProposedProfile): ProfileFile {
  const hostRouted = p.baseline.host !== undefined || (p.operations !== undefined && p.operations.create.host !== undefined);
  const file: ProfileFile = {
    name: p.name,
    description: p.description,
    extends: p.extends,
    baseline: { method: p.baseline.method, target: p.baseline.target, ...(p.baseline.host !== undefined ? { host: p.baseline.host } : {}), status: [p.baseline.status] },
    ...(hostRouted ? { skip: [...HOST_ROUTED_SKIPS] } : {}),
    ...(p.operations ? { operations: p.operations as ProfileFile['operations'] } : {}),
  };
  const checked = profileFileSchema.safeParse(file);
  if (!checked.success) throw new Error(`the proposed profile is not valid: ${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message}`);
  return file;
}
