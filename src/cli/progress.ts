import type { RunEvent } from '../runner/types.js';
import type { CliIO } from './io.js';

const CLEAR = '\r\x1b[2K';
/** How often the line is redrawn while one check or property runs (the elapsed time moves on). */
const TICK_MS = 1000;

function seconds(ms: number): string {
  return ms < 60_000 ? `${Math.floor(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
}

/**
 * The one-line counter on a terminal's standard error: `[233/243] metamorphic.prop.split-invariance ·
 * case 12/500 · 34 s` — the check or property running, for a property the case it is on out of its
 * runs (`shrinking` past them), and the time it has taken once that is over a second. Silent when
 * `enabled` is false.
 */
export class Progress {
  private total = 0;
  private shown = false;
  private head = '';
  private startedAt = 0;
  private cases: { n: number; runs: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly io: CliIO,
    private readonly enabled: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onEvent(e: RunEvent): void {
    if (!this.enabled) return;
    if (e.type === 'start') this.total = e.total;
    else if (e.type === 'check-start') {
      this.head = `[${e.index + 1}/${this.total}] ${e.id}`;
      this.startedAt = this.now();
      this.cases = null;
      this.draw();
      if (!this.timer) {
        this.timer = setInterval(() => this.draw(), TICK_MS);
        this.timer.unref();
      }
    } else if (e.type === 'property-progress') {
      this.cases = { n: e.cases, runs: e.runs };
      this.startedAt = this.now() - e.elapsedMs;
      this.draw();
    }
  }

  /** The current line (for tests): head, case count, elapsed time. */
  line(): string {
    const parts = [this.head];
    if (this.cases) parts.push(this.cases.n > this.cases.runs ? `case ${this.cases.n} (shrinking)` : `case ${this.cases.n}/${this.cases.runs}`);
    const elapsed = this.now() - this.startedAt;
    if (elapsed >= 1000) parts.push(seconds(elapsed));
    return parts.join(' · ');
  }

  private draw(): void {
    if (!this.head) return;
    const line = this.line();
    const width = Math.max(20, (this.io.columns ?? 80) - 1);
    this.io.err(CLEAR + (line.length > width ? line.slice(0, width - 1) + '…' : line));
    this.shown = true;
  }

  /** Erases the line (before anything else is printed) and stops redrawing it. */
  clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.io.err(CLEAR);
    this.shown = false;
  }
}

/** Cells of the class bar. */
const BAR_CELLS = 20;

/**
 * The class counter on a terminal's standard error, one line redrawn as each submission is graded:
 * `grading [██████░░░░░░░░░░░░░░] 3/10 alice: 80/100` (the last submission graded and its score). Silent
 * when `enabled` is false. Its methods are those `grade` calls on a class: start, increment, stop.
 */
export class ClassProgress {
  private total = 0;
  private value = 0;
  private last = '';
  private shown = false;

  constructor(
    private readonly io: CliIO,
    private readonly enabled: boolean,
  ) {}

  start(total: number, value = 0, payload: { last?: string } = {}): void {
    this.total = total;
    this.value = value;
    this.last = payload.last ?? '';
    this.draw();
  }

  increment(by = 1, payload: { last?: string } = {}): void {
    this.value = Math.min(this.total, this.value + by);
    if (payload.last !== undefined) this.last = payload.last;
    this.draw();
  }

  /** The current line (for tests). */
  line(): string {
    const filled = this.total > 0 ? Math.round((this.value / this.total) * BAR_CELLS) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
    return `grading [${bar}] ${this.value}/${this.total}${this.last ? ` ${this.last}` : ''}`;
  }

  private draw(): void {
    if (!this.enabled) return;
    const line = this.line();
    const width = Math.max(20, (this.io.columns ?? 80) - 1);
    this.io.err(CLEAR + (line.length > width ? line.slice(0, width - 1) + '…' : line));
    this.shown = true;
  }

  /** Erases the line (before anything else is printed). */
  stop(): void {
    if (this.shown) this.io.err(CLEAR);
    this.shown = false;
  }
}
