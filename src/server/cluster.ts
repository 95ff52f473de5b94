/**
 * `--workers N|auto` (INTERFACE.md §2): node:cluster. The primary forks N workers that each run a
 * whole gateway; the listening sockets are shared through the primary (cluster's round-robin
 * scheduling on Linux), so `--listen HOST:0` binds one port for all of them. The primary relays
 * SIGHUP (each worker reloads) and SIGTERM/SIGINT (each drains, then exits), announces
 * `listening on …` once every worker is ready, and replaces a worker that dies unexpectedly.
 *
 * Metrics: each worker keeps its own registry; the primary owns the metrics listener and answers
 * every scrape with the sum over all workers (src/server/metrics-aggregate.ts), so `/metrics`
 * shows the totals of the whole server whatever worker count, and `/healthz` turns 503 as soon as
 * the primary starts stopping.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { ListenAddress } from '../config/smoothgate-yaml';
import type { MetricSnapshot } from './metrics';
import { isMetricsReply, sumSnapshots, type MetricsRequest } from './metrics-aggregate';
import { MetricsServer } from './metrics-server';

/** How long a scrape waits for a busy worker's snapshot before rendering without it. */
const SNAPSHOT_TIMEOUT_MS = 2_000;

export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? Math.max(1, availableParallelism()) : setting;
}

export interface WorkerReady {
  readonly type: 'smoothgate:listening';
  readonly addresses: readonly string[];
}

/** Runs the primary: resolves with the exit code once every worker has exited after a stop signal. */
export async function runCluster(count: number, logger: Logger, metricsListen: ListenAddress | null = null): Promise<number> {
  let stopping = false;
  const scrapes = new Map<number, (workerId: number, snapshot: MetricSnapshot[]) => void>();
  let metricsServer: MetricsServer | null = null;
  if (metricsListen) {
    metricsServer = new MetricsServer(metricsListen, () => collectTotals(scrapes), () => stopping);
    try {
      const bound = await metricsServer.listen();
      logger.info({ address: bound }, `metrics on ${bound.address}:${bound.port}`);
    } catch (err) {
      logger.error({ code: (err as { code?: string }).code, err: (err as Error).message }, 'metrics listener failed to start');
      return 2;
    }
  }
  const code = await new Promise<number>((resolve) => {
    let announced = false;
    let exitCode = 0;
    const ready = new Map<number, readonly string[]>();
    const fork = (): Worker => {
      const worker = cluster.fork();
      worker.on('message', (message: WorkerReady | unknown) => {
        if (isMetricsReply(message)) {
          scrapes.get(message.id)?.(worker.id, message.snapshot);
        } else if (isWorkerReady(message)) {
          ready.set(worker.id, message.addresses);
          if (!announced && ready.size === count) {
            announced = true;
            for (const address of message.addresses) logger.info({ workers: count }, `listening on ${address}`);
          }
        }
      });
      return worker;
    };
    const each = (fn: (w: Worker) => void): void => {
      for (const w of Object.values(cluster.workers ?? {})) if (w) fn(w);
    };
    for (let i = 0; i < count; i++) fork();
    cluster.on('exit', (worker, code, signal) => {
      const wasReady = ready.delete(worker.id);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
        return;
      }
      if (!announced && !wasReady) {
        // A worker that dies before it ever listened (port taken, bad certificate …) would die
        // again: stop everything and report a configuration error instead of forking forever.
        logger.error({ worker: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
        stopping = true;
        exitCode = 2;
        each((w) => w.process.kill('SIGTERM'));
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
        return;
      }
      logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting a new one');
      fork();
    });
    process.on('SIGHUP', () => each((w) => w.process.kill('SIGHUP')));
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping workers');
      each((w) => w.process.kill('SIGTERM'));
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await metricsServer?.close();
  return code;
}

function isWorkerReady(message: unknown): message is WorkerReady {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'smoothgate:listening';
}

let nextScrape = 0;

/** Asks every live worker for its metrics and renders their sum (workers that miss the deadline are left out and counted). */
async function collectTotals(scrapes: Map<number, (workerId: number, snapshot: MetricSnapshot[]) => void>): Promise<string> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  const id = ++nextScrape;
  const snapshots = await new Promise<MetricSnapshot[][]>((resolve) => {
    const got = new Map<number, MetricSnapshot[]>();
    const finish = (): void => {
      clearTimeout(timer);
      scrapes.delete(id);
      resolve([...got.values()]);
    };
    const timer = setTimeout(finish, SNAPSHOT_TIMEOUT_MS);
    scrapes.set(id, (workerId, snapshot) => {
      got.set(workerId, snapshot);
      if (got.size === workers.length) finish();
    });
    const request: MetricsRequest = { type: 'smoothgate:metrics-request', id };
    for (const w of workers) w.send(request);
    if (workers.length === 0) finish();
  });
  const totals = sumSnapshots(snapshots);
  totals.gauge('smoothgate_workers', 'Worker processes whose metrics are in this scrape.').set(snapshots.length);
  return totals.render();
}
