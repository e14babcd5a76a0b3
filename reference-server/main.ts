/**
 * Runs the reference server directly: `node bin/run-ts.js reference-server/main.ts [--port P] [--data FILE] …`
 * (the same flags as `wiregrade serve`; see cli.ts).
 */
import { runServeCli } from './cli.js';

process.exitCode = await runServeCli(process.argv.slice(2));
