/**
 * Garbage-collection metrics: how often V8 collected, and how long it took, by kind. An operator
 * sees here what a proxy's throughput hides: a gateway streaming large bodies churns through
 * socket read buffers, and if that drives V8 into frequent full (major) collections, every
 * request pays for it (src/server/gc-tuning.ts says why and what we set against it).
 *
 * Fed by node's `gc` performance entries (perf_hooks), which V8 reports after each pause; the
 * observer costs nothing between collections.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Counter, MetricsRegistry } from './metrics';

const GC_KIND_NAMES: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

export interface GcMetrics {
  readonly collections: Counter;
  readonly seconds: Counter;
}

export function registerGcMetrics(registry: MetricsRegistry): GcMetrics {
  return {
    collections: registry.counter('smoothgate_gc_collections_total', 'Garbage collections by V8, by kind (major, minor, incremental, weakcb).'),
    seconds: registry.counter('smoothgate_gc_seconds_total', 'Time spent in garbage-collection pauses, by kind.'),
  };
}

/** Starts counting this process's collections into `metrics`; returns the function that stops it. */
export function observeGarbageCollection(metrics: GcMetrics): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record(metrics, entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

function record(metrics: GcMetrics, entry: PerformanceEntry): void {
  const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
  const kind = GC_KIND_NAMES.get(detail?.kind ?? -1) ?? 'other';
  metrics.collections.inc({ kind });
  metrics.seconds.inc({ kind }, entry.duration / 1000);
}
