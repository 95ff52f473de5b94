/**
 * A small Prometheus registry (counters, gauges, histograms) rendered in the text exposition format
 * 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats/). Written by hand: the handful of
 * metrics of INTERFACE.md §11 do not justify prom-client and its default collectors.
 */

import { registerGcMetrics, type GcMetrics } from './gc-metrics';

export type Labels = Readonly<Record<string, string>>;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * The identity of a label set, cheap to compute per request (no sort, no escaping): callers pass
 * a metric's labels in one fixed order; `render` does the sorting and escaping.
 */
function keyOf(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

interface Metric {
  readonly name: string;
  readonly help: string;
  render(): string;
  snapshot(): MetricSnapshot;
}

/**
 * A metric's state as plain data, so a cluster primary can collect every worker's over IPC and
 * add them up (src/server/metrics-aggregate.ts). Histogram counts are per bucket, not cumulative.
 */
export type MetricSnapshot =
  | { readonly type: 'counter' | 'gauge'; readonly name: string; readonly help: string; readonly series: ReadonlyArray<{ labels: Labels; value: number }> }
  | {
      readonly type: 'histogram';
      readonly name: string;
      readonly help: string;
      readonly buckets: readonly number[];
      readonly series: ReadonlyArray<{ labels: Labels; counts: number[]; sum: number; count: number }>;
    };

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  snapshot(): MetricSnapshot {
    return { type: 'counter', name: this.name, help: this.help, series: [...this.values.values()].map((e) => ({ ...e })) };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    // An unlabelled counter shows 0 before its first event, so dashboards see it exist.
    if (this.values.size === 0) out += `${this.name} 0\n`;
    for (const { labels, value } of this.values.values()) out += `${this.name}${labelText(labels)} ${formatNumber(value)}\n`;
    return out;
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(value: number, labels: Labels = {}): void {
    this.values.set(keyOf(labels), { labels, value });
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  dec(labels: Labels = {}, by = 1): void {
    this.inc(labels, -by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  snapshot(): MetricSnapshot {
    return { type: 'gauge', name: this.name, help: this.help, series: [...this.values.values()].map((e) => ({ ...e })) };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    if (this.values.size === 0) out += `${this.name} 0\n`;
    for (const { labels, value } of this.values.values()) out += `${this.name}${labelText(labels)} ${formatNumber(value)}\n`;
    return out;
  }
}

/** Latency buckets in seconds: 1 ms … 60 s, the range a media gateway's answers span. */
export const DEFAULT_BUCKETS_SEC = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bucketsUpper: readonly number[] = DEFAULT_BUCKETS_SEC,
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bucketsUpper.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Buckets are stored non-cumulative and summed at render time: one increment per observation.
    const index = this.bucketsUpper.findIndex((upper) => value <= upper);
    if (index >= 0) s.counts[index]!++;
    s.sum += value;
    s.count++;
  }

  /** Adds another process's observations (same buckets) into this histogram. */
  add(labels: Labels, counts: readonly number[], sum: number, count: number): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bucketsUpper.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < s.counts.length; i++) s.counts[i] = (s.counts[i] ?? 0) + (counts[i] ?? 0);
    s.sum += sum;
    s.count += count;
  }

  snapshot(): MetricSnapshot {
    return {
      type: 'histogram',
      name: this.name,
      help: this.help,
      buckets: [...this.bucketsUpper],
      series: [...this.series.values()].map((s) => ({ labels: s.labels, counts: [...s.counts], sum: s.sum, count: s.count })),
    };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bucketsUpper.forEach((upper, i) => {
        cumulative += s.counts[i]!;
        out += `${this.name}_bucket${labelText(s.labels, ['le', formatNumber(upper)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help), Counter);
  }

  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help), Gauge);
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, buckets), Histogram);
  }

  /** Every metric's state as plain data (for the cluster primary's totals). */
  snapshot(): MetricSnapshot[] {
    return [...this.metrics.values()].map((m) => m.snapshot());
  }

  /** The text exposition of every metric, in registration order. */
  render(): string {
    let out = '';
    for (const metric of this.metrics.values()) out += metric.render();
    return out;
  }

  private register<T extends Metric>(name: string, make: () => T, type: new (...args: never[]) => T): T {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof type)) throw new TypeError(`metric ${name} registered with another type`);
      return existing;
    }
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}

/** The metrics of INTERFACE.md §11, created once per process and shared by the pieces that feed them. */
export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly responseBytes: Counter;
  readonly indexCacheHits: Counter;
  readonly indexCacheMisses: Counter;
  readonly indexCacheBytes: Gauge;
  readonly backendErrors: Counter;
  readonly connections: Gauge;
  readonly reloads: Counter;
  readonly gc: GcMetrics;
}

export function createGatewayMetrics(registry = new MetricsRegistry()): GatewayMetrics {
  return {
    registry,
    requests: registry.counter('smoothgate_requests_total', 'Requests answered, by handler and status.'),
    duration: registry.histogram('smoothgate_request_duration_seconds', 'Time from request head to the last byte, by handler.'),
    responseBytes: registry.counter('smoothgate_response_bytes_total', 'Bytes sent to clients (headers and bodies).'),
    indexCacheHits: registry.counter('smoothgate_index_cache_hits_total', 'Sample-index cache hits.'),
    indexCacheMisses: registry.counter('smoothgate_index_cache_misses_total', 'Sample-index cache misses.'),
    indexCacheBytes: registry.gauge('smoothgate_index_cache_bytes', 'Bytes held by the sample-index cache.'),
    backendErrors: registry.counter('smoothgate_backend_errors_total', 'Backend failures, by reason.'),
    connections: registry.gauge('smoothgate_connections', 'Open client connections.'),
    reloads: registry.counter('smoothgate_reloads_total', 'Configuration reloads, by result.'),
    gc: registerGcMetrics(registry),
  };
}
