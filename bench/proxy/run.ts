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
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

async function startNginx(root: string, port: number, body: string): Promise<number> {
  const file = join(root, `nginx-${port}.conf`);
  writeFileSync(file, nginxConf(root, port, body));
  const child = start('/usr/sbin/nginx', ['-c', file, '-p', root]);
  await waitForPort(port);
  return child.pid!;
}

/** Starts Apache's mod_proxy; returns its pid and its httpd.conf, which smoothgate then loads unchanged. */
async function startApacheProxy(root: string, port: number, origin: string): Promise<{ pid: number; httpdConf: string }> {
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
  const child = start('/usr/sbin/apache2', ['-d', dir, '-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], true);
  await waitForPort(port);
  return { pid: child.pid!, httpdConf: join(dir, 'httpd.conf') };
}

/**
 * smoothgate as the drop-in it is meant to be: it loads the Apache instance's own httpd.conf (its
 * `ProxyPass / origin` decides every request), with the origin as `backend.url` as well.
 */
async function startSmoothgate(root: string, port: number, origin: string, workers: number, httpdConf: string): Promise<number> {
  const config = join(root, `sg-${port}.yaml`);
  writeFileSync(config, `httpdConf: ${httpdConf}\nbackend:\n  url: ${origin}\n  connections: 128\nmetrics:\n  listen: null\nlog:\n  access: "off"\n  level: warn\n`);
  const child = start(process.execPath, [CLI, 'serve', '--config', config, '--listen', `127.0.0.1:${port}`, '--workers', String(workers)]);
  await waitForPort(port);
  return child.pid!;
}

interface Result {
  rps: number;
  p99Ms: number;
  /** CPU time (user + system) the target's processes spent per request, µs. */
  cpuUsPerRequest: number;
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU ticks of a process and all its descendants (Linux /proc), including what exited children
 * left in their parent's cutime/cstime. On a machine shared with wrk and the origin, CPU per
 * request is the fairer measure of a proxy's cost than requests/s alone.
 */
function treeCpuTicks(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // fields[0] is field 3 (state): ppid = field 4, utime 14, stime 15, cutime 16, cstime 17.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      stats.set(Number(name), { ppid: Number(fields[1]), ticks });
    } catch {
      /* exited meanwhile */
    }
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, st] of stats) if (st.ppid === pid) queue.push(child);
  }
  return total;
}

function parseLatencyMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function wrk(url: string, connections: number, seconds = SECONDS, pid = 0): Result {
  const cpuBefore = pid ? treeCpuTicks(pid) : 0;
  const out = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const cpuTicks = pid ? treeCpuTicks(pid) - cpuBefore : NaN;
  const requests = Number(/(\d+) requests in/.exec(out.stdout)?.[1] ?? NaN);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out.stdout)?.[1];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out.stdout);
  if (errors) process.stderr.write(`  note ${url}: ${errors[0]}\n`);
  return { rps, p99Ms: p99 ? parseLatencyMs(p99) : NaN, cpuUsPerRequest: (cpuTicks / TICKS_PER_SECOND) * 1e6 / requests };
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
    const originPid = await startNginx(root, origin, `server { listen 127.0.0.1:${origin}; root ${docroot}; }`);
    const nginxPid = await startNginx(
      root,
      nginx,
      `upstream origin { server 127.0.0.1:${origin}; keepalive 64; }
  server { listen 127.0.0.1:${nginx};
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    );
    const { pid: apachePid, httpdConf } = await startApacheProxy(root, apache, originUrl);
    const sg1Pid = await startSmoothgate(root, sg1, originUrl, 1, httpdConf);
    const sg2Pid = await startSmoothgate(root, sg2, originUrl, 2, httpdConf);
    // Every target must answer the origin's bytes (a 404 page is cheaper than a proxied answer).
    const pageBytes = readFileSync(join(docroot, 'page.html')).length;
    for (const port of [sg1, sg2, apache, nginx]) {
      const answer = await fetch(`http://127.0.0.1:${port}/page.html`);
      const probe = `${answer.status} ${(await answer.arrayBuffer()).byteLength}`;
      if (probe !== `200 ${pageBytes}`) throw new Error(`target on port ${port} answers ${probe} instead of the ${pageBytes}-byte page`);
    }
    await new Promise((r) => setTimeout(r, 500));

    const targets: Array<[string, number, number]> = [
      ['direct (nginx origin)', origin, originPid],
      ['smoothgate, 1 worker', sg1, sg1Pid],
      ['smoothgate, 2 workers', sg2, sg2Pid],
      ['Apache mod_proxy', apache, apachePid],
      ['nginx proxy_pass', nginx, nginxPid],
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
        for (const [name, port, pid] of targets) runs.get(name)!.push(wrk(`http://127.0.0.1:${port}${path}`, connections, SECONDS, pid));
      }
      const results = new Map<string, Result>();
      for (const [name] of targets) {
        const r = runs.get(name)!;
        results.set(name, { rps: median(r.map((x) => x.rps)), p99Ms: median(r.map((x) => x.p99Ms)), cpuUsPerRequest: median(r.map((x) => x.cpuUsPerRequest)) });
        process.stderr.write(`  ${caseName} ${name}: ${r.map((x) => Math.round(x.rps)).join(' / ')} req/s\n`);
      }
      const apacheRps = results.get('Apache mod_proxy')!.rps;
      const nginxRps = results.get('nginx proxy_pass')!.rps;
      for (const [name] of targets) {
        const r = results.get(name)!;
        rows.push(
          `| ${caseName} (c=${connections}) | ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p99Ms.toFixed(2)} | ${(r.rps / apacheRps).toFixed(2)}× | ${(r.rps / nginxRps).toFixed(2)}× | ${r.cpuUsPerRequest.toFixed(0)} |`,
        );
      }
    }
    process.stdout.write(`\nproxy benchmark: wrk -t2, ${SECONDS}s × ${RUNS} runs (median), loopback, access logs off\n\n`);
    process.stdout.write('| work | through | req/s | p99 ms | vs Apache | vs nginx | CPU µs/req (server; direct: origin only) |\n|---|---|---|---|---|---|---|\n');
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
