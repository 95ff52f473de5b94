/**
 * Creating request records: the main request from a RoutingRequest (httpd server/protocol.c
 * `ap_read_request`: Host rules, absolute-form targets, virtual host choice), internal redirects
 * (http_request.c `internal_internal_redirect`: env renamed REDIRECT_*, err_headers_out kept, same
 * pool data) and URL sub-requests (request.c `ap_sub_req_lookup_uri`).
 */
import type { LoadedConfig, ServerConf } from '../config/module';
import type { CoreServerConf } from '../config/records';
import { MODULE_IDS } from '../config/records';
import type { FsView } from './fs-view';
import type { RoutingRequest } from './routing-request';
import { HeaderTable } from './request-rec';
import type { ConnectionInfo, RequestRec, RoutingServices, TraceStep } from './request-rec';
import { normalizePath, unescapeUrl } from './uri';
import { isValidHostName, selectVirtualHost, splitHost } from './vhost';

export interface RequestFailure {
  readonly status: number;
  readonly reason: string;
}

function coreServer(server: ServerConf): CoreServerConf | undefined {
  return server.moduleConfig[MODULE_IDS.core] as CoreServerConf | undefined;
}

/**
 * Turn a raw path into r->uri as ap_process_request_internal does: normalise (decoding unreserved
 * escapes), then %-decode the rest once; %2F and %00 → 404, bad escapes and climbing above `/` → 400.
 */
export function decodeRequestPath(server: ServerConf, rawPath: string): { uri: string } | RequestFailure {
  const core = coreServer(server);
  const mergeSlashes = core?.mergeSlashes !== false;
  const normalized = normalizePath(rawPath, { decodeUnreserved: true, mergeSlashes, notAboveRoot: true });
  if (normalized === null) return { status: 400, reason: `invalid URI path (${rawPath}) (AH10244)` };
  const encodedSlashes = core?.allowEncodedSlashes ?? 'off';
  const decoded = unescapeUrl(normalized, encodedSlashes);
  if (!decoded.ok) return { status: decoded.status, reason: decoded.reason };
  if (encodedSlashes === 'on' && decoded.value !== normalized) {
    const again = normalizePath(decoded.value, { decodeUnreserved: false, mergeSlashes, notAboveRoot: true });
    if (again === null) return { status: 400, reason: `invalid URI path (${rawPath}) (AH10244)` };
    return { uri: again };
  }
  return { uri: decoded.value };
}

export function splitTarget(target: string): { path: string; query: string | null } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: null } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** A new request record, and the status that ends it before any module runs (or null). */
export interface Created {
  readonly r: RequestRec;
  readonly failure: RequestFailure | null;
}

export interface NewRequestParts {
  readonly config: LoadedConfig;
  readonly fs: FsView;
  readonly services: RoutingServices;
  readonly trace: TraceStep[] | null;
}

function blankRecord(
  parts: NewRequestParts,
  fields: {
    server: ServerConf;
    connection: ConnectionInfo;
    method: string;
    protocol: string;
    theRequest: string;
    unparsedUri: string;
    uri: string;
    args: string | null;
    hostname: string;
    port: number;
    headersIn: HeaderTable;
    errHeadersOut: HeaderTable;
    env: Map<string, string>;
    poolData: Map<string, unknown>;
    prev: RequestRec | null;
    main: RequestRec | null;
    redirectDepth: number;
  },
): RequestRec {
  return {
    config: parts.config,
    fs: parts.fs,
    services: parts.services,
    trace: parts.trace,
    connection: fields.connection,
    server: fields.server,
    method: fields.method,
    protocol: fields.protocol,
    theRequest: fields.theRequest,
    unparsedUri: fields.unparsedUri,
    uri: fields.uri,
    args: fields.args,
    filename: null,
    canonicalFilename: null,
    pathInfo: '',
    finfo: null,
    hostname: fields.hostname,
    port: fields.port,
    isHttps: fields.connection.isHttps,
    handler: null,
    contentType: null,
    contentEncoding: null,
    headersIn: fields.headersIn,
    headersOut: new HeaderTable(),
    errHeadersOut: fields.errHeadersOut,
    env: fields.env,
    notes: new Map(),
    perDirConfig: fields.server.lookupDefaults,
    contextPrefix: null,
    contextDocumentRoot: null,
    poolData: fields.poolData,
    prev: fields.prev,
    main: fields.main,
    redirectDepth: fields.redirectDepth,
    status: 200,
  };
}

function defaultPortFor(isHttps: boolean): number {
  return isHttps ? 443 : 80;
}

/** The port self-referential URLs use: the Host header's, else ServerName's, else the default. */
function serverPort(server: ServerConf, hostPort: number | null, isHttps: boolean): number {
  if (hostPort !== null) return hostPort;
  const fromName = coreServer(server)?.serverNamePort;
  if (fromName) return fromName;
  return defaultPortFor(isHttps);
}

/** Build the main request, or say which status Apache answers before any module runs. */
export function createMainRequest(parts: NewRequestParts, req: RoutingRequest): Created {
  const headersIn = HeaderTable.from(req.headers);
  const connection: ConnectionInfo = {
    clientIp: req.clientIp,
    clientPort: req.clientPort,
    localIp: req.localIp,
    localPort: req.localPort,
    isHttps: req.isHttps,
  };
  const theRequest = req.requestLine ?? `${req.method} ${req.rawTarget}${req.protocol === 'HTTP/0.9' ? '' : ` ${req.protocol}`}`;
  let failure: RequestFailure | null = req.malformed ?? null;

  let target = req.rawTarget;
  let hostFromUri: string | null = null;
  // Absolute-form (scheme://host…) starts with a letter: an origin-form '/…' target never is one.
  const absolute = target.charCodeAt(0) === 0x2f ? null : target.match(/^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/);
  if (absolute) {
    hostFromUri = absolute[2]!;
    target = absolute[3] === '' ? '/' : absolute[3]!;
    if (!target.startsWith('/') && !target.startsWith('?')) target = `/${target}`;
    if (target.startsWith('?')) target = `/${target}`;
  }
  const { path, query } = splitTarget(target);

  const hostValues = headersIn.list().filter(([k]) => k.toLowerCase() === 'host');
  if (!failure && hostValues.length > 1) failure = { status: 400, reason: 'multiple Host headers' };
  let hostText: string | null = hostFromUri ?? (hostValues[0]?.[1] ?? null);
  if (hostFromUri !== null) headersIn.set('Host', hostFromUri);
  if (!failure && req.protocol === 'HTTP/1.1' && hostValues.length === 0 && hostFromUri === null) {
    failure = { status: 400, reason: 'client sent HTTP/1.1 request without hostname (AH00569)' };
  }
  let hostName: string | null = null;
  let hostPort: number | null = null;
  if (hostText !== null) {
    const split = splitHost(hostText.trim());
    if (!split || !isValidHostName(split.name)) {
      if (!failure) failure = { status: 400, reason: `invalid Host header '${hostText}' (AH00550)` };
      hostText = null;
    } else {
      hostName = split.name;
      hostPort = split.port;
    }
  }
  const server = selectVirtualHost(parts.config, hostName, req.localIp, req.localPort);
  const hostname = hostName ?? (server.serverName?.replace(/:\d+$/, '') ?? 'localhost');
  const record = blankRecord(parts, {
    server,
    connection,
    method: req.method,
    protocol: req.protocol,
    theRequest,
    unparsedUri: req.rawTarget,
    uri: path,
    args: query,
    hostname,
    port: serverPort(server, hostPort, req.isHttps),
    headersIn,
    errHeadersOut: new HeaderTable(),
    env: new Map(),
    poolData: new Map(),
    prev: null,
    main: null,
    redirectDepth: 0,
  });
  if (failure) return { r: record, failure };
  if (path === '*') {
    if (req.method === 'OPTIONS') return { r: record, failure: null };
    return { r: record, failure: { status: 400, reason: 'request-target * is only valid for OPTIONS' } };
  }
  if (!path.startsWith('/')) return { r: record, failure: { status: 400, reason: `invalid request-target '${req.rawTarget}'` } };
  const decoded = decodeRequestPath(server, path);
  if ('status' in decoded) return { r: record, failure: decoded };
  record.uri = decoded.uri;
  return { r: record, failure: null };
}

/**
 * REDIRECT_-prefixed copy of the environment plus REDIRECT_STATUS (http_request.c
 * `rename_original_env`, `internal_internal_redirect`).
 */
function renameEnv(env: Map<string, string>, status: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of env) out.set(`REDIRECT_${k}`, v);
  out.set('REDIRECT_STATUS', String(status));
  return out;
}

/**
 * A new request for an internal redirect to `url` (path?query), or the failure status. It inherits
 * r's status (internal_internal_redirect `new->status = r->status`: an ErrorDocument's request keeps
 * the error's); `method` is GET for ErrorDocument redirects (http_request.c ap_die_r).
 */
export function createInternalRedirect(parts: NewRequestParts, r: RequestRec, url: string, method: string = r.method): Created {
  const { path, query } = splitTarget(url);
  const next = blankRecord(parts, {
    server: r.server,
    connection: r.connection,
    method,
    protocol: r.protocol,
    theRequest: r.theRequest,
    unparsedUri: url,
    uri: path,
    args: query,
    hostname: r.hostname,
    port: r.port,
    headersIn: r.headersIn,
    errHeadersOut: r.errHeadersOut,
    env: renameEnv(r.env, r.status),
    poolData: r.poolData,
    prev: r,
    main: null,
    redirectDepth: r.redirectDepth + 1,
  });
  next.status = r.status;
  // A redirect's Location goes along (an ErrorDocument page for a 3xx still points there).
  const location = r.status >= 300 && r.status < 400 ? r.headersOut.get('Location') : undefined;
  if (location !== undefined) next.headersOut.set('Location', location);
  if (!path.startsWith('/')) return { r: next, failure: { status: 400, reason: `invalid internal redirect target '${url}'` } };
  const decoded = decodeRequestPath(r.server, path);
  if ('status' in decoded) return { r: next, failure: decoded };
  next.uri = decoded.uri;
  return { r: next, failure: null };
}

/** A URL sub-request of `r` (relative URIs resolve against r->uri's directory). */
export function createSubRequest(parts: NewRequestParts, r: RequestRec, uri: string): Created {
  let target = uri;
  if (!target.startsWith('/')) {
    const dir = r.uri.slice(0, r.uri.lastIndexOf('/') + 1);
    target = encodeDir(dir) + target;
  }
  const { path, query } = splitTarget(target);
  const sub = blankRecord(parts, {
    server: r.server,
    connection: r.connection,
    method: 'GET',
    protocol: r.protocol,
    theRequest: r.theRequest,
    unparsedUri: target,
    uri: path,
    args: query,
    hostname: r.hostname,
    port: r.port,
    headersIn: r.headersIn,
    errHeadersOut: new HeaderTable(),
    env: new Map(r.env),
    poolData: r.poolData,
    prev: null,
    main: r.main ?? r,
    redirectDepth: r.redirectDepth,
  });
  const decoded = decodeRequestPath(r.server, path);
  if ('status' in decoded) return { r: sub, failure: decoded };
  sub.uri = decoded.uri;
  return { r: sub, failure: null };
}

function encodeDir(dir: string): string {
  // ap_escape_uri of the parent directory before the relative name is appended.
  return dir.replace(/[^A-Za-z0-9\-._~$&+,/:;=@!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
