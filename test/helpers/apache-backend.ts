/**
 * A real Apache 2.4 (Debian's apache2) on 127.0.0.1, started for one test file as the legacy backend
 * (issue 4 "Done when"). The recipe follows ../shared/tools/rewrite-oracle/oracle.py: own ServerRoot,
 * PidFile, DefaultRuntimeDir, file mutex, foreground (`-DFOREGROUND`, prefork children), www-data when root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const APACHE = '/usr/sbin/apache2';
const MODULES_DIR = '/usr/lib/apache2/modules';

export interface ApacheBackend {
  readonly root: string;
  readonly docroot: string;
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function apacheAvailable(): boolean {
  return existsSync(APACHE) && existsSync(MODULES_DIR);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const MIME_TYPES = 'text/html\thtml htm\ntext/plain\ttxt\nvideo/mp4\tmp4\napplication/octet-stream\tbin\n';

/** Starts Apache with `files` (path relative to the docroot → content) and extra `conf` lines. */
export async function startApache(options: {
  files: Record<string, string | Buffer>;
  conf?: string;
  modules?: string[];
}): Promise<ApacheBackend> {
  const root = mkdtempSync(join(tmpdir(), 'sg-apache-'));
  chmodSync(root, 0o755);
  const docroot = join(root, 'htdocs');
  mkdirSync(docroot, { mode: 0o755 });
  for (const [rel, content] of Object.entries(options.files)) {
    const path = join(docroot, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, content, { mode: 0o644 });
  }
  spawnSync('chmod', ['-R', 'a+rX', root]);
  writeFileSync(join(root, 'mime.types'), MIME_TYPES);
  const modules = options.modules ?? ['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers'];
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const lines = [
      `ServerRoot "${root}"`,
      `PidFile "${root}/httpd.pid"`,
      `DefaultRuntimeDir "${root}"`,
      `Mutex file:${root} default`,
      `Listen 127.0.0.1:${port}`,
      ...(process.getuid?.() === 0 ? ['User www-data', 'Group www-data'] : []),
      ...modules.map((m) => `LoadModule ${m}_module "${MODULES_DIR}/mod_${m}.so"`),
      'ServerName www.example.com',
      `ErrorLog "${root}/error.log"`,
      'LogLevel warn',
      'KeepAlive On',
      // Several processes: with `-X` one keep-alive connection (ours, pooled) would block the rest.
      '<IfModule mpm_prefork_module>',
      '  StartServers 4',
      '  MinSpareServers 4',
      '  MaxSpareServers 16',
      '  MaxRequestWorkers 64',
      '</IfModule>',
      'MaxKeepAliveRequests 0',
      'Timeout 20',
      `TypesConfig "${root}/mime.types"`,
      `DocumentRoot "${docroot}"`,
      '<Directory />',
      '  AllowOverride None',
      '  Require all denied',
      '</Directory>',
      `<Directory "${docroot}">`,
      '  Options FollowSymLinks',
      '  AllowOverride All',
      '  Require all granted',
      '</Directory>',
      options.conf ?? '',
    ];
    const confPath = join(root, 'httpd.conf');
    writeFileSync(confPath, lines.join('\n') + '\n');
    const child = spawn(APACHE, ['-d', root, '-f', confPath, '-DFOREGROUND'], {
      stdio: 'ignore',
      env: { ...process.env, LANG: 'C' },
      // Apache in the foreground signals its whole process group when it stops: give it its own
      // (the oracle's start_new_session), or it takes the test runner with it.
      detached: true,
    });
    const pidFile = join(root, 'httpd.pid');
    const deadline = Date.now() + 15_000;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    while (!existsSync(pidFile) && !exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (existsSync(pidFile) && !exited) {
      const backend: ApacheBackend = {
        root,
        docroot,
        port,
        url: `http://127.0.0.1:${port}`,
        process: child,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            await done;
            clearTimeout(timer);
          }
          rmSync(root, { recursive: true, force: true });
        },
      };
      return backend;
    }
    child.kill('SIGKILL');
    lastError = existsSync(join(root, 'error.log')) ? readFileSync(join(root, 'error.log'), 'utf8') : 'no error log';
    if (!/Address already in use/.test(lastError)) break;
  }
  rmSync(root, { recursive: true, force: true });
  throw new Error(`apache did not start: ${lastError.slice(-2000)}`);
}
