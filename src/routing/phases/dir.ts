/**
 * mod_dir (SPEC-NOTES §4.5.2; httpd modules/mappers/mod_dir.c `dir_fixups`, `fixup_dir`,
 * `fixup_dflt`; fixups, APR_HOOK_LAST): the trailing-slash 301, DirectoryIndex by URL sub-requests
 * with a fast internal redirect to the first regular file (or proxied target), FallbackResource when
 * nothing exists and no handler was set.
 */
import type { DirDirConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { RequestRec } from '../request-rec';
import { escapeUri } from '../uri';
import { DIR_MAGIC_TYPE } from './mime';
import { constructUrl } from './self-url';

export type DirOutcome =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string };

export interface SubRequester {
  /** A URL sub-request of `r` (ap_sub_req_lookup_uri), fully processed but not handled. */
  lookupUri(r: RequestRec, uri: string): RequestRec;
  /** ap_internal_fast_redirect: make `r` become `sub`. */
  fastRedirect(sub: RequestRec, r: RequestRec): void;
}

const REWRITE_REDIRECT_HANDLER = 'redirect-handler';

function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

function dirConf(r: RequestRec): DirDirConf | undefined {
  return r.perDirConfig[MODULE_IDS.dir] as DirDirConf | undefined;
}

function fixupDir(r: RequestRec, sub: SubRequester): DirOutcome {
  if (!r.handler) r.handler = DIR_MAGIC_TYPE;
  // Never tolerate path_info on directory requests.
  if (r.pathInfo) return { kind: 'declined' };
  const conf = dirConf(r);
  if (r.uri === '' || !r.uri.endsWith('/')) {
    if (conf?.directorySlash === false) return { kind: 'declined' };
    if (r.method !== 'GET' && r.env.has('redirect-carefully')) return { kind: 'declined' };
    const target = escapeUri(r.uri) + '/' + (r.args !== null ? `?${r.args}` : '');
    r.headersOut.set('Location', constructUrl(r, target));
    return { kind: 'status', status: 301, reason: 'mod_dir: DirectorySlash' };
  }
  // Running between mod_rewrite's fixup and its internal-redirect handler: step aside.
  if (r.handler === REWRITE_REDIRECT_HANDLER) return { kind: 'declined' };
  const names = conf?.index ?? ['index.html'];
  let errorStatus = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const uri = r.args !== null ? `${name}?${r.args}` : name;
    const rr = sub.lookupUri(r, uri);
    if (rr.status === 200 && (rr.handler === 'proxy-server' || rr.finfo?.kind === 'file')) {
      r.trace?.push({ phase: 'dir', text: `DirectoryIndex ${name} → ${rr.uri}` });
      sub.fastRedirect(rr, r);
      return { kind: 'ok' };
    }
    if (isRedirectStatus(rr.status) || ((rr.status === 406 || rr.status === 401) && names.length === 1)) {
      for (const [k, v] of rr.headersOut.list()) r.headersOut.set(k, v);
      for (const [k, v] of rr.errHeadersOut.list()) r.errHeadersOut.set(k, v);
      return { kind: 'status', status: rr.status, reason: `mod_dir: index sub-request ${name} answered ${rr.status}` };
    }
    if (rr.status !== 404 && rr.status !== 200) errorStatus = rr.status;
  }
  if (errorStatus) return { kind: 'status', status: errorStatus, reason: 'mod_dir: index sub-request failed' };
  return { kind: 'declined' };
}

function fixupFallback(r: RequestRec, sub: SubRequester): DirOutcome {
  const fallback = dirConf(r)?.fallbackResource;
  if (!fallback || fallback.toLowerCase() === 'disabled') return { kind: 'declined' };
  const uri = r.args !== null ? `${fallback}?${r.args}` : fallback;
  const rr = sub.lookupUri(r, uri);
  if (rr.status === 200 && (rr.handler === 'proxy-server' || rr.finfo?.kind === 'file')) {
    r.trace?.push({ phase: 'dir', text: `FallbackResource → ${rr.uri}` });
    sub.fastRedirect(rr, r);
    return { kind: 'ok' };
  }
  if (isRedirectStatus(rr.status)) {
    for (const [k, v] of rr.headersOut.list()) r.headersOut.set(k, v);
    return { kind: 'status', status: rr.status, reason: 'mod_dir: fallback sub-request redirected' };
  }
  return { kind: 'declined' };
}

export function dirFixups(r: RequestRec, sub: SubRequester): DirOutcome {
  if (r.finfo?.kind === 'directory') return fixupDir(r, sub);
  if (r.finfo === null && r.handler === null) return fixupFallback(r, sub);
  return { kind: 'declined' };
}
