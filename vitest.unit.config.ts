import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the judging core without sockets, in seconds (checks and their verifiers, the
 * HTTP/1 parser, the generators, reporters, the runner's policy, the layer rule, the docs' links). A
 * connect or a listen throws here (test/setup/no-sockets.ts), so the tier stays what it says. `npm test`
 * runs these files too, with everything else.
 */
export const UNIT_TESTS = [
  'test/layers.test.ts',
  'test/arbitraries/**/*.test.ts',
  'test/http1/**/*.test.ts',
  'test/checks/cites.test.ts',
  'test/checks/ids-literal.test.ts',
  'test/checks/peer-cases.test.ts',
  'test/checks/sources.test.ts',
  'test/checks/verify.test.ts',
  'test/checks/byo-course.test.ts',
  'test/cli/jobs.test.ts',
  'test/corpus/store.test.ts',
  'test/docs/**/*.test.ts',
  'test/reporters/**/*.test.ts',
  'test/runner/class-phase.test.ts',
  'test/runner/exit-within.test.ts',
  'test/runner/pace.test.ts',
  'test/runner/score.test.ts',
  'test/runner/shrink-budget.test.ts',
  'test/runner/unit-loop.test.ts',
  'test/runner/side-by-side.test.ts',
  'test/setup/**/*.test.ts',
  'test/util/**/*.test.ts',
];

export default defineConfig({
  ssr: { resolve: { conditions: ['module', 'node', 'development|production', 'wiregrade-source'] } },
  test: {
    include: UNIT_TESTS,
    // It runs a zoo server that dies (a socket test in a reporter's folder).
    exclude: ['test/reporters/text-consequence.test.ts'],
    setupFiles: ['test/setup/no-sockets.ts'],
    testTimeout: 20_000,
    pool: 'threads',
    // One module graph per worker (the catalogue is loaded once, not once per file): these files share no state.
    isolate: false,
  },
});
