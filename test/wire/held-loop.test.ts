/**
 * A read's deadline on a loop held up by other work (a class graded in one process: reports rendered,
 * other grades' judging). The deadline's timer fires before the loop reads the bytes that came in
 * meanwhile; a read that ended there would call an answer that came in time a silence.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { Connection } from '../../src/wire/connection.js';
import { Deadline } from '../../src/wire/deadline.js';
import { holdLoop } from '../helpers/hold-loop.js';
import { childrenKilledAfterEach } from '../helpers/children.js';

const children = childrenKilledAfterEach();

/** A server in another process (it must answer while this loop is held): "hi" 100 ms after each accept. */
async function answersAfter100ms(): Promise<number> {
  const child = spawn(process.execPath, ['-e', `
    const s = require('node:net').createServer((c) => { c.on('error', () => {}); setTimeout(() => c.end('hi'), 100); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return Number(line.toString().trim());
}

it('reads the answer that came while the loop was held past the deadline, instead of a timeout', async () => {
  const port = await answersAfter100ms();
  const opened = await Connection.open({ host: '127.0.0.1', port }, { connectTimeoutMs: 5000 });
  if (!opened.ok) throw new Error(opened.message);
  const conn = opened.conn;
  try {
    const waiting = conn.waitFor(() => conn.received().length > 0, new Deadline(300));
    // The answer comes at about 100 ms, the deadline passes at 300 ms: both while the loop is held.
    holdLoop(1500);
    expect(conn.received().length).toBe(0);
    expect(await waiting).not.toBe('timeout');
    expect(Buffer.from(conn.received()).toString()).toBe('hi');
  } finally {
    conn.destroy();
  }
});
