#!/usr/bin/env node
// The `wiregrade` command. The sources are TypeScript; tsx loads them in place, so there is no build step
// between a fresh clone (`npm ci`) and `npx wiregrade`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Once the last report is written the command is done: a handle a server under test left open (a socket
// it never closed) must not keep the process alive. Standard streams are synchronous on Linux.
setTimeout(() => process.exit(code), 200).unref();
