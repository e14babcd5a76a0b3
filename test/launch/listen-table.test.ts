import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { addressServes, isListening, listenersComeFirst, listenTableAvailable, parseListenTable, readListenTable } from '../../src/wire/listen-table.js';

// Captured from a little-endian Linux machine: 0.0.0.0:2024 and 127.0.0.1:8080 listening, one
// established connection on 8080, and 127.0.0.1:9000 in TIME_WAIT.
const TCP4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1139 1 000000009b4064ce 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52311 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000  1000        0 52399 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:2328 0100007F:D2A6 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
`;

// [::]:3000, [::1]:3001, [::ffff:127.0.0.1]:3002 listening; an established [::1]:3001.
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0BB9 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0BBA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61003 1 0000000000000000 100 0 0 10 0
   3: 00000000000000000000000001000000:0BB9 00000000000000000000000001000000:E0F2 01 00000000:00000000 00:00000000 00000000  1000        0 61004 1 0000000000000000 20 4 30 10 -1
`;

describe('parseListenTable', () => {
  it('keeps only LISTEN sockets of /proc/net/tcp, with addresses and ports decoded', () => {
    expect(parseListenTable(TCP4, 4, true)).toEqual([
      { family: 4, address: '0.0.0.0', port: 2024, inode: 1139, state: '0A' },
      { family: 4, address: '127.0.0.1', port: 8080, inode: 52311, state: '0A' },
    ]);
  });

  it('decodes /proc/net/tcp6 word by word', () => {
    expect(parseListenTable(TCP6, 6, true)).toEqual([
      { family: 6, address: '0:0:0:0:0:0:0:0', port: 3000, inode: 61001, state: '0A' },
      { family: 6, address: '0:0:0:0:0:0:0:1', port: 3001, inode: 61002, state: '0A' },
      { family: 6, address: '0:0:0:0:0:ffff:7f00:1', port: 3002, inode: 61003, state: '0A' },
    ]);
  });

  it('reads addresses in network order on a big-endian machine', () => {
    const be = TCP4.replace('0100007F:1F90 00000000:0000 0A', '7F000001:1F90 00000000:0000 0A');
    expect(parseListenTable(be, 4, false)[1]).toMatchObject({ address: '127.0.0.1', port: 8080 });
  });

  it('ignores the header, blank and malformed lines', () => {
    expect(parseListenTable('', 4)).toEqual([]);
    expect(parseListenTable('garbage\n  0: zz:zz 0 0A\n  1: 0100007F:1F9 00000000:0000 0A\n', 4)).toEqual([]);
  });
});

describe('listenersComeFirst', () => {
  it('is true when every LISTEN line comes before the other states, false when one follows them', () => {
    expect(listenersComeFirst(TCP4)).toBe(true);
    expect(listenersComeFirst(TCP6)).toBe(true);
    const lines = TCP4.trimEnd().split('\n');
    const interleaved = [lines[0], lines[3], lines[1], lines[2], lines[4]].join('\n');
    expect(listenersComeFirst(interleaved)).toBe(false);
    expect(listenersComeFirst('')).toBe(true);
  });
});

describe('addressServes', () => {
  it('matches wildcards, exact addresses, v4-mapped addresses and localhost', () => {
    expect(addressServes('0.0.0.0', '127.0.0.1')).toBe(true);
    expect(addressServes('0:0:0:0:0:0:0:0', '127.0.0.1')).toBe(true);
    expect(addressServes('0:0:0:0:0:0:0:0', '::1')).toBe(true);
    expect(addressServes('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(addressServes('127.0.0.1', '10.0.0.1')).toBe(false);
    expect(addressServes('127.0.0.1', '::1')).toBe(false);
    expect(addressServes('0:0:0:0:0:0:0:1', '::1')).toBe(true);
    expect(addressServes('0:0:0:0:0:0:0:1', '127.0.0.1')).toBe(false);
    expect(addressServes('0:0:0:0:0:ffff:7f00:1', '127.0.0.1')).toBe(true);
    expect(addressServes('127.0.0.1', 'localhost')).toBe(true);
    expect(addressServes('0:0:0:0:0:0:0:1', 'localhost')).toBe(true);
    expect(addressServes('10.1.2.3', 'localhost')).toBe(false);
  });
});

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => s.destroy());
    srv.once('error', reject);
    srv.listen(0, host, () => resolve(srv));
  });
}

function close(srv: net.Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()));
}

describe.runIf(listenTableAvailable())('isListening (live /proc)', () => {
  it('sees a socket listening on 127.0.0.1, and not after it closes', async () => {
    const srv = await listen('127.0.0.1');
    const port = (srv.address() as net.AddressInfo).port;
    let accepted = 0;
    srv.on('connection', () => accepted++);
    expect(await isListening(port)).toBe(true);
    expect(await isListening(port, '127.0.0.1')).toBe(true);
    expect(await isListening(port, '::1')).toBe(false);
    await close(srv);
    expect(await isListening(port)).toBe(false);
    expect(accepted).toBe(0);
  });

  it('sees a new listener behind a thousand sockets in TIME_WAIT (the listeners are read first)', async () => {
    // A thousand closed connections: each leaves a socket in TIME_WAIT, after the listeners in the
    // kernel's table.
    const sink = await listen('127.0.0.1');
    const sinkPort = (sink.address() as net.AddressInfo).port;
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((resolve) => {
        const c = net.connect(sinkPort, '127.0.0.1', () => c.end());
        c.on('close', () => resolve());
        c.on('error', () => resolve());
        c.resume();
      })));
    }
    const srv = await listen('127.0.0.1');
    const port = (srv.address() as net.AddressInfo).port;
    expect(await isListening(port)).toBe(true);
    expect(await isListening(sinkPort)).toBe(true);
    await close(srv);
    await close(sink);
    expect(await isListening(port)).toBe(false);
    expect((await readListenTable(null)).filter((e) => e.state !== '0A').length).toBeGreaterThanOrEqual(1000);
  }, 30_000);

  it('sees a dual-stack socket on :: as serving 127.0.0.1', async () => {
    let srv: net.Server;
    try {
      srv = await listen('::');
    } catch {
      return; // no IPv6 here: nothing to check
    }
    const port = (srv.address() as net.AddressInfo).port;
    expect(await isListening(port, '127.0.0.1')).toBe(true);
    await close(srv);
  });
});
