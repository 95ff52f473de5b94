/**
 * Name-based virtual host selection (SPEC-NOTES §4.3.2; httpd server/vhost.c
 * `ap_update_vhost_from_headers`, `check_hostalias`): among the <VirtualHost>s whose address matches
 * the connection's local address and port, the first whose ServerName or a ServerAlias (with `*`/`?`
 * wildcards) equals the request's host, compared case-insensitively and without the port; none
 * matching → the first vhost for that address; no vhost for the address → the main server.
 */
import type { LoadedConfig, ServerConf } from '../config/module';
import { fnmatch } from './fnmatch';

function addressMatches(address: string, localIp: string, localPort: number): boolean {
  let host = address;
  let port: string | null = null;
  const bracket = address.match(/^\[([^\]]+)\](?::(\d+|\*))?$/);
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2] ?? null;
  } else {
    const colon = address.lastIndexOf(':');
    if (colon > 0 && address.indexOf(':') === colon) {
      host = address.slice(0, colon);
      port = address.slice(colon + 1);
    }
  }
  if (port !== null && port !== '*' && Number(port) !== localPort) return false;
  if (host === '*' || host === '_default_') return true;
  const normalizedLocal = localIp.replace(/^::ffff:/, '');
  return host === normalizedLocal || host.toLowerCase() === 'localhost';
}

function nameMatches(server: ServerConf, host: string): boolean {
  if (server.serverName && server.serverName.toLowerCase().replace(/:\d+$/, '') === host) return true;
  for (const alias of server.serverAliases) {
    const a = alias.toLowerCase();
    if (/[*?]/.test(a) ? fnmatch(a, host) : a === host) return true;
  }
  return false;
}

export function selectVirtualHost(config: LoadedConfig, host: string | null, localIp: string, localPort: number): ServerConf {
  const candidates = config.virtualHosts.filter((v) => v.addresses.some((a) => addressMatches(a, localIp, localPort)));
  if (candidates.length === 0) return config.mainServer;
  if (host) {
    const lower = host.toLowerCase();
    for (const v of candidates) if (nameMatches(v, lower)) return v;
  }
  return candidates[0]!;
}

/** Split a Host header (or absolute-URI authority) into a lower-case name and an optional port. */
export function splitHost(value: string): { name: string; port: number | null } | null {
  const m = value.match(/^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(?::(\d*))?$/);
  if (!m) return null;
  const name = m[1]!.toLowerCase().replace(/\.$/, '');
  const port = m[2] ? Number(m[2]) : null;
  return { name, port };
}

/**
 * httpd vhost.c `fix_hostname` validity: letters, digits, '-', '.', '_' (bracketed IPv6 allowed);
 * no empty labels ('a..b'), not empty.
 */
export function isValidHostName(name: string): boolean {
  if (name.startsWith('[')) return /^\[[0-9a-f:.]+\]$/.test(name);
  if (name === '') return false;
  if (!/^[a-z0-9_.-]+$/.test(name)) return false;
  return !name.includes('..');
}
