/**
 * `--workers N|auto` (INTERFACE.md §2): node:cluster. The primary forks N workers that each run a
 * whole gateway; the listening sockets are shared through the primary (cluster's round-robin
 * scheduling on Linux), so `--listen HOST:0` binds one port for all of them. The primary relays
 * SIGHUP (each worker reloads) and SIGTERM/SIGINT (each drains, then exits), announces
 * `listening on …` once every worker is ready, and replaces a worker that dies unexpectedly.
 *
 * Metrics: each worker keeps its own registry and the metrics port is shared like the others, so
 * one scrape reads one worker's counters; scrape with `workers: 1` per process (one replica per
 * core, as docker/k8s.yaml does) where exact totals matter.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';

export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? Math.max(1, availableParallelism()) : setting;
}

export interface WorkerReady {
  readonly type: 'smoothgate:listening';
  readonly addresses: readonly string[];
}

/** Runs the primary: resolves with the exit code once every worker has exited after a stop signal. */
export function runCluster(count: number, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let announced = false;
    let exitCode = 0;
    const ready = new Map<number, readonly string[]>();
    const fork = (): Worker => {
      const worker = cluster.fork();
      worker.on('message', (message: WorkerReady) => {
        if (message && message.type === 'smoothgate:listening') {
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
}
