/**
 * The unit tier's promise, held true (`npm run test:unit`, vitest.unit.config.ts): no test in it opens a
 * socket. A connect or a listen throws, so a test that needs a server fails here and belongs in the
 * full tier (`npm test`), which runs every file, these included.
 */
import net from 'node:net';

const refuse = (what: string) =>
  function (): never {
    throw new Error(`the unit tier (npm run test:unit) opens no socket, and this test tried to ${what}: list its file in the full tier only (vitest.unit.config.ts)`);
  };

net.Socket.prototype.connect = refuse('connect') as typeof net.Socket.prototype.connect;
net.Server.prototype.listen = refuse('listen') as typeof net.Server.prototype.listen;
