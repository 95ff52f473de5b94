/**
 * One configuration generation of `serve`: httpd.conf loaded, the routing core built over a cached
 * file-system view, the in-process handlers mounted, and the httpd.conf facts the gateway needs
 * (Listen, CustomLog, ProxyPassReverse). SIGHUP builds a new one; a broken configuration throws and
 * the gateway keeps the old one.
 */
import { existsSync } from 'node:fs';
import { loadConfig, logConfigServer, proxyServer } from '../config';
import type { LoadedConfig } from '../config';
import { parseListenAddress } from '../config/smoothgate-yaml';
import type { ListenAddress, SmoothgateSettings } from '../config/smoothgate-yaml';
import { CachingFsView } from '../fs/caching-fs-view';
import { NodeFsView } from '../fs/node-fs-view';
import { Router } from '../routing/router';
import type { RoutingRequest } from '../routing/routing-request';
import type { ReverseRule } from '../proxy/location-rewrite';
import type { Decide, HandlerTable, RawRequest, StaticSender } from '../server/raw-request';
import { usageError } from './main';

/** Handlers `serve` runs in-process (INTERFACE.md §1); `.extensions` is optional in httpd.conf. */
export const INSTALLED_HANDLERS: ReadonlySet<string> = new Set(['h264-streaming', 'smooth-streaming']);

/** Debian's configuration, used when neither smoothgate.yaml nor --httpd-conf names one. */
const DEBIAN_HTTPD_CONF = '/etc/apache2/apache2.conf';

export interface Runtime {
  readonly decide: Decide;
  readonly handlers: HandlerTable;
  readonly staticSender?: StaticSender;
  readonly reverseRules?: readonly ReverseRule[];
  readonly fallbackListen?: readonly ListenAddress[] | null;
  readonly accessLogFormat?: string | null;
  readonly config: LoadedConfig;
}

/** Extra pieces mounted by the handlers' modules (the progressive and Smooth handlers, the sender). */
export interface RuntimeMounts {
  readonly handlers?: HandlerTable;
  readonly staticSender?: StaticSender;
  /** The sample-index cache's running counters (for smoothgate_index_cache_* metrics). */
  readonly indexCacheStats?: { readonly hits: number; readonly misses: number; readonly bytes: number };
}

export function toRoutingRequest(raw: RawRequest): RoutingRequest {
  return {
    method: raw.method,
    rawTarget: raw.rawTarget,
    protocol: `HTTP/${raw.httpVersion}`,
    headers: raw.headers,
    clientIp: raw.clientIp,
    clientPort: raw.clientPort,
    localIp: raw.localIp,
    localPort: raw.localPort,
    isHttps: raw.isHttps,
  };
}

function httpdConfOf(settings: SmoothgateSettings): string {
  if (settings.httpdConf !== null) return settings.httpdConf;
  if (existsSync(DEBIAN_HTTPD_CONF)) return DEBIAN_HTTPD_CONF;
  throw usageError('no Apache configuration: set httpdConf in smoothgate.yaml or pass --httpd-conf PATH');
}

function listenOf(config: LoadedConfig): ListenAddress[] | null {
  const out: ListenAddress[] = [];
  for (const text of config.listen) {
    const spec = text.split(/\s+/)[0]!;
    const parsed = parseListenAddress(/^\d+$/.test(spec) ? `0.0.0.0:${spec}` : spec);
    if (parsed) out.push(parsed);
  }
  return out.length > 0 ? out : null;
}

function accessFormatOf(config: LoadedConfig): string | null {
  const conf = logConfigServer(config.mainServer);
  const first = conf?.customLogs[0];
  if (!first) return null;
  return conf!.formats.get(first.format) ?? first.format;
}

function reverseRulesOf(config: LoadedConfig): ReverseRule[] {
  const rules: ReverseRule[] = [];
  for (const server of [config.mainServer, ...config.virtualHosts]) {
    for (const r of proxyServer(server)?.reverse ?? []) rules.push({ backendPrefix: r.url, localPath: r.path });
  }
  return rules;
}

export function createRuntimeWith(settings: SmoothgateSettings, mounts: RuntimeMounts = {}): Runtime {
  const config = loadConfig({
    httpdConf: httpdConfOf(settings),
    defines: [...settings.defines],
    envvars: settings.envvars,
    processEnv: process.env,
  });
  const fs = new CachingFsView(new NodeFsView(), { ttlMs: 1000 });
  const router = new Router(config, fs, {
    installedHandlers: INSTALLED_HANDLERS,
    processEnv: (name) => process.env[name],
    now: () => new Date(),
    random: Math.random,
  });
  return {
    decide: Object.assign((raw: RawRequest) => router.decide(toRoutingRequest(raw)), {
      handlerError: (raw: RawRequest, status: number, reason: string, options?: { firstError?: boolean }) =>
        router.routeHandlerError(toRoutingRequest(raw), status, reason, options),
    }),
    handlers: mounts.handlers ?? new Map(),
    staticSender: mounts.staticSender,
    reverseRules: reverseRulesOf(config),
    fallbackListen: listenOf(config),
    accessLogFormat: accessFormatOf(config),
    config,
  };
}
