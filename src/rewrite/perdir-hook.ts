/**
 * <Directory> and .htaccess rules: mod_rewrite.c `hook_fixup` (fixups, APR_HOOK_FIRST), the
 * per-directory steps of SPEC-NOTES §4.4.6: skip the bare directory without slash, [END], the
 * FollowSymLinks requirement, prefix stripping, RewriteBase, and the internal redirect.
 */
import type { CoreDirConf, OptionName } from '../config/records';
import type { RequestRec } from '../routing/request-rec';
import { applyRewriteList, END_MARKER, NOTE_FORCED_HANDLER, NOTE_FORCED_TYPE } from './engine';
import { checkQueryAndStatus, errorStatus, externalRedirect, handOverToProxy } from './finish';
import { DECLINED } from './result';
import type { RewriteHookResult } from './result';
import type { RewriteDirConf } from './types';
import { isAbsoluteUri, substPrefixPath } from './uri';
import { contextDocumentRoot, documentRoot } from './variables';
import { trace } from './trace';

/** Options in force (core's default when no Options line applies is FollowSymLinks). */
function allowedOptions(r: RequestRec): ReadonlySet<OptionName> {
  const core = r.perDirConfig['core_module'] as Partial<CoreDirConf> | undefined;
  return core?.options ?? new Set<OptionName>(['FollowSymLinks']);
}

/** Replaces the directory by RewriteBase inside the path part of an absolute URL. */
function applyBaseToUrl(filename: string, dconf: RewriteDirConf): string {
  if (dconf.baseUrl === null || dconf.directory === null) return filename;
  const skip = isAbsoluteUri(filename).skip;
  const slash = filename.indexOf('/', skip);
  if (slash < 0 || slash + 1 >= filename.length) return filename;
  const cp = slash + 1;
  const dir = dconf.directory.startsWith('/') ? dconf.directory.slice(1) : dconf.directory;
  const replaced = substPrefixPath(filename.slice(cp), dir, dconf.baseUrl.slice(1));
  return replaced !== filename.slice(cp) ? filename.slice(0, cp) + replaced : filename;
}

/** hook_fixup */
export function rewriteFixup(r: RequestRec): RewriteHookResult {
  const dconf = r.perDirConfig['rewrite_module'] as RewriteDirConf | undefined;
  if (!dconf || !dconf.state || dconf.directory === null) return DECLINED;
  const dir = dconf.directory;
  const isProxyReq = (r.filename ?? '').startsWith('proxy:');
  if (!isProxyReq && !dconf.options.has('AllowNoSlash')) {
    // The directory itself without its slash: leave it to mod_dir's redirect.
    if (r.filename !== null && r.filename === dir.slice(0, -1) && dir.endsWith('/')) return DECLINED;
  }
  if (r.poolData.get(END_MARKER)) {
    if (r.trace !== null) trace(r, `per-dir ${dir}: declining, [END] was used earlier in this request`);
    return DECLINED;
  }
  const opts = allowedOptions(r);
  if (!opts.has('FollowSymLinks') && !opts.has('SymLinksIfOwnerMatch')) {
    return errorStatus(r, 'SG_ERR_REWRITE_SYMLINKS', { filename: r.filename ?? '' }, 'AH00670: ');
  }

  const ofilename = r.filename;
  const oargs = r.args;
  if (r.filename === null) r.filename = r.uri;
  if (r.trace !== null) trace(r, `per-dir ${dir}: rules applied to '${r.filename}${r.pathInfo}'`);
  const res = applyRewriteList(r, dconf.rules, dir);
  if (res.action === 'unchanged') {
    r.filename = ofilename;
    return DECLINED;
  }

  const early = checkQueryAndStatus(r, res, 'AH10411');
  if (early) return early;
  let filename = r.filename ?? '';
  if (filename.length > 6 && filename.startsWith('proxy:')) return handOverToProxy(r, res, 'AH10160', false);
  if (isAbsoluteUri(filename).skip > 0) {
    // Without RewriteBase the file-system path stays in the URL (SPEC-NOTES §4.8 trap 6).
    r.filename = applyBaseToUrl(filename, dconf);
    return externalRedirect(r, res, oargs);
  }
  if (filename.length > 12 && filename.startsWith('passthrough:')) filename = filename.slice(12); // [PT] means nothing here
  r.filename = filename;
  if (!filename.startsWith('/')) return errorStatus(r, 'SG_ERR_REWRITE_BAD_PATH', { path: filename });
  if (ofilename !== null && filename === ofilename) {
    // "initial URL equal rewritten URL": serve it, keeping the query this pass set.
    if (r.trace !== null) trace(r, `per-dir ${dir}: initial URL equal rewritten URL, ignoring the rewrite`);
    return { kind: 'ok' };
  }

  let url = filename;
  if (dconf.baseUrl !== null) {
    url = substPrefixPath(filename, dir, dconf.baseUrl);
  } else {
    const root = documentRoot(r).replace(/\/$/, '');
    if (filename.startsWith(root) && filename[root.length] === '/') url = filename.slice(root.length);
  }
  if (url === filename && !dconf.options.has('IgnoreContextInfo')) {
    url = substPrefixPath(filename, contextDocumentRoot(r), r.contextPrefix ?? '');
  }
  r.notes.set('redirect-keeps-vary', '');
  r.filename = 'redirect:' + url;
  r.handler = 'redirect-handler';
  const target = url + (r.args !== null ? '?' + r.args : '');
  if (r.trace !== null) trace(r, `per-dir ${dir}: internal redirect to ${target}`);
  return { kind: 'internalRedirect', url: target };
}

/** hook_mimetype (a LAST fixup): apply [T=] and [H=] remembered by the rules. */
export function rewriteTypeChecker(r: RequestRec): void {
  const type = r.notes.get(NOTE_FORCED_TYPE);
  if (type) r.contentType = type;
  const handler = r.notes.get(NOTE_FORCED_HANDLER);
  if (handler) r.handler = handler;
}
