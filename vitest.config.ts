import { defineConfig } from 'vitest/config';
import LongestFirst from './test/setup/sequencer.js';

export default defineConfig({
  // `wiregrade/config` in a profile file resolves to the sources (package.json's "wiregrade-source"
  // condition), so the tests never depend on a built dist/. The others are Vite's defaults for Node.
  ssr: { resolve: { conditions: ['module', 'node', 'development|production', 'wiregrade-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'reference-server/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs file after file with one module cache, instead of a fresh process per file: importing
    // the grader again for each of the 110 files cost ~80 s of CPU a run (npm test 371 -> 329 s on the
    // 2-core machine). No test depends on a fresh module state: none mocks a module, and a test that
    // changes process.env or a global puts it back.
    isolate: false,
    globalSetup: ['test/setup/target.ts', 'test/setup/python.ts', 'test/setup/compiled-cli.ts'],
    // Two cores, but most test files wait on sockets (a graded server's answers, its deadlines). The zoo
    // matrix holds a worker per file for two to three and a half minutes at about a fifth of a core; with
    // six workers the other ~110 files had four, and ran on for 90 s after the matrix (295 s in all);
    // with eight they fit beside it (217-255 s). Measured again in fresh clones (docs/testing.md), since
    // eight flipped a split verdict of the matrix twice (a server that reads until a short read, its
    // thread later than the 100 ms pause; the split pauses now grow with the server's pace).
    maxWorkers: 8,
    // Tests marked concurrent (the zoo matrix, the controls: each its own server) run three at a time in
    // a file: they wait on sockets, not on the cores (four loaded two busy cores enough to slow a correct
    // answer past the matrix's 1 s deadline).
    maxConcurrency: 3,
    // The longest files first (test/setup/sequencer.ts), also in a fresh clone.
    sequence: { sequencer: LongestFirst },
  },
});
