import type fc from 'fast-check';
import type { Check, CheckContext, CheckRun } from './types.js';

/**
 * A fast-check property over a server: an arbitrary of cases, and a verification of one case that
 * returns null when the case holds, or the failure. Defined once in `properties/` and run both from
 * vitest and from `wiregrade fuzz`.
 */
export interface PropertyDef<T = unknown> extends Omit<Check, 'run' | 'independent' | 'sideBySide'> {
  /** `replayPath` replays a command sequence exactly (model-based properties; see `commands`). */
  arbitrary(ctx: CheckContext, opts?: { replayPath?: string }): fc.Arbitrary<T>;
  verify(ctx: CheckContext, value: T): Promise<Omit<CheckRun, 'verdict'> | null>;
  /** Cases are sequences of commands (model-based): the replay needs fast-check's replayPath too. */
  commands?: boolean;
  /**
   * Its cases may run ahead side by side when the graded server serves several clients at once
   * (src/runner/property-cases.ts): a case changes no state another case reads, judges only the answers
   * on its own connections, and sends no large request (over 64 KiB), as Check.sideBySide asks of a check.
   */
  casesSideBySide?: boolean;
  /**
   * At most this many of its cases run ahead at once, where a case opens many connections itself (the
   * runner's width counts cases, and a server is asked to serve that many clients at once, not that many
   * times a case's). Absent: the runner's width.
   */
  casesAtOnce?: number;
}

export function defineProperty<T>(p: PropertyDef<T>): PropertyDef<T> {
  return p;
}
