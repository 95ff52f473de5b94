/**
 * Builds one case's server exactly as the oracle does (shared/tools/rewrite-oracle/README.md,
 * "Per-case server setup"): a fresh ServerRoot with mime.types, the case's files, and the httpd.conf
 * of the base configuration followed by the case's own `conf`. Also turns the case's request into a
 * RoutingRequest and the routing decision back into an observation with placeholders.
 */
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RouteDecision } from '../routing/decision';
import type { RoutingRequest } from '../routing/routing-request';
import { parseRequestHead } from '../routing/routing-request';
import { toBinary, fromBinary } from '../routing/uri';
import type { ConformanceCase, Outcome } from './cases';

/** The oracle's base module set, in load order (mpm_prefork cannot be removed). */
export const BASE_MODULES = ['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers', 'env', 'proxy', 'proxy_http'];

const MIME_TYPES = [
  ['text/html', 'html htm'],
  ['text/plain', 'txt'],
  ['text/css', 'css'],
  ['text/javascript', 'js'],
  ['application/json', 'json'],
  ['application/xml', 'xml'],
  ['image/png', 'png'],
  ['image/jpeg', 'jpg jpeg'],
  ['image/gif', 'gif'],
  ['image/svg+xml', 'svg'],
  ['video/mp4', 'mp4'],
  ['video/ismv', 'ismv'],
  ['application/vnd.ms-sstr+xml', 'ism'],
  ['application/x-httpd-php', 'php'],
  ['application/octet-stream', 'bin'],
]
  .map(([type, exts]) => `${type}\t${exts}\n`)
  .join('');

/** Fixed stand-ins for the machine-specific values (no socket is opened for them). */
export const CASE_PORT = 8180;
export const CASE_BACKEND = '127.0.0.1:8181';
const MODULES_DIR = '/usr/lib/apache2/modules';

export interface CaseServer {
  readonly root: string;
  readonly httpdConf: string;
  readonly placeholders: ReadonlyArray<readonly [string, string]>;
  dispose(): void;
}

export function moduleList(changes: readonly string[] | undefined): string[] {
  const mods = [...BASE_MODULES];
  for (const change of changes ?? []) {
    if (change.startsWith('-')) {
      const name = change.slice(1);
      const at = mods.indexOf(name);
      if (name !== 'mpm_prefork' && at >= 0) mods.splice(at, 1);
    } else {
      const name = change.startsWith('+') ? change.slice(1) : change;
      if (!mods.includes(name)) mods.push(name);
    }
  }
  return mods;
}

function substitute(text: string, placeholders: ReadonlyArray<readonly [string, string]>): string {
  let out = text;
  for (const [key, value] of placeholders) out = out.split(key).join(value);
  return out;
}

export function baseConfig(c: ConformanceCase, mods: readonly string[]): string {
  const lines: string[] = [
    '# smoothgate conformance: per-case server configuration (as the rewrite oracle builds it)',
    'ServerRoot "@ROOT@"',
    'PidFile "@ROOT@/httpd.pid"',
    'DefaultRuntimeDir "@ROOT@"',
    'Mutex file:@ROOT@ default',
    'Listen 127.0.0.1:@PORT@',
    ...mods.map((m) => `LoadModule ${m}_module "${MODULES_DIR}/mod_${m}.so"`),
    'ServerName www.example.com',
    'ErrorLog "@ROOT@/error.log"',
    mods.includes('rewrite') ? 'LogLevel warn rewrite:trace8' : 'LogLevel warn',
    'KeepAlive Off',
    'Timeout 20',
    '<IfModule mime_module>',
    '  TypesConfig "@ROOT@/mime.types"',
    '</IfModule>',
    'DocumentRoot "@DOCROOT@"',
    '<Directory />',
    '  Options FollowSymLinks',
    '  AllowOverride None',
    '  <IfModule authz_core_module>',
    '    Require all denied',
    '  </IfModule>',
    '</Directory>',
    '<Directory "@DOCROOT@">',
    '  Options FollowSymLinks',
    '  AllowOverride All',
    '  <IfModule authz_core_module>',
    '    Require all granted',
    '  </IfModule>',
    '</Directory>',
    '<FilesMatch "^\\.ht">',
    '  <IfModule authz_core_module>',
    '    Require all denied',
    '  </IfModule>',
    '</FilesMatch>',
  ];
  const fmt = ['ORACLE', '%>s', '%>U', '%q', '%>f', '%>R', ...(c.observe.env ?? []).map((v) => `%>{${v}}e`)];
  lines.push(`LogFormat "${fmt.join('\\t')}" oracle`);
  lines.push('CustomLog "@ROOT@/oracle.log" oracle');
  lines.push('# ---- case conf ----');
  lines.push(c.conf);
  return `${lines.join('\n')}\n`;
}

export function buildCaseServer(c: ConformanceCase): CaseServer {
  // The oracle uses the realpath of its temp dir: no symlink in @ROOT@.
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-case-')));
  const placeholders: Array<[string, string]> = [
    ['@DOCROOT@', `${root}/htdocs`],
    ['@ROOT@', root],
    ['@BACKEND@', CASE_BACKEND],
    ['@PORT@', String(CASE_PORT)],
  ];
  mkdirSync(join(root, 'htdocs'), { recursive: true });
  writeFileSync(join(root, 'mime.types'), MIME_TYPES);
  for (const rel of Object.keys(c.files).sort()) {
    const spec = c.files[rel]!;
    if (rel.startsWith('/') || rel.split('/').includes('..')) throw new Error(`bad file path ${rel}`);
    const path = join(root, rel);
    const isDir = rel.endsWith('/') || (typeof spec === 'object' && Object.keys(spec).length === 0);
    if (isDir) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    if (typeof spec === 'object' && 'symlink' in spec) {
      symlinkSync(substitute(spec.symlink, placeholders), path);
      continue;
    }
    const content = typeof spec === 'string' ? spec : ((spec as { content?: string }).content ?? '');
    writeFileSync(path, substitute(content, placeholders), 'utf8');
    const mode = typeof spec === 'object' && 'mode' in spec && spec.mode ? parseInt(spec.mode, 8) : 0o644;
    chmodSync(path, mode);
  }
  const httpdConf = join(root, 'httpd.conf');
  writeFileSync(httpdConf, substitute(baseConfig(c, moduleList(c.modules)), placeholders), 'utf8');
  return { root, httpdConf, placeholders, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The case's request as the oracle sends it, judged as Apache reads it. */
export function caseRequest(c: ConformanceCase): RoutingRequest {
  const client = c.request.client ?? '127.0.0.1';
  const v6 = client.includes(':');
  const conn = {
    clientIp: client,
    clientPort: 40000,
    localIp: v6 ? '::1' : '127.0.0.1',
    localPort: CASE_PORT,
    isHttps: false,
  };
  if (c.request.raw !== undefined) {
    const raw = toBinary(c.request.raw);
    const end = raw.indexOf('\r\n\r\n');
    return parseRequestHead(end >= 0 ? raw.slice(0, end) : raw, conn);
  }
  const method = c.request.method ?? 'GET';
  const target = toBinary(c.request.target ?? '/');
  const version = c.request.version ?? 'HTTP/1.1';
  const headers = Object.entries(c.request.headers ?? {}).map(([k, v]) => `${k}: ${toBinary(v)}`);
  if (c.request.body !== undefined) headers.push(`Content-Length: ${Buffer.byteLength(c.request.body)}`);
  const head = [`${method} ${target} ${version}`.trimEnd(), ...headers].join('\r\n');
  return parseRequestHead(head, conn);
}

function restore(value: string | null, server: CaseServer): string | null {
  if (value === null) return null;
  let out = fromBinary(value);
  out = out.split(server.root).join('@ROOT@');
  out = out.split(CASE_BACKEND).join('@BACKEND@');
  out = out.replace(new RegExp(`:${CASE_PORT}(?![0-9])`, 'g'), ':@PORT@');
  return out;
}

const ERROR_CONTENT_TYPE = 'text/html; charset=iso-8859-1';

/** Map a decision onto the oracle's observation (INTERFACE.md §4 "Decisions and conformance kinds"). */
export function observe(c: ConformanceCase, d: RouteDecision, server: CaseServer): Outcome {
  let kind: string;
  let contentType: string | null;
  let proxy: string | null = null;
  let location: string | null = null;
  switch (d.kind) {
    case 'file':
    case 'handler':
      kind = 'file';
      contentType = d.contentType;
      break;
    case 'redirect':
      kind = 'redirect';
      contentType = ERROR_CONTENT_TYPE;
      location = d.location;
      break;
    case 'proxy': {
      // The oracle's echo backend answers 200 text/plain with the target it received.
      kind = 'proxy';
      contentType = 'text/plain';
      const m = d.target.match(/^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i);
      proxy = `http://${CASE_BACKEND}${m?.[1] ?? '/'}`;
      break;
    }
    default:
      kind = 'status';
      contentType = ERROR_CONTENT_TYPE;
  }
  const headers: Record<string, string | null> = {};
  for (const name of c.observe.headers ?? []) {
    if (name.toLowerCase() === 'content-type') {
      const configured = d.headers.filter(([k]) => k.toLowerCase() === 'content-type').map(([, v]) => v);
      headers[name] = restore(configured.length > 0 ? configured.join(', ') : contentType, server);
      continue;
    }
    const values = d.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    // A 401's challenge is sent from err_headers_out (mod_auth_basic note_basic_auth_failure).
    if (d.kind === 'auth' && name.toLowerCase() === 'www-authenticate') values.unshift(d.challenge);
    if (d.kind === 'redirect' && name.toLowerCase() === 'location') values.unshift(d.location);
    headers[name] = values.length > 0 ? restore(values.join(', '), server) : null;
  }
  const env: Record<string, string | null> = {};
  for (const name of c.observe.env ?? []) {
    const v = d.env.get(name);
    env[name] = v === undefined || v === '-' ? null : restore(v, server);
  }
  let file = d.filename;
  if (file !== null && file.startsWith(`${server.root}/`)) file = file.slice(server.root.length + 1);
  // %>s: a page served locally for an error keeps the error's status (a proxied one has the
  // backend's: the echo backend's 200); a failed ErrorDocument logs its own request's status.
  let status = d.status;
  if (d.kind === 'status') status = d.loggedStatus ?? d.status;
  else if (d.kind !== 'proxy' && d.errorStatus !== undefined) {
    status = d.errorStatus;
    // The oracle's kinds go by the status: a page served for an error is a 'status' outcome, or a
    // 'redirect' when it answers a 3xx whose Location it keeps.
    location = d.headers.find(([k]) => k.toLowerCase() === 'location')?.[1] ?? null;
    kind = status >= 300 && status < 400 && location !== null ? 'redirect' : 'status';
  }
  return {
    kind,
    status,
    uri: restore(d.uri, server),
    query: restore(d.query, server),
    file: restore(file, server),
    handler: d.handler,
    location: restore(location, server),
    proxy: restore(proxy, server),
    headers,
    env,
  };
}
