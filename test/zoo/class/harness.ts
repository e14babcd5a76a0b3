/**
 * Classes for the class-phase tests (issue 24): submissions made from the zoo, each started in a scratch
 * folder of its own on a free port, with a control that tells a death and starts the server again in
 * the same folder, as `grade` does.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchServer, type LaunchedServer } from '../../../src/supervise/launch.js';
import type { ClassServerControl } from '../../../src/runner/class-run.js';
import type { Endpoint } from '../../../src/wire/types.js';
import { ZOO_SERVERS_DIR } from '../manifest.js';
import { profileZooServer } from '../profiles/manifest.js';
import { START_MS } from '../../helpers/env.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ClassMember {
  /** The submission's name (a student). */
  name: string;
  correct: boolean;
  /** The zoo server it is made from. */
  slug: string;
  /** Fill a scratch folder; returns the cwd and the command line for a port. */
  prepare(root: string): Promise<{ cwd: string; argv: (port: number) => string[] }>;
}

export interface RunningMember {
  member: ClassMember;
  target: Endpoint;
  control: ClassServerControl;
  stop(): Promise<void>;
}

const STUDENTS = ['ada', 'bo', 'cyd', 'dee', 'eli', 'fay', 'gus', 'hal', 'ivy', 'jo'];

/** A record-store zoo server as a student's submission: the Python ones through variant.py (a Server field of their own). */
function zooMember(slug: string, i: number, correct: boolean): ClassMember {
  const student = `${STUDENTS[i % STUDENTS.length]}-${slug}`;
  const node = slug === 'correct-node';
  const plain = node || slug === 'correct-asyncio';
  return {
    name: `${slug}-${i + 1}`,
    correct,
    slug,
    prepare: async () => ({
      cwd: plain ? path.join(ZOO_SERVERS_DIR, slug) : HERE,
      argv: (port) => (node ? [process.execPath, 'server.js', String(port)] : plain ? ['python3', 'server.py', String(port)] : ['python3', 'variant.py', slug, student, String(port)]),
    }),
  };
}

/** The buggy record-store servers of the zoo class, each handed in twice. */
export const ZOO_CLASS_BUGGY = [
  'post-200',
  'missing-is-200',
  'unknown-method-400',
  'garbage-405',
  'no-505',
  'head-with-body',
  'head-cl-zero',
  'patch-replaces',
  'delete-keeps',
  'lost-update',
  'crash-no-colon',
  'no-content-length',
  '200-for-everything',
] as const;

/** The zoo class: the three correct implementations (11 submissions) and each buggy server twice. */
export function zooClass(): ClassMember[] {
  const correct = [
    ...[0, 1, 2, 3, 4].map((i) => zooMember('correct-threaded', i, true)),
    ...[0, 1, 2].map((i) => zooMember('correct-node', i, true)),
    ...[0, 1, 2].map((i) => zooMember('correct-asyncio', i, true)),
  ];
  const buggy = ZOO_CLASS_BUGGY.flatMap((slug) => [0, 1].map((i) => zooMember(slug, i, false)));
  return [...correct, ...buggy];
}

/** A key-value server of the profile zoo as a submission (a scratch copy with `_lib` and `_common` beside it). */
export function kvMember(slug: string, i: number): ClassMember {
  const z = profileZooServer('key-value', slug);
  return {
    name: `${slug}-${i + 1}`,
    correct: z.kind === 'correct',
    slug,
    prepare: async (root) => {
      const dir = path.join(root, slug);
      await fs.cp(z.dir, dir, { recursive: true });
      await fs.cp(z.lib, path.join(root, '_lib'), { recursive: true });
      await fs.cp(z.common, path.join(root, '_common'), { recursive: true });
      return { cwd: dir, argv: (port) => z.cmd(port) };
    },
  };
}

/**
 * The key-value class of a course that teaches routes in the Host header: the two correct servers
 * (path-or-Host, Host-only) four times each, and the Host-route-ignored, Host-routed-crash,
 * unlocked-store and update-creates bugs twice each.
 */
export function kvClass(): ClassMember[] {
  const correct = ['correct', 'host-routed'].flatMap((s) => [0, 1, 2, 3].map((i) => kvMember(s, i)));
  const buggy = ['host-route-ignored', 'host-routed-crash', 'json-store-unlocked', 'update-creates'].flatMap((s) => [0, 1].map((i) => kvMember(s, i)));
  return [...correct, ...buggy];
}

async function launch(argv: string[], cwd: string, port: number): Promise<LaunchedServer> {
  const r = await launchServer({ cmd: argv, cwd, port, host: '127.0.0.1', startTimeoutMs: START_MS });
  if (r.kind !== 'listening') throw new Error(`${argv.join(' ')} did not listen: ${r.kind}`);
  return r.server;
}

/** Starts one submission in a scratch folder of its own. */
export async function startMember(member: ClassMember): Promise<RunningMember> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `wiregrade-class-${member.name}-`));
  const { cwd, argv } = await member.prepare(root);
  const port = await freePort();
  let server: LaunchedServer;
  try {
    server = await launch(argv(port), cwd, port);
  } catch (err) {
    await fs.rm(root, { recursive: true, force: true });
    throw err;
  }
  const control: ClassServerControl = {
    exited: () => (server.isAlive() ? null : (server.exitInfo() ?? { code: null, signal: null })),
    restart: async () => {
      await server.kill('SIGKILL');
      try {
        server = await launch(argv(port), cwd, port);
        return { ok: true };
      } catch {
        return { ok: false };
      }
    },
  };
  return {
    member,
    target: { host: '127.0.0.1', port },
    control,
    stop: async () => {
      await server.kill();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on each member, `jobs` at a time, each started before and stopped after. */
export async function eachRunning<T>(members: readonly ClassMember[], jobs: number, fn: (m: RunningMember) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(members.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= members.length) return;
      const m = await startMember(members[i]!);
      try {
        out[i] = await fn(m);
      } finally {
        await m.stop();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, members.length) }, worker));
  return out;
}
