import { describe, expect, it } from 'vitest';
import { CPU_SHARE_PER_GRADE, MAX_DEFAULT_JOBS, defaultJobs } from '../../src/cli/jobs.js';

describe('defaultJobs: enough grades at once to keep the free cores busy, since a grade mostly waits', () => {
  it('runs free cores ÷ the CPU share of one grade, at least 1 and at most the cap', () => {
    expect(CPU_SHARE_PER_GRADE).toBeGreaterThan(0);
    expect(CPU_SHARE_PER_GRADE).toBeLessThanOrEqual(1);
    expect(defaultJobs(1, 0)).toBe(Math.round(1 / CPU_SHARE_PER_GRADE));
    expect(defaultJobs(2, 0)).toBe(12);
    expect(defaultJobs(2, 0)).toBeGreaterThan(2); // more than one per core: the point of the default
    expect(defaultJobs(64, 0)).toBe(MAX_DEFAULT_JOBS);
    expect(defaultJobs(0, 0)).toBe(1);
  });

  it('counts only the cores the load average leaves free, but never less than one', () => {
    expect(defaultJobs(2, 1)).toBe(Math.round(1 / CPU_SHARE_PER_GRADE));
    expect(defaultJobs(2, 1)).toBeLessThan(defaultJobs(2, 0));
    expect(defaultJobs(2, 5)).toBe(defaultJobs(1, 0));
    expect(defaultJobs(2, -1)).toBe(defaultJobs(2, 0));
  });
});
