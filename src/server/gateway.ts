/**
 * The gateway of `smoothgate serve` assembled from injected pieces (routing core, handler table,
 * static sender, reload), so `serve`, the tests and the integration wire it the same way:
 * listeners (HTTP and optional TLS) → RequestPipeline → proxy / handlers / static sender, plus the
 * metrics listener, reload (SIGHUP, like `apachectl graceful`) and drain (SIGTERM).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { openSync } from 'node:fs';
import type { Logger } from 'pino';
import pino from 'pino';
import { SgError } from '../errors';
import { DEFAULT_LISTEN, formatListenAddress, type SmoothgateSettings } from '../config/smoothgate-yaml';
import { BackendProxy } from '../proxy/backend-proxy';
import { backendReverseRule, type ReverseRule } from '../proxy/location-rewrite';
import { compileLogFormat, type AccessLogRecord } from './access-log';
import { Listener, type TlsMaterial } from './listener';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import { MetricsServer } from './metrics-server';
import type { Decide, HandlerTable, StaticSender } from './raw-request';
import { RequestPipeline, type BackendTarget } from './request-pipeline';
import { RequestTracker } from './request-tracker';
import { placeholderStaticSender } from './static-placeholder';
import { TrustedProxies } from './trusted-proxies';
import { UpgradeHandler } from './upgrade-handler';

/**
 * What a SIGHUP reload replaces: the routing core and httpd.conf's ProxyPassReverse rules (they
 * belong to its ProxyPass lines, so they must change together, as `apachectl graceful` rereads both).
 */
export interface ReloadedRouting {
  readonly decide: Decide;
  readonly reverseRules: readonly ReverseRule[];
}

export interface GatewayOptions {
  readonly settings: SmoothgateSettings;
  readonly decide: Decide;
  /** In-process handlers keyed by name without `.extensions` (`h264-streaming`, `smooth-streaming`). */
  readonly handlers?: HandlerTable;
  /** Sends a mapped file; defaults to the placeholder until src/http's sender is wired. */
  readonly staticSender?: StaticSender;
  /** Builds the routing core anew (SIGHUP); a rejection keeps the current one serving. */
  readonly reload?: () => Promise<ReloadedRouting>;
  /** Extra ProxyPassReverse rules (httpd.conf), after the one for `backend.url`. */
  readonly reverseRules?: readonly ReverseRule[];
  /** `listen` when neither the YAML nor flags gave one: httpd.conf's Listen (a drop-in replacement). */
  readonly fallbackListen?: SmoothgateSettings['listen'];
  /** The access-log format when httpd.conf's CustomLog gives one (it wins, INTERFACE.md §3). */
  readonly accessLogFormat?: string | null;
  /** Where access lines go (default: `log.accessPath`, `-` = stdout). */
  readonly accessLogWrite?: ((line: string) => void) | null;
  readonly logger?: Logger;
  readonly metrics?: GatewayMetrics;
  readonly version?: string;
}

export interface GatewayAddresses {
  readonly http: readonly AddressInfo[];
  readonly tls: AddressInfo | null;
  readonly metrics: AddressInfo | null;
}

export class Gateway {
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  private decide: Decide;
  private readonly tracker: RequestTracker;
  private readonly proxy: BackendProxy;
  private readonly listeners: Listener[] = [];
  private metricsServer: MetricsServer | null = null;
  private readonly accessSink: { write(line: string): void; flush(): void; close(): void } | null;
  private reloading: Promise<boolean> | null = null;
  /** `backend.url`'s own reverse rule (fixed: backend settings need a restart, like Listen). */
  private readonly backendReverseRules: readonly ReverseRule[];
  /** Every ProxyPassReverse rule in force; httpd.conf's part is replaced on reload. */
  private reverseRules: readonly ReverseRule[];
  private drainPromise: Promise<void> | null = null;

  constructor(private readonly options: GatewayOptions) {
    const { settings } = options;
    this.decide = options.decide;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.metrics = options.metrics ?? createGatewayMetrics();
    this.accessSink = openAccessSink(settings, options);
    const format = options.accessLogFormat ?? settings.log.access;
    const formatLine = format === 'off' || this.accessSink === null ? null : compileLogFormat(format);
    const sink = this.accessSink;
    this.tracker = new RequestTracker(
      this.metrics,
      formatLine && sink ? (record: AccessLogRecord) => sink.write(`${formatLine(record)}\n`) : null,
    );
    const backend = settings.backend;
    this.proxy = new BackendProxy({
      connectTimeoutMs: backend?.connectTimeoutMs ?? 5_000,
      headersTimeoutMs: backend?.headersTimeoutMs ?? 30_000,
      bodyTimeoutMs: backend?.bodyTimeoutMs ?? 300_000,
      connections: backend?.connections ?? 128,
      preserveHost: backend?.preserveHost ?? true,
      bodyLimitBytes: settings.limits.bodyBytes,
    });
    const backendTarget: BackendTarget | null = backend ? backendTargetOf(backend.url, backend.sendOriginalUrl) : null;
    this.backendReverseRules = backend ? [backendReverseRule(backend.url)] : [];
    this.reverseRules = [...this.backendReverseRules, ...(options.reverseRules ?? [])];
    const trustedProxies = new TrustedProxies(settings.trustedProxies);
    const pipeline = new RequestPipeline({
      decide: () => this.decide,
      handlers: options.handlers ?? new Map(),
      staticSender: options.staticSender ?? placeholderStaticSender,
      proxy: this.proxy,
      backend: backendTarget,
      serveStaticLocally: settings.serveStaticLocally,
      trustedProxies,
      limits: settings.limits,
      reverseRules: () => this.reverseRules,
      logger: this.logger,
      metrics: this.metrics,
      tracker: this.tracker,
      version: options.version ?? '0',
    });
    const upgrades = new UpgradeHandler({
      decide: () => this.decide,
      backend: backendTarget,
      serveStaticLocally: settings.serveStaticLocally,
      trustedProxies,
      pipeline,
      connectTimeoutMs: backend?.connectTimeoutMs ?? 5_000,
      preserveHost: backend?.preserveHost ?? true,
      logger: this.logger,
      metrics: this.metrics,
    });
    const hooks = {
      onRequest: pipeline.handle.bind(pipeline),
      onUpgrade: upgrades.handle.bind(upgrades),
    };
    const addresses = settings.listen ?? options.fallbackListen ?? [DEFAULT_LISTEN];
    for (const address of addresses) this.listeners.push(new Listener(address, settings.limits, hooks, this.logger, this.metrics, null));
    if (settings.tls) {
      let material: TlsMaterial;
      try {
        material = { cert: readFileSync(settings.tls.certPath), key: readFileSync(settings.tls.keyPath) };
      } catch (err) {
        throw new SgError('SG_ERR_SERVER_TLS', { reason: (err as Error).message }, { cause: err });
      }
      this.listeners.push(new Listener(settings.tls.listen, settings.limits, hooks, this.logger, this.metrics, material));
    }
  }

  get draining(): boolean {
    return this.tracker.draining;
  }

  get requestsInFlight(): number {
    return this.tracker.requestsInFlight;
  }

  /** Binds every listener; logs `listening on HOST:PORT` per address (the readiness signal, §2). */
  async start(options: { announce?: boolean } = {}): Promise<GatewayAddresses> {
    const announce = options.announce ?? true;
    const http: AddressInfo[] = [];
    let tls: AddressInfo | null = null;
    let metrics: AddressInfo | null = null;
    try {
      if (this.options.settings.metricsListen) {
        this.metricsServer = new MetricsServer(this.options.settings.metricsListen, () => this.metrics.registry.render(), () => this.draining);
        metrics = await this.metricsServer.listen();
        this.logger.info({ address: metrics }, `metrics on ${hostPort(metrics)}`);
      }
      const tlsListener = this.options.settings.tls ? this.listeners[this.listeners.length - 1] : null;
      for (const listener of this.listeners) {
        const bound = await listener.listen();
        if (listener === tlsListener) tls = bound;
        else http.push(bound);
        if (announce) this.logger.info({ address: bound, tls: listener === tlsListener }, `listening on ${hostPort(bound)}`);
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    return { http, tls, metrics };
  }

  /**
   * SIGHUP: builds a new routing core; on failure logs the error and keeps the old one
   * (`apachectl graceful` refuses a broken configuration the same way). Resolves true on success.
   */
  reload(): Promise<boolean> {
    if (!this.options.reload) {
      this.logger.warn('reload requested, but no reload function is configured');
      return Promise.resolve(false);
    }
    if (this.reloading) return this.reloading;
    const reload = this.options.reload;
    this.reloading = (async () => {
      try {
        const reloaded = await reload();
        this.decide = reloaded.decide;
        this.reverseRules = [...this.backendReverseRules, ...reloaded.reverseRules];
        this.metrics.reloads.inc({ result: 'ok' });
        this.logger.info('configuration reloaded');
        return true;
      } catch (err) {
        const wrapped = new SgError('SG_ERR_SERVER_RELOAD', { reason: err instanceof SgError ? err.describe() : err instanceof Error ? err.message : String(err) }, { cause: err });
        this.metrics.reloads.inc({ result: 'error' });
        this.logger.error({ code: wrapped.code, cause: err instanceof SgError ? err.code : undefined }, wrapped.message);
        return false;
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /**
   * SIGTERM: /healthz turns 503, listeners stop accepting, idle keep-alive connections close, and
   * in-flight requests get up to `graceMs` (shutdownGrace) to finish; what is left is cut.
   */
  drain(graceMs = this.options.settings.shutdownGraceMs): Promise<void> {
    if (this.drainPromise) return this.drainPromise;
    this.drainPromise = (async () => {
      this.tracker.draining = true;
      this.logger.info({ inFlight: this.tracker.requestsInFlight, graceMs }, 'draining');
      for (const l of this.listeners) l.stopAccepting();
      for (const l of this.listeners) l.closeIdle();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.tracker.whenIdle().then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) this.logger.warn({ inFlight: this.tracker.requestsInFlight }, 'shutdownGrace passed; cutting the remaining requests');
      await this.close();
    })();
    return this.drainPromise;
  }

  /** Closes everything now (tests, and the end of drain). */
  async close(): Promise<void> {
    for (const l of this.listeners) {
      l.stopAccepting();
      l.destroyAll();
    }
    if (this.metricsServer) await this.metricsServer.close();
    // After the drain (or its grace) nothing in flight is worth waiting for.
    await this.proxy.destroy().catch(() => undefined);
    if (this.accessSink) this.accessSink.close();
  }
}

export function hostPort(address: AddressInfo): string {
  return formatListenAddress({ host: address.address, port: address.port });
}

export function backendTargetOf(url: string, sendOriginalUrl: boolean): BackendTarget {
  const parsed = new URL(url);
  const basePath = parsed.pathname.replace(/\/+$/, '');
  return { origin: `${parsed.protocol}//${parsed.host}`, basePath, sendOriginalUrl };
}

/**
 * The access log destination: an injected writer (tests), stdout for `-`, else a file opened for
 * append. Writes are buffered (pino's SonicBoom, 4 KiB) so a busy gateway does not make one
 * write(2) per request; `flush()` runs on drain.
 */
function openAccessSink(settings: SmoothgateSettings, options: GatewayOptions): { write(line: string): void; flush(): void; close(): void } | null {
  if (options.accessLogWrite === null) return null;
  if (options.accessLogWrite) {
    const write = options.accessLogWrite;
    return { write, flush: () => undefined, close: () => undefined };
  }
  if (settings.log.access === 'off') return null;
  let fd: number;
  if (settings.log.accessPath === '-') fd = 1;
  else {
    try {
      fd = openSync(settings.log.accessPath, 'a');
    } catch (err) {
      throw new SgError('SG_ERR_SERVER_ACCESS_LOG', { path: settings.log.accessPath, reason: (err as Error).message }, { cause: err });
    }
  }
  const stream = pino.destination({ dest: fd, sync: false, minLength: 4096 });
  // A quiet gateway still shows its lines within a second.
  const timer = setInterval(() => flush(), 1000).unref();
  const flush = (): void => {
    try {
      stream.flushSync();
    } catch {
      /* not ready yet or closed: nothing buffered to lose */
    }
  };
  return {
    write: (line) => {
      stream.write(line);
    },
    flush,
    close: () => {
      clearInterval(timer);
      flush();
      if (fd !== 1) stream.end();
    },
  };
}
