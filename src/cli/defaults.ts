/**
 * The defaults the command line shows in its help, in a module of their own: the help is printed (and a
 * command chosen) before the command's own code is loaded.
 */

/** The deadline of each exchange with the server (`--timeout-ms`). */
export const DEFAULT_TIMEOUT_MS = 2000;

/** The fixed default seed of `grade`: the same server gets the same score every time. */
export const GRADE_SEED = 20261121;

/**
 * A user's regression corpus: a folder in the working directory. (The project's own corpus is corpus/
 * in the repository, which `npm run fuzz` names with --corpus.)
 */
export const DEFAULT_CORPUS = 'wiregrade-corpus';
