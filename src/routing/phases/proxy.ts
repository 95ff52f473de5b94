/**
 * mod_proxy's part of the routing decision (httpd modules/proxy/mod_proxy.c `proxy_trans`,
 * `ap_proxy_trans_match`, `proxy_fixup`; mod_proxy_http.c `proxy_http_canon`; proxy_util.c
 * `ap_proxy_canonenc_ex`):
 * - translate_name (APR_HOOK_FIRST, before mod_rewrite): ProxyPass / ProxyPassMatch map a URL
 *   prefix to a backend; `!` excludes; the first match in config order wins.
 * - fixups: the backend URL is canonicalised — the path re-encoded and r->args appended — unless
 *   `nocanon` / mod_rewrite's [NE] asked for the raw URL; a raw space or control character in what
 *   would be forwarded is refused with 403 (2.4.60+: AH10415, AH10408).
 */
import type { ProxyServerConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { RequestRec } from '../request-rec';
import { aliasMatches, pregsub } from './alias';

export type ProxyOutcome =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string };

export const PROXY_HANDLER = 'proxy-server';

export function proxyTranslate(r: RequestRec): ProxyOutcome {
  const conf = r.server.moduleConfig[MODULE_IDS.proxy] as ProxyServerConf | undefined;
  if (!conf || conf.passes.length === 0 || !r.config.loadedModules.has('proxy_module')) return { kind: 'declined' };
  for (const pass of conf.passes) {
    let target: string | null = null;
    if (pass.regex) {
      pass.regex.lastIndex = 0;
      const m = pass.regex.exec(r.uri);
      if (!m) continue;
      target = pass.url === '!' ? '!' : pregsub(pass.url, m);
    } else {
      const length = aliasMatches(r.uri, pass.path);
      if (length === 0 && !(pass.path === '/' && r.uri.startsWith('/'))) continue;
      if (pass.url === '!') target = '!';
      else {
        // nocanon forwards the URL as the client sent it (r->unparsed_uri), else the decoded URI.
        const source = pass.noCanon ? r.unparsedUri.split('?')[0]! : r.uri;
        const rest = pass.path === '/' ? source.slice(1) : source.slice(Math.min(length, source.length));
        target = pass.url.replace(/\/$/, '') + (rest.startsWith('/') || rest === '' ? rest : `/${rest}`);
        if (pass.url.endsWith('/') && rest === '') target = pass.url;
      }
    }
    if (target === '!') {
      r.trace?.push({ phase: 'proxy', text: `ProxyPass ${pass.path} ! (excluded)` });
      return { kind: 'declined' };
    }
    if (pass.noCanon) {
      r.notes.set('proxy-nocanon', '1');
      if (r.args !== null) target += `?${r.args}`;
    }
    r.filename = `proxy:${target}`;
    r.handler = PROXY_HANDLER;
    r.trace?.push({ phase: 'proxy', text: `ProxyPass ${pass.path} → ${target} (${pass.where.file}:${pass.where.line})` });
    return { kind: 'ok' };
  }
  return { kind: 'declined' };
}

const PATH_ALLOWED = /[A-Za-z0-9~$\-_.+!*'(),;:@&=/]/;
const RESERVED = ';/?:@&=+$,';

function hex(code: number): string {
  return '%' + code.toString(16).toUpperCase().padStart(2, '0');
}

/** `ap_proxy_canonenc` for a path: decode escapes (keeping reserved ones encoded), encode the rest. */
export function canonicalizePath(path: string): string | null {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    let c = path[i]!;
    if (c === '%') {
      const h = path.substr(i + 1, 2);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return null;
      const code = parseInt(h, 16);
      i += 2;
      if (code !== 0 && RESERVED.includes(String.fromCharCode(code))) {
        out += hex(code);
        continue;
      }
      c = String.fromCharCode(code);
    }
    out += PATH_ALLOWED.test(c) ? c : hex(c.charCodeAt(0));
  }
  return out;
}

// ap_scan_vchar_obstext: anything but visible ASCII and obs-text ends the scan.
// eslint-disable-next-line no-control-regex
const NOT_VCHAR = /[\x00-\x20\x7f]/;

/** fixups: canonicalise the backend URL in r->filename (proxy_http_canon). */
export function proxyFixup(r: RequestRec): ProxyOutcome {
  const filename = r.filename ?? '';
  if (!filename.startsWith('proxy:') || r.handler !== PROXY_HANDLER) return { kind: 'declined' };
  const url = filename.slice('proxy:'.length);
  const m = url.match(/^([a-z][a-z0-9+.-]*:\/\/[^/?]*)(.*)$/i);
  if (!m) return { kind: 'status', status: 400, reason: `invalid proxy URL ${url}` };
  const origin = m[1]!;
  const rawPath = m[2]!;
  if (r.notes.has('proxy-nocanon')) {
    if (NOT_VCHAR.test(rawPath)) {
      return { kind: 'status', status: 403, reason: 'To be forwarded path contains control characters or spaces (AH10415)' };
    }
    return { kind: 'declined' };
  }
  const path = canonicalizePath(rawPath.split('?')[0]!);
  if (path === null) return { kind: 'status', status: 400, reason: `invalid escape in proxy URL ${url}` };
  const search = r.args;
  if (search !== null && NOT_VCHAR.test(search)) {
    return { kind: 'status', status: 403, reason: 'To be forwarded query string contains control characters or spaces (AH10408)' };
  }
  r.filename = `proxy:${origin}${path === '' ? '/' : path}${search !== null ? `?${search}` : ''}`;
  return { kind: 'ok' };
}
