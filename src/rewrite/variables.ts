/**
 * %{VAR} lookup (mod_rewrite.c `lookup_variable`, `lookup_header`, `la_u`): names are
 * case-insensitive; unknown names expand to the empty string. Request headers used here are
 * remembered for Vary (except Host, RFC 7231 §7.1.4). SPEC-NOTES §4.4.2.
 */
import type { RequestRec } from '../routing/request-rec';
import type { CoreServerConf } from '../config/records';
import type { RewriteCtx } from './context';
import type { RewriteDirConf } from './types';

/** What %{SERVER_SOFTWARE} and %{API_VERSION} print on the Apache we reproduce (2.4.71, Debian). */
export const SERVER_BANNER = 'Apache/2.4.71 (Debian)';
export const API_VERSION = '20120211:142';
/** Debian's compiled-in DocumentRoot, used when none is configured. */
export const DEFAULT_DOCUMENT_ROOT = '/var/www/html';
/** DEFAULT_ADMIN of httpd.h: ServerAdmin when none is configured. */
export const DEFAULT_SERVER_ADMIN = '[no address given]';

export function coreServerConf(r: RequestRec): Partial<CoreServerConf> {
  return (r.server.moduleConfig['core_module'] as Partial<CoreServerConf> | undefined) ?? {};
}

/** ap_document_root: the virtual host's DocumentRoot (no trailing slash). */
export function documentRoot(r: RequestRec): string {
  return coreServerConf(r).documentRoot ?? DEFAULT_DOCUMENT_ROOT;
}

/** ap_context_document_root: set by mod_alias/userdir, else DocumentRoot. */
export function contextDocumentRoot(r: RequestRec): string {
  return r.contextDocumentRoot ?? documentRoot(r);
}

/** ap_is_default_port / ap_get_server_port as UseCanonicalName Off sees them. */
export function isDefaultPort(r: RequestRec, port: number): boolean {
  return port === (r.isHttps ? 443 : 80);
}

export function httpScheme(r: RequestRec): string {
  return r.isHttps ? 'https' : 'http';
}

/** ap_get_server_name_for_url: the Host name (IPv6 literals in brackets). */
export function serverNameForUrl(r: RequestRec): string {
  const h = r.hostname;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

function lookupHeader(name: string, ctx: RewriteCtx): string | null {
  const val = ctx.r.headersIn.getJoined(name);
  if (val !== undefined && name.toLowerCase() !== 'host') ctx.varyThis.push(name);
  return val ?? null;
}

/** subreq_ok: look-aheads are not run from a sub-request for the same URI (no recursion). */
export function subreqOk(r: RequestRec): boolean {
  return r.main === null || r.main.uri !== r.uri;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

function timeVar(name: string, d: Date): string | null {
  switch (name) {
    case 'TIME':
      return `${String(d.getFullYear()).padStart(4, '0')}${twoDigits(d.getMonth() + 1)}${twoDigits(d.getDate())}${twoDigits(d.getHours())}${twoDigits(d.getMinutes())}${twoDigits(d.getSeconds())}`;
    case 'TIME_YEAR':
      return String(d.getFullYear()).padStart(4, '0');
    case 'TIME_MON':
      return twoDigits(d.getMonth() + 1);
    case 'TIME_DAY':
      return twoDigits(d.getDate());
    case 'TIME_HOUR':
      return twoDigits(d.getHours());
    case 'TIME_MIN':
      return twoDigits(d.getMinutes());
    case 'TIME_SEC':
      return twoDigits(d.getSeconds());
    case 'TIME_WDAY':
      return String(d.getDay());
    default:
      return null;
  }
}

function lookAhead(kind: 'LA-U' | 'LA-F', inner: string, ctx: RewriteCtx): string | null {
  const r = ctx.r;
  if (ctx.uri === null || !subreqOk(r)) return null;
  const dconf = r.perDirConfig['rewrite_module'] as RewriteDirConf | undefined;
  let sub;
  if (kind === 'LA-U') {
    let path = ctx.uri;
    if (ctx.perdir !== null && !path.startsWith('/')) path = (dconf?.baseUrl ?? dconf?.directory ?? ctx.perdir) + path;
    sub = r.services.subRequestUri(r, path);
  } else if (ctx.perdir !== null && ctx.uri.startsWith('/')) {
    // Apache cannot know the file path of a URL here and falls back to a URL look-ahead.
    sub = r.services.subRequestUri(r, ctx.uri);
  } else {
    const path = ctx.perdir !== null ? (dconf?.directory ?? ctx.perdir) + ctx.uri : ctx.uri;
    sub = r.services.subRequestFile(r, path);
  }
  if (sub.lookup) return sub.lookup(inner);
  const upper = inner.toUpperCase();
  if (upper === 'REQUEST_FILENAME' || upper === 'SCRIPT_FILENAME') return sub.filename ?? '';
  if (upper === 'REQUEST_URI') return sub.uri;
  return '';
}

/**
 * SCRIPT_USER / SCRIPT_GROUP: the owner of r->finfo. After the directory walk Apache's finfo keeps
 * the last stat (the deepest existing directory for a missing file), so per-dir rules see an
 * owner; in server context there is none ("<unknown>"). Divergence (documented): without a name
 * service only uid 0 is printed by name ("root"); FileInfo has no gid, so the group is "root"
 * for root-owned files and "<unknown>" otherwise.
 */
function scriptOwner(r: RequestRec, ctx: RewriteCtx, group: boolean): string {
  const info = r.finfo ?? (ctx.perdir !== null ? r.fs.stat(ctx.perdir) : null);
  if (!info) return '<unknown>';
  if (info.uid === 0) return 'root';
  return group ? '<unknown>' : String(info.uid);
}

/**
 * What lookup_variable reads from a variable's name: its prefix and key or its upper-cased name.
 * It depends only on the name, so a template parsed once (expand.ts) keeps it.
 */
export type VariableRef =
  | { readonly kind: 'none' }
  | { readonly kind: 'env'; readonly key: string }
  | { readonly kind: 'http'; readonly key: string }
  | { readonly kind: 'lookAhead'; readonly prefix: 'LA-U' | 'LA-F'; readonly key: string }
  | { readonly kind: 'plain'; readonly upper: string; readonly time: boolean };

const NO_VARIABLE: VariableRef = { kind: 'none' };

/**
 * The names lookupParsedVariable's switch knows, each mapped to the very string constant its `case`
 * compares with: a parsed name is replaced by that constant, so the switch compares identical
 * strings instead of characters (the names in any other case are still found: they are equal).
 */
const KNOWN_NAMES = new Map<string, string>(
  [
    'IPV6', 'HTTPS', 'IS_SUBREQ', 'PATH_INFO', 'AUTH_TYPE', 'REMOTE_USER', 'HTTP_HOST',
    'SERVER_NAME', 'REMOTE_ADDR', 'CONN_REMOTE_ADDR', 'REMOTE_HOST', 'SERVER_ADDR', 'HTTP_ACCEPT',
    'THE_REQUEST', 'API_VERSION', 'HTTP_COOKIE', 'SERVER_PORT', 'REMOTE_PORT', 'SCRIPT_USER',
    'SCRIPT_GROUP', 'REQUEST_URI', 'REMOTE_IDENT', 'HTTP_REFERER', 'QUERY_STRING', 'SERVER_ADMIN',
    'DOCUMENT_ROOT', 'HTTP_FORWARDED', 'CONTEXT_PREFIX', 'REQUEST_METHOD', 'REQUEST_SCHEME',
    'HTTP_USER_AGENT', 'SCRIPT_FILENAME', 'REQUEST_FILENAME', 'SERVER_PROTOCOL', 'SERVER_SOFTWARE',
    'HTTP_PROXY_CONNECTION', 'CONTEXT_DOCUMENT_ROOT',
  ].map((n) => [n, n]),
);

export function parseVariableName(name: string): VariableRef {
  if (name.length < 4) return NO_VARIABLE;
  if (name[3] === ':') {
    const prefix = name.slice(0, 3).toUpperCase();
    const key = name.slice(4);
    if (key !== '' && prefix === 'ENV') return { kind: 'env', key };
    // %{SSL:…} needs mod_ssl, which smoothgate does not emulate (TLS ends before us): empty.
    return NO_VARIABLE;
  }
  if (name[4] === ':') {
    const prefix = name.slice(0, 4).toUpperCase();
    const key = name.slice(5);
    if (key === '') return NO_VARIABLE;
    if (prefix === 'HTTP') return { kind: 'http', key };
    if (prefix === 'LA-U' || prefix === 'LA-F') return { kind: 'lookAhead', prefix, key };
    return NO_VARIABLE;
  }
  const upper = name.toUpperCase();
  return { kind: 'plain', upper: KNOWN_NAMES.get(upper) ?? upper, time: upper.startsWith('TIME') };
}

/** lookup_variable: the value of %{name} in this context. */
export function lookupVariable(name: string, ctx: RewriteCtx): string {
  return lookupParsedVariable(parseVariableName(name), ctx);
}

/** lookup_variable for a name parsed by parseVariableName. */
export function lookupParsedVariable(ref: VariableRef, ctx: RewriteCtx): string {
  const r = ctx.r;
  switch (ref.kind) {
    case 'none':
      return '';
    case 'env':
      return r.notes.get(ref.key) ?? r.env.get(ref.key) ?? r.services.processEnv(ref.key) ?? '';
    case 'http':
      return lookupHeader(ref.key, ctx) ?? '';
    case 'lookAhead':
      return lookAhead(ref.prefix, ref.key, ctx) ?? '';
    case 'plain':
      break;
  }
  const upper = ref.upper;
  const time = ref.time ? timeVar(upper, r.services.now()) : null;
  if (time !== null) return time;
  const core = coreServerConf(r);
  let result: string | null | undefined = null;
  switch (upper) {
    case 'IPV6':
      result = r.connection.clientIp.includes(':') && !/^::ffff:/i.test(r.connection.clientIp) ? 'on' : 'off';
      break;
    case 'HTTPS':
      return r.isHttps ? 'on' : 'off';
    case 'IS_SUBREQ':
      result = r.main !== null ? 'true' : 'false';
      break;
    case 'PATH_INFO':
      result = r.pathInfo;
      break;
    case 'AUTH_TYPE':
    case 'REMOTE_USER':
      // Set by authentication modules; the routing core records them in notes when it has them.
      result = r.notes.get(upper === 'AUTH_TYPE' ? 'smoothgate-auth-type' : 'smoothgate-remote-user') ?? null;
      break;
    case 'HTTP_HOST':
      result = lookupHeader('Host', ctx);
      break;
    case 'SERVER_NAME':
      result = serverNameForUrl(r);
      break;
    case 'REMOTE_ADDR':
    case 'CONN_REMOTE_ADDR':
    case 'REMOTE_HOST': // HostnameLookups Off: the address
      result = r.connection.clientIp;
      break;
    case 'SERVER_ADDR':
      result = r.connection.localIp;
      break;
    case 'HTTP_ACCEPT':
      result = lookupHeader('Accept', ctx);
      break;
    case 'THE_REQUEST':
      result = r.theRequest;
      break;
    case 'API_VERSION':
      return API_VERSION;
    case 'HTTP_COOKIE':
      result = lookupHeader('Cookie', ctx);
      break;
    case 'SERVER_PORT':
      return String(r.port);
    case 'REMOTE_PORT':
      return String(r.connection.clientPort);
    case 'SCRIPT_USER':
    case 'SCRIPT_GROUP':
      result = scriptOwner(r, ctx, upper === 'SCRIPT_GROUP');
      break;
    case 'REQUEST_URI':
      result = r.uri;
      break;
    case 'REMOTE_IDENT':
      result = null;
      break;
    case 'HTTP_REFERER':
      result = lookupHeader('Referer', ctx);
      break;
    case 'QUERY_STRING':
      result = r.args;
      break;
    case 'SERVER_ADMIN':
      result = core.serverAdmin ?? DEFAULT_SERVER_ADMIN;
      break;
    case 'DOCUMENT_ROOT':
      result = documentRoot(r);
      break;
    case 'HTTP_FORWARDED':
      result = lookupHeader('Forwarded', ctx);
      break;
    case 'CONTEXT_PREFIX':
      result = r.contextPrefix ?? '';
      break;
    case 'REQUEST_METHOD':
      result = r.method;
      break;
    case 'REQUEST_SCHEME':
      result = httpScheme(r);
      break;
    case 'HTTP_USER_AGENT':
      result = lookupHeader('User-Agent', ctx);
      break;
    case 'SCRIPT_FILENAME':
    case 'REQUEST_FILENAME':
      result = r.filename;
      break;
    case 'SERVER_PROTOCOL':
      result = r.protocol;
      break;
    case 'SERVER_SOFTWARE':
      result = SERVER_BANNER;
      break;
    case 'HTTP_PROXY_CONNECTION':
      result = lookupHeader('Proxy-Connection', ctx);
      break;
    case 'CONTEXT_DOCUMENT_ROOT':
      result = contextDocumentRoot(r);
      break;
    default:
      result = null;
  }
  return result ?? '';
}
