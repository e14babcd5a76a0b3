import type { Check, CheckContext } from '../../types.js';
import { sequenceCheck, type Step } from '../../sequence.js';
import { bodyText, req } from '../../verify.js';
import { checkGroup } from '../../group.js';
import { knownHost, routesInHost } from '../../../model/profile-policy.js';

const CITE = 'docs/checks.md#the-key-value-assignment';

/**
 * The host part of a Host-routed profile's Host (`127.0.0.1` of `127.0.0.1/index.html`), or undefined
 * when the profile routes by the path.
 */
function hostPrefix(ctx: CheckContext): string | undefined {
  return routesInHost(ctx.profile) ? knownHost(ctx.profile).split('/')[0] : undefined;
}

/**
 * A request whose route is in the path, or (as some courses teach) in the Host header: always when
 * `viaHost`, and for every request when the profile itself routes through Host (a profile file whose
 * baseline says `"host": "127.0.0.1/index.html"`). `{name}` in the body becomes this check's name before
 * Content-Length is counted.
 */
function kv(method: string, route: string, body: string | null, viaHost = false): Step['request'] {
  return (ctx: CheckContext) => {
    const prefix = hostPrefix(ctx) ?? (viaHost ? '127.0.0.1' : undefined);
    const target = prefix !== undefined ? '/' : route;
    const host = prefix !== undefined ? `${prefix}${route}` : 'localhost';
    if (body === null) return req(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, method);
    const b = body.replaceAll('{name}', ctx.name());
    return req(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(b, 'latin1')}\r\n\r\n${b}`, method);
  };
}

const create: Step = { request: kv('POST', '/create', 'k{name}:one'), expect: { accept: [201] }, setup: true };

function indexShows(want: string, absent = false, viaHost = false): Step {
  return {
    // The read-back goes where the writes went: through Host when the profile (or the check) routes there.
    request: kv('GET', '/index.html', null, viaHost),
    expect: { accept: [200] },
    also: (ex, ctx) => {
      const line = want.replace('{name}', ctx.name());
      const has = bodyText(ex.finals[0]).includes(line);
      if (absent) return has ? `/index.html shows ${line}` : null;
      return has ? null : `/index.html does not show ${line}`;
    },
  };
}

/** `/create` (POST key:value → 201), `/update` (PUT → 200, 400 for an absent key), `/index.html`; routes in the path or the Host header. */
export const keyValueChecks: Check[] = checkGroup({ prefix: 'kv', family: 'assignment', needs: 'key-value' }, [
  sequenceCheck({ id: 'kv.index.is-200', requirement: 'GET /index.html answers 200.', cite: CITE, steps: [{ request: kv('GET', '/index.html', null), expect: { accept: [200] } }] }),
  sequenceCheck({ id: 'kv.create.is-201-and-listed', requirement: 'POST /create with "key:value" answers 201, and /index.html lists the pair.', cite: CITE, steps: [{ ...create, setup: false }, indexShows('k{name}:one')] }),
  sequenceCheck({
    id: 'kv.create.route-in-host-header',
    requirement: 'A route carried in the Host header ("Host: 127.0.0.1/create", path "/") is served like the path.',
    cite: CITE,
    steps: [{ request: kv('POST', '/create', 'h{name}:two', true), expect: { accept: [201] } }, indexShows('h{name}:two', false, true)],
  }),
  sequenceCheck({
    id: 'kv.update.changes-the-value',
    requirement: 'PUT /update with "key:value" of an existing key answers 200, and /index.html shows the new value.',
    cite: CITE,
    steps: [create, { request: kv('PUT', '/update', 'k{name}:three'), expect: { accept: [200] } }, indexShows('k{name}:three')],
  }),
  sequenceCheck({
    id: 'kv.update.absent-key-is-400',
    requirement: 'PUT /update of a key that does not exist answers 400 and creates nothing.',
    cite: CITE,
    steps: [{ request: kv('PUT', '/update', 'absent{name}:x'), expect: { accept: [400] } }, indexShows('absent{name}:x', true)],
  }),
  sequenceCheck({
    id: 'kv.create.no-colon-is-400',
    requirement: 'A body without a colon is not "key:value": 400.',
    cite: CITE,
    steps: [{ request: kv('POST', '/create', 'novalue'), expect: { accept: [400] } }],
  }),
]);
