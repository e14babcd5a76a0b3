/** A bounded tail of a process's output: a server that floods stdout cannot grow our memory. */
/** Keeps the last `cap` bytes written to it, whatever the total. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Total bytes ever pushed. */
  total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.cap <= 0) return;
    if (chunk.length >= this.cap) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.cap))];
      this.size = this.cap;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.cap) {
      const first = this.chunks[0]!;
      const excess = this.size - this.cap;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        // Copy, so the dropped part of a large chunk is not kept alive by a view into it.
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.size -= excess;
      }
    }
  }

  get length(): number {
    return this.size;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  toString(): string {
    return this.toBuffer().toString('utf8');
  }
}
