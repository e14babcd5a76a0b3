/** A point in time that every wait in a check counts down to. */
export class Deadline {
  private readonly at: number;

  constructor(ms: number, now: number = performance.now()) {
    this.at = now + Math.max(0, ms);
  }

  remaining(): number {
    return Math.max(0, this.at - performance.now());
  }

  expired(): boolean {
    return this.remaining() <= 0;
  }
}

/**
 * Resolves after `ms`. The timer keeps the process alive: a run whose only pending work is a pause
 * (the server closed while we were between pieces) must finish that pause and report, not exit.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    setTimeout(resolve, ms);
  });
}
