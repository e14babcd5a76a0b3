/**
 * How many bytes a server on this machine has received on one connection and not read yet: the receive
 * queue (`rx_queue`) of its side of the connection in the kernel's table of sockets (/proc/net/tcp and
 * /proc/net/tcp6 on Linux). A request sent in pieces is a split only if the server read the first piece
 * before the next one came: a server that reads until a short read goes wrong only then. On a loaded
 * machine its thread can wait longer than the pause between the pieces, read both at once, and get the
 * request right by luck. Connection.send waits, after the first pause, until the server has read what
 * came before (bounded), so such a verdict does not depend on the load.
 */
import { readFile } from 'node:fs/promises';
import { listenTableAvailable } from './listen-table.js';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'] as const;
/** A connected socket (ESTABLISHED); a server that read and closed is not waited for. */
const ESTABLISHED = '01';

/**
 * The bytes unread by the server's side of the connection from our port `clientPort` to its port
 * `serverPort`, or null when the table holds no such socket (a server on another machine, a system
 * without the table, a connection already gone). Matched by the two ports: the server's socket has the
 * server's port as its local one and ours as its remote one (our own socket has them the other way).
 */
export async function peerUnreadBytes(serverPort: number, clientPort: number): Promise<number | null> {
  if (!listenTableAvailable()) return null;
  const local = `:${hex4(serverPort)} `;
  const remote = `:${hex4(clientPort)} `;
  for (const table of TABLES) {
    let text: string;
    try {
      text = await readFile(table, 'latin1');
    } catch {
      continue;
    }
    const n = unreadIn(text, local, remote);
    if (n !== null) return n;
  }
  return null;
}

/** The rx_queue of the ESTABLISHED line whose local address ends in `local` and remote in `remote`, or null. */
export function unreadIn(text: string, local: string, remote: string): number | null {
  for (let at = text.indexOf(local); at >= 0; at = text.indexOf(local, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    // fields: sl, local_address, rem_address, st, tx_queue:rx_queue, ...
    const f = text.slice(start, end < 0 ? undefined : end).trim().split(/\s+/);
    if (f.length < 5 || !`${f[1]} `.endsWith(local) || !`${f[2]} `.endsWith(remote) || f[3] !== ESTABLISHED) continue;
    const rx = f[4]!.split(':')[1];
    return rx !== undefined && /^[0-9A-Fa-f]+$/.test(rx) ? parseInt(rx, 16) : null;
  }
  return null;
}

function hex4(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}
