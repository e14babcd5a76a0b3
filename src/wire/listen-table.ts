/**
 * Is anything listening on a TCP port? Answered from the kernel's table of sockets (/proc/net/tcp and
 * /proc/net/tcp6 on Linux), never by connecting: many hand-written servers die, or serve their one
 * client, when a probe connects and closes without a request.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/** One socket in state LISTEN (0A) from /proc/net/tcp{,6}. */
export interface ListenEntry {
  family: 4 | 6;
  /** The local address: dotted IPv4, or IPv6 in full lowercase form (`0:0:0:0:0:0:0:1`). */
  address: string;
  port: number;
  inode: number;
  /** The kernel's TCP state, two hex digits (`0A` LISTEN, `06` TIME_WAIT, …). */
  state: string;
}

const TCP_LISTEN = '0A';
const TABLES: ReadonlyArray<{ path: string; family: 4 | 6 }> = [
  { path: '/proc/net/tcp', family: 4 },
  { path: '/proc/net/tcp6', family: 6 },
];

/**
 * Parse the text of /proc/net/tcp (family 4) or /proc/net/tcp6 (family 6) and return its sockets in
 * state LISTEN. The kernel prints each 32-bit word of an address in host byte order, so the bytes of
 * every word are reversed on a little-endian machine. Malformed lines are ignored.
 */
export function parseListenTable(
  text: string,
  family: 4 | 6,
  littleEndian: boolean = os.endianness() === 'LE',
  /** Which states to keep; LISTEN by default, `null` for every socket. */
  only: string | null = TCP_LISTEN,
): ListenEntry[] {
  const entries: ListenEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // fields: sl, local_address, rem_address, st, ...
    if (fields.length < 4 || !/^\d+:$/.test(fields[0] ?? '')) continue;
    const state = (fields[3] ?? '').toUpperCase();
    if (only !== null && state !== only) continue;
    const local = fields[1] ?? '';
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    const hexAddr = local.slice(0, colon);
    const hexPort = local.slice(colon + 1);
    if (!/^[0-9A-Fa-f]{4}$/.test(hexPort)) continue;
    const expectedLen = family === 4 ? 8 : 32;
    if (hexAddr.length !== expectedLen || !/^[0-9A-Fa-f]+$/.test(hexAddr)) continue;
    const bytes: number[] = [];
    for (let w = 0; w < hexAddr.length; w += 8) {
      const word: number[] = [];
      for (let b = 0; b < 8; b += 2) word.push(parseInt(hexAddr.slice(w + b, w + b + 2), 16));
      if (littleEndian) word.reverse();
      bytes.push(...word);
    }
    const inode = Number(fields[9] ?? '0');
    entries.push({
      family,
      address: family === 4 ? bytes.join('.') : formatV6(bytes),
      port: parseInt(hexPort, 16),
      inode: Number.isFinite(inode) ? inode : 0,
      state,
    });
  }
  return entries;
}

function formatV6(bytes: readonly number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** 16 bytes of an IPv6 address written in any form (`::1`, `::ffff:1.2.3.4`, full), or null. */
function v6Bytes(text: string): number[] | null {
  if (!net.isIPv6(text)) return null;
  let s = text.toLowerCase();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 && v4[1]) {
    const parts = v4[1].split('.').map(Number);
    s = s.slice(0, s.length - v4[1].length) + ((parts[0]! << 8) | parts[1]!).toString(16) + ':' + ((parts[2]! << 8) | parts[3]!).toString(16);
  }
  const [head, rest] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(rest === undefined ? 0 : fill).fill('0'), ...restGroups];
  if (groups.length !== 8) return null;
  const out: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    out.push((n >> 8) & 0xff, n & 0xff);
  }
  return out;
}

type AddrClass = { kind: 'any' } | { kind: 'v4'; addr: string } | { kind: 'v6'; addr: string };

/** Reduce an address to a comparable form: wildcard, an IPv4 address (v4-mapped included), or IPv6. */
function classify(address: string): AddrClass | null {
  if (net.isIPv4(address)) return address === '0.0.0.0' ? { kind: 'any' } : { kind: 'v4', addr: address };
  const bytes = v6Bytes(address);
  if (!bytes) return null;
  if (bytes.every((b) => b === 0)) return { kind: 'any' };
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return { kind: 'v4', addr: bytes.slice(12).join('.') };
  return { kind: 'v6', addr: formatV6(bytes) };
}

/**
 * Would a client connecting to `host` reach a socket listening on `entryAddress`? A wildcard socket
 * (0.0.0.0 or ::) accepts every address (`::` is assumed dual-stack, as it is by default on Linux);
 * `localhost` means either loopback address; otherwise the addresses must be equal.
 */
export function addressServes(entryAddress: string, host: string): boolean {
  const entry = classify(entryAddress);
  if (!entry) return false;
  if (entry.kind === 'any') return true;
  if (host === 'localhost') {
    return (entry.kind === 'v4' && entry.addr.startsWith('127.')) || (entry.kind === 'v6' && entry.addr === '0:0:0:0:0:0:0:1');
  }
  const wanted = classify(host);
  if (!wanted) return false;
  if (wanted.kind === 'any') return true;
  return wanted.kind === entry.kind && wanted.addr === entry.addr;
}

let available: boolean | undefined;

/** True when the kernel's socket table can be read (Linux with /proc mounted). */
export function listenTableAvailable(): boolean {
  if (available === undefined) {
    try {
      fs.accessSync('/proc/net/tcp', fs.constants.R_OK);
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * Every socket of this network namespace in state `only` (LISTEN by default; `null` for all), from
 * /proc/net/tcp and /proc/net/tcp6 (tcp6 missing, e.g. IPv6 disabled, is fine).
 *
 * The kernel writes a table's listening sockets before all others, and writes the table only as far
 * as it is read. On a machine that has made thousands of connections in the last minute (a class run:
 * every closed connection waits in TIME_WAIT), reading the whole table costs tens of milliseconds of
 * kernel time each time, and a server's start is polled every few milliseconds; so the listeners are
 * read in small pieces up to the first socket that is not listening. That order is checked once, on
 * the first read of the whole table; where it does not hold, every read is whole.
 */
export async function readListenTable(only: string | null = TCP_LISTEN): Promise<ListenEntry[]> {
  const all: ListenEntry[] = [];
  for (const { path, family } of TABLES) {
    let text: string;
    try {
      text = only === TCP_LISTEN && (await listenersFirst()) ? await readListeners(path) : await fs.promises.readFile(path, 'latin1');
    } catch {
      continue;
    }
    all.push(...parseListenTable(text, family, undefined, only));
  }
  return all;
}

let listenersFirstKnown: Promise<boolean> | undefined;

/** Do both tables list every listening socket before any other (Linux walks its listening hash first)? */
function listenersFirst(): Promise<boolean> {
  listenersFirstKnown ??= (async () => {
    for (const { path } of TABLES) {
      let text: string;
      try {
        text = await fs.promises.readFile(path, 'latin1');
      } catch {
        continue;
      }
      if (!listenersComeFirst(text)) return false;
    }
    return true;
  })();
  return listenersFirstKnown;
}

/** The state column of one line of a table (`0A`, `06`, …), upper-case; undefined for a blank line. */
function stateOf(line: string): string | undefined {
  return line.trim().split(/\s+/)[3]?.toUpperCase();
}

/** In this table's text, does no LISTEN line follow a line in another state? */
export function listenersComeFirst(text: string): boolean {
  let others = false;
  for (const line of text.split('\n').slice(1)) {
    const state = stateOf(line);
    if (state === undefined) continue;
    if (state !== TCP_LISTEN) others = true;
    else if (others) return false;
  }
  return true;
}

/** How much of a table is read at a time while looking for its listeners (about a hundred lines). */
const LISTENER_CHUNK = 16 * 1024;
/** Never more than this of a table (a machine with this many listeners is not one to grade on). */
const LISTENER_CAP = 16 * 1024 * 1024;

/** The head of a table up to the first line of a socket that is not listening. */
async function readListeners(path: string): Promise<string> {
  const fh = await fs.promises.open(path, 'r');
  try {
    let text = '';
    const buf = Buffer.alloc(LISTENER_CHUNK);
    while (text.length < LISTENER_CAP) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return text;
      text += buf.toString('latin1', 0, bytesRead);
      // The first complete line that is not the header and not LISTEN ends the listeners.
      const lines = text.split('\n');
      for (let i = 1; i < lines.length - 1; i++) {
        const state = stateOf(lines[i]!);
        if (state !== undefined && state !== TCP_LISTEN) return lines.slice(0, i).join('\n');
      }
    }
    return text;
  } finally {
    await fh.close();
  }
}

/** TCP_TIME_WAIT in the kernel's table. */
export const TCP_TIME_WAIT = '06';

/**
 * How many sockets whose local port is `port` are not listening (TIME_WAIT, FIN_WAIT, CLOSE_WAIT, …):
 * while any remain, a server that binds without SO_REUSEADDR cannot bind the port.
 */
export async function lingeringOn(port: number): Promise<number> {
  const all = await readListenTable(null);
  return all.filter((e) => e.port === port && e.state !== TCP_LISTEN).length;
}

/**
 * Is a socket listening on `port` (and, when `host` is given, reachable at that address)? Reads the
 * kernel's table; never connects. Throws only if the table is unavailable (see listenTableAvailable).
 */
export async function isListening(port: number, host?: string): Promise<boolean> {
  if (!listenTableAvailable()) throw new Error('the listening-socket table (/proc/net/tcp) is not available');
  const entries = await readListenTable();
  return entries.some((e) => e.port === port && (host === undefined || addressServes(e.address, host)));
}
