import { UsageError } from './io.js';
import type { Endpoint } from '../wire/types.js';

/**
 * `HOST:PORT`: `127.0.0.1:8080`, `localhost:8080`, `[::1]:8080`; also a URL people copy from a browser,
 * `http://127.0.0.1:8080/` (port 80 when it has none). The host comes back without brackets (what
 * net.connect wants). Throws a UsageError with one sentence otherwise.
 */
export function parseTarget(text: string): Endpoint {
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(.*)$/i.exec(text.trim());
  if (url) {
    const scheme = url[1]!.toLowerCase();
    if (scheme === 'https') throw new UsageError(`--target '${text}' is an https URL: wiregrade speaks plain HTTP/1.1 over TCP, without TLS; give HOST:PORT of the plain server, e.g. 127.0.0.1:8080`);
    if (scheme !== 'http') throw new UsageError(`--target '${text}' is not HOST:PORT or an http:// URL; for example 127.0.0.1:8080`);
    if ((url[3] !== '' && url[3] !== '/') || url[4] !== '') {
      throw new UsageError(`--target '${text}' has a path: --target takes only the server (127.0.0.1:8080); a known-good path goes in --path, with --profile any`);
    }
    const authority = url[2]!;
    if (authority.includes('@')) throw new UsageError(`--target '${text}' has user information: give only HOST:PORT`);
    const hasPort = /\]:\d*$|^[^[\]]*:[^:]*$/.test(authority);
    return parseTarget(hasPort ? authority : authority.includes(':') && !authority.startsWith('[') ? `[${authority}]:80` : `${authority}:80`);
  }
  const bad = (why: string): never => {
    throw new UsageError(`--target '${text}' is not HOST:PORT (${why}); for example 127.0.0.1:8080, localhost:8080 or [::1]:8080`);
  };
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(text);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (!host.includes(':')) bad('only an IPv6 address goes in brackets');
  } else {
    const i = text.lastIndexOf(':');
    if (i < 0) bad('no port');
    host = text.slice(0, i);
    portText = text.slice(i + 1);
    if (host.includes(':')) bad('an IPv6 address goes in brackets');
    if (host.includes('[') || host.includes(']')) bad('unbalanced brackets');
  }
  if (host === '') bad('no host');
  if (/[\s/@?#]/.test(host)) bad(`'${host}' is not a host name or address`);
  if (portText === '') bad('no port');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) bad(`the port must be a number from 1 to 65535`);
  return { host, port };
}

/** A whole number within [min, max], or a UsageError naming the flag. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const n = /^[-+]?\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} '${text}' is not a whole number from ${min} to ${max}`);
  }
  return n;
}

/** `--checks a b,c` → ['a', 'b', 'c']. */
export function splitPrefixes(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const p of v.split(',')) {
      const t = p.trim();
      if (t === '') throw new UsageError(`--checks got an empty prefix`);
      out.push(t);
    }
  }
  return out;
}
