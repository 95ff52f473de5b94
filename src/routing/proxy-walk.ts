/**
 * mod_proxy's map_to_storage (modules/proxy/mod_proxy.c `proxy_map_location` → `proxy_walk`): a
 * proxied request (r->filename "proxy:URL") gets no <Directory> walk; instead every <Proxy>/
 * <ProxyMatch> section whose pattern matches the URL is merged, in configuration order, onto the
 * server's defaults — so `Require`, `Order`/`Allow` and Basic auth inside them apply before the
 * request is forwarded. Patterns: a regex (ProxyMatch), an fnmatch pattern without PATHNAME when it
 * has wildcards, else a prefix.
 */
import { fnmatch, fnmatchTest } from '../config/fnmatch';
import type { DirConfigVector, ServerConf } from '../config/module';
import { mergeCached } from './walks';

export function proxyWalk(server: ServerConf, defaults: DirConfigVector, url: string): DirConfigVector {
  let perDir = defaults;
  for (const section of server.proxySections ?? []) {
    let matches: boolean;
    if (section.regex) matches = section.regex.test(url);
    else if (fnmatchTest(section.path)) matches = fnmatch(section.path, url);
    else matches = url.startsWith(section.path);
    if (matches) perDir = mergeCached(perDir, section.config);
  }
  return perDir;
}
