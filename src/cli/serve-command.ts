/**
 * `smoothgate serve` (INTERFACE.md §2): flags → smoothgate.yaml settings → the runtime (routing
 * core, handlers, static sender) → the gateway, one process or a node:cluster of workers. Logs
 * `listening on HOST:PORT` once ready; SIGHUP reloads, SIGTERM/SIGINT drain and exit 0.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Logger } from 'pino';
import { loadSmoothgateYaml, type SmoothgateSettings } from '../config/smoothgate-yaml';
import { applyServeFlags, type ServeFlags } from './serve-flags';
import { Gateway, hostPort } from '../server/gateway';
import { createGatewayMetrics, type GatewayMetrics } from '../server/metrics';
import { isMetricsRequest, type MetricsReply } from '../server/metrics-aggregate';
import { createLogger } from '../server/logger';
import { runCluster, workerCount, type WorkerReady } from '../server/cluster';
import { installSignalHandlers } from '../server/signals';
import { applyServerGcTuning } from '../server/gc-tuning';
import { observeGarbageCollection } from '../server/gc-metrics';
import { createRuntimeWith, type Runtime, type RuntimeMounts } from './runtime';
import { createMounts } from './mounts';
import { usageError } from './main';

export interface ServeOptions {
  readonly configPath: string | null;
  readonly flags: ServeFlags;
}

const SERVE_USAGE = `usage: smoothgate serve [--config PATH] [--listen HOST:PORT]… [--backend URL|none]
                       [--workers N|auto] [--metrics HOST:PORT|off] [--log-level LEVEL]
                       [--httpd-conf PATH] [-D NAME]…
`;

/** Parses the command line of `serve` (both `--flag value` and `--flag=value`). */
export function parseServeArgs(argv: readonly string[]): ServeOptions | 'help' {
  let configPath: string | null = null;
  const listen: string[] = [];
  const defines: string[] = [];
  const flags: { -readonly [K in keyof ServeFlags]: ServeFlags[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw usageError(`${arg} needs a value\n${SERVE_USAGE}`);
      return next;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '--config':
        configPath = value();
        break;
      case '--listen':
        listen.push(value());
        break;
      case '--backend':
        flags.backend = value();
        break;
      case '--workers':
        flags.workers = value();
        break;
      case '--metrics':
        flags.metrics = value();
        break;
      case '--log-level':
        flags.logLevel = value();
        break;
      case '--httpd-conf':
        flags.httpdConf = value();
        break;
      case '-D':
        defines.push(value());
        break;
      default:
        if (arg.startsWith('-D') && arg.length > 2) defines.push(arg.slice(2));
        else throw usageError(`serve: unknown argument ${arg}\n${SERVE_USAGE}`);
    }
  }
  if (listen.length > 0) flags.listen = listen;
  if (defines.length > 0) flags.defines = defines;
  return { configPath, flags };
}

/** `--config PATH`, else `./smoothgate.yaml` when present, else built-in defaults (§2). */
export function loadServeSettings(options: ServeOptions): SmoothgateSettings {
  const path = options.configPath ?? (existsSync('smoothgate.yaml') ? 'smoothgate.yaml' : null);
  const base = loadSmoothgateYaml(path === null ? null : resolvePath(path));
  return applyServeFlags(base, options.flags);
}

/** One configuration generation (src/cli/runtime.ts); the handlers' modules are mounted there. */
/** Handlers keep their index cache across SIGHUP reloads: the media did not change. */
let processMounts: { key: string; mounts: RuntimeMounts } | null = null;

export async function createRuntime(settings: SmoothgateSettings, logger?: Logger): Promise<Runtime> {
  const key = JSON.stringify(settings.streaming);
  if (processMounts === null || processMounts.key !== key) processMounts = { key, mounts: createMounts(settings, logger) };
  return createRuntimeWith(settings, processMounts.mounts);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseServeArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const settings = loadServeSettings(parsed);
  const logger = createLogger(settings.log.level);
  const workers = workerCount(settings.workers);
  if (workers > 1 && cluster.isPrimary) return runCluster(workers, logger, settings.metricsListen);
  return runWorker(parsed, settings, logger);
}

async function runWorker(parsed: ServeOptions, settings: SmoothgateSettings, logger: Logger): Promise<number> {
  applyServerGcTuning();
  const runtime = await createRuntime(settings, logger);
  const metrics = createGatewayMetrics();
  syncIndexCacheMetrics(metrics);
  observeGarbageCollection(metrics.gc);
  if (cluster.isWorker) {
    // The primary owns the metrics listener and asks each worker for its numbers per scrape.
    process.on('message', (message: unknown) => {
      if (!isMetricsRequest(message) || !process.send) return;
      const reply: MetricsReply = { type: 'smoothgate:metrics-reply', id: message.id, snapshot: metrics.registry.snapshot() };
      process.send(reply);
    });
  }
  const gateway = new Gateway({
    metrics,
    settings: cluster.isWorker ? { ...settings, metricsListen: null } : settings,
    decide: runtime.decide,
    handlers: runtime.handlers,
    staticSender: runtime.staticSender,
    reverseRules: runtime.reverseRules,
    fallbackListen: runtime.fallbackListen ?? null,
    accessLogFormat: runtime.accessLogFormat ?? null,
    // SIGHUP: read smoothgate.yaml and httpd.conf again and rebuild the routing core and the
    // ProxyPassReverse rules. Listen addresses, TLS, limits and `backend.*` stay as started (like
    // `apachectl graceful`, which keeps its listeners); a broken file is rejected and the old
    // configuration keeps serving.
    reload: async () => {
      const next = await createRuntime(loadServeSettings(parsed), logger);
      return { decide: next.decide, reverseRules: next.reverseRules ?? [] };
    },
    logger,
    version: packageVersion(),
  });
  let addresses;
  try {
    addresses = await gateway.start({ announce: !cluster.isWorker });
  } catch (err) {
    if (cluster.isWorker) {
      // The IPC channel to the primary would keep this process alive: report and leave, the
      // primary sees a worker that never listened and stops (src/server/cluster.ts).
      logger.error({ code: (err as { code?: string }).code, err: (err as Error).message }, 'worker failed to start');
      process.exit(2);
    }
    throw err;
  }
  if (cluster.isWorker && process.send) {
    const ready: WorkerReady = { type: 'smoothgate:listening', addresses: [...addresses.http, ...(addresses.tls ? [addresses.tls] : [])].map(hostPort) };
    process.send(ready);
  }
  const code = await new Promise<number>((resolve) => {
    installSignalHandlers(gateway, logger, (exitCode) => resolve(exitCode));
    // Request errors are caught where they happen (src/server/request-pipeline.ts). These are the
    // last line: a stray rejection is logged and serving goes on; an exception escaping an event
    // handler leaves unknown state, so the process drains and exits 1 for its supervisor (or the
    // cluster primary) to start a fresh one.
    process.on('unhandledRejection', (reason) => {
      logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, 'unhandled rejection');
    });
    process.once('uncaughtException', (err) => {
      logger.fatal({ err: { message: err.message, stack: err.stack } }, 'uncaught exception; draining and exiting');
      gateway.drain(Math.min(settings.shutdownGraceMs, 10_000)).finally(() => resolve(1));
    });
  });
  // Drained and closed: whatever handle a dependency still holds must not keep us alive.
  setTimeout(() => process.exit(code), 200).unref();
  return code;
}

/** Copy the index cache's counters into the Prometheus metrics once a second (cheap, unref'd). */
function syncIndexCacheMetrics(metrics: GatewayMetrics): void {
  const seen = { hits: 0, misses: 0 };
  setInterval(() => {
    const stats = processMounts?.mounts.indexCacheStats;
    if (!stats) return;
    if (stats.hits > seen.hits) metrics.indexCacheHits.inc({}, stats.hits - seen.hits);
    if (stats.misses > seen.misses) metrics.indexCacheMisses.inc({}, stats.misses - seen.misses);
    seen.hits = stats.hits;
    seen.misses = stats.misses;
    metrics.indexCacheBytes.set(stats.bytes);
  }, 1000).unref();
}

function packageVersion(): string {
  try {
    return String(require('../../../package.json').version);
  } catch {
    return '0';
  }
}
