/**
 * What an assignment expects. This version knows the reference protocol (its status and store checks),
 * the spec-free families, and generic HTTP semantics around one known path (`any`). Points and which
 * checks count come from the profile too.
 */
export type Capability = 'reference';

export interface Profile {
  name: string;
  /** Capabilities checks may need: `reference` = the reference record store of SPEC.md. */
  capabilities: readonly Capability[];
  /** A plain valid request the server must answer: the baseline, and the liveness probe. */
  baseline: { method: string; target: string };
  /** Statuses the baseline request may get from a server of this profile. */
  baselineStatuses: readonly number[];
  /** The path used by the spec-free checks for "a resource that exists". */
  knownPath: string;
  /** Check-id prefixes that do not count for this assignment: those checks are skipped. */
  skip?: readonly string[];
  /** Points per check by id prefix (the longest matching prefix wins; default 1). */
  points?: Readonly<Record<string, number>>;
}

export const referenceProfile: Profile = {
  name: 'reference',
  capabilities: ['reference'],
  baseline: { method: 'GET', target: '/' },
  baselineStatuses: [300],
  knownPath: '/',
};

/**
 * `any`: no assignment at all. The spec-free families plus generic HTTP semantics around one known-good
 * path (`--path`, default `/`) that must answer 200: 404 for unknown paths, 405/501 for unknown methods,
 * 505 for HTTP/2, HEAD = GET minus the body.
 */
export function anyProfile(path = '/'): Profile {
  return { name: 'any', capabilities: [], baseline: { method: 'GET', target: path }, baselineStatuses: [200], knownPath: path };
}

export const profiles: Record<string, Profile> = { reference: referenceProfile, any: anyProfile() };

/** The points a check is worth under `profile` (before level and verdict): the longest prefix wins. */
export function pointsFor(profile: Pick<Profile, 'points'>, checkId: string): number {
  let best = -1;
  let pts = 1;
  for (const [prefix, p] of Object.entries(profile.points ?? {})) {
    if (checkId.startsWith(prefix) && prefix.length > best) {
      best = prefix.length;
      pts = p;
    }
  }
  return pts;
}

/** Is this check switched off by the profile? */
export function skippedBy(profile: Pick<Profile, 'skip'>, checkId: string): boolean {
  return (profile.skip ?? []).some((p) => checkId.startsWith(p));
}

/** Does a check (or property) apply here: its capability is there, and the profile counts it? */
export function applies(c: { id: string; needs?: Capability | 'oracle' }, profile: Profile, oracle?: unknown): boolean {
  if (c.needs === 'oracle') {
    if (oracle === undefined) return false;
  } else if (c.needs && !profile.capabilities.includes(c.needs)) {
    return false;
  }
  return !skippedBy(profile, c.id);
}
