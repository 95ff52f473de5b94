/**
 * ProxyPassReverse (httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypassreverse): a Location,
 * Content-Location or URI header that points into the backend is turned back into our own URL, so
 * a redirect from the legacy host does not leak its address. Apache builds the new URL from the
 * request's scheme, Host and the local path (`ap_construct_url`); `clientOrigin` is that prefix.
 */

export interface ReverseRule {
  /** The backend URL prefix as the backend writes it (`http://127.0.0.1:8081/app/`). */
  readonly backendPrefix: string;
  /** The local path it stands for (`/app/`). */
  readonly localPath: string;
}

/** Headers ProxyPassReverse applies to (mod_proxy_http `ap_proxy_location_reverse_map` callers). */
export const REVERSE_MAPPED_HEADERS = new Set(['location', 'content-location', 'uri']);

export function rewriteLocation(value: string, rules: readonly ReverseRule[], clientOrigin: string): string {
  for (const rule of rules) {
    if (value.startsWith(rule.backendPrefix)) {
      const rest = value.slice(rule.backendPrefix.length);
      const local = rule.localPath.endsWith('/') && rest.startsWith('/') ? rule.localPath + rest.slice(1) : rule.localPath + rest;
      return clientOrigin + (local.startsWith('/') ? local : `/${local}`);
    }
  }
  return value;
}

/** The rule for the configured backend: its whole URL space is our `/`. */
export function backendReverseRule(backendUrl: string): ReverseRule {
  const url = new URL(backendUrl);
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { backendPrefix: `${url.protocol}//${url.host}${base}`, localPath: '/' };
}
