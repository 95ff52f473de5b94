/**
 * `smoothgate.yaml` (INTERFACE.md §3): every key, its type, default and unit, read with the `yaml`
 * package (YAML 1.2 core schema: `no`, `on`, `8080:80` stay strings, unlike YAML 1.1's booleans and
 * sexagesimal numbers).
 *
 * Durations are a number of milliseconds or a string with a unit (`500ms`, `30s`, `5m`, `1h`);
 * sizes are a number of bytes or a string with a unit (`64KiB`, `256MiB`, `1GB`). Unknown keys and bad
 * values are SgErrors whose message names the file, the line and the dotted key. Command-line flags
 * are applied afterwards by src/cli/serve-flags.ts, so they override the file (INTERFACE.md §2).
 */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { SgError } from '../errors';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface TlsSettings {
  readonly listen: ListenAddress;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface BackendSettings {
  readonly url: string;
  readonly preserveHost: boolean;
  readonly sendOriginalUrl: boolean;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly connections: number;
}

export interface LimitSettings {
  readonly requestLineBytes: number;
  readonly headerFieldBytes: number;
  readonly headerFields: number;
  /** 0 = unlimited (Apache's LimitRequestBody 0). */
  readonly bodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

export interface StreamingSettings {
  readonly indexCacheBytes: number;
  readonly manifestContentType: string;
  readonly gzip: boolean;
  readonly corsAllowOrigin: string | null;
  readonly cacheControl: {
    readonly manifest: string | null;
    readonly fragment: string | null;
    readonly progressive: string | null;
  };
  readonly audioOnlyFragmentMs: number;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export interface SmoothgateSettings {
  /** The YAML file read, or null for built-in defaults. */
  readonly sourceFile: string | null;
  /** null = neither the key nor --listen given: use httpd.conf's Listen, else 0.0.0.0:8080. */
  readonly listen: readonly ListenAddress[] | null;
  readonly tls: TlsSettings | null;
  readonly httpdConf: string | null;
  /** 'auto' | 'none' | a path. */
  readonly envvars: string;
  readonly defines: readonly string[];
  readonly backend: BackendSettings | null;
  readonly serveStaticLocally: boolean;
  readonly trustedProxies: readonly string[];
  readonly limits: LimitSettings;
  readonly shutdownGraceMs: number;
  readonly streaming: StreamingSettings;
  /** null = metrics listener off. */
  readonly metricsListen: ListenAddress | null;
  readonly log: { readonly level: LogLevel; readonly access: string; readonly accessPath: string };
  readonly workers: number | 'auto';
}

/** The listen address used when neither the YAML, the flags nor httpd.conf give one. */
export const DEFAULT_LISTEN: ListenAddress = { host: '0.0.0.0', port: 8080 };

export const DEFAULT_BACKEND: Omit<BackendSettings, 'url'> = {
  preserveHost: true,
  sendOriginalUrl: true,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 300_000,
  connections: 128,
};

export function defaultSettings(): SmoothgateSettings {
  return {
    sourceFile: null,
    listen: null,
    tls: null,
    httpdConf: null,
    envvars: 'auto',
    defines: [],
    backend: null,
    serveStaticLocally: false,
    trustedProxies: [],
    limits: {
      requestLineBytes: 8190,
      headerFieldBytes: 8190,
      headerFields: 100,
      bodyBytes: 0,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 10_000,
    },
    shutdownGraceMs: 30_000,
    streaming: {
      indexCacheBytes: 256 * 1024 * 1024,
      manifestContentType: 'application/vnd.ms-sstr+xml',
      gzip: true,
      corsAllowOrigin: '*',
      cacheControl: { manifest: 'max-age=2', fragment: 'max-age=31536000, immutable', progressive: null },
      audioOnlyFragmentMs: 2_000,
    },
    metricsListen: { host: '127.0.0.1', port: 9464 },
    log: { level: 'info', access: 'combined', accessPath: '-' },
    workers: 1,
  };
}

// --- units --------------------------------------------------------------------------------------

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** `500ms`, `30s`, `5m`, `1.5h` or a number of ms → ms; null when malformed. */
export function parseDurationMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2]!]!);
}

/** `64KiB`, `256MiB`, `1GB` or a number of bytes → bytes; null when malformed. */
export function parseSizeBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB|TiB)?\s*$/.exec(value);
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * SIZE_UNITS_BYTES[m[2] ?? 'B']!);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** `HOST:PORT`, `[v6]:PORT`, or a bare `PORT` (all addresses, as Apache's `Listen 8080`). */
export function parseListenAddress(value: string): ListenAddress | null {
  const text = value.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(text);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
  } else if (/^\d+$/.test(text)) {
    host = '0.0.0.0';
    portText = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0 || text.indexOf(':') !== colon) return null;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host) || !/^\d+$/.test(portText)) return null;
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { host, port };
}

export function formatListenAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

// --- reading the document -------------------------------------------------------------------------

/** Reads nodes of one parsed document and turns problems into SgErrors naming file:line and key. */
class YamlReader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  line(node: YamlNode | null | undefined): number {
    const offset = node?.range?.[0] ?? 0;
    return this.lines.linePos(offset).line;
  }

  bad(node: YamlNode | null | undefined, key: string, text: string): SgError {
    return new SgError('SG_ERR_YAML_VALUE', { file: this.file, line: this.line(node), key, text });
  }

  /** The pairs of a mapping, each key checked against `allowed` (unknown keys are errors). */
  entries(node: YamlNode, path: string, allowed: readonly string[]): Array<[string, YamlNode | null]> {
    if (!isMap(node)) throw this.bad(node, path || '(document)', 'expected a mapping');
    const out: Array<[string, YamlNode | null]> = [];
    for (const pair of (node as YAMLMap).items) {
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const dotted = path ? `${path}.${key}` : key;
      if (!allowed.includes(key)) {
        throw new SgError('SG_ERR_YAML_UNKNOWN_KEY', { file: this.file, line: this.line(keyNode), key: dotted });
      }
      out.push([key, (pair.value as YamlNode | null) ?? null]);
    }
    return out;
  }

  scalar(node: YamlNode | null): unknown {
    if (node === null) return null;
    if (!isScalar(node)) return undefined; // a mapping or sequence where a scalar belongs
    return node.value;
  }

  string(node: YamlNode | null, key: string): string {
    const v = this.scalar(node);
    if (typeof v !== 'string' || v === '') throw this.bad(node, key, 'expected a non-empty string');
    return v;
  }

  nullableString(node: YamlNode | null, key: string): string | null {
    const v = this.scalar(node);
    if (v === null) return null;
    if (typeof v !== 'string') throw this.bad(node, key, 'expected a string or null');
    return v;
  }

  bool(node: YamlNode | null, key: string): boolean {
    const v = this.scalar(node);
    if (typeof v !== 'boolean') throw this.bad(node, key, 'expected true or false');
    return v;
  }

  integer(node: YamlNode | null, key: string, min: number): number {
    const v = this.scalar(node);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw this.bad(node, key, `expected an integer ≥ ${min}`);
    }
    return v;
  }

  duration(node: YamlNode | null, key: string): number {
    const ms = parseDurationMs(this.scalar(node));
    if (ms === null) throw this.bad(node, key, 'expected a duration (500ms, 30s, 5m, 1h or milliseconds)');
    return ms;
  }

  size(node: YamlNode | null, key: string): number {
    const bytes = parseSizeBytes(this.scalar(node));
    if (bytes === null) throw this.bad(node, key, 'expected a size (bytes, or 64KiB, 256MiB, 1GB …)');
    return bytes;
  }

  listen(node: YamlNode | null, key: string): ListenAddress {
    const v = this.scalar(node);
    const address = typeof v === 'string' ? parseListenAddress(v) : null;
    if (!address) throw this.bad(node, key, 'expected HOST:PORT');
    return address;
  }

  list(node: YamlNode | null, key: string): Array<YamlNode | null> {
    if (node === null) return [];
    if (!isSeq(node)) throw this.bad(node, key, 'expected a list');
    return node.items as Array<YamlNode | null>;
  }
}

/** Parses YAML text into settings; `file` names the source in errors. */
export function parseSmoothgateYaml(text: string, file: string): SmoothgateSettings {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lines.linePos(first.pos[0]).line;
    throw new SgError('SG_ERR_YAML_SYNTAX', { file, line, text: `line ${line}: ${first.message}` });
  }
  const base = defaultSettings();
  const root = doc.contents as YamlNode | null;
  if (root === null || (isScalar(root) && root.value === null)) return { ...base, sourceFile: file };
  return readRoot(new YamlReader(file, lines), root, base, file);
}

function readRoot(r: YamlReader, root: YamlNode, base: SmoothgateSettings, file: string): SmoothgateSettings {
  const s: { -readonly [K in keyof SmoothgateSettings]: SmoothgateSettings[K] } = { ...base, sourceFile: file };
  const top = [
    'listen', 'tls', 'httpdConf', 'envvars', 'defines', 'backend', 'serveStaticLocally', 'trustedProxies',
    'limits', 'shutdownGrace', 'streaming', 'metrics', 'log', 'workers',
  ];
  for (const [key, node] of r.entries(root, '', top)) {
    switch (key) {
      case 'listen': {
        // A single string is accepted as a one-element list (users write `listen: ":8080"`).
        if (isScalar(node)) s.listen = [r.listen(node, key)];
        else s.listen = r.list(node, key).map((item) => r.listen(item, key));
        break;
      }
      case 'tls':
        s.tls = node === null || r.scalar(node) === null ? null : readTls(r, node);
        break;
      case 'httpdConf':
        s.httpdConf = r.string(node, key);
        break;
      case 'envvars':
        s.envvars = r.string(node, key);
        break;
      case 'defines':
        s.defines = r.list(node, key).map((item) => r.string(item, key));
        break;
      case 'backend':
        s.backend = node === null || r.scalar(node) === null ? null : readBackend(r, node);
        break;
      case 'serveStaticLocally':
        s.serveStaticLocally = r.bool(node, key);
        break;
      case 'trustedProxies':
        s.trustedProxies = r.list(node, key).map((item) => {
          const cidr = r.string(item, key);
          if (!isCidrSyntax(cidr)) throw r.bad(item, key, `not an IP address or CIDR: ${cidr}`);
          return cidr;
        });
        break;
      case 'limits':
        s.limits = readLimits(r, node, base.limits);
        break;
      case 'shutdownGrace':
        s.shutdownGraceMs = r.duration(node, key);
        break;
      case 'streaming':
        s.streaming = readStreaming(r, node, base.streaming);
        break;
      case 'metrics': {
        // `metrics: null` switches the listener off like `metrics.listen: null`.
        let listen: ListenAddress | null = node === null || r.scalar(node) === null ? null : base.metricsListen;
        if (listen !== null) for (const [k, v] of r.entries(node!, key, ['listen'])) {
          listen = r.scalar(v) === null ? null : r.listen(v, `${key}.${k}`);
        }
        s.metricsListen = listen;
        break;
      }
      case 'log':
        s.log = readLog(r, node, base.log);
        break;
      case 'workers': {
        const v = r.scalar(node);
        if (v === 'auto') s.workers = 'auto';
        else s.workers = r.integer(node, key, 1);
        break;
      }
    }
  }
  return s;
}

function readTls(r: YamlReader, node: YamlNode): TlsSettings {
  let listen: ListenAddress = { host: '0.0.0.0', port: 8443 };
  let certPath: string | null = null;
  let keyPath: string | null = null;
  for (const [k, v] of r.entries(node, 'tls', ['listen', 'cert', 'key'])) {
    if (k === 'listen') listen = r.listen(v, 'tls.listen');
    else if (k === 'cert') certPath = r.string(v, 'tls.cert');
    else keyPath = r.string(v, 'tls.key');
  }
  if (certPath === null || keyPath === null) throw r.bad(node, 'tls', 'needs both cert and key');
  return { listen, certPath, keyPath };
}

function readBackend(r: YamlReader, node: YamlNode): BackendSettings {
  const b: { -readonly [K in keyof BackendSettings]: BackendSettings[K] } = { url: '', ...DEFAULT_BACKEND };
  const keys = ['url', 'preserveHost', 'sendOriginalUrl', 'connectTimeout', 'headersTimeout', 'bodyTimeout', 'connections'];
  for (const [k, v] of r.entries(node, 'backend', keys)) {
    const key = `backend.${k}`;
    if (k === 'url') {
      b.url = r.string(v, key);
      if (!isHttpUrl(b.url)) throw r.bad(v, key, `not an http(s) URL: ${b.url}`);
    } else if (k === 'preserveHost') b.preserveHost = r.bool(v, key);
    else if (k === 'sendOriginalUrl') b.sendOriginalUrl = r.bool(v, key);
    else if (k === 'connectTimeout') b.connectTimeoutMs = r.duration(v, key);
    else if (k === 'headersTimeout') b.headersTimeoutMs = r.duration(v, key);
    else if (k === 'bodyTimeout') b.bodyTimeoutMs = r.duration(v, key);
    else b.connections = r.integer(v, key, 1);
  }
  if (b.url === '') throw r.bad(node, 'backend', 'backend.url is required when backend is given');
  return b;
}

function readLimits(r: YamlReader, node: YamlNode | null, base: LimitSettings): LimitSettings {
  const l: { -readonly [K in keyof LimitSettings]: LimitSettings[K] } = { ...base };
  const keys = [
    'requestLineBytes', 'headerFieldBytes', 'headerFields', 'bodyBytes', 'headersTimeout', 'requestTimeout',
    'keepAliveTimeout', 'maxConnections',
  ];
  if (node === null) return l;
  for (const [k, v] of r.entries(node, 'limits', keys)) {
    const key = `limits.${k}`;
    if (k === 'requestLineBytes') l.requestLineBytes = atLeast(r, v, key, r.size(v, key), 64);
    else if (k === 'headerFieldBytes') l.headerFieldBytes = atLeast(r, v, key, r.size(v, key), 64);
    else if (k === 'headerFields') l.headerFields = r.integer(v, key, 1);
    else if (k === 'bodyBytes') l.bodyBytes = r.size(v, key);
    else if (k === 'headersTimeout') l.headersTimeoutMs = atLeast(r, v, key, r.duration(v, key), 1);
    else if (k === 'requestTimeout') l.requestTimeoutMs = r.duration(v, key);
    else if (k === 'keepAliveTimeout') l.keepAliveTimeoutMs = r.duration(v, key);
    else l.maxConnections = r.integer(v, key, 1);
  }
  return l;
}

function atLeast(r: YamlReader, node: YamlNode | null, key: string, value: number, min: number): number {
  if (value < min) throw r.bad(node, key, `must be at least ${min}`);
  return value;
}

function readStreaming(r: YamlReader, node: YamlNode | null, base: StreamingSettings): StreamingSettings {
  const s = { ...base, cacheControl: { ...base.cacheControl } };
  if (node === null) return s;
  const keys = ['indexCacheBytes', 'manifestContentType', 'gzip', 'cors', 'cacheControl', 'audioOnlyFragment'];
  for (const [k, v] of r.entries(node, 'streaming', keys)) {
    const key = `streaming.${k}`;
    if (k === 'indexCacheBytes') s.indexCacheBytes = r.size(v, key);
    else if (k === 'manifestContentType') s.manifestContentType = r.string(v, key);
    else if (k === 'gzip') s.gzip = r.bool(v, key);
    else if (k === 'audioOnlyFragment') s.audioOnlyFragmentMs = atLeast(r, v, key, r.duration(v, key), 1);
    else if (k === 'cors') {
      if (v === null) continue;
      for (const [ck, cv] of r.entries(v, key, ['allowOrigin'])) s.corsAllowOrigin = r.nullableString(cv, `${key}.${ck}`);
    } else {
      if (v === null) continue;
      for (const [ck, cv] of r.entries(v, key, ['manifest', 'fragment', 'progressive'])) {
        s.cacheControl[ck as 'manifest'] = r.nullableString(cv, `${key}.${ck}`);
      }
    }
  }
  return s;
}

function readLog(r: YamlReader, node: YamlNode | null, base: SmoothgateSettings['log']): SmoothgateSettings['log'] {
  const l = { ...base };
  if (node === null) return l;
  for (const [k, v] of r.entries(node, 'log', ['level', 'access', 'accessPath'])) {
    const key = `log.${k}`;
    if (k === 'level') {
      const level = r.string(v, key);
      if (!isLogLevel(level)) throw r.bad(v, key, `expected one of ${LOG_LEVELS.join(', ')}`);
      l.level = level;
    } else if (k === 'access') l.access = r.string(v, key);
    else l.accessPath = r.string(v, key);
  }
  return l;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

/** Syntax only (the matcher in src/server/trusted-proxies.ts parses for real). */
function isCidrSyntax(text: string): boolean {
  return /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(text) && (text.includes('.') || text.includes(':'));
}

/** Reads `file` (or returns defaults when `file` is null). */
export function loadSmoothgateYaml(file: string | null): SmoothgateSettings {
  if (file === null) return defaultSettings();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SgError('SG_ERR_YAML_SYNTAX', { file, text: `cannot read: ${(err as Error).message}` }, { cause: err });
  }
  return resolveRelativePaths(parseSmoothgateYaml(text, file), dirname(file));
}

/**
 * Paths written in smoothgate.yaml (httpdConf, an envvars file, TLS cert and key) are relative to
 * the YAML file's directory, so a configuration can travel with its files.
 */
function resolveRelativePaths(s: SmoothgateSettings, baseDir: string): SmoothgateSettings {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolvePath(baseDir, p));
  return {
    ...s,
    httpdConf: s.httpdConf === null ? null : abs(s.httpdConf),
    envvars: s.envvars === 'auto' || s.envvars === 'none' ? s.envvars : abs(s.envvars),
    tls: s.tls === null ? null : { ...s.tls, certPath: abs(s.tls.certPath), keyPath: abs(s.tls.keyPath) },
  };
}
