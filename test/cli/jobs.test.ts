import { describe, expect, it } from 'vitest';
import { CPU_SHARE_PER_GRADE, MAX_DEFAULT_JOBS, defaultJobs } from '../../src/cli/jobs.js';

describe('defaultJobs: enough grades at once to keep every core busy, since a grade mostly waits', () => {
  it('runs cores ÷ the measured CPU share of one grade, at least 1 and at most the cap', () => {
    expect(CPU_SHARE_PER_GRADE).toBeGreaterThan(0);
    expect(CPU_SHARE_PER_GRADE).toBeLessThanOrEqual(1);
    expect(defaultJobs(1)).toBe(Math.round(1 / CPU_SHARE_PER_GRADE));
    expect(defaultJobs(2)).toBe(25);
    expect(defaultJobs(2)).toBeGreaterThan(2); // more than one per core: the point of the default
    expect(defaultJobs(64)).toBe(MAX_DEFAULT_JOBS);
    expect(defaultJobs(0)).toBe(1);
  });
});
