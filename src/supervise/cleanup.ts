/**
 * What must not outlive this process, whatever ends it: the process groups it started (killed), the
 * scratch folders it made (removed), and a terminal left with its cursor hidden (restored). On SIGINT,
 * SIGTERM and SIGHUP everything registered is undone at once, synchronously, and the process exits with
 * 128 + the signal's number (130, 143, 129). Nothing here prints.
 */
import fs from 'node:fs';
import os from 'node:os';

const groups = new Set<number>();
const folders = new Set<string>();
const onSignal = new Set<() => void>();
let installed = false;

function killGroupsNow(): void {
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
}

function removeFoldersNow(): void {
  for (const f of folders) {
    try {
      fs.rmSync(f, { recursive: true, force: true });
    } catch {
      // nothing more can be done
    }
  }
  folders.clear();
}

/** Undoes everything registered now (also used by the exit hook). */
export function cleanUpNow(): void {
  for (const f of [...onSignal]) {
    try {
      f();
    } catch {
      // a restorer must not keep the others from running
    }
  }
  killGroupsNow();
  removeFoldersNow();
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpNow);
}

/** How long `flush` may take after a signal before the process exits anyway. */
export const FLUSH_LIMIT_MS = 15_000;

export interface SignalOptions {
  /**
   * Runs after everything registered was undone (every process group killed, every scratch folder
   * removed), before the exit: writes what is already done (a class's finished grades). Bounded by
   * FLUSH_LIMIT_MS; a second signal meanwhile exits at once.
   */
  flush?: (signal: NodeJS.Signals) => Promise<void>;
}

/**
 * Installs the signal handlers of a command that starts processes or writes scratch folders: on a
 * signal, `before` runs (e.g. stop a progress bar, say "interrupted"), everything registered is undone,
 * `flush` (if any) writes what is done, and the process exits 128 + the signal number. Returns a
 * function that removes the handlers.
 */
export function exitCleanlyOnSignals(before?: (signal: NodeJS.Signals) => void, opts: SignalOptions = {}): () => void {
  install();
  let flushing = false;
  const handlers = SIGNALS.map((sig) => {
    const code = 128 + (os.constants.signals[sig] ?? 1);
    const h = (): void => {
      if (flushing) {
        cleanUpNow();
        process.exit(code);
      }
      // The scratch folders as they are now: work still in flight while `flush` writes (a copy being made)
      // could make one again after it was removed, so they are removed once more before the exit.
      const scratch = [...folders];
      try {
        before?.(sig);
      } finally {
        cleanUpNow();
        if (!opts.flush) process.exit(code);
      }
      flushing = true;
      const done = (): never => {
        clearTimeout(limit);
        for (const f of scratch) folders.add(f);
        cleanUpNow();
        process.exit(code);
      };
      const limit = setTimeout(done, FLUSH_LIMIT_MS);
      void opts
        .flush(sig)
        .catch(() => undefined)
        .finally(done);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}

export function trackGroup(pgid: number): void {
  install();
  groups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  groups.delete(pgid);
}

export function trackFolder(dir: string): void {
  install();
  folders.add(dir);
}

export function untrackFolder(dir: string): void {
  folders.delete(dir);
}

/** Something to undo on a signal besides groups and folders (a hidden cursor). Returns its remover. */
export function onInterrupt(f: () => void): () => void {
  onSignal.add(f);
  return () => onSignal.delete(f);
}

/** The groups still tracked (for tests). */
export function trackedGroups(): number[] {
  return [...groups];
}
