/**
 * Host names for `Require host` (mod_authz_host.c host_check_authorization) and `Allow/Deny from
 * <domain>` (mod_access_compat.c find_allowdeny). Apache asks for the client's name with
 * `ap_get_useragent_host(r, REMOTE_DOUBLE_REV, …)` (server/core.c): a reverse lookup whose answer
 * must resolve forward to the same address, lower-cased; no name means the rule does not match.
 *
 * The routing core is synchronous and pure, so the lookup is injected (`HostResolver`). The default
 * reads the hosts file through the FsView — the "files" source glibc consults first; names only DNS
 * knows are not found, which makes those rules deny (never allow). `serve` may pass a resolver that
 * was filled asynchronously before routing.
 */
import type { FsView } from '../routing/fs-view';
import { sameAddress } from './ip';

/** Returns the double-reverse-verified host name of an address, or null. */
export type HostResolver = (ip: string) => string | null;

/** in_domain of mod_access_compat / mod_authz_host: a case-insensitive suffix on a label boundary. */
export function inDomain(domain: string, what: string): boolean {
  const dl = domain.length;
  const wl = what.length;
  if (wl < dl) return false;
  if (what.slice(wl - dl).toLowerCase() !== domain.toLowerCase()) return false;
  if (wl === dl) return true;
  return domain.startsWith('.') || what[wl - dl - 1] === '.';
}

interface HostsEntry {
  readonly address: string;
  readonly names: readonly string[];
}

function parseHosts(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    if (address && names.length > 0) entries.push({ address, names });
  }
  return entries;
}

/** A resolver over a hosts file read through the FsView (re-read on every call: the FsView caches). */
export function hostsFileResolver(fs: FsView, path = '/etc/hosts'): HostResolver {
  return (ip: string) => {
    const text = fs.readText(path);
    if (typeof text !== 'string') return null;
    const entries = parseHosts(text);
    // gethostbyaddr: the first line for the address; its first name is the canonical one.
    const reverse = entries.find((e) => sameAddress(e.address, ip));
    if (!reverse) return null;
    const name = reverse.names[0]!.toLowerCase();
    // Double reverse: the name must resolve back to the client's address.
    const forward = entries.some((e) => e.names.some((n) => n.toLowerCase() === name) && sameAddress(e.address, ip));
    return forward ? name : null;
  };
}

/** Addresses of a name (what `Require forward-dns` looks up), [] when unknown. */
export type NameResolver = (name: string) => string[];

/** getaddrinfo over the hosts file ("files" source only; DNS is not consulted). */
export function hostsFileForward(fs: FsView, path = '/etc/hosts'): NameResolver {
  return (name: string) => {
    const text = fs.readText(path);
    if (typeof text !== 'string') return [];
    const lower = name.toLowerCase();
    return parseHosts(text)
      .filter((e) => e.names.some((n) => n.toLowerCase() === lower))
      .map((e) => e.address);
  };
}
