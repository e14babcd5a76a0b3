import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** HOST:PORT the reference-server tests run against (WIREGRADE_TARGET), or '' for a server of each file's own. */
    wiregradeTarget: string;
  }
}

/**
 * Global setup: the tests that judge "the reference server" (the properties, the whole catalogue, the
 * committed corpus) run against `WIREGRADE_TARGET=host:port` when it is set; otherwise each of those
 * files starts a reference server of its own (test/helpers/target.ts).
 */
export default function setup(project: TestProject): void {
  project.provide('wiregradeTarget', process.env.WIREGRADE_TARGET ?? '');
}
