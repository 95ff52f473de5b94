/**
 * bench/progressive (not in CI; INTERFACE §12, issue 3): one run against the same 2-hour file, for
 * smoothgate and nginx's mp4 module (Debian nginx, `location ~ \.mp4$ { mp4; }`, defaults otherwise):
 *   - `?start=3600` time to first body byte: first request after start (cold) and warm (median of 21)
 *   - `?start=3600&end=3601` requests/s (the moov work alone), wrk, 8 connections
 *   - `?start=3600` full bodies requests/s, wrk, 8 connections
 *   - RSS idle and peak while 100 slow clients download `?start=3600`
 * smoothgate runs twice: with its output cache (repeat cuts are a lookup) and with only the index
 * cache (every request rewrites the moov). Both servers get one process/worker. Usage:
 *   npx tsc -p . && node dist/bench/progressive/run.js [--seconds 5] [--runs 3]
 * Servers listen on 127.0.0.1 only; every load loop is bounded in time.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { benchOption, median, slowReader, startNginx as startNginxInstance, waitForPort, wrkRequestsPerSec } from '../lib/bench-kit';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname, basename } from 'node:path';

const SECONDS = benchOption('seconds', 5);
const RUNS = benchOption('runs', 3);
const repo = resolve(__dirname, '..', '..', '..');
const media = join(repo, 'bench', '.work', 'long-2h.mp4');

interface Target {
  readonly name: string;
  readonly port: number;
  pids(): number[];
  stop(): Promise<void>;
  /** Starts a fresh process of the same server (cold caches). */
  restart(): Promise<void>;
}

/** Wraps a start function so the target can be stopped and started again as a fresh process. */
async function restartable(name: string, port: number, startProcess: () => Promise<{ pids: () => number[]; stop: () => Promise<void> }>): Promise<Target> {
  let current = await startProcess();
  return {
    name,
    port,
    pids: () => current.pids(),
    stop: () => current.stop(),
    async restart() {
      current = await startProcess();
    },
  };
}

function startNginx(port: number): Promise<Target> {
  return restartable('nginx mp4', port, () => startNginxProcess(port));
}

async function startNginxProcess(port: number): Promise<{ pids: () => number[]; stop: () => Promise<void> }> {
  const nginx = await startNginxInstance(port, `  types { video/mp4 mp4; }
  server {
    listen 127.0.0.1:${port};
    root ${dirname(media)};
    location ~ \\.mp4$ { mp4; }
  }`);
  return { pids: () => [nginx.child.pid!, ...childPids(nginx.child.pid!)], stop: () => nginx.stop() };
}

function childPids(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)]).toString().trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function startSmoothgate(name: string, port: number, outputCacheBytes?: number): Promise<Target> {
  return restartable(name, port, () => startSmoothgateProcess(port, outputCacheBytes));
}

async function startSmoothgateProcess(port: number, outputCacheBytes?: number): Promise<{ pids: () => number[]; stop: () => Promise<void> }> {
  const script = join(repo, 'dist', 'bench', 'progressive', 'server.js');
  const argv = [script, dirname(media), String(port), ...(outputCacheBytes !== undefined ? [String(outputCacheBytes)] : [])];
  const child: ChildProcess = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForPort(port);
  return {
    pids: () => [child.pid!],
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Milliseconds from sending the request to the first body byte, on a new connection. */
function firstByteMs(port: number, path: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
      res.once('data', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        res.destroy();
        req.destroy();
        resolvePromise(ms);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function wrk(port: number, path: string, connections: number): number {
  return wrkRequestsPerSec(port, path, connections, SECONDS);
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // process gone
    }
  }
  return kb / 1024;
}

/** 100 clients that read ?start=3600 slowly (16 KiB every 100 ms) for `seconds`; peak RSS sampled. */
async function slowClientsPeakRss(target: Target, path: string, clients: number, seconds: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: clients }, () => slowReader(target.port, path, 16 * 1024, 100)));
  let peak = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    peak = Math.max(peak, rssMb(target.pids()));
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const s of sockets) s.destroy();
  return peak;
}

interface Row {
  name: string;
  ttfbColdMs: number;
  ttfbWarmMs: number;
  rpsMoov: number;
  rpsFull: number;
  rssIdleMb: number;
  rssPeakMb: number;
}

async function measure(target: Target): Promise<Row> {
  const start = `/${basename(media)}?start=3600`;
  const moovOnly = `/${basename(media)}?start=3600&end=3601`;
  // RSS first, on the fresh server (as PEERS.md measured nginx: idle, then 100 slow clients), and
  // before any request: the first slow clients race for the cold index like real first viewers.
  await new Promise((r) => setTimeout(r, 300));
  const rssIdleMb = rssMb(target.pids());
  const rssPeakMb = await slowClientsPeakRss(target, start, 100, 8);
  await target.stop();
  await target.restart();
  const ttfbColdMs = await firstByteMs(target.port, start);
  const warm: number[] = [];
  for (let i = 0; i < 21; i++) warm.push(await firstByteMs(target.port, start));
  const rpsMoov = median(Array.from({ length: RUNS }, () => wrk(target.port, moovOnly, 8)));
  const rpsFull = median(Array.from({ length: RUNS }, () => wrk(target.port, start, 8)));
  return { name: target.name, ttfbColdMs, ttfbWarmMs: median(warm), rpsMoov, rpsFull, rssIdleMb, rssPeakMb };
}

async function main(): Promise<void> {
  if (!existsSync(media)) execFileSync(join(repo, 'bench', 'progressive', 'make-media.sh'), [media], { stdio: 'inherit' });
  const rows: Row[] = [];
  const starters: Array<() => Promise<Target>> = [
    () => startNginx(18181),
    () => startSmoothgate('smoothgate (index + output cache)', 18182),
    () => startSmoothgate('smoothgate (index cache only)', 18183, 0),
  ];
  for (const startTarget of starters) {
    // Drop the page cache's advantage for nobody: read the file once before each server.
    execFileSync('cat', [media], { stdio: ['ignore', 'ignore', 'inherit'] });
    const target = await startTarget();
    try {
      rows.push(await measure(target));
    } finally {
      await target.stop();
    }
  }
  const nginx = rows[0]!;
  const fmt = (v: number, digits = 1): string => v.toFixed(digits);
  const ratio = (v: number, peer: number): string => `${(v / peer).toFixed(2)}×`;
  const lines = [
    `media: ${basename(media)} (${(Number(execFileSync('stat', ['-c', '%s', media]).toString()) / 1e6).toFixed(1)} MB); ${SECONDS}s wrk runs, median of ${RUNS}; TTFB warm = median of 21`,
    '| server | TTFB cold ms | TTFB warm ms | ?start=3600&end=3601 req/s | ?start=3600 full req/s | RSS idle MB | RSS peak, 100 slow clients MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      `| ${r.name} | ${fmt(r.ttfbColdMs)}${r === nginx ? '' : ` (${ratio(r.ttfbColdMs, nginx.ttfbColdMs)})`} | ${fmt(r.ttfbWarmMs, 2)}${r === nginx ? '' : ` (${ratio(r.ttfbWarmMs, nginx.ttfbWarmMs)})`} | ${fmt(r.rpsMoov, 0)}${r === nginx ? '' : ` (${ratio(r.rpsMoov, nginx.rpsMoov)})`} | ${fmt(r.rpsFull, 1)}${r === nginx ? '' : ` (${ratio(r.rpsFull, nginx.rpsFull)})`} | ${fmt(r.rssIdleMb)} | ${fmt(r.rssPeakMb)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
