import type { TestProject } from 'vitest/node';
import { startReferenceServer } from '../../reference-server/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** HOST:PORT the property tests run against: WIREGRADE_TARGET, or a reference server started here. */
    wiregradeTarget: string;
  }
}

/**
 * Global setup: the properties run against `WIREGRADE_TARGET=host:port` when it is set, else against a
 * bundled reference server started once for the whole test run and closed at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.WIREGRADE_TARGET;
  if (given) {
    project.provide('wiregradeTarget', given);
    return async () => {};
  }
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  project.provide('wiregradeTarget', `127.0.0.1:${server.port}`);
  return () => server.close();
}
