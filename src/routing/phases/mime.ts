/**
 * Content type and handler (SPEC-NOTES §4.6): mod_mime's type checker (httpd modules/http/mod_mime.c
 * `find_ct`) with the multiple-extension rule, and core's fixup that applies ForceType / SetHandler /
 * AcceptPathInfo (server/core.c `core_override_type`, APR_HOOK_REALLY_FIRST).
 */
import type { CoreDirConf, MimeDirConf, MimeServerConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { RequestRec } from '../request-rec';

export const DIR_MAGIC_TYPE = 'httpd/unix-directory';

/**
 * `find_ct`: every piece of the file name after the first '.', left to right (leading dots skipped,
 * empty pieces skipped), looked up case-insensitively; each known piece sets what it maps and a later
 * piece overrides an earlier one of the same kind.
 */
export function mimeTypeChecker(r: RequestRec): void {
  if (r.finfo?.kind === 'directory') {
    r.contentType = DIR_MAGIC_TYPE;
    return;
  }
  if (!r.filename || r.filename.startsWith('proxy:') || r.filename.startsWith('redirect:')) return;
  const dirConf = r.perDirConfig[MODULE_IDS.mime] as MimeDirConf | undefined;
  const serverConf = r.server.moduleConfig[MODULE_IDS.mime] as MimeServerConf | undefined;
  let name = r.filename.slice(r.filename.lastIndexOf('/') + 1);
  if (dirConf?.useMimePathInfo && r.pathInfo) name += r.pathInfo.slice(r.pathInfo.lastIndexOf('/') + 1);
  let start = 0;
  while (name.charCodeAt(start) === 0x2e) start++;
  let type: string | null = null;
  let charset: string | null = null;
  let encoding: string | null = null;
  // The pieces after the first '.' (walked with indexOf: no array per request), empty ones skipped.
  for (let dot = name.indexOf('.', start); dot >= 0; ) {
    const next = name.indexOf('.', dot + 1);
    const raw = next < 0 ? name.slice(dot + 1) : name.slice(dot + 1, next);
    dot = next;
    if (raw === '') continue;
    const ext = raw.toLowerCase();
    const info = dirConf?.extensions.get(ext);
    const forced = info?.forcedType;
    const fromTypes = serverConf?.types.get(ext);
    if (forced) type = forced;
    else if (fromTypes) type = fromTypes;
    if (info?.charset) charset = info.charset;
    if (info?.encoding) encoding = encoding ? `${encoding}, ${info.encoding}` : info.encoding;
    // Handlers only apply to requests that are not proxied (mod_mime: r->proxyreq == PROXYREQ_NONE).
    if (info?.handler && r.handler !== 'proxy-server') r.handler = info.handler;
  }
  if (type !== null) r.contentType = charset ? `${type}; charset=${charset}` : type;
  if (encoding !== null) r.contentEncoding = encoding;
}

/** `core_override_type`: ForceType, SetHandler (each cancelled by 'none'). */
export function coreOverrideType(r: RequestRec): void {
  const core = r.perDirConfig[MODULE_IDS.core] as CoreDirConf | undefined;
  if (!core) return;
  if (core.forceType && core.forceType.toLowerCase() !== 'none') r.contentType = core.forceType;
  if (core.handler && core.handler.toLowerCase() !== 'none') r.handler = core.handler;
}

/** AcceptPathInfo in force (Default lets the handler decide; the default handler rejects). */
export function acceptPathInfo(r: RequestRec): 'default' | 'on' | 'off' {
  const core = r.perDirConfig[MODULE_IDS.core] as CoreDirConf | undefined;
  return core?.acceptPathInfo ?? 'default';
}
