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

/** Resolves after `ms`; never keeps the process alive on its own. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    const t = setTimeout(resolve, ms);
    t.unref();
  });
}
