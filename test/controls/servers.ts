/**
 * The real-server controls: well-regarded HTTP servers, each started on a free loopback port serving a
 * temp folder with an index.html, its config, pid and logs inside that folder (tests run as root in CI,
 * so nothing may go to /var or /run). `start` returns null with a reason when the binary is absent.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchServer, type LaunchedServer } from '../../src/supervise/launch.js';
import { START_MS } from '../helpers/env.js';

export const INDEX_HTML = '<!doctype html>\n<title>wiregrade control</title>\n<p>Hello from the control suite.</p>\n';

export interface RunningControl {
  port: number;
  dir: string;
  server: LaunchedServer;
  stop(): Promise<void>;
}

export interface ControlServer {
  slug: string;
  /** The binary the server needs; the test skips (and says why) when it is absent. */
  binary: string;
  /** argv to run in the foreground, with its config written into `dir`; `www` is the folder to serve. */
  setup(dir: string, www: string, port: number): Promise<string[]>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

function which(bin: string): string | null {
  if (path.isAbsolute(bin)) return existsSync(bin) ? bin : null;
  for (const d of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(d, bin);
    if (existsSync(p)) return p;
  }
  return null;
}

export const controls: ControlServer[] = [
  {
    slug: 'nginx',
    binary: '/usr/sbin/nginx',
    async setup(dir, www, port) {
      const conf = `daemon off;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`;
      await fs.writeFile(path.join(dir, 'nginx.conf'), conf);
      return ['/usr/sbin/nginx', '-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`];
    },
  },
  {
    slug: 'lighttpd',
    binary: '/usr/sbin/lighttpd',
    async setup(dir, www, port) {
      const conf = `server.document-root = "${www}"
server.bind = "127.0.0.1"
server.port = ${port}
server.pid-file = "${dir}/lighttpd.pid"
server.errorlog = "${dir}/error.log"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html" )
`;
      await fs.writeFile(path.join(dir, 'lighttpd.conf'), conf);
      return ['/usr/sbin/lighttpd', '-D', '-f', `${dir}/lighttpd.conf`];
    },
  },
  {
    slug: 'apache2',
    binary: '/usr/sbin/apache2',
    async setup(dir, www, port) {
      const mod = (name: string, file: string) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${file}.so`;
      const conf = `ServerRoot "${dir}"
ServerName localhost
Listen 127.0.0.1:${port}
PidFile "${dir}/httpd.pid"
DefaultRuntimeDir "${dir}"
ErrorLog "${dir}/error.log"
LogLevel warn
${mod('mpm_event', 'mpm_event')}
${mod('authz_core', 'authz_core')}
${mod('dir', 'dir')}
${mod('mime', 'mime')}
User www-data
Group www-data
TypesConfig /etc/mime.types
DocumentRoot "${www}"
<Directory "${www}">
  Require all granted
</Directory>
DirectoryIndex index.html
`;
      await fs.writeFile(path.join(dir, 'httpd.conf'), conf);
      return ['/usr/sbin/apache2', '-D', 'FOREGROUND', '-f', `${dir}/httpd.conf`];
    },
  },
  {
    slug: 'python-http-server',
    binary: 'python3',
    async setup(_dir, www, port) {
      return ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', www];
    },
  },
  {
    slug: 'node-http',
    binary: process.execPath,
    async setup(_dir, www, port) {
      return [process.execPath, path.join(HERE, 'node-static.mjs'), String(port), www];
    },
  },
];

/** Starts a control server on a free port serving a temp folder with index.html; null (and why) when it cannot. */
export async function startControl(c: ControlServer): Promise<RunningControl | { skipped: string }> {
  if (!which(c.binary)) return { skipped: `${c.slug}: ${c.binary} is not installed (apt-get install nginx-light lighttpd apache2)` };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `wiregrade-control-${c.slug}-`));
  // Workers that drop privileges (apache's www-data) must be able to read the folder.
  await fs.chmod(dir, 0o755);
  const www = path.join(dir, 'www');
  await fs.mkdir(www, { mode: 0o755 });
  await fs.writeFile(path.join(www, 'index.html'), INDEX_HTML, { mode: 0o644 });
  const port = await freePort();
  const cmd = await c.setup(dir, www, port);
  const r = await launchServer({ cmd, cwd: dir, port, host: '127.0.0.1', startTimeoutMs: START_MS });
  if (r.kind !== 'listening') {
    await fs.rm(dir, { recursive: true, force: true });
    const tail = 'stderrTail' in r ? r.stderrTail.trim().split('\n').slice(-3).join(' | ') : '';
    throw new Error(`${c.slug} did not start (${r.kind}): ${tail}`);
  }
  const server = r.server;
  return {
    port,
    dir,
    server,
    async stop() {
      await server.kill();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
