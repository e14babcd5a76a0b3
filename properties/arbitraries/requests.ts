import fc from 'fast-check';
import { serializeRequest } from '../../src/http1/request.js';
import type { Accept } from '../../src/checks/verify.js';
import type { Profile } from '../../src/model/profile.js';
import { knownHeaders } from '../../src/model/profile-policy.js';

/** A generated request and what the profile says it must get. */
export interface GenRequest {
  /** What kind of case this is, for reports ("unknown method", "HTTP/2 version", …). */
  label: string;
  bytes: Uint8Array;
  method: string;
  accept: readonly Accept[];
  warn?: readonly Accept[];
  mustClose?: boolean;
  /**
   * The catalogue check that sends the same malformation (its id, written in full): a property judges
   * the case by that check's statuses and at its level, so the same bytes never get two levels.
   */
  sameAs?: string;
}

const EXTRA_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Accept', '*/*'],
  ['User-Agent', 'wiregrade'],
  ['Accept-Language', 'en'],
  ['X-Request-Id', '42'],
  ['Cache-Control', 'no-cache'],
];

/** A header name in random letter case ("HoSt"). */
function anyCase(name: string): fc.Arbitrary<string> {
  return fc.mixedCase(fc.constant(name));
}

/**
 * Host (and the profile's baseline header fields, `known`) plus a random subset of harmless headers, in
 * any order and any name case.
 */
export function headerSetWith(known: ReadonlyArray<readonly [string, string]>): fc.Arbitrary<Array<[string, string]>> {
  return fc
    .tuple(fc.shuffledSubarray([...EXTRA_HEADERS], { minLength: 0 }), fc.nat())
    .chain(([extra, hostAt]) => {
      const all: Array<readonly [string, string]> = [...extra];
      all.splice(hostAt % (all.length + 1), 0, ...known);
      return fc.tuple(...all.map(([n, v]) => anyCase(n).map((cased): [string, string] => [cased, v])));
    });
}

/** Host: localhost plus a random subset of harmless headers, in any order and any name case. */
export const headerSet: fc.Arbitrary<Array<[string, string]>> = headerSetWith([['Host', 'localhost']]);

/** A target the profile can answer without side effects, and the status it must get. */
export function readTarget(profile: Profile, freshName: () => string): fc.Arbitrary<{ target: string; status: readonly Accept[] }> {
  const known = fc.constant({ target: profile.knownPath, status: [...profile.baselineStatuses] as Accept[] });
  if (!profile.capabilities.includes('reference')) return known;
  return fc.oneof(known, fc.constant(null).map(() => ({ target: `/${freshName()}`, status: [404] as Accept[] })));
}

/** A valid, side-effect-free request (GET or HEAD) with its headers in any order and case. */
export function validRead(profile: Profile, freshName: () => string): fc.Arbitrary<GenRequest> {
  // The profile's Host and header fields (a Host-routed assignment's route): the known path is asked as the baseline is.
  return fc.tuple(fc.constantFrom('GET', 'HEAD'), readTarget(profile, freshName), headerSetWith(knownHeaders(profile))).map(([method, t, headers]) => ({
    label: `${method} ${t.target.startsWith('/wg') ? '/{missing}' : t.target}`,
    bytes: serializeRequest({ method, target: t.target, version: 'HTTP/1.1', headers }),
    method,
    accept: t.status,
  }));
}
