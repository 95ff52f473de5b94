/**
 * The steps both hooks share after a pass (the common tail of mod_rewrite.c `hook_uri2file` and
 * `hook_fixup`): the AH10410/AH10411 query check, forced statuses, [P] hand-over and the external
 * redirect with its escaping. Each returns a result, or null to let the hook go on.
 */
import type { RequestRec } from '../routing/request-rec';
import type { ListResult } from './engine';
import { DECLINED, statusResult } from './result';
import type { RewriteHookResult } from './result';
import { escapeAbsoluteUri, escapeUri, hasCtlOrSpace, isAbsoluteUri } from './uri';
import { trace } from './trace';

export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status <= 399;
}

/** The query and status checks; null when the pass produced a URL or path to act on. */
export function checkQueryAndStatus(r: RequestRec, res: ListResult, ahCode: string): RewriteHookResult | null {
  const filename = r.filename ?? '';
  const skip = filename.length > 0 ? isAbsoluteUri(filename).skip : 0;
  const willEscape = skip > 0 && res.action !== 'noescape';
  if (r.args !== null && !willEscape && hasCtlOrSpace(r.args)) {
    trace(r, `${ahCode}: rewritten query string contains control characters or spaces → 403`);
    return statusResult(403, `${ahCode}: Rewritten query string contains control characters or spaces`);
  }
  if (res.action === 'status' || res.action === 'statusSet') {
    const reason = res.status === 403 && res.action === 'statusSet'
      ? 'AH10508: Unsafe URL with %3f URL rewritten without UnsafeAllow3F'
      : `RewriteRule forced status ${res.status}`;
    trace(r, `status ${res.status}: ${reason}`);
    return statusResult(res.status, reason);
  }
  return null;
}

/** [P]: needs mod_proxy (AH00669 / AH10160 → 403 without it). */
export function handOverToProxy(r: RequestRec, res: ListResult, ahCode: string, appendPathInfo: boolean): RewriteHookResult {
  if (!r.config.loadedModules.has('proxy_module')) {
    trace(r, `${ahCode}: [P] without mod_proxy → 403`);
    return statusResult(403, `${ahCode}: attempt to make remote request from mod_rewrite without proxy enabled`);
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

export { DECLINED };
