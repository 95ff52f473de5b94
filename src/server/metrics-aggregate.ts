/**
 * Cluster totals for `/metrics` (INTERFACE.md §11 with `--workers N`): every worker keeps its own
 * registry; the primary owns the metrics listener, asks each worker for a snapshot over the cluster
 * IPC channel on every scrape, and renders the sum. Summing is right for every metric we export:
 * counters and histogram buckets add up across processes, and our gauges (open connections, index
 * cache bytes) are per-process amounts whose total is what an operator asks about. Prometheus's own
 * guidance for multi-process servers is the same: export the sum, not one process picked at random.
 */
import { Counter, Gauge, Histogram, MetricsRegistry, type MetricSnapshot } from './metrics';

/** Adds the snapshots of several processes into one registry that renders their totals. */
export function sumSnapshots(perProcess: ReadonlyArray<readonly MetricSnapshot[]>): MetricsRegistry {
  const registry = new MetricsRegistry();
  for (const snapshots of perProcess) {
    for (const m of snapshots) {
      if (m.type === 'histogram') {
        const histogram: Histogram = registry.histogram(m.name, m.help, m.buckets);
        for (const s of m.series) histogram.add(s.labels, s.counts, s.sum, s.count);
      } else if (m.type === 'counter') {
        const counter: Counter = registry.counter(m.name, m.help);
        for (const { labels, value } of m.series) counter.inc(labels, value);
      } else {
        const gauge: Gauge = registry.gauge(m.name, m.help);
        for (const { labels, value } of m.series) gauge.inc(labels, value);
      }
    }
  }
  return registry;
}

/** The IPC messages between the primary and a worker (node:cluster `process.send`). */
export interface MetricsRequest {
  readonly type: 'smoothgate:metrics-request';
  readonly id: number;
}
export interface MetricsReply {
  readonly type: 'smoothgate:metrics-reply';
  readonly id: number;
  readonly snapshot: MetricSnapshot[];
}

export function isMetricsRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'smoothgate:metrics-request';
}

export function isMetricsReply(message: unknown): message is MetricsReply {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'smoothgate:metrics-reply';
}
