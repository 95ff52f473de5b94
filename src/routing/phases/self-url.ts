/**
 * Self-referential URLs (httpd server/util.c `ap_construct_url`, core.c `ap_get_server_name`,
 * `ap_get_server_port`) with `UseCanonicalName Off` semantics: the Host header's name and port,
 * else the ServerName; the port is omitted when it is the scheme's default.
 */
import type { RequestRec } from '../request-rec';

export function serverScheme(r: RequestRec): 'http' | 'https' {
  return r.isHttps ? 'https' : 'http';
}

export function defaultPort(r: RequestRec): number {
  return r.isHttps ? 443 : 80;
}

/** scheme://host[:port] for this request. */
export function selfOrigin(r: RequestRec): string {
  const host = r.hostname.includes(':') && !r.hostname.startsWith('[') ? `[${r.hostname}]` : r.hostname;
  const port = r.port === defaultPort(r) ? '' : `:${r.port}`;
  return `${serverScheme(r)}://${host}${port}`;
}

/** `ap_construct_url`: make an absolute URL of a local path ("/x" → "http://host/x"). */
export function constructUrl(r: RequestRec, path: string): string {
  return selfOrigin(r) + (path.startsWith('/') ? path : `/${path}`);
}
