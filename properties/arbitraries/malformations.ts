import fc from 'fast-check';
import { serializeRequest, type RequestParts } from '../../src/http1/request.js';
import type { Profile } from '../../src/model/profile.js';
import { knownHeaders } from '../../src/model/profile-policy.js';
import { adopts } from '../../src/checks/level.js';
import type { GenRequest } from './requests.js';
import { jsonObject, notAJsonObject } from './json.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function base(profile: Profile, over: Partial<RequestParts>): RequestParts {
  return { method: 'GET', target: profile.knownPath, version: 'HTTP/1.1', headers: knownHeaders(profile), ...over };
}

function make(label: string, parts: RequestParts, rest: Omit<GenRequest, 'label' | 'bytes' | 'method'> & { method?: string }): GenRequest {
  return { label, bytes: serializeRequest(parts), method: rest.method ?? (KNOWN_METHODS.has(parts.method) ? parts.method : 'GET'), ...rest };
}

/** Method tokens the server does not implement: 405 (501 tolerated). */
export function unknownMethod(profile: Profile): fc.Arbitrary<GenRequest> {
  return fc
    .oneof(
      fc.stringMatching(/^[A-Z]{3,10}$/).filter((m) => !KNOWN_METHODS.has(m)),
      fc.constantFrom('OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL'),
      fc.constantFrom('get', 'Get', 'hEAD', 'post'),
    )
    .map((m) => make('unknown method', base(profile, { method: m }), { accept: [405], warn: [501, 400] }));
}

/** The catalogue check of a method with this kind of byte that is not a token character (see VERSION_CHECKS). */
function notATokenCheck(method: string): { sameAs?: string } {
  if (method.includes('\x00')) return { sameAs: 'status.method.nul-byte-is-400' };
  if (/[\x01-\x1f\x7f]/.test(method)) return { sameAs: 'status.method.control-character-is-400' };
  if (/[\x80-\xff]/.test(method)) return { sameAs: 'status.method.non-ascii-is-400' };
  if (/[()"@]/.test(method)) return { sameAs: 'status.method.separator-in-token-is-400' };
  return {};
}

/** Method "tokens" that are not tokens (control characters, separators, empty): 400. */
export function invalidMethod(profile: Profile): fc.Arbitrary<GenRequest> {
  return fc
    .oneof(
      fc.tuple(fc.constantFrom('GET', 'FOO'), fc.nat(3), fc.constantFrom('\x00', '\x01', '\x7f', '(', '"', '@', '\xc9')).map(([m, at, c]) => m.slice(0, at % m.length) + c + m.slice(at % m.length)),
      fc.constant(''),
    )
    .map((m) =>
      make('method that is not a token', base(profile, { method: m }), {
        ...(adopts(profile, 'reference') ? { accept: [400], warn: ['close', 405, 501] } : { accept: ['4xx', '5xx', 'close'] }),
        ...notATokenCheck(m),
      }),
    );
}

/**
 * The catalogue checks that send a version of these (GET of the known path with Host): a generated case
 * with one of them is judged as that check judges it, at its level (RFC 9112 §3: an invalid request line
 * SHOULD get 400, so serving one is a warning in the check and in the property alike).
 */
const VERSION_CHECKS: Readonly<Record<string, string>> = {
  'HTTP/2': 'status.version.http2-is-505',
  'HTTP/2.0': 'status.version.http2-0-is-505',
  'HTTP/3': 'status.version.http3-is-505',
  'HTTP/3.0': 'status.version.http3-0-is-505',
  'http/1.1': 'status.version.lowercase-is-400',
  'HTTP/1': 'status.version.no-minor-is-400',
  'HTTP/1.1.1': 'status.version.three-parts-is-400',
  'HTTPS/1.1': 'status.version.https-scheme-is-400',
  'HTTP/A.B': 'status.version.letters-is-400',
  'HTTP/01.1': 'status.version.leading-zero-is-400',
};

/** Versions the server must refuse: major ≠ 1 is 505, malformed is 400. */
export function badVersion(profile: Profile): fc.Arbitrary<GenRequest> {
  const sameAs = (v: string) => (VERSION_CHECKS[v] ? { sameAs: VERSION_CHECKS[v] } : {});
  const unsupported = fc
    .oneof(fc.constantFrom('HTTP/2', 'HTTP/2.0', 'HTTP/3', 'HTTP/3.0'), fc.integer({ min: 2, max: 9 }).map((n) => `HTTP/${n}.0`))
    .map((v) =>
      make(`version ${v}`, base(profile, { version: v }), {
        ...(adopts(profile, 'reference') ? { accept: [505], warn: v.includes('.') ? ['close'] : ['close', 400] } : { accept: [505, 400, 'ok', 'close'] }),
        ...sameAs(v),
      }),
    );
  // RFC 9112 §3: an invalid request line SHOULD get 400 (a case without a check of its own: not served).
  const malformed = fc
    .constantFrom('http/1.1', 'HTTP/1', 'HTTP/1.1.1', 'HTTPS/1.1', 'HTTP/A.B', 'HTTP/01.1', 'HTTP 1.1')
    .map((v) =>
      make(`malformed version ${v}`, base(profile, { version: v }), {
        ...(adopts(profile, 'reference') ? { accept: [400], warn: ['close', 505] } : { accept: ['4xx', 505, 'close'] }),
        ...sameAs(v),
      }),
    );
  return fc.oneof(unsupported, malformed);
}

/** Header lines that are not field lines: 400. */
export function brokenHeader(profile: Profile): fc.Arbitrary<GenRequest> {
  const line = fc.oneof(
    fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,15}$/).map((n) => `${n}`), // no colon
    fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,15}$/).map((n) => `${n} : v`), // space before colon
    fc.tuple(fc.constantFrom('\x00', '\x01', '\r', '\x7f'), fc.stringMatching(/^[a-z]{1,8}$/)).map(([c, v]) => `X-Bad: ${v}${c}${v}`),
    fc.constantFrom(': empty-name', 'X Bad: v', 'X(Bad): v'),
  );
  return fc.tuple(line, fc.nat(1)).map(([l, at]) => {
    const headers = knownHeaders(profile);
    const raw = base(profile, { headers: [] });
    const text = Buffer.from(serializeRequest({ ...raw, headers })).toString('latin1');
    // Insert the broken line before or after Host.
    const lines = text.split('\r\n');
    lines.splice(1 + (at % 2), 0, l);
    const bytes = Buffer.from(lines.join('\r\n'), 'latin1');
    const ctl = l.includes('\x00') || l.includes('\x01') || l.includes('\r') || l.includes('\x7f');
    if (adopts(profile, 'reference')) {
      return { label: 'broken header line', bytes: Uint8Array.from(bytes), method: 'GET', accept: [400], warn: ctl ? ['ok', 'close'] : ['close'] };
    }
    // The RFC's MUSTs: whitespace before the colon is 400 (RFC 9112 §5.1); CR, LF, NUL in a value are
    // rejected or replaced (RFC 9110 §5.5). Other broken lines MAY be recovered (RFC 9110 §2.4).
    const accept: GenRequest['accept'] = / :/.test(l) ? [400] : ['4xx', 'ok', 'close'];
    return { label: 'broken header line', bytes: Uint8Array.from(bytes), method: 'GET', accept, ...(/ :/.test(l) ? { warn: ['close'] } : {}) };
  });
}

/** A write without a body, or with one that is not a JSON object: 400 (reference profile). */
export function missingOrBadBody(profile: Profile, freshName: () => string): fc.Arbitrary<GenRequest> {
  return fc.tuple(fc.constantFrom('POST', 'PUT', 'PATCH'), fc.option(notAJsonObject, { nil: undefined })).map(([m, body]) => {
    const name = freshName();
    const parts = base(profile, { method: m, target: `/${name}`, body: body ?? undefined });
    const label = body === undefined ? `${m} without a body` : `${m} with a body that is not a JSON object`;
    // PATCH of a missing record may be judged 404 before the body is looked at.
    return make(label, parts, { accept: m === 'PATCH' ? [400, 404] : [400], warn: [411] });
  });
}

/** Content-Length values that make the framing invalid: 400, then close. */
export function badContentLength(profile: Profile, freshName: () => string): fc.Arbitrary<GenRequest> {
  const values = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 21, max: 40 })).map(([a, b]) => [String(a), String(b)]),
    fc.integer({ min: 1, max: 99 }).map((n) => [`-${n}`]),
    fc.constantFrom(['abc'], ['0x10'], ['+7'], ['7.0'], ['1 2'], ['99999999999999999999999']),
  );
  return fc.tuple(values, jsonObject).map(([cls, obj]) => {
    const body = JSON.stringify(obj);
    const headers: Array<[string, string]> = [['Host', 'localhost'], ...cls.map((v): [string, string] => ['Content-Length', v])];
    const parts = base(profile, { method: 'POST', target: `/${freshName()}`, headers, body, autoContentLength: false });
    return make(`Content-Length ${cls.join(' / ')}`, parts, { accept: [400], warn: ['close', 413], mustClose: true, method: 'POST' });
  });
}

/** A header section over the server's limit (8 KiB in the reference): 431 (400 or close tolerated). */
export function oversizedHeaders(profile: Profile): fc.Arbitrary<GenRequest> {
  return fc.tuple(fc.integer({ min: 9 * 1024, max: 64 * 1024 }), fc.boolean()).map(([size, oneField]) => {
    const headers = knownHeaders(profile);
    if (oneField) headers.push(['X-Big', 'b'.repeat(size)]);
    else for (let i = 0; i * 20 < size; i++) headers.push([`X-F${i}`, 'x'.repeat(12)]);
    return make(`header section of ~${Math.round(size / 1024)} KiB`, base(profile, { headers }), { accept: [431], warn: [400, 413, 'close'] });
  });
}

/** Every named malformation that applies to the profile. */
export function malformedRequest(profile: Profile, freshName: () => string): fc.Arbitrary<GenRequest> {
  const arbs: fc.Arbitrary<GenRequest>[] = [invalidMethod(profile), badVersion(profile), brokenHeader(profile)];
  if (profile.capabilities.includes('reference')) {
    // The reference protocol's own rules: 405 for unknown methods, JSON bodies, an 8 KiB header limit.
    arbs.push(unknownMethod(profile), missingOrBadBody(profile, freshName), badContentLength(profile, freshName), oversizedHeaders(profile));
  }
  return fc.oneof(...arbs);
}

/**
 * Body sizes that student servers choke on: around 1024/2048/4096/65536 (recv buffer sizes), up to
 * the limit and a little over it.
 */
export function payloadSize(limit: number): fc.Arbitrary<number> {
  const near = (n: number) => fc.integer({ min: Math.max(16, n - 8), max: n + 8 });
  return fc.oneof(
    near(1024),
    near(2048),
    near(4096),
    near(65536),
    fc.integer({ min: 16, max: 8 * 1024 }),
    fc.integer({ min: 8 * 1024, max: limit }),
    fc.integer({ min: limit + 1, max: Math.min(4 * 1024 * 1024, limit * 2) }),
  );
}
