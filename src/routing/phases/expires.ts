/**
 * mod_expires (httpd modules/metadata/mod_expires.c `expires_filter`, `set_expiration_fields`):
 * for a response that is not an error, when ExpiresActive is On and no Expires header was set yet,
 * the ExpiresByType code for the content type (then `major/*`, then ExpiresDefault) yields
 * `Cache-Control: max-age=N` (merged) and `Expires`. Codes are 'A<sec>' (from the access time) or
 * 'M<sec>' (from the file's mtime; nothing for a missing file). It runs before mod_headers' filter.
 */
import type { ExpiresDirConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { HeaderTable, RequestRec } from '../request-rec';

/** lookupCode's answers by configuration record and content type (a pure function of both). */
const codeMemo = new WeakMap<ExpiresDirConf, Map<string | null, string | undefined>>();

function lookupCode(conf: ExpiresDirConf, contentType: string | null): string | undefined {
  let byType = codeMemo.get(conf);
  if (byType === undefined) {
    byType = new Map();
    codeMemo.set(conf, byType);
  }
  if (byType.has(contentType)) return byType.get(contentType);
  const code = computeCode(conf, contentType);
  // Content types come from configuration (AddType, mime.types, [T=]), so few; bound it anyway.
  if (byType.size >= 1000) byType.clear();
  byType.set(contentType, code);
  return code;
}

/** The last Expires value formatted (the same second repeats under load). */
let lastExpiresSecond = NaN;
let lastExpiresText = '';

function httpDate(seconds: number): string {
  if (seconds !== lastExpiresSecond) {
    lastExpiresText = new Date(seconds * 1000).toUTCString();
    lastExpiresSecond = seconds;
  }
  return lastExpiresText;
}

function computeCode(conf: ExpiresDirConf, contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  const exact = conf.byType.get(type);
  if (exact) return exact;
  const slash = type.indexOf('/');
  if (slash >= 0) {
    const wildcard = conf.byType.get(`${type.slice(0, slash + 1)}*`);
    if (wildcard) return wildcard;
  }
  return conf.default;
}

/** Whether mod_expires is active in this scope (cheap pre-check). */
export function hasExpires(r: RequestRec): boolean {
  return (r.perDirConfig[MODULE_IDS.expires] as ExpiresDirConf | undefined)?.active === true;
}

export function applyExpires(r: RequestRec, status: number, headersOut: HeaderTable, errHeadersOut: HeaderTable): void {
  if (status >= 400 || r.main !== null) return;
  const conf = r.perDirConfig[MODULE_IDS.expires] as ExpiresDirConf | undefined;
  if (!conf || conf.active !== true) return;
  if (conf.byType.size === 0 && !conf.default) return;
  const table = errHeadersOut.has('Expires') ? errHeadersOut : headersOut;
  if (table.has('Expires')) return;
  const code = lookupCode(conf, r.contentType);
  if (!code) return;
  const seconds = Number.parseInt(code.slice(1), 10) || 0;
  const nowMs = r.services.now().getTime();
  let baseMs: number;
  if (code[0] === 'M') {
    if (r.finfo === null) return;
    baseMs = r.finfo.mtimeMs;
  } else baseMs = nowMs;
  const expiresMs = Math.max(baseMs + seconds * 1000, nowMs);
  const maxAge = Math.floor(expiresMs / 1000) - Math.floor(nowMs / 1000);
  const current = table.getJoined('Cache-Control');
  table.set('Cache-Control', current === undefined ? `max-age=${maxAge}` : `${current}, max-age=${maxAge}`);
  table.set('Expires', httpDate(Math.floor(expiresMs / 1000)));
}
