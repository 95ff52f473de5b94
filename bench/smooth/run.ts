/**
 * bench/smooth (not in CI; issue 5, INTERFACE §12): in one run on the same machine,
 *   - fragment requests/s (wrk, 100 connections) for (a) smoothgate from the plain 2-hour MP4 (index
 *     cached), (b) smoothgate from the same content as an ISMV (`ffmpeg -c copy -f ismv`), (c) nginx
 *     serving the identical fragment bytes (a) returned as a static file — ratios against (c);
 *   - the 2-hour source's manifest: first request in a fresh process (index built, "cold"), and
 *     requests/s once cached (wrk, 8 connections).
 * Media from bench/progressive/make-media.sh (bench/.work, not committed). Usage:
 *   npx tsc -p . && node dist/bench/smooth/run.js [--seconds 5] [--runs 3]
 * Servers listen on 127.0.0.1 only; every load loop is bounded in time.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { benchOption, median, startNginx as startNginxInstance, waitForPort, wrkRequestsPerSec } from '../lib/bench-kit';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SECONDS = benchOption('seconds', 5);
const RUNS = benchOption('runs', 3);
const repo = resolve(__dirname, '..', '..', '..');
const work = join(repo, 'bench', '.work');
const mp4 = join(work, 'long-2h.mp4');
const ismv = join(work, 'long-2h.ismv');

async function startSmoothgate(port: number): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn(process.execPath, [join(repo, 'dist', 'bench', 'smooth', 'server.js'), work, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
}

async function startNginx(port: number, root: string): Promise<() => Promise<void>> {
  const nginx = await startNginxInstance(port, `  default_type video/mp4;
  server { listen 127.0.0.1:${port}; root ${root}; }`);
  return () => nginx.stop();
}

function fetchBytes(port: number, path: string): Promise<{ ms: number; status: number; body: Buffer }> {
  return new Promise((done, reject) => {
    const t0 = process.hrtime.bigint();
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wrk(port: number, path: string, connections: number): number {
  return wrkRequestsPerSec(port, path, connections, SECONDS);
}

async function main(): Promise<void> {
  if (!existsSync(mp4)) execFileSync('bash', [join(repo, 'bench', 'progressive', 'make-media.sh'), mp4], { stdio: 'inherit' });
  if (!existsSync(ismv)) execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', mp4, '-c', 'copy', '-f', 'ismv', ismv], { stdio: 'inherit' });
  const port = 18000 + Math.floor(Math.random() * 2000);
  // A fragment in the middle: any time inside a fragment finds it (INTERFACE §6).
  const fragmentMp4 = '/long-2h.mp4?video=36000000000';
  const fragmentIsmv = '/long-2h.ismv?video=36000000000';
  const manifest = '/long-2h.mp4?manifest=1';

  const coldMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const stop = await startSmoothgate(port);
    const first = await fetchBytes(port, manifest);
    if (first.status !== 200) throw new Error(`manifest: ${first.status}`);
    coldMs.push(first.ms);
    await stop();
  }
  // The source cold in a server that is already serving (one other request answered first, so
  // node's own first-request work is not counted): the index is built, the code is warm.
  const coldIndexMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const stop = await startSmoothgate(port);
    await fetchBytes(port, '/absent.mp4?manifest=1');
    const first = await fetchBytes(port, manifest);
    if (first.status !== 200) throw new Error(`manifest: ${first.status}`);
    coldIndexMs.push(first.ms);
    await stop();
  }
  const stop = await startSmoothgate(port);
  const fragment = await fetchBytes(port, fragmentMp4);
  if (fragment.status !== 200) throw new Error(`fragment: ${fragment.status}`);
  await fetchBytes(port, fragmentIsmv);
  const warmManifestMs = median(await Promise.all([0, 1, 2].map(() => fetchBytes(port, manifest).then((r) => r.ms))));
  const manifestRps = median(Array.from({ length: RUNS }, () => wrk(port, manifest, 8)));
  const mp4Rps = median(Array.from({ length: RUNS }, () => wrk(port, fragmentMp4, 100)));
  const ismvRps = median(Array.from({ length: RUNS }, () => wrk(port, fragmentIsmv, 100)));
  await stop();

  const staticRoot = mkdtempSync(join(tmpdir(), 'sg-bench-static-'));
  writeFileSync(join(staticRoot, 'fragment.mp4'), fragment.body);
  const stopNginx = await startNginx(port + 1, staticRoot);
  const nginxRps = median(Array.from({ length: RUNS }, () => wrk(port + 1, '/fragment.mp4', 100)));
  await stopNginx();
  rmSync(staticRoot, { recursive: true, force: true });

  const fmt = (v: number, digits = 0) => v.toFixed(digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const ratio = (v: number) => `${(v / nginxRps).toFixed(2)}×`;
  process.stdout.write([
    `media: ${dirname(mp4) === work ? 'bench/.work/' : ''}long-2h.mp4 and its -f ismv copy; fragment ${fragment.body.length} bytes; wrk ${SECONDS}s, median of ${RUNS}`,
    '',
    '| work | figure | vs nginx static |',
    '| --- | --- | --- |',
    `| fragment from the plain MP4 (index cached), 100 conn | ${fmt(mp4Rps)} req/s | ${ratio(mp4Rps)} |`,
    `| fragment from the ISMV (index cached), 100 conn | ${fmt(ismvRps)} req/s | ${ratio(ismvRps)} |`,
    `| nginx, the same fragment bytes as a static file, 100 conn | ${fmt(nginxRps)} req/s | 1.00× |`,
    `| 2-hour manifest, first request of a fresh process (cold) | ${fmt(median(coldMs), 1)} ms (runs: ${coldMs.map((m) => m.toFixed(0)).join(', ')}) | — |`,
    `| 2-hour manifest, first request for the source in a running server (index cold) | ${fmt(median(coldIndexMs), 1)} ms (runs: ${coldIndexMs.map((m) => m.toFixed(0)).join(', ')}) | — |`,
    `| 2-hour manifest, cached, single request | ${fmt(warmManifestMs, 2)} ms | — |`,
    `| 2-hour manifest, cached, 8 conn | ${fmt(manifestRps)} req/s | — |`,
    '',
  ].join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
