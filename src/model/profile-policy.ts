/**
 * What a run asks of a profile: the Host and header fields of a request for the known path, the profile
 * a run judges by once its baseline answered, the points of a check, and whether a check (or property)
 * applies here and why not.
 */
import type { Need, Profile } from './profile.js';

/** What a unit's applicability depends on besides the profile: what this run can provide. */
export interface UnitEnv {
  /** An oracle server (the differential checks). */
  oracle?: unknown;
  /** wiregrade can kill the server's process and start it again (grade, fuzz --cmd). */
  canRestart?: boolean;
  /** A canary planted beside the server's folder (grade). */
  canary?: unknown;
}

/** The Host header of the profile's known-good request (`localhost` unless the profile routes through Host). */
export function knownHost(profile: Pick<Profile, 'baseline'>): string {
  return profile.baseline.host ?? 'localhost';
}

/**
 * The authority of the known host (`127.0.0.1` for a Host-routed `127.0.0.1/index.html`): what an
 * absolute-form target (`http://AUTHORITY/path`) names, so that it agrees with the Host the profile sends.
 */
export function knownAuthority(profile: Pick<Profile, 'baseline'>): string {
  const host = knownHost(profile);
  const slash = host.indexOf('/');
  return slash === -1 ? host : host.slice(0, slash);
}

/** The header fields of a request for the known path: the profile's Host, then its baseline header fields. */
export function knownHeaders(profile: Pick<Profile, 'baseline'>): Array<[string, string]> {
  return [['Host', knownHost(profile)], ...Object.entries(profile.baseline.headers ?? {})];
}

/** Does the profile carry its routes in the Host header (a baseline Host other than `localhost`)? */
export function routesInHost(profile: Pick<Profile, 'baseline'>): boolean {
  return profile.baseline.host !== undefined && profile.baseline.host !== 'localhost';
}

/**
 * A request for the known path as the profile sends it: the first `Host: localhost` line of a template
 * that asks for `{known}` (the head of that request: a request hidden behind it keeps its own) becomes
 * the profile's Host, followed by its baseline header fields (same line ends).
 * The line keeps its own spelling (`host:`, `HOST:`), its whitespace around the value, and a port
 * (`localhost:8080` becomes `127.0.0.1:8080/index.html` for a Host-routed `127.0.0.1/index.html`).
 */
export function withKnownHost(text: string, profile: Pick<Profile, 'baseline'>): string {
  const extra = Object.entries(profile.baseline.headers ?? {});
  if (!routesInHost(profile) && extra.length === 0) return text;
  const host = knownHost(profile);
  const slash = host.indexOf('/');
  return text.replace(/(^|[\r\n])(host):([ \t]*)localhost(:\d+)?([ \t]*)(\r\n|\n|\r)/i, (_, before: string, name: string, ows1: string, port: string | undefined, ows2: string, eol: string) => {
    const value = port === undefined ? host : slash === -1 ? `${host}${port}` : `${host.slice(0, slash)}${port}${host.slice(slash)}`;
    return `${before}${name}:${ows1}${value}${ows2}${eol}${extra.map(([k, v]) => `${k}: ${v}${eol}`).join('')}`;
  });
}

/**
 * The profile a run judges by once the baseline answered `status`: for a profile that learns its
 * baseline, "served" becomes that status, kept beside the profile's own default (RFC 9110 says a request
 * is processed; it never says 200). A 5xx is no baseline (the baseline check fails it), and a profile
 * that fixes its statuses (an assignment) is returned as it is.
 */
export function learnedProfile(profile: Profile, status: number): Profile {
  if (!profile.learnsBaseline || profile.baselineStatuses.includes(status) || status < 200 || status >= 500) return profile;
  return { ...profile, baselineStatuses: [status, ...profile.baselineStatuses] };
}

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
export function applies(c: { id: string; needs?: Need }, profile: Profile, env: UnitEnv = {}): boolean {
  if (c.needs === 'oracle') {
    if (env.oracle === undefined) return false;
  } else if (c.needs === 'canary') {
    if (env.canary === undefined) return false;
  } else if (c.needs === 'restart') {
    if (!profile.persistent || !env.canRestart) return false;
  } else if (c.needs === 'host-route') {
    if (!routesInHost(profile)) return false;
  } else if (c.needs && !profile.capabilities.includes(c.needs)) {
    return false;
  }
  return !skippedBy(profile, c.id);
}

/** Why a check that does not apply was skipped, in words. */
export function skipReason(c: { needs?: Need }, profile: Profile, env: UnitEnv = {}): string {
  if (c.needs === 'oracle' && env.oracle === undefined) return 'needs an oracle server (--oracle or --oracle-cmd)';
  if (c.needs === 'canary' && env.canary === undefined) return 'needs a folder wiregrade owns around the server (wiregrade grade)';
  if (c.needs === 'restart' && !profile.persistent) return `the ${profile.name} profile does not ask the server to persist across restarts`;
  if (c.needs === 'restart') return 'needs a server wiregrade can kill and start again (wiregrade grade, or fuzz --cmd)';
  if (c.needs === 'host-route') return `the ${profile.name} profile does not carry its routes in the Host header`;
  return `not part of the ${profile.name} profile`;
}
