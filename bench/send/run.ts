/**
 * bench/send (not in CI): a fixed 10 KB in-memory body through sendStreamResponse against a bare
 * `res.end()` of the same bytes in the same process, wrk with 100 connections, median of the runs
 * (alternating, so both see the same machine load). Usage:
 *   npx tsc -p . && node dist/bench/send/run.js [--seconds 4] [--runs 3]
 * The server listens on 127.0.0.1 only; every load loop is bounded in time.
 */
import { spawn } from 'node:child_process';
import { benchOption, canConnect, median, wrkRequestsPerSec } from '../lib/bench-kit';
import { join, resolve } from 'node:path';

const SECONDS = benchOption('seconds', 4);
const RUNS = benchOption('runs', 3);
const repo = resolve(__dirname, '..', '..', '..');
function wrk(port: number, path: string): number {
  return wrkRequestsPerSec(port, path, 100, SECONDS);
}

async function main(): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, [join(repo, 'dist', 'bench', 'send', 'server.js'), String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    let up = false;
    for (let i = 0; i < 400 && !up; i++) {
      up = await canConnect(port);
      if (!up) await new Promise((r) => setTimeout(r, 25));
    }
    if (!up) throw new Error(`port ${port} never opened`);
    const plain: number[] = [];
    const plan: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(wrk(port, '/plain'));
      plan.push(wrk(port, '/plan'));
    }
    const fmt = (v: number) => v.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    process.stdout.write([
      `10 KB body, wrk ${SECONDS}s, 100 conn, median of ${RUNS}`,
      '',
      '| path | req/s | vs res.end() |',
      '| --- | --- | --- |',
      `| bare res.end(buffer) | ${fmt(median(plain))} | 1.00× |`,
      `| sendStreamResponse, one in-memory part | ${fmt(median(plan))} | ${(median(plan) / median(plain)).toFixed(2)}× |`,
      '',
    ].join('\n'));
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
