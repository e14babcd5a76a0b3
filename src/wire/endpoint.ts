import type { Endpoint } from './types.js';

/** `host:port`, with an IPv6 address in brackets (`[::1]:8080`): how every report and message names a server. */
export function formatEndpoint(target: Endpoint): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}
