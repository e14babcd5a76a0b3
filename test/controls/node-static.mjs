// A small static file server on node:http, as a Node user would write one: the control suite's fifth
// server. Usage: node node-static.mjs PORT ROOT (listens on 127.0.0.1).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const [port, root] = process.argv.slice(2);
const base = path.resolve(root);

createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // Read the body first, as a careful server does: the answer then follows the whole request (a 405 sent
    // before the body was parsed would make a framing error in the body look like a second answer).
    req.resume();
    req.on('error', () => {});
    req.on('end', () => {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
    });
    return;
  }
  let file;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    file = path.join(base, path.normalize(decodeURIComponent(url.pathname)));
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end('bad request\n');
    return;
  }
  if (!file.startsWith(base)) {
    res.writeHead(403, { 'Content-Type': 'text/plain' });
    res.end('forbidden\n');
    return;
  }
  try {
    const body = await readFile(file.endsWith(path.sep) ? path.join(file, 'index.html') : file);
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }
}).listen(Number(port), '127.0.0.1');
