/**
 * The record store: a map from record name to JSON object, in memory, optionally backed by a data file.
 *
 * Reads see the committed state. Writes go through one queue and are applied in arrival order, so
 * concurrent writers never lose an update and each request is atomic. With a data file, a write resolves
 * only once the state containing it is on disk: the caller sends its 2xx after that, so `kill -9` never
 * loses an acknowledged write. Writes that queue up while the disk is busy are committed together, with
 * one save (group commit); a failed save rejects every write in it and changes nothing.
 */
import { DataFile } from './data-file.js';
import type { JsonObject } from './records.js';

export type { JsonObject } from './records.js';

export type WriteOp =
  /** POST: create, or fail if the record exists. */
  | { readonly kind: 'create'; readonly name: string; readonly record: JsonObject }
  /** PUT: create or replace. */
  | { readonly kind: 'replace'; readonly name: string; readonly record: JsonObject }
  /** PATCH: set the given fields of an existing record (a shallow merge). */
  | { readonly kind: 'merge'; readonly name: string; readonly record: JsonObject }
  /** DELETE. */
  | { readonly kind: 'delete'; readonly name: string };

export type WriteResult =
  | { readonly outcome: 'created' | 'replaced' | 'merged'; readonly record: JsonObject }
  | { readonly outcome: 'deleted' }
  /** create: the record already exists; nothing changed. */
  | { readonly outcome: 'exists' }
  /** merge, delete: there is no such record; nothing changed. */
  | { readonly outcome: 'missing' };

interface PendingWrite {
  readonly op: WriteOp;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

export class RecordStore {
  private queue: PendingWrite[] = [];
  private draining: Promise<void> | null = null;

  private constructor(
    private records: Map<string, JsonObject>,
    private readonly file: DataFile | null,
  ) {}

  static inMemory(): RecordStore {
    return new RecordStore(new Map(), null);
  }

  /** A store backed by `file`; rejects with a DataFileError if the file exists but cannot be used. */
  static async open(file: string): Promise<RecordStore> {
    const opened = await DataFile.open(file);
    return new RecordStore(opened.records, opened.file);
  }

  /** The record names, sorted. */
  names(): string[] {
    return [...this.records.keys()].sort();
  }

  get(name: string): JsonObject | undefined {
    return this.records.get(name);
  }

  write(op: WriteOp): Promise<WriteResult> {
    // In memory there is nothing to wait for: apply at once (JavaScript runs one write at a time anyway).
    if (this.file === null) return Promise.resolve(applyWrite(this.records, op));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once every queued write is settled. */
  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Commits the queue batch by batch. Never rejects: a failure rejects the writes of its batch. */
  private async drain(): Promise<void> {
    const file = this.file as DataFile;
    // Let the writes issued in this same tick join the first batch (and let `draining` be assigned first).
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          const draft = new Map(this.records);
          const results = batch.map(({ op }) => applyWrite(draft, op));
          if (results.some(changesState)) await file.save(draft);
          this.records = draft;
          batch.forEach(({ resolve }, index) => resolve(results[index] as WriteResult));
        } catch (error) {
          batch.forEach(({ reject }) => reject(error));
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

function changesState(result: WriteResult): boolean {
  return result.outcome !== 'exists' && result.outcome !== 'missing';
}

/** Applies one write to `records` and says what happened. Records are never mutated, only replaced. */
function applyWrite(records: Map<string, JsonObject>, op: WriteOp): WriteResult {
  const existing = records.get(op.name);
  switch (op.kind) {
    case 'create':
      if (existing !== undefined) return { outcome: 'exists' };
      records.set(op.name, op.record);
      return { outcome: 'created', record: op.record };
    case 'replace':
      records.set(op.name, op.record);
      return { outcome: existing === undefined ? 'created' : 'replaced', record: op.record };
    case 'merge': {
      if (existing === undefined) return { outcome: 'missing' };
      const merged = { ...existing, ...op.record };
      records.set(op.name, merged);
      return { outcome: 'merged', record: merged };
    }
    case 'delete':
      if (existing === undefined) return { outcome: 'missing' };
      records.delete(op.name);
      return { outcome: 'deleted' };
  }
}
