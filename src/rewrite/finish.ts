/**
 * The steps both hooks share after a pass (the common tail of mod_rewrite.c `hook_uri2file` and
 * `hook_fixup`): the AH10410/AH10411 query check, forced statuses, [P] hand-over and the external
 * redirect with its escaping. Each returns a result, or null to let the hook go on.
 */
import type { RequestRec } from '../routing/request-rec';
import type { ListResult } from './engine';
import { statusResult } from './result';
import type { RewriteHookResult } from './result';
import { escapeAbsoluteUri, escapeUri, hasCtlOrSpace, isAbsoluteUri } from './uri';
import { trace } from './trace';
import { SgError } from '../errors';

export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status <= 399;
}

/** A status that is an error of ours, with its catalogue code. */
export function errorStatus(r: RequestRec, code: 'SG_ERR_REWRITE_SYMLINKS' | 'SG_ERR_REWRITE_BAD_PATH', details: Record<string, string>, prefix = ''): RewriteHookResult {
  const err = new SgError(code, details);
  trace(r, `${prefix}${err.message} → ${err.httpStatus}`);
  return statusResult(err.httpStatus!, `${prefix}${err.message}`, err.code);
}

/** The query and status checks; null when the pass produced a URL or path to act on. */
export function checkQueryAndStatus(r: RequestRec, res: ListResult, ahCode: string): RewriteHookResult | null {
  const filename = r.filename ?? '';
  const skip = filename.length > 0 ? isAbsoluteUri(filename).skip : 0;
  const willEscape = skip > 0 && res.action !== 'noescape';
  if (r.args !== null && !willEscape && hasCtlOrSpace(r.args)) {
    const err = new SgError('SG_ERR_REWRITE_UNSAFE_QUERY');
    trace(r, `${ahCode}: ${err.message} → 403`);
    return statusResult(403, `${ahCode}: ${err.message}`, err.code);
  }
  if (res.action === 'status' || res.action === 'statusSet') {
    if (res.error) {
      trace(r, `status ${res.status}: ${res.error.message}`);
      return statusResult(res.status, res.error.message, res.error.code);
    }
    trace(r, `status ${res.status} forced by the rule`);
    return statusResult(res.status, `RewriteRule forced status ${res.status}`);
  }
  return null;
}

/** [P]: needs mod_proxy (AH00669 / AH10160 → 403 without it). */
export function handOverToProxy(r: RequestRec, res: ListResult, ahCode: string, appendPathInfo: boolean): RewriteHookResult {
  if (!r.config.loadedModules.has('proxy_module')) {
    const err = new SgError('SG_ERR_REWRITE_NO_PROXY', { url: (r.filename ?? '').slice(6) });
    trace(r, `${ahCode}: ${err.message} → 403`);
    return statusResult(403, `${ahCode}: ${err.message}`, err.code);
  }
  const noCanon = res.action === 'noescape';
  if (noCanon) r.notes.set('proxy-nocanon', '1');
  let filename = r.filename ?? '';
  if (appendPathInfo && r.pathInfo) filename += r.pathInfo;
  if (r.args !== null && noCanon) filename += '?' + r.args;
  r.filename = filename;
  r.handler = 'proxy-server';
  trace(r, `proxy to ${filename.slice(6)}`);
  return { kind: 'proxy', url: filename.slice(6), noCanon };
}

/** An absolute-URL result: escape it (unless [NE]), append the query, answer 3xx (302 unless [R=3xx]). */
export function externalRedirect(r: RequestRec, res: ListResult, oargs: string | null): RewriteHookResult {
  let filename = r.filename ?? '';
  const skip = isAbsoluteUri(filename).skip;
  if (res.action !== 'noescape') filename = escapeAbsoluteUri(filename, skip);
  if (r.args !== null) {
    // The query is escaped only when a rule changed it.
    const noEscape = res.action === 'noescape' || (oargs !== null && r.args === oargs);
    filename += '?' + (noEscape ? r.args : escapeUri(r.args));
  }
  r.filename = filename;
  const status = isRedirectStatus(res.status) ? res.status : 302;
  r.headersOut.set('Location', filename);
  trace(r, `redirect ${status} to ${filename}`);
  return { kind: 'redirect', status, location: filename };
}

