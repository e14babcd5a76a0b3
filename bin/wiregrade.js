#!/usr/bin/env node
// The `wiregrade` command. The sources are TypeScript; tsx loads them in place, so there is no build step
// between a fresh clone (`npm ci`) and `npx wiregrade`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
