/**
 * Why the runner did what it did to a result, as data: a death, a hang, a refusal, a block by the
 * baseline or by a restart that failed. The runner never phrases these; the reporters do
 * (src/reporters/causes.ts).
 */
import type { Family } from '../checks/types.js';
import type { LaunchFailure } from '../supervise/start.js';

/** How the server was found gone after a check. */
export type DownCause =
  /** The process exited (grade knows; fuzz cannot tell this from `refused`). */
  | {
      kind: 'exited';
      code: number | null;
      signal: string | null;
      /** The last line the process wrote to stderr (a traceback's last line names the crash), when grade saw one. */
      said?: string;
    }
  /** It accepts connections but sent nothing and did not close, twice, the second time with a longer deadline. */
  | { kind: 'hung' }
  /** Nothing accepts connections on its port. */
  | { kind: 'refused' }
  /** The process runs but no longer listens on its port. */
  | { kind: 'stopped-listening' };

export type { LaunchFailure };

/** Why a check was not run. */
export type BlockCause =
  | { kind: 'baseline-failed'; baseline: string }
  /** The server went away after `after` and was not started again. */
  | { kind: 'server-down'; after: string; down: DownCause }
  | { kind: 'restart-failed'; after: string; failure: LaunchFailure }
  /** This family's checks took the server down more often than its restart budget allows. */
  | { kind: 'restart-budget'; family: Family; limit: number }
  /** The server went away again after `after`, and it had been started again as often as allowed. */
  /** `budgetMs`: for a server that exits after serving, the time budget its restarts spent (`limit` is then how many there were). */
  | { kind: 'restarts-spent'; after: string; down: DownCause; limit: number; why: 'checks' | 'hangs' | 'exits-after-serving'; budgetMs?: number }
  | { kind: 'wall-time'; limitMs: number }
  | { kind: 'interrupted'; signal: string }
  /** The server could not be started at all. */
  | { kind: 'not-started'; failure: LaunchFailure }
  /** The server went away in the middle of this check after answering it correctly (it exits after serving a client). */
  | { kind: 'left-after-serving'; down: DownCause };

/** What the runner added to a check's own verdict. */
export type ResultCause =
  /** After this check's request, the server was gone: the check fails for it (whatever it saw before). */
  | { kind: 'died'; down: DownCause; restarted: boolean }
  | { kind: 'blocked'; by: BlockCause }
  /**
   * The server went away after answering correctly (it exits after serving a client): charged once, to
   * `robustness.server.keeps-serving`, with the number of times it happened and the first check after
   * which it did.
   */
  | { kind: 'exits-after-serving'; times: number; firstAfter: string; down: DownCause };

/** The target could not be reached before anything was sent. */
export interface Unreachable {
  kind: 'refused' | 'timeout' | 'error';
  /** The system's words (e.g. `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`), for the curious. */
  message: string;
}
