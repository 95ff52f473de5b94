/**
 * The request head the backend receives (INTERFACE.md §4 "The backend receives the request with
 * hop-by-hop headers removed, X-Forwarded-For/-Proto/-Host and Via added"). Mirrors what Apache's
 * mod_proxy_http does (httpd.apache.org/docs/2.4/mod/mod_proxy.html#x-headers): X-Forwarded-For and
 * X-Forwarded-Host are appended to, `Host` is the client's with ProxyPreserveHost On.
 */
import type { ServerResponse } from 'node:http';
import { HOP_BY_HOP, connectionTokens, stripHopByHop } from './hop-by-hop';
import { REVERSE_MAPPED_HEADERS, rewriteLocation, type ReverseRule } from './location-rewrite';

export interface ForwardingFacts {
  /** The client after mod_remoteip (src/server/trusted-proxies.ts). */
  readonly clientIp: string;
  /** X-Forwarded-For entries mod_remoteip did not consume (all of them from an untrusted peer). */
  readonly remainingForwardedFor: readonly string[];
  readonly isHttps: boolean;
  /** The client's Host header (null when absent, HTTP/1.0). */
  readonly clientHost: string | null;
  /** The backend's authority (`host:port`), used as Host when `preserveHost` is off. */
  readonly backendHost: string;
  readonly preserveHost: boolean;
}

/** The pseudonym we add to Via (RFC 9110 §7.6.3: received-protocol received-by). */
export const VIA_PSEUDONYM = 'smoothgate';

/** Fields that only describe this hop's message framing or are rebuilt below. */
const REBUILT = new Set(['host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'via', 'expect']);

/**
 * `requestHeaders` are the decision's (after RequestHeader edits). `httpVersion` is the client's
 * (`1.1`), which Via records. `keepUpgrade` keeps Connection/Upgrade for the WebSocket tunnel.
 */
export function forwardRequestHeaders(
  requestHeaders: ReadonlyArray<readonly [string, string]>,
  facts: ForwardingFacts,
  httpVersion: string,
  keepUpgrade = false,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let via: string | null = null;
  let forwardedHost: string | null = null;
  let upgrade: string | null = null;
  for (const [name, value] of requestHeaders) {
    const lower = name.toLowerCase();
    if (lower === 'via') via = via === null ? value : `${via}, ${value}`;
    else if (lower === 'x-forwarded-host') forwardedHost = forwardedHost === null ? value : `${forwardedHost}, ${value}`;
    else if (lower === 'upgrade') upgrade = value;
  }
  for (const [name, value] of stripHopByHop(requestHeaders)) {
    // `Expect: 100-continue` was answered by our own server already (Node sends the 100); the
    // backend gets the body without waiting.
    if (REBUILT.has(name.toLowerCase())) continue;
    out.push([name, value]);
  }
  const host = facts.preserveHost && facts.clientHost !== null ? facts.clientHost : facts.backendHost;
  out.unshift(['Host', host]);
  const xff = [...facts.remainingForwardedFor, facts.clientIp].join(', ');
  out.push(['X-Forwarded-For', xff]);
  if (facts.clientHost !== null) {
    out.push(['X-Forwarded-Host', forwardedHost === null ? facts.clientHost : `${forwardedHost}, ${facts.clientHost}`]);
  } else if (forwardedHost !== null) out.push(['X-Forwarded-Host', forwardedHost]);
  out.push(['X-Forwarded-Proto', facts.isHttps ? 'https' : 'http']);
  const hop = `${httpVersion} ${VIA_PSEUDONYM}`;
  out.push(['Via', via === null ? hop : `${via}, ${hop}`]);
  if (keepUpgrade && upgrade !== null) {
    out.push(['Connection', 'Upgrade']);
    out.push(['Upgrade', upgrade]);
  }
  return out;
}

/**
 * Copies the backend's response fields onto `res`: hop-by-hop ones dropped (RFC 9110 §7.6.1, with
 * those the backend's `Connection` names), Location/Content-Location/URI mapped back through the
 * ProxyPassReverse rules. `headers` is undici's parsed object (lower-case names, arrays for repeats).
 */
export function copyResponseHeaders(
  res: ServerResponse,
  headers: Record<string, string | string[] | undefined>,
  reverseRules: readonly ReverseRule[],
  clientOrigin: string,
): void {
  const connection = headers.connection;
  const listed = connection === undefined ? null : connectionTokens([['connection', Array.isArray(connection) ? connection.join(',') : connection]]);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || (listed !== null && listed.has(name))) continue;
    if (reverseRules.length > 0 && REVERSE_MAPPED_HEADERS.has(name) && typeof value === 'string') {
      res.setHeader(name, rewriteLocation(value, reverseRules, clientOrigin));
    } else res.setHeader(name, value);
  }
}
