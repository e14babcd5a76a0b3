/**
 * The profile zoo's own tests: every server starts from a scratch copy and is robust (an empty
 * connection, keep-alive, `Connection: close`, a request in pieces); each correct server implements its
 * profile exactly, in a scripted conversation over raw sockets; each buggy server shows its one bug.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyText, header, once, RawConn, req, req as rawReq, withConn, ZooProcess, type RawResponse } from './harness.js';
import { profileZoo, type ProfileName, type ProfileZooServer } from './manifest.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const running = new Map<string, ZooProcess>();
const key = (s: Pick<ProfileZooServer, 'profile' | 'slug'>): string => `${s.profile}/${s.slug}`;

function server(profile: ProfileName, slug: string): ZooProcess {
  const p = running.get(`${profile}/${slug}`);
  if (!p) throw new Error(`${profile}/${slug} is not running`);
  return p;
}

beforeAll(async () => {
  const started = await Promise.allSettled(
    profileZoo.map(async (s) => {
      const p = await ZooProcess.start(s);
      running.set(key(s), p);
    }),
  );
  const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) throw new Error(failed.map((r) => String(r.reason)).join('\n'));
});

afterAll(async () => {
  await Promise.all([...running.values()].map((p) => p.stop()));
});

/** What every response of a correct server looks like on the wire. */
function expectWellFormed(res: RawResponse): void {
  expect(res.statusLine).toMatch(/^HTTP\/1\.1 \d{3} \S/);
  expect(res.head).not.toMatch(/(^|[^\r])\n/);
  const date = header(res, 'date');
  expect(date, `Date in ${res.statusLine}`).toBeDefined();
  expect(Number.isNaN(Date.parse(date!))).toBe(false);
  if (res.status === 204) expect(header(res, 'content-length')).toBeUndefined();
  else expect(header(res, 'content-length'), `Content-Length in ${res.statusLine}`).toBeDefined();
}

/** Send one request on c and read its response, checking the framing. */
async function ask(c: RawConn, request: Buffer, opts: { head?: boolean } = {}): Promise<RawResponse> {
  c.write(request);
  const res = await c.response(opts);
  expectWellFormed(res);
  return res;
}

const json = (res: RawResponse): unknown => JSON.parse(bodyText(res));

// ---------------------------------------------------------------------------------------------------
// Every server: robust, apart from its one bug.

const BASELINE: Record<ProfileName, { target: string; status: number }> = {
  'byo-http': { target: '/', status: 200 },
  'text-file': { target: '/index.txt', status: 200 },
  'record-dialogue': { target: '/alice', status: 200 },
  'key-value': { target: '/index.html', status: 200 },
};

/** The servers written to a variant of their assignment (a profile file): their own plain request. */
const BASELINE_OF: Record<string, { target: string; status: number; host?: string }> = {
  'key-value/host-routed': { target: '/', status: 200, host: '127.0.0.1/index.html' },
  'key-value/host-routed-crash': { target: '/', status: 200, host: '127.0.0.1/index.html' },
  'key-value/json-store-unlocked': { target: '/', status: 200, host: '127.0.0.1/index.html' },
  'key-value/memory-only': { target: '/', status: 200, host: '127.0.0.1/index.html' },
  'record-dialogue/students-file': { target: 'students.json', status: 200 },
  'record-dialogue/students-file-delete-keeps': { target: 'students.json', status: 200 },
};

/** The servers whose one bug is in keep-alive itself: the robustness test below expects it of them. */
const CLOSES_EVERY_CONNECTION = new Set(['byo-http/closes-after-each']);
const CLOSES_UNANNOUNCED = new Set(['byo-http/close-not-announced']);

describe('every profile zoo server', () => {
  it.each(profileZoo.map((s) => [key(s), s] as const))('%s: survives an empty connection, keeps alive, honours Connection: close, reassembles a split request', async (_name, s) => {
    const p = server(s.profile, s.slug);
    const { target, status, host }: { target: string; status: number; host?: string } = BASELINE_OF[key(s)] ?? BASELINE[s.profile];
    const req = (method: string, t: string, opts: { close?: boolean } = {}): Buffer => rawReq(method, t, { ...opts, ...(host ? { host } : {}) });
    // An empty connection: connect, send nothing, close.
    await withConn(p.port, async (c) => {
      c.end();
      expect(await c.closedWithin(2000)).toBe(true);
    });
    if (CLOSES_EVERY_CONNECTION.has(key(s))) {
      // Its bug: one answer per connection, which says "Connection: close".
      await withConn(p.port, async (c) => {
        const only = await ask(c, req('GET', target));
        expect([only.status, header(only, 'connection')?.toLowerCase()]).toEqual([status, 'close']);
        expect(await c.closedWithin(2000)).toBe(true);
      });
    } else {
      await withConn(p.port, async (c) => {
        expect((await ask(c, req('GET', target))).status).toBe(status);
        expect((await ask(c, req('GET', target))).status).toBe(status); // kept alive
        const last = await ask(c, req('GET', target, { close: true }));
        expect(last.status).toBe(status);
        // close-not-announced's bug: the close is done, not said.
        expect(header(last, 'connection')?.toLowerCase()).toBe(CLOSES_UNANNOUNCED.has(key(s)) ? undefined : 'close');
        expect(await c.closedWithin(2000)).toBe(true);
      });
    }
    // The same request in three pieces with pauses.
    await withConn(p.port, async (c) => {
      const bytes = req('GET', target, { close: true });
      for (const [a, b] of [[0, 3], [3, 17], [17, bytes.length]] as const) {
        c.write(bytes.subarray(a, b));
        await sleep(40);
      }
      const res = await c.response();
      expectWellFormed(res);
      expect(res.status).toBe(status);
    });
    expect(p.exited).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// byo-http

const BIG = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) % 256));

describe('byo-http', () => {
  it('correct: /, /echo, /user-agent (any header case), /files GET/POST byte for byte, 404, HEAD', async () => {
    const p = server('byo-http', 'correct');
    await withConn(p.port, async (c) => {
      let r = await ask(c, req('GET', '/'));
      expect([r.status, r.body.length, header(r, 'content-length')]).toEqual([200, 0, '0']);

      r = await ask(c, req('GET', '/echo/abc'));
      expect([r.status, header(r, 'content-type'), bodyText(r)]).toEqual([200, 'text/plain', 'abc']);
      r = await ask(c, req('HEAD', '/echo/abc'), { head: true });
      expect([r.status, header(r, 'content-length')]).toEqual([200, '3']);

      r = await ask(c, req('GET', '/user-agent', { headers: ['User-Agent: foobar/1.2.3'] }));
      expect([r.status, header(r, 'content-type'), bodyText(r)]).toEqual([200, 'text/plain', 'foobar/1.2.3']);
      r = await ask(c, req('GET', '/user-agent', { headers: ['user-agent: lower/1'] }));
      expect(bodyText(r)).toBe('lower/1');

      r = await ask(c, req('GET', '/files/big.bin'));
      expect(r.status).toBe(404);
      r = await ask(c, req('POST', '/files/big.bin', { body: BIG }));
      expect(r.status).toBe(201);
      r = await ask(c, req('GET', '/files/big.bin'));
      expect([r.status, header(r, 'content-type')]).toEqual([200, 'application/octet-stream']);
      expect(r.body.equals(BIG)).toBe(true);

      for (const target of ['/nope', '/echo', '/files/', '/user-agent/x']) {
        expect((await ask(c, req('GET', target))).status, target).toBe(404);
      }

      // gzip when Accept-Encoding lists it (any case, in a list, not with q=0), plain text otherwise.
      for (const accept of ['gzip', 'GZIP', 'deflate, gzip;q=0.5, br', 'unknown-1, gzip, unknown-2']) {
        r = await ask(c, req('GET', '/echo/squeeze-me', { headers: [`Accept-Encoding: ${accept}`] }));
        expect([r.status, header(r, 'content-encoding'), header(r, 'content-length')], accept).toEqual([200, 'gzip', String(r.body.length)]);
        expect(gunzipSync(r.body).toString('latin1'), accept).toBe('squeeze-me');
      }
      for (const accept of ['invalid-encoding', 'unknown-1, unknown-2', 'gzip;q=0', 'identity']) {
        r = await ask(c, req('GET', '/echo/squeeze-me', { headers: [`Accept-Encoding: ${accept}`] }));
        expect([r.status, header(r, 'content-encoding'), bodyText(r)], accept).toEqual([200, undefined, 'squeeze-me']);
      }
    });
    expect(await fs.readFile(path.join(p.dir, 'files', 'big.bin'))).toEqual(BIG);
  });

  it('correct: three kept connections open at once, each served twice, the last opened first', async () => {
    const p = server('byo-http', 'correct');
    const conns = await Promise.all([0, 1, 2].map(() => RawConn.connect(p.port)));
    try {
      for (const i of [2, 1, 0, 0, 1, 2]) {
        const r = await ask(conns[i]!, req('GET', `/echo/conn-${i}`));
        expect([r.status, bodyText(r), header(r, 'connection')]).toEqual([200, `conn-${i}`, undefined]);
      }
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  it('concurrent-pool-of-two: with two connections open, a third is accepted but not answered until one closes', async () => {
    const p = server('byo-http', 'concurrent-pool-of-two');
    const conns = await Promise.all([0, 1, 2].map(() => RawConn.connect(p.port)));
    try {
      // Both workers are taken by the first two connections, which the server keeps alive.
      for (const i of [0, 1]) expect((await ask(conns[i]!, req('GET', `/echo/conn-${i}`))).status).toBe(200);
      conns[2]!.write(req('GET', '/echo/conn-2'));
      expect(await conns[2]!.maybeResponse({ timeoutMs: 800 })).toBeUndefined();
      conns[0]!.destroy();
      expect(bodyText(await conns[2]!.response())).toBe('conn-2');
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  it('gzip-wrong-header: "Accept-Encoding: gzip" gets plain text; a request Content-Encoding: gzip gets gzip', async () => {
    const p = server('byo-http', 'gzip-wrong-header');
    let r = await once(p.port, req('GET', '/echo/abc', { headers: ['Accept-Encoding: gzip'], close: true }));
    expect([r.status, header(r, 'content-encoding'), bodyText(r)]).toEqual([200, undefined, 'abc']);
    r = await once(p.port, req('GET', '/echo/abc', { headers: ['Content-Encoding: gzip'], close: true }));
    expect(header(r, 'content-encoding')).toBe('gzip');
  });

  it('gzip-any-accept-encoding: "Accept-Encoding: invalid-encoding" gets a gzip body', async () => {
    const r = await once(server('byo-http', 'gzip-any-accept-encoding').port, req('GET', '/echo/abc', { headers: ['Accept-Encoding: invalid-encoding'], close: true }));
    expect([r.status, header(r, 'content-encoding'), gunzipSync(r.body).toString('latin1')]).toEqual([200, 'gzip', 'abc']);
  });

  it('gzip-exact-match: "gzip" alone gets gzip, a list holding gzip gets plain text', async () => {
    const p = server('byo-http', 'gzip-exact-match');
    let r = await once(p.port, req('GET', '/echo/abc', { headers: ['Accept-Encoding: gzip'], close: true }));
    expect(header(r, 'content-encoding')).toBe('gzip');
    r = await once(p.port, req('GET', '/echo/abc', { headers: ['Accept-Encoding: unknown-1, gzip, unknown-2'], close: true }));
    expect([header(r, 'content-encoding'), bodyText(r)]).toEqual([undefined, 'abc']);
  });

  it('gzip-length-of-text: the gzip body is longer than its Content-Length, which is the text\'s', async () => {
    const p = server('byo-http', 'gzip-length-of-text');
    await withConn(p.port, async (c) => {
      c.write(req('GET', '/echo/abcdef', { headers: ['Accept-Encoding: gzip'] }));
      const r = await c.response();
      expect([r.status, header(r, 'content-encoding'), header(r, 'content-length')]).toEqual([200, 'gzip', '6']);
      await sleep(200);
      // The rest of the gzip member is left where the next response should start.
      expect(c.pending.length).toBeGreaterThan(0);
      expect(gunzipSync(Buffer.concat([r.body, c.pending])).toString('latin1')).toBe('abcdef');
    });
  });

  it('closes-after-each: every answer says "Connection: close" and the connection ends', async () => {
    await withConn(server('byo-http', 'closes-after-each').port, async (c) => {
      const r = await ask(c, req('GET', '/echo/abc'));
      expect([r.status, header(r, 'connection')]).toEqual([200, 'close']);
      expect(await c.closedWithin(2000)).toBe(true);
    });
  });

  it('close-not-announced: after "Connection: close" the connection ends, but the answer does not say so', async () => {
    await withConn(server('byo-http', 'close-not-announced').port, async (c) => {
      let r = await ask(c, req('GET', '/echo/a'));
      expect(header(r, 'connection')).toBeUndefined();
      r = await ask(c, req('GET', '/echo/b', { close: true }));
      expect([r.status, bodyText(r), header(r, 'connection')]).toEqual([200, 'b', undefined]);
      expect(await c.closedWithin(2000)).toBe(true);
    });
  });

  it('user-agent-case: a lower-case user-agent header gives an empty body', async () => {
    const r = await once(server('byo-http', 'user-agent-case').port, req('GET', '/user-agent', { headers: ['user-agent: lower/1'], close: true }));
    expect([r.status, bodyText(r)]).toEqual([200, '']);
  });

  it('files-truncated: a 3000-byte file comes back cut to at most 1 KiB', async () => {
    const p = server('byo-http', 'files-truncated');
    expect((await once(p.port, req('POST', '/files/big.bin', { body: BIG, close: true }))).status).toBe(201);
    const r = await once(p.port, req('GET', '/files/big.bin', { close: true }));
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThanOrEqual(1024);
  });

  it('unknown-path-200: an unknown path is answered 200', async () => {
    const r = await once(server('byo-http', 'unknown-path-200').port, req('GET', '/nope', { close: true }));
    expect(r.status).toBe(200);
  });
  it('post-201-unframed: a POST gets exactly "HTTP/1.1 201 Created\\r\\n\\r\\n OK" and the connection stays open', async () => {
    const p = server('byo-http', 'post-201-unframed');
    await withConn(p.port, async (c) => {
      c.write(req('POST', '/files/unframed.txt', { body: 'hello\n' }));
      expect(await c.maybeResponse({ timeoutMs: 800 })).toBeUndefined(); // no end to find
      expect(c.pending.toString('latin1')).toBe('HTTP/1.1 201 Created\r\n\r\n OK');
    });
    expect(p.exited).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// text-file

describe('text-file', () => {
  it('correct: GET, PATCH appends, PUT replaces, empty writes 204, POST creates, 405, 404, HEAD, 505', async () => {
    const p = server('text-file', 'correct');
    await withConn(p.port, async (c) => {
      const get = async (): Promise<string> => {
        const r = await ask(c, req('GET', '/index.txt'));
        expect([r.status, header(r, 'content-type')]).toEqual([200, 'text/plain']);
        return bodyText(r);
      };
      expect(await get()).toBe('hello\n');
      let r = await ask(c, req('HEAD', '/index.txt'), { head: true });
      expect([r.status, header(r, 'content-length')]).toEqual([200, '6']);

      r = await ask(c, req('PATCH', '/index.txt', { body: 'world\n' }));
      expect([r.status, bodyText(r)]).toEqual([200, 'hello\nworld\n']);
      expect(await get()).toBe('hello\nworld\n');

      r = await ask(c, req('PUT', '/index.txt', { body: 'new\n' }));
      expect(r.status).toBe(200);
      expect(await get()).toBe('new\n');

      for (const method of ['PUT', 'PATCH', 'POST']) {
        expect((await ask(c, req(method, '/index.txt', { body: '' }))).status, method).toBe(204);
      }
      expect((await ask(c, req('PUT', '/index.txt'))).status).toBe(204); // no Content-Length at all
      expect(await get()).toBe('new\n');

      r = await ask(c, req('POST', '/notes.txt', { body: 'n1' }));
      expect([r.status, header(r, 'location')]).toEqual([201, '/notes.txt']);
      expect(bodyText(await ask(c, req('GET', '/notes.txt')))).toBe('n1');
      expect((await ask(c, req('POST', '/notes.txt', { body: 'n2' }))).status).toBe(409);
      expect((await ask(c, req('POST', '/fresh.txt', { body: '' }))).status).toBe(204);
      expect((await ask(c, req('GET', '/fresh.txt'))).status).toBe(404);

      r = await ask(c, req('DELETE', '/index.txt'));
      expect(r.status).toBe(405);
      expect(header(r, 'allow')?.split(/,\s*/).sort()).toEqual(['GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
      for (const target of ['/', '/index', '/missing.txt', '/../index.txt']) {
        expect((await ask(c, req('GET', target))).status, target).toBe(404);
      }
      expect((await ask(c, req('PUT', '/missing.txt', { body: 'x' }))).status).toBe(404);
    });
    expect(await fs.readFile(path.join(p.dir, 'index.txt'), 'utf8')).toBe('new\n');
    for (const version of ['HTTP/1.0', 'HTTP/2.0']) {
      const r = await once(p.port, req('GET', '/index.txt', { version }));
      expectWellFormed(r);
      expect(r.status, version).toBe(505);
    }
  });

  it('patch-replaces-text: PATCH leaves only the appended text', async () => {
    const p = server('text-file', 'patch-replaces-text');
    expect((await once(p.port, req('PATCH', '/index.txt', { body: 'world\n', close: true }))).status).toBe(200);
    expect(bodyText(await once(p.port, req('GET', '/index.txt', { close: true })))).toBe('world\n');
  });

  it('empty-write-200: PUT with an empty body answers 200 and clears the file', async () => {
    const p = server('text-file', 'empty-write-200');
    expect((await once(p.port, req('PUT', '/index.txt', { body: '', close: true }))).status).toBe(200);
    expect(bodyText(await once(p.port, req('GET', '/index.txt', { close: true })))).toBe('');
  });

  it('http10-accepted: an HTTP/1.0 request is served (200)', async () => {
    const r = await once(server('text-file', 'http10-accepted').port, req('GET', '/index.txt', { version: 'HTTP/1.0' }));
    expect([r.status, bodyText(r)]).toEqual([200, 'hello\n']);
  });
});

// ---------------------------------------------------------------------------------------------------
// record-dialogue

const ALICE = { age: '30', city: 'Paris', job: 'dev' };

/** Step one of a dialogue: send the request, expect 300 with the prompt; step two: send the line. */
async function dialogue(c: RawConn, method: string, target: string, prompt: string, line: string, close = false): Promise<RawResponse> {
  const first = await ask(c, req(method, target, { close }));
  expect([first.status, first.reason, header(first, 'connection'), bodyText(first)]).toEqual([300, 'Multiple Choices', undefined, prompt]);
  c.write(line);
  const res = await c.response();
  expectWellFormed(res);
  return res;
}

describe('record-dialogue', () => {
  it('correct: GET with or without the slash, the whole file, and the POST/PUT/DELETE dialogues on one connection', async () => {
    const p = server('record-dialogue', 'correct');
    await withConn(p.port, async (c) => {
      let r = await ask(c, req('GET', '/alice'));
      expect([r.status, header(r, 'content-type'), json(r)]).toEqual([200, 'application/json', ALICE]);
      const length = header(r, 'content-length');
      expect(json(await ask(c, req('GET', 'alice')))).toEqual(ALICE);
      r = await ask(c, req('HEAD', 'alice'), { head: true });
      expect([r.status, header(r, 'content-length')]).toEqual([200, length]);
      expect(json(await ask(c, req('GET', '/')))).toEqual({ alice: ALICE });
      expect((await ask(c, req('GET', '/nobody'))).status).toBe(404);

      r = await dialogue(c, 'POST', '/', 'send: name age city job\n', 'bob 25 Rome chef\n');
      expect([r.status, json(r)]).toEqual([201, { age: '25', city: 'Rome', job: 'chef' }]);
      expect(json(await ask(c, req('GET', '/bob')))).toEqual({ age: '25', city: 'Rome', job: 'chef' });

      r = await dialogue(c, 'POST', '/', 'send: name age city job\n', 'alice 99 Rome chef\n');
      expect(r.status).toBe(400);
      expect(json(await ask(c, req('GET', '/alice')))).toEqual(ALICE);
      expect((await dialogue(c, 'POST', '/', 'send: name age city job\n', 'carol 1 2\n')).status).toBe(400);

      r = await dialogue(c, 'PUT', '/bob', 'send: name field value\n', 'bob city Oslo\r\n');
      expect([r.status, json(r)]).toEqual([200, { age: '25', city: 'Oslo', job: 'chef' }]);
      expect((await dialogue(c, 'PUT', '/', 'send: name field value\n', 'nobody city Oslo\n')).status).toBe(400);
      expect((await dialogue(c, 'PUT', '/', 'send: name field value\n', 'bob city\n')).status).toBe(400);

      expect((await dialogue(c, 'DELETE', '/', 'send: name\n', 'nobody\n')).status).toBe(400);
      r = await dialogue(c, 'DELETE', '/bob', 'send: name\n', 'bob\n');
      expect([r.status, json(r)]).toEqual([200, { age: '25', city: 'Oslo', job: 'chef' }]);
      expect((await ask(c, req('GET', '/bob'))).status).toBe(404);

      expect((await ask(c, req('PATCH', '/alice', { body: 'x' }))).status).toBe(400);
      expect((await ask(c, req('FOO', '/'))).status).toBe(400);

      // Connection: close on the first step: the dialogue still finishes, then the server closes.
      r = await dialogue(c, 'POST', '/', 'send: name age city job\n', 'dave 40 Rome cook\n', true);
      expect([r.status, header(r, 'connection')]).toEqual([201, 'close']);
      expect(await c.closedWithin(2000)).toBe(true);
    });
    // Persisted: on disk, and after a restart.
    expect(JSON.parse(await fs.readFile(path.join(p.dir, 'records.json'), 'utf8'))).toEqual({ alice: ALICE, dave: { age: '40', city: 'Rome', job: 'cook' } });
    await p.restart();
    expect(json(await once(p.port, req('GET', '/dave', { close: true })))).toEqual({ age: '40', city: 'Rome', job: 'cook' });
    // No records.json at all: 404, until a POST creates it.
    await p.kill();
    await fs.rm(path.join(p.dir, 'records.json'));
    await p.restart();
    expect((await once(p.port, req('GET', '/alice', { close: true }))).status).toBe(404);
    expect((await once(p.port, req('GET', '/', { close: true }))).status).toBe(404);
    await withConn(p.port, async (c) => {
      expect((await dialogue(c, 'POST', '/', 'send: name age city job\n', 'eve 22 Lyon ops\n')).status).toBe(201);
      expect(json(await ask(c, req('GET', '/')))).toEqual({ eve: { age: '22', city: 'Lyon', job: 'ops' } });
    });
  });

  it('post-overwrites: a POST of an existing name replaces the record (201)', async () => {
    const p = server('record-dialogue', 'post-overwrites');
    await withConn(p.port, async (c) => {
      expect((await dialogue(c, 'POST', '/', 'send: name age city job\n', 'alice 99 Rome chef\n')).status).toBe(201);
      expect(json(await ask(c, req('GET', '/alice')))).toEqual({ age: '99', city: 'Rome', job: 'chef' });
    });
  });

  it('delete-without-dialogue: DELETE /alice answers 200 at once, no 300 prompt', async () => {
    const p = server('record-dialogue', 'delete-without-dialogue');
    await withConn(p.port, async (c) => {
      const r = await ask(c, req('DELETE', '/alice'));
      expect(r.status).toBe(200);
      expect((await ask(c, req('GET', '/alice'))).status).toBe(404);
    });
  });

  it('file-not-persisted: a created record is gone after a restart (records.json never rewritten)', async () => {
    const p = server('record-dialogue', 'file-not-persisted');
    await withConn(p.port, async (c) => {
      expect((await dialogue(c, 'POST', '/', 'send: name age city job\n', 'bob 25 Rome chef\n')).status).toBe(201);
      expect((await ask(c, req('GET', '/bob'))).status).toBe(200);
    });
    expect(JSON.parse(await fs.readFile(path.join(p.dir, 'records.json'), 'utf8'))).toEqual({ alice: ALICE });
    await p.restart();
    expect((await once(p.port, req('GET', '/bob', { close: true }))).status).toBe(404);
  });
  it('students-file: the store named in the target without a slash; POST students.json is the dialogue', async () => {
    const p = server('record-dialogue', 'students-file');
    await withConn(p.port, async (c) => {
      c.write(req('POST', 'students.json'));
      const prompt = await c.response();
      expect([prompt.status, bodyText(prompt)]).toEqual([300, 'send: name age city job\n']);
      c.write(Buffer.from('bob 41 Oslo ops\n'));
      expect((await c.response()).status).toBe(201);
    });
    await withConn(p.port, async (c) => {
      const r = await ask(c, req('GET', 'students.json'));
      expect([r.status, (json(r) as Record<string, unknown>).bob]).toEqual([200, { age: '41', city: 'Oslo', job: 'ops' }]);
      expect((await ask(c, req('GET', '/students.json'))).status).toBe(200);
      expect((await ask(c, req('GET', '/bob'))).status).toBe(404);
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// key-value

/** The key:value lines inside the <pre> of /index.html. */
function pairs(res: RawResponse): string[] {
  const m = /<pre>([\s\S]*)<\/pre>/.exec(bodyText(res));
  if (!m) throw new Error(`no <pre> in ${bodyText(res)}`);
  return m[1]!.split('\n').filter((l) => l !== '');
}

describe('key-value', () => {
  it('correct: /create, /update, /index.html by path and by Host header, 400s, 404, 405, persisted', async () => {
    const p = server('key-value', 'correct');
    const hostRoute = (route: string): string => `127.0.0.1:${p.port}${route}`;
    await withConn(p.port, async (c) => {
      let r = await ask(c, req('GET', '/index.html'));
      expect([r.status, header(r, 'content-type')?.split(';')[0]]).toEqual([200, 'text/html']);
      expect(pairs(r)).toEqual([]);

      expect((await ask(c, req('POST', '/create', { body: 'a:1' }))).status).toBe(201);
      expect((await ask(c, req('POST', '/', { body: 'b:2', host: '127.0.0.1/create' }))).status).toBe(201);
      expect((await ask(c, req('PUT', '/update', { body: 'a:10' }))).status).toBe(200);
      expect((await ask(c, req('PUT', '/', { body: 'b:20', host: hostRoute('/update') }))).status).toBe(200);
      expect((await ask(c, req('PUT', '/update', { body: 'zzz:1' }))).status).toBe(400);
      for (const body of ['nocolon', '', ':novalue']) {
        expect((await ask(c, req('POST', '/create', { body }))).status, JSON.stringify(body)).toBe(400);
      }
      expect((await ask(c, req('PUT', '/update', { body: 'a' }))).status).toBe(400);

      expect(pairs(await ask(c, req('GET', '/index.html')))).toEqual(['a:10', 'b:20']);
      r = await ask(c, req('GET', '/', { host: '127.0.0.1/index.html' }));
      expect([r.status, pairs(r)]).toEqual([200, ['a:10', 'b:20']]);

      expect((await ask(c, req('GET', '/nope'))).status).toBe(404);
      expect((await ask(c, req('GET', '/'))).status).toBe(404);
      r = await ask(c, req('GET', '/create'));
      expect([r.status, header(r, 'allow')]).toEqual([405, 'POST']);
    });
    await p.restart();
    expect(pairs(await once(p.port, req('GET', '/index.html', { close: true })))).toEqual(['a:10', 'b:20']);
  });

  it('host-route-ignored: a route in the Host header gets 404', async () => {
    const r = await once(server('key-value', 'host-route-ignored').port, req('POST', '/', { body: 'b:2', host: '127.0.0.1/create', close: true }));
    expect(r.status).toBe(404);
  });

  it('update-creates: PUT /update of an absent key answers 200 and creates it', async () => {
    const p = server('key-value', 'update-creates');
    expect((await once(p.port, req('PUT', '/update', { body: 'zzz:1', close: true }))).status).toBe(200);
    expect(pairs(await once(p.port, req('GET', '/index.html', { close: true })))).toEqual(['zzz:1']);
  });

  it('no-colon-crash: a body without a colon gets no answer and the process dies', async () => {
    const p = server('key-value', 'no-colon-crash');
    const res = await withConn(p.port, async (c) => {
      c.write(req('POST', '/create', { body: 'nocolon' }));
      return c.maybeResponse({ timeoutMs: 3000 });
    });
    expect(res).toBeUndefined();
    expect(await p.exitsWithin(3000)).toBe(true);
  });

  it('host-routed: every route in the Host header, the path not looked at; a Host without a route is 404', async () => {
    const p = server('key-value', 'host-routed');
    await withConn(p.port, async (c) => {
      expect((await ask(c, req('POST', '/', { host: '127.0.0.1/create', body: 'hr:one' }))).status).toBe(201);
      expect((await ask(c, req('PUT', '/', { host: '127.0.0.1:8080/update', body: 'hr:two' }))).status).toBe(200);
      const r = await ask(c, req('GET', '/', { host: '127.0.0.1/index.html' }));
      expect([r.status, bodyText(r).includes('hr:two')]).toEqual([200, true]);
      expect((await ask(c, req('GET', '/index.html', { host: 'localhost' }))).status).toBe(404);
    });
    expect(p.exited).toBe(false);
  });

  it('json-store-unlocked: of eight creates sent at once, all acknowledged, some are not in the index', async () => {
    const p = server('key-value', 'json-store-unlocked');
    const acks = await Promise.all(
      Array.from({ length: 8 }, (_, i) => withConn(p.port, async (c) => (await ask(c, req('POST', '/', { host: '127.0.0.1/create', body: `lu${i}:v${i}` }))).status)),
    );
    expect(acks).toEqual(Array(8).fill(201));
    const page = await withConn(p.port, async (c) => bodyText(await ask(c, req('GET', '/', { host: '127.0.0.1/index.html' }))));
    const kept = Array.from({ length: 8 }, (_, i) => page.includes(`lu${i}:v${i}`)).filter(Boolean).length;
    expect(kept).toBeLessThan(8);
  });

  it('host-routed-crash: a Host without a route gets no answer and the process dies', async () => {
    const p = server('key-value', 'host-routed-crash');
    const res = await withConn(p.port, async (c) => {
      c.write(req('GET', '/', { host: 'localhost' }));
      return c.maybeResponse({ timeoutMs: 3000 });
    });
    expect(res).toBeUndefined();
    expect(await p.exitsWithin(3000)).toBe(true);
  });
});
