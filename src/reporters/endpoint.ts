import type { Endpoint } from '../wire/types.js';

/** `host:port`, with an IPv6 address in brackets (`[::1]:8080`). */
export function formatEndpoint(target: Endpoint): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}
