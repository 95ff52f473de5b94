/**
 * Proxy benchmark (issue 4, INTERFACE.md §12; not run by CI): requests/s and p99 latency for a
 * 2.7 KB page (100 connections) and a 1 MiB file (10 connections), fetched
 *   - from the origin directly (nginx serving the files),
 *   - through smoothgate (`serve --backend`, 1 worker and `--workers 2`),
 *   - through Apache's mod_proxy (mpm_event, `ProxyPass … keepalive=On`),
 *   - through nginx `proxy_pass` with a keep-alive `upstream`,
 * all on 127.0.0.1 in one run, access logs off everywhere, with wrk sharing the machine's cores.
 * Prints a table with the median of RUNS runs and the ratio to Apache's mod_proxy.
 *
 *   npm run bench -- proxy          (or: node dist/bench/proxy/run.js [seconds] [runs])
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.argv[2] ?? 5);
const RUNS = Number(process.argv[3] ?? 3);
const CLI = join(__dirname, '..', '..', '..', 'bin', 'smoothgate.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = require('node:net').connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} not ready`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children: ChildProcess[] = [];
function start(cmd: string, args: string[], detached = false): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], detached });
  children.push(child);
  return child;
}

function nginxConf(root: string, port: number, body: string): string {
  return `daemon off;
worker_processes auto;
pid ${root}/nginx-${port}.pid;
error_log ${root}/nginx-${port}-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${root}/tmp-${port};
  proxy_temp_path ${root}/ptmp-${port};
  fastcgi_temp_path ${root}/ftmp-${port};
  uwsgi_temp_path ${root}/utmp-${port};
  scgi_temp_path ${root}/stmp-${port};
  sendfile on;
  keepalive_requests 1000000;
  ${body}
}
`;
}

async function startNginx(root: string, port: number, body: string): Promise<void> {
  const file = join(root, `nginx-${port}.conf`);
  writeFileSync(file, nginxConf(root, port, body));
  start('/usr/sbin/nginx', ['-c', file, '-p', root]);
  await waitForPort(port);
}

async function startApacheProxy(root: string, port: number, origin: string): Promise<void> {
  const dir = join(root, `apache-${port}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const mods = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'];
  const conf = [
    `ServerRoot "${dir}"`,
    `PidFile "${dir}/httpd.pid"`,
    `DefaultRuntimeDir "${dir}"`,
    `Mutex file:${dir} default`,
    `Listen 127.0.0.1:${port}`,
    ...(process.getuid?.() === 0 ? ['User www-data', 'Group www-data'] : []),
    ...mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    'ServerName bench.local',
    `ErrorLog "${dir}/error.log"`,
    'LogLevel error',
    'KeepAlive On',
    'MaxKeepAliveRequests 0',
    '<IfModule mpm_event_module>',
    '  StartServers 2',
    '  ServerLimit 4',
    '  ThreadsPerChild 64',
    '  MaxRequestWorkers 256',
    '</IfModule>',
    `ProxyPass / ${origin}/ keepalive=On`,
    `ProxyPassReverse / ${origin}/`,
  ].join('\n');
  writeFileSync(join(dir, 'httpd.conf'), conf + '\n');
  // Apache in the foreground signals its process group on stop: its own group.
  start('/usr/sbin/apache2', ['-d', dir, '-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], true);
  await waitForPort(port);
}

async function startSmoothgate(root: string, port: number, origin: string, workers: number): Promise<void> {
  const config = join(root, `sg-${port}.yaml`);
  writeFileSync(config, `backend:\n  url: ${origin}\n  connections: 128\nmetrics:\n  listen: null\nlog:\n  access: "off"\n  level: warn\n`);
  start(process.execPath, [CLI, 'serve', '--config', config, '--listen', `127.0.0.1:${port}`, '--workers', String(workers)]);
  await waitForPort(port);
}

interface Result {
  rps: number;
  p99Ms: number;
}

function parseLatencyMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function wrk(url: string, connections: number, seconds = SECONDS): Result {
  const out = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out.stdout)?.[1];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out.stdout);
  if (errors) process.stderr.write(`  note ${url}: ${errors[0]}\n`);
  return { rps, p99Ms: p99 ? parseLatencyMs(p99) : NaN };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  if (!existsSync('/usr/sbin/nginx') || !existsSync('/usr/sbin/apache2') || spawnSync('wrk', ['--version']).error) {
    process.stderr.write('bench/proxy needs nginx, apache2 and wrk (apt-get install -y nginx apache2 wrk)\n');
    process.exit(2);
  }
  const root = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  chmodSync(root, 0o755);
  const docroot = join(root, 'www');
  mkdirSync(docroot, { mode: 0o755 });
  writeFileSync(join(docroot, 'page.html'), `<!doctype html><title>page</title>${'<p>lorem ipsum dolor sit amet</p>\n'.repeat(75)}`.slice(0, 2700));
  writeFileSync(join(docroot, 'file.bin'), Buffer.alloc(1024 * 1024, 7));
  spawnSync('chmod', ['-R', 'a+rX', root]);

  const [origin, sg1, sg2, apache, nginx] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const originUrl = `http://127.0.0.1:${origin}`;
  try {
    await startNginx(root, origin, `server { listen 127.0.0.1:${origin}; root ${docroot}; }`);
    await startNginx(
      root,
      nginx,
      `upstream origin { server 127.0.0.1:${origin}; keepalive 64; }
  server { listen 127.0.0.1:${nginx};
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    );
    await startApacheProxy(root, apache, originUrl);
    await startSmoothgate(root, sg1, originUrl, 1);
    await startSmoothgate(root, sg2, originUrl, 2);
    await new Promise((r) => setTimeout(r, 500));

    const targets: Array<[string, number]> = [
      ['direct (nginx origin)', origin],
      ['smoothgate, 1 worker', sg1],
      ['smoothgate, 2 workers', sg2],
      ['Apache mod_proxy', apache],
      ['nginx proxy_pass', nginx],
    ];
    const cases: Array<[string, string, number]> = [
      ['2.7 KB page', '/page.html', 100],
      ['1 MiB file', '/file.bin', 10],
    ];
    const rows: string[] = [];
    for (const [caseName, path, connections] of cases) {
      for (const [, port] of targets) wrk(`http://127.0.0.1:${port}${path}`, connections, 1); // warm-up
      // Runs are interleaved (target A, B, C, … then again) so that load from elsewhere on a
      // shared machine falls on every target alike; the median of each target's runs is kept.
      const runs = new Map<string, Result[]>(targets.map(([name]) => [name, []]));
      for (let run = 0; run < RUNS; run++) {
        for (const [name, port] of targets) runs.get(name)!.push(wrk(`http://127.0.0.1:${port}${path}`, connections));
      }
      const results = new Map<string, Result>();
      for (const [name] of targets) {
        const r = runs.get(name)!;
        results.set(name, { rps: median(r.map((x) => x.rps)), p99Ms: median(r.map((x) => x.p99Ms)) });
        process.stderr.write(`  ${caseName} ${name}: ${r.map((x) => Math.round(x.rps)).join(' / ')} req/s\n`);
      }
      const apacheRps = results.get('Apache mod_proxy')!.rps;
      const nginxRps = results.get('nginx proxy_pass')!.rps;
      for (const [name] of targets) {
        const r = results.get(name)!;
        rows.push(
          `| ${caseName} (c=${connections}) | ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p99Ms.toFixed(2)} | ${(r.rps / apacheRps).toFixed(2)}× | ${(r.rps / nginxRps).toFixed(2)}× |`,
        );
      }
    }
    process.stdout.write(`\nproxy benchmark: wrk -t2, ${SECONDS}s × ${RUNS} runs (median), loopback, access logs off\n\n`);
    process.stdout.write('| work | through | req/s | p99 ms | vs Apache | vs nginx |\n|---|---|---|---|---|---|\n');
    process.stdout.write(rows.join('\n') + '\n');
  } finally {
    for (const child of children) {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/proxy: ${err instanceof Error ? err.stack : String(err)}\n`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  process.exit(1);
});
