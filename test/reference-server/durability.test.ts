/**
 * The durable store (--data FILE): every acknowledged write survives `kill -9`; a file that cannot be
 * used stops the start with one clear sentence and is never touched; writers never lose updates.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataFileError, startReferenceServer } from '../../reference-server/index.js';
import { killAllChildren, spawnServer, startChildServer } from './child.js';
import { expectJson } from './expect-helpers.js';
import { closeAllClients, http, RawClient, request } from './raw.js';

let directory: string;
let counter = 0;
const freshFile = (): string => path.join(directory, `store-${++counter}.json`);

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'wiregrade-reference-'));
});
afterEach(async () => {
  closeAllClients();
  await killAllChildren();
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('kill -9 loses nothing acknowledged', () => {
  it('keeps every acknowledged write across 20 SIGKILLs, some in the middle of writes', async () => {
    const file = freshFile();
    /** What acknowledged writes say each record is: a body, or null for deleted. */
    const model = new Map<string, unknown>();

    for (let round = 0; round < 20; round++) {
      const server = await startChildServer(['--data', file]);

      // Everything acknowledged so far is there, exactly.
      const checker = await RawClient.connect(server.port);
      for (const [name, body] of model) {
        await checker.send(http('GET', `/${name}`));
        const response = await checker.next();
        if (body === null) expect(response.status, `/${name} after round ${round}`).toBe(404);
        else expectJson(response, 200, body);
      }
      checker.destroy();

      // Concurrent writes on separate connections; SIGKILL as soon as the fourth is acknowledged, so the
      // others are cut off at whatever point they had reached.
      const present = [...model].filter(([, body]) => body !== null).map(([name]) => name);
      // An acknowledged write updates the model; an unacknowledged one may or may not have happened, so its
      // record is dropped from the model (and, for a DELETE, never written again).
      const writes: Array<{ bytes: string; apply: () => void; forget: () => void }> = [];
      for (let i = 0; i < 5; i++) {
        const name = `r${round}-${i}`;
        const body = { round, i, text: 'x'.repeat(i * 10) };
        writes.push({
          bytes: http('POST', `/${name}`, { body: JSON.stringify(body) }),
          apply: () => model.set(name, body),
          forget: () => model.delete(name),
        });
      }
      const counterBody = { round };
      writes.push({
        bytes: http('PUT', '/counter', { body: JSON.stringify(counterBody) }),
        apply: () => model.set('counter', counterBody),
        forget: () => model.delete('counter'),
      });
      const victim = present.find((name) => name !== 'counter');
      if (victim !== undefined) {
        writes.push({ bytes: http('DELETE', `/${victim}`), apply: () => model.set(victim, null), forget: () => model.delete(victim) });
      }

      let acknowledged = 0;
      let killed = false;
      await Promise.all(
        writes.map(async (write) => {
          const client = await RawClient.connect(server.port);
          await client.send(write.bytes);
          let response;
          try {
            response = await client.next({ timeoutMs: 5000 });
          } catch {
            expect(killed).toBe(true); // no answer only because the server was killed
            write.forget();
            return;
          }
          expect(response.status).toBeLessThan(300);
          write.apply();
          if (++acknowledged === 4) {
            killed = true;
            server.kill('SIGKILL');
          }
        }),
      );
      if (!killed) server.kill('SIGKILL');
      expect((await server.exited).signal).toBe('SIGKILL');
    }

    // Finally: the file is a plain JSON object holding every acknowledged record.
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    for (const [name, body] of model) {
      if (body === null) expect(onDisk).not.toHaveProperty([name]);
      else expect(onDisk[name]).toEqual(body);
    }
  }, 240_000); // 20 starts of a child server through tsx: under a second each idle, 3 s or more each beside the whole suite (60 s ran out in CI)

  it('stops cleanly on SIGTERM (exit 0) with the data on disk', async () => {
    const file = freshFile();
    const server = await startChildServer(['--data', file]);
    expectJson(await request(server.port, http('PUT', '/t', { body: '{"t":1}' })), 201);
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ t: { t: 1 } });
  });
});

describe('a data file that cannot be used', () => {
  const unusable: Array<[string, string, RegExp]> = [
    ['truncated JSON', '{"a": {"x": 1}, ', /not valid JSON/],
    ['not JSON at all', 'a,b,c\n1,2,3\n', /not valid JSON/],
    ['a JSON array', '[{"a":1}]', /not a record store/],
    ['a bad record name', '{"a/b": {}}', /not a record store/],
    ['a record that is not an object', '{"a": [1]}', /not a record store/],
    ['a record nested too deeply', `{"a": {"b": ${'['.repeat(300)}${']'.repeat(300)}}}`, /nests deeper than 256 levels/],
  ];
  for (const [label, content, message] of unusable) {
    it(`rejects ${label} and leaves the file untouched`, async () => {
      const file = freshFile();
      await writeFile(file, content);
      const failure = await startReferenceServer({ data: file }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DataFileError);
      expect((failure as Error).message).toMatch(message);
      expect((failure as Error).message).toContain(file);
      expect(await readFile(file, 'utf8')).toBe(content);
    });
  }

  it('makes the command exit 1 with one sentence on stderr, and leaves the file untouched', async () => {
    const file = freshFile();
    const content = '{"a": {"x": 1}, "b": ';
    await writeFile(file, content);
    const child = spawnServer(['--data', file]);
    expect((await child.exited).code).toBe(1);
    const stderr = child.stderr();
    expect(stderr).toMatch(/^wiregrade serve: the data file .* is not valid JSON .*\.\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(child.stdout()).toBe('');
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('rejects a data file that is a directory, or in a directory that does not exist', async () => {
    await expect(startReferenceServer({ data: directory })).rejects.toThrow(/cannot read the data file/);
    await expect(startReferenceServer({ data: path.join(directory, 'missing', 'x.json') })).rejects.toThrow(/does not exist/);
  });
});

describe('the data file', () => {
  it('starts empty when the file does not exist, and writes it on the first change', async () => {
    const file = freshFile();
    const server = await startReferenceServer({ data: file });
    try {
      expectJson(await request(server.port, http('GET', '/')), 300, []);
      await expect(readFile(file)).rejects.toThrow();
      expectJson(await request(server.port, http('POST', '/a', { body: '{"v":"é"}' })), 201);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ a: { v: 'é' } });
    } finally {
      await server.close();
    }
  });

  it('treats an empty file as an empty store', async () => {
    const file = freshFile();
    await writeFile(file, '');
    const server = await startReferenceServer({ data: file });
    try {
      expectJson(await request(server.port, http('GET', '/')), 300, []);
    } finally {
      await server.close();
    }
  });

  it('loads what an earlier server saved, including awkward names', async () => {
    const file = freshFile();
    const first = await startReferenceServer({ data: file });
    await request(first.port, http('PUT', '/__proto__', { body: '{"__proto__":{"x":1}}' }));
    await request(first.port, http('PUT', '/b', { body: '{"b":2}' }));
    await request(first.port, http('PATCH', '/b', { body: '{"c":3}' }));
    await request(first.port, http('PUT', '/gone', { body: '{}' }));
    await request(first.port, http('DELETE', '/gone'));
    await first.close();
    const second = await startReferenceServer({ data: file });
    try {
      expectJson(await request(second.port, http('GET', '/')), 300, ['/__proto__', '/b']);
      expectJson(await request(second.port, http('GET', '/__proto__')), 200, JSON.parse('{"__proto__":{"x":1}}'));
      expectJson(await request(second.port, http('GET', '/b')), 200, { b: 2, c: 3 });
    } finally {
      await second.close();
    }
  });

  it('loses no update from concurrent writers', async () => {
    const file = freshFile();
    const server = await startReferenceServer({ data: file });
    try {
      await request(server.port, http('PUT', '/shared', { body: '{}' }));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? request(server.port, http('PATCH', '/shared', { body: `{"f${i}":${i}}` }))
            : request(server.port, http('POST', `/own${i}`, { body: `{"i":${i}}` })),
        ),
      );
      for (const response of results) expect([200, 201]).toContain(response.status);
      const expectedShared = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`f${k * 2}`, k * 2]));
      expectJson(await request(server.port, http('GET', '/shared')), 200, expectedShared);
      const onDisk = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(onDisk.shared).toEqual(expectedShared);
      expect(Object.keys(onDisk)).toHaveLength(21);
      // Two POSTs of one name at once: exactly one wins.
      const racing = await Promise.all([0, 1, 2].map((i) => request(server.port, http('POST', '/race', { body: `{"w":${i}}` }))));
      expect(racing.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    } finally {
      await server.close();
    }
  });
});
