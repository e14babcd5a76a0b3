import type { RunEvent } from '../runner/types.js';
import type { CliIO } from './io.js';

const CLEAR = '\r\x1b[2K';

/** The one-line `[n/total] id` counter on a terminal's standard error; silent when `enabled` is false. */
export class Progress {
  private total = 0;
  private shown = false;

  constructor(
    private readonly io: CliIO,
    private readonly enabled: boolean,
  ) {}

  onEvent(e: RunEvent): void {
    if (!this.enabled) return;
    if (e.type === 'start') this.total = e.total;
    else if (e.type === 'check-start') {
      const line = `[${e.index + 1}/${this.total}] ${e.id}`;
      const width = Math.max(20, (this.io.columns ?? 80) - 1);
      this.io.err(CLEAR + (line.length > width ? line.slice(0, width - 1) + '…' : line));
      this.shown = true;
    }
  }

  /** Erases the line (before anything else is printed). */
  clear(): void {
    if (this.shown) this.io.err(CLEAR);
    this.shown = false;
  }
}
