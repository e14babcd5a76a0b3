import type { CheckResult } from './types.js';

/**
 * One bug, one deduction. A failure that follows from another check's failure (its `because`: the
 * answer broke only the rule that check judges, such as bare-LF line ends that undici then rejects) is
 * linked to that check as its root cause, when the root failed in the same run. A linked failure stays
 * a failure, listed under its root cause in every report, and is not deducted again (see score.ts).
 */
export function linkRootCauses(checks: CheckResult[]): CheckResult[] {
  const failed = new Set(checks.filter((c) => c.verdict === 'fail').map((c) => c.id));
  return checks.map((c) => {
    const root = c.because?.check;
    if (c.verdict !== 'fail' || !root || root === c.id || !failed.has(root)) return c;
    return { ...c, rootCause: root };
  });
}

/** The failures that follow from `root`, in run order. */
export function dependantsOf(checks: readonly CheckResult[], root: string): CheckResult[] {
  return checks.filter((c) => c.rootCause === root);
}
