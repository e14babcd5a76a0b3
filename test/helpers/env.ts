/**
 * What the end-to-end tests take from the environment, so a slow or loaded machine can give them room
 * without editing a test. Ports are never configured: every server a test starts gets a free port from
 * the kernel at run time (the zoo's hostile-hardcoded-port takes its "hard-coded" one from
 * ZOO_HARDCODED_PORT, a free port its test finds at run time).
 */

/** How long a server a test starts may take to listen: WIREGRADE_TEST_START_MS, default 10 s. */
export const START_MS = positive(process.env.WIREGRADE_TEST_START_MS, 10_000);

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}
