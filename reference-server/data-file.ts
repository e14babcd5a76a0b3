/**
 * The durable store's file: a JSON object mapping record names to records.
 *
 * Saving is atomic and durable: the whole store is written to a temporary file in the same directory, the
 * temporary file is fsynced, renamed over the data file, and the directory is fsynced so the rename itself
 * survives a crash. A reader (or a restart after `kill -9`) sees either the old file or the new one, never
 * a mix. A file that cannot be read or understood is never written to: opening it fails instead.
 */
import { open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { isRecordName } from './names.js';
import { isJsonObject, MAX_RECORD_DEPTH, nestsDeeperThan, type JsonObject } from './records.js';

/** The data file cannot be used; the message is one sentence meant for the person starting the server. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

export class DataFile {
  private readonly temporaryPath: string;

  private constructor(readonly path: string) {
    this.temporaryPath = `${path}.tmp`;
  }

  /** Opens `file` and reads the records in it; a missing file is an empty store. */
  static async open(file: string): Promise<{ file: DataFile; records: Map<string, JsonObject> }> {
    const absolute = path.resolve(file);
    const text = await readIfExists(absolute);
    const records = text === null ? new Map<string, JsonObject>() : parseStore(absolute, text);
    return { file: new DataFile(absolute), records };
  }

  async save(records: ReadonlyMap<string, JsonObject>): Promise<void> {
    const text = `${JSON.stringify(Object.fromEntries(records), null, 2)}\n`;
    const handle = await open(this.temporaryPath, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.temporaryPath, this.path);
    await syncDirectory(path.dirname(this.path));
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new DataFileError(`cannot read the data file ${file} (${code ?? String(error)}); it was left untouched`);
    }
  }
  const directory = path.dirname(file);
  const directoryStat = await stat(directory).catch(() => null);
  if (directoryStat === null || !directoryStat.isDirectory()) {
    throw new DataFileError(`cannot create the data file ${file}: the directory ${directory} does not exist`);
  }
  return null;
}

function parseStore(file: string, text: string): Map<string, JsonObject> {
  // An empty (or blank) file holds nothing to lose: it is an empty store.
  if (text.trim() === '') return new Map();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(
      `the data file ${file} is not valid JSON (${(error as Error).message}); it was left untouched`,
    );
  }
  const invalid = (reason: string): DataFileError =>
    new DataFileError(`the data file ${file} is not a record store (${reason}); it was left untouched`);
  if (!isJsonObject(value)) throw invalid('it must be a JSON object mapping record names to records');
  const records = new Map<string, JsonObject>();
  for (const [name, record] of Object.entries(value)) {
    if (!isRecordName(name)) throw invalid(`${JSON.stringify(name)} is not a record name`);
    if (!isJsonObject(record)) throw invalid(`the record ${JSON.stringify(name)} is not a JSON object`);
    if (nestsDeeperThan(record, MAX_RECORD_DEPTH)) {
      throw invalid(`the record ${JSON.stringify(name)} nests deeper than ${MAX_RECORD_DEPTH} levels`);
    }
    records.set(name, record);
  }
  return records;
}

/** fsync a directory, so that a rename in it is on disk; a no-op where directories cannot be opened. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}
