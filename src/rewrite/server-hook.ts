/**
 * Server and virtual-host rules: mod_rewrite.c `hook_uri2file` (translate_name, APR_HOOK_FIRST),
 * with `prefix_stat` (CVE-2024-38475) deciding whether a local result is a file-system path or
 * DocumentRoot-relative. SPEC-NOTES §4.4.1, §4.4.5.
 */
import type { RequestRec } from '../routing/request-rec';
import { applyRewriteList, END_MARKER, NOTE_URI_REDUCED } from './engine';
import type { ListResult } from './engine';
import { checkQueryAndStatus, errorStatus, externalRedirect, handOverToProxy } from './finish';
import { DECLINED, statusResult } from './result';
import type { RewriteHookResult } from './result';
import type { RewriteDirConf, RewriteRuleEntry, RewriteServerConf } from './types';
import { isAbsoluteUri } from './uri';
import { contextDocumentRoot, documentRoot, httpScheme, isDefaultPort, serverNameForUrl } from './variables';
import { trace } from './trace';

const NOTE_REWRITTEN = 'mod_rewrite_rewritten';

/**
 * apr_filepath_merge(docroot, path, TRUENAME|SECUREROOT) as core_translate uses it: "." and empty
 * segments vanish, ".." pops, going above the root fails (→ 403).
 */
export function mergeUnderRoot(root: string, path: string): string | null {
  const segs: string[] = [];
  const parts = path.split('/');
  for (const seg of parts) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (segs.length === 0) return null;
      segs.pop();
      continue;
    }
    segs.push(seg);
  }
  const trailing = path.endsWith('/') && segs.length > 0 ? '/' : '';
  const base = root.replace(/\/+$/, '');
  return segs.length === 0 ? `${base}/` : `${base}/${segs.join('/')}${trailing}`;
}

/** prefix_stat: may `path` be used as a file-system path (else DocumentRoot is prepended)? */
export function prefixStat(r: RequestRec, path: string, lastSub: RewriteRuleEntry | null): boolean {
  const cur = path.replace(/^\/+/, '');
  const slash = cur.indexOf('/');
  const first = slash < 0 ? cur : cur.slice(0, slash);
  if (first === '..') return false;
  const statPath = first === '' || first === '.' ? '/' : `/${first}`;
  if (r.fs.stat(statPath) === null) return false;
  if (lastSub === null || lastSub.flags.unsafePrefixStat) return true;
  const docroot = documentRoot(r);
  const ctxRoot = contextDocumentRoot(r);
  return lastSub.output.startsWith(statPath) || path.startsWith(docroot) || (ctxRoot !== docroot && path.startsWith(ctxRoot));
}

function setScriptUrlEnv(r: RequestRec): void {
  let scriptUrl: string | undefined;
  if (r.main === null) scriptUrl = r.env.get('REDIRECT_SCRIPT_URL') ?? r.uri;
  else scriptUrl = r.main.env.get('SCRIPT_URL');
  if (scriptUrl !== undefined) r.env.set('SCRIPT_URL', scriptUrl);
  const port = isDefaultPort(r, r.port) ? '' : `:${r.port}`;
  r.env.set('SCRIPT_URI', `${httpScheme(r)}://${serverNameForUrl(r)}${port}${scriptUrl ?? ''}`);
}

/** hook_uri2file. On a local file result sets r.filename and returns 'ok'. */
export function rewriteTranslateName(r: RequestRec): RewriteHookResult {
  const conf = r.server.moduleConfig['rewrite_module'] as RewriteServerConf | undefined;
  if (!conf) return DECLINED;
  const dconf = r.perDirConfig['rewrite_module'] as RewriteDirConf | undefined;
  if (!(dconf ? dconf.state : conf.state)) return DECLINED;
  if (r.poolData.get(END_MARKER)) {
    trace(r, 'server context: declining, [END] was used earlier in this request');
    return DECLINED;
  }
  const options = dconf?.options ?? conf.options;
  if (!options.has('AllowAnyURI') && (r.unparsedUri === '*' || !r.uri.startsWith('/'))) return DECLINED;
  const oargs = r.args;
  setScriptUrlEnv(r);

  let res: ListResult;
  // Apache leaves r->filename = r->uri behind when it declines; the later translate hooks always
  // overwrite it. We put the original back so that the routing core sees an untouched record.
  const ofilename = r.filename;
  const saved = r.notes.get(NOTE_REWRITTEN);
  if (saved === undefined) {
    if (r.filename === null) r.filename = r.uri;
    if (r.trace !== null) trace(r, `server context: rules applied to '${r.filename}'`);
    res = applyRewriteList(r, conf.rules, null);
    r.notes.set(NOTE_REWRITTEN, res.action);
  } else {
    res = { action: saved as ListResult['action'], status: r.status, lastSub: null };
  }
  if (res.action === 'unchanged') {
    r.filename = ofilename;
    return DECLINED;
  }

  const early = checkQueryAndStatus(r, res, 'AH10410');
  if (early) return early;
  const filename = r.filename ?? '';
  if (filename.length > 6 && filename.startsWith('proxy:')) return handOverToProxy(r, res, 'AH00669', true);
  if (isAbsoluteUri(filename).skip > 0) return externalRedirect(r, res, oargs);
  if (filename.length > 12 && filename.startsWith('passthrough:')) {
    // [PT]: the result becomes the URI and mapping goes on (mod_alias, then the core).
    r.uri = filename.slice(12);
    r.filename = ofilename;
    if (r.trace !== null) trace(r, `pass-through: uri is now ${r.uri}`);
    return DECLINED;
  }
  if (!filename.startsWith('/')) return errorStatus(r, 'SG_ERR_REWRITE_BAD_PATH', { path: filename });
  const reduced = !conf.options.has('LegacyPrefixDocRoot') && r.notes.has(NOTE_URI_REDUCED);
  if (!prefixStat(r, filename, conf.options.has('UnsafePrefixStat') ? null : res.lastSub) || reduced) {
    // ap_core_translate on the result: DocumentRoot-relative.
    const merged = mergeUnderRoot(documentRoot(r), filename.replace(/^\/+/, ''));
    if (merged === null) return statusResult(403, 'rewritten path leaves the DocumentRoot');
    r.filename = merged;
    r.canonicalFilename = merged;
    if (r.trace !== null) trace(r, `prefixed with DocumentRoot: ${merged}`);
  } else {
    if (r.trace !== null) trace(r, `file-system path: ${filename}`);
  }
  return { kind: 'ok' };
}
