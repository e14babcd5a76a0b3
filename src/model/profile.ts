/**
 * What an assignment expects. This first version knows the reference protocol and the spec-free
 * families; assignment profiles (routes, body formats, dialogues) extend it.
 */
export interface Profile {
  name: string;
  /** Capabilities checks may need: `reference` = the reference record store of SPEC.md. */
  capabilities: ReadonlyArray<'reference'>;
  /** A plain valid request the server must answer: the baseline, and the liveness probe. */
  baseline: { method: string; target: string };
  /** Statuses the baseline request may get from a server of this profile. */
  baselineStatuses: readonly number[];
  /** The path used by the spec-free checks for "a resource that exists". */
  knownPath: string;
}

export const referenceProfile: Profile = {
  name: 'reference',
  capabilities: ['reference'],
  baseline: { method: 'GET', target: '/' },
  baselineStatuses: [300],
  knownPath: '/',
};

export const profiles: Record<string, Profile> = { reference: referenceProfile };
