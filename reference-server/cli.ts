/**
 * `wiregrade serve`: parse the flags, start the server, run until SIGINT or SIGTERM.
 *
 * Exit codes: 0 after a clean stop (or --help), 1 when the server cannot start (an unusable data file, a
 * port in use), 2 for bad flags. Every error is one sentence on standard error.
 */
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { serverUrl, startReferenceServer, type ReferenceServerOptions } from './server.js';

export interface ServeCliIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Stops the server like SIGINT does (for callers that embed the CLI, and for tests). */
  signal?: AbortSignal;
}

const USAGE = `usage: wiregrade serve [options]

Runs the reference server: a record store over HTTP/1.1 (see SPEC.md, "The reference protocol").

  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port to listen on; 0 picks a free one (default 0)
  --data FILE               keep the records in FILE (a JSON object), durably; default: in memory
  --verbose                 log one line per request on standard error
  --max-body BYTES          largest request body (default ${DEFAULT_LIMITS.maxBodyBytes})
  --max-header-bytes BYTES  largest header section (default ${DEFAULT_LIMITS.maxHeaderBytes})
  --header-timeout-ms MS    time allowed for a header section (default ${DEFAULT_LIMITS.headerTimeoutMs})
  --idle-timeout-ms MS      time an idle connection is kept (default ${DEFAULT_LIMITS.idleTimeoutMs})
  --max-connections N       open connections at most (default ${DEFAULT_LIMITS.maxConnections})
  --help                    show this text
`;

type ParsedArgs = { kind: 'run'; options: ReferenceServerOptions } | { kind: 'help' } | { kind: 'error'; message: string };

const LIMIT_FLAGS: Readonly<Record<string, keyof Limits>> = {
  '--max-body': 'maxBodyBytes',
  '--max-header-bytes': 'maxHeaderBytes',
  '--header-timeout-ms': 'headerTimeoutMs',
  '--idle-timeout-ms': 'idleTimeoutMs',
  '--max-connections': 'maxConnections',
};

export function parseServeArgs(argv: readonly string[]): ParsedArgs {
  const options: ReferenceServerOptions = {};
  const limits: Partial<Limits> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--verbose') {
      options.verbose = true;
      continue;
    }
    if (!arg.startsWith('--')) return { kind: 'error', message: `unexpected argument "${arg}" (see --help)` };

    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const known = flag === '--host' || flag === '--port' || flag === '--data' || flag in LIMIT_FLAGS;
    if (!known) return { kind: 'error', message: `unknown option ${flag} (see --help)` };
    let value: string;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) return { kind: 'error', message: `${flag} needs a value` };
      value = next;
      i++;
    }

    if (flag === '--host' || flag === '--data') {
      if (value === '') return { kind: 'error', message: `${flag} needs a non-empty value` };
      if (flag === '--host') options.host = value;
      else options.data = value;
    } else if (flag === '--port') {
      const port = parseInteger(value);
      if (port === null || port > 65535) return { kind: 'error', message: `--port must be an integer from 0 to 65535, not "${value}"` };
      options.port = port;
    } else {
      const amount = parseInteger(value);
      if (amount === null || amount === 0) return { kind: 'error', message: `${flag} must be a positive integer, not "${value}"` };
      limits[LIMIT_FLAGS[flag] as keyof Limits] = amount;
    }
  }
  if (Object.keys(limits).length > 0) options.limits = limits;
  return { kind: 'run', options };
}

function parseInteger(text: string): number | null {
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

export async function runServeCli(argv: string[], io: ServeCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const parsed = parseServeArgs(argv);
  if (parsed.kind === 'help') {
    stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    stderr.write(`wiregrade serve: ${parsed.message}.\n`);
    return 2;
  }

  let server;
  try {
    server = await startReferenceServer({ ...parsed.options, log: (line) => stderr.write(`${line}\n`) });
  } catch (error) {
    stderr.write(`wiregrade serve: ${error instanceof Error ? error.message : String(error)}.\n`);
    return 1;
  }
  stdout.write(`wiregrade reference server listening on ${serverUrl(server)}\n`);
  await stopRequested(io.signal);
  await server.close();
  return 0;
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted === true) stop();
    else signal?.addEventListener('abort', stop);
  });
}
