/** Where the CLI writes. main() takes one so tests can capture the output in-process. */
export interface CliIO {
  /** Standard output (the report). Strings are written as given: callers add the newlines. */
  out(s: string): void;
  /** Standard error (progress, notices, error sentences). */
  err(s: string): void;
  /** Standard error is a terminal: show the one-line progress counter. */
  isTTY: boolean;
  /** Standard output takes ANSI colour (default: `isTTY`). `--no-color` turns it off either way. */
  color?: boolean;
  /** Terminal width for tables (default 120). */
  columns?: number;
}

let pipeGuard = false;

/** The process's standard streams. A reader that goes away (`wiregrade list | head`) is not an error. */
export function processIO(): CliIO {
  if (!pipeGuard) {
    pipeGuard = true;
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
    }
  }
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const envColumns = Number(process.env.COLUMNS);
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    isTTY: process.stderr.isTTY === true,
    color: process.stdout.isTTY === true && !noColor,
    columns: process.stdout.columns ?? (Number.isInteger(envColumns) && envColumns > 0 ? envColumns : undefined),
  };
}

/** A usage or configuration error: one sentence for standard error, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
