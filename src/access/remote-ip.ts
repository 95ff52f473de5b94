/**
 * The client address access rules see (REMOTE_ADDR, r->useragent_ip): the TCP peer, or — only when
 * configured — the address a trusted proxy put into a header, as mod_remoteip's
 * `remoteip_modify_request` chooses it (modules/metadata/mod_remoteip.c; doc: mod_remoteip).
 *
 * The header (RemoteIPHeader, e.g. X-Forwarded-For) is read right to left. Each step requires the
 * current address to be a listed proxy (RemoteIPInternalProxy / RemoteIPTrustedProxy; with no list
 * at all every peer is trusted, but only as an *external* proxy); the next entry must be an IP
 * literal (names are never looked up here); an external (trusted) proxy may not present a private,
 * loopback or link-local IPv4 address nor an IPv6 address outside 2000::/3. The first entry that
 * fails stops the walk and the last accepted address is the client.
 *
 * smoothgate.yaml's `trustedProxies` means `RemoteIPHeader X-Forwarded-For` plus
 * `RemoteIPInternalProxy <each CIDR>`: `trustedProxiesPolicy()` builds that policy; `serve` passes it
 * as the Router's `trustedProxies` option (and the TCP peer as the request's clientIp), and the
 * routing core applies it — or the server's own RemoteIP* directives — with `clientAddressFor()`.
 */
import { isIP } from 'node:net';
import { SgError } from '../errors';
import type { Subnet } from './ip';
import { clientAddress, parseSubnetWord, subnetTest } from './ip';

export interface RemoteIpProxy {
  readonly subnet: Subnet;
  /** RemoteIPInternalProxy (true) or RemoteIPTrustedProxy (false). */
  readonly internal: boolean;
}

export interface RemoteIpPolicy {
  /** The header to read (case-insensitive), e.g. 'X-Forwarded-For'. */
  readonly header: string;
  /** Listed proxies in configuration order; empty = every peer is an external trusted proxy. */
  readonly proxies: readonly RemoteIpProxy[];
}

/** `trustedProxies: [CIDR…]` of smoothgate.yaml as a policy (null when the list is empty). */
export function trustedProxiesPolicy(cidrs: readonly string[], header = 'X-Forwarded-For'): RemoteIpPolicy | null {
  if (cidrs.length === 0) return null;
  const proxies = cidrs.map((c) => {
    const subnet = parseSubnetWord(c);
    if (typeof subnet === 'string') throw new SgError('SG_ERR_ACCESS_TRUSTED_PROXY', { value: c });
    return { subnet, internal: true };
  });
  return { header, proxies };
}

/** mod_remoteip's test for addresses an external proxy may not present. */
function privateOrNonsense(a: Subnet): boolean {
  if (a.family === 4) {
    const w = a.sub[0]!;
    const b0 = w >>> 24;
    const b1 = (w >>> 16) & 0xff;
    return b0 === 10 || b0 === 127 || (b0 === 169 && b1 === 254) || (b0 === 172 && (b1 & 0xf0) === 16) || (b0 === 192 && b1 === 168);
  }
  return (a.sub[0]! & 0xe000) !== 0x2000;
}

function addressText(a: Subnet, literal: string): string {
  if (a.family === 4) return [a.sub[0]! >>> 24, (a.sub[0]! >>> 16) & 0xff, (a.sub[0]! >>> 8) & 0xff, a.sub[0]! & 0xff].join('.');
  return literal.toLowerCase();
}

/**
 * The client address for one request: `peerIp` when there is no policy or no usable header value.
 * `header` is the value of the policy's header (several fields joined with ", ").
 */
export function clientAddressFor(policy: RemoteIpPolicy | null, peerIp: string, header: string | undefined): string {
  if (!policy || header === undefined) return peerIp;
  let internal = policy.proxies.length > 0;
  let current = peerIp;
  let remote: string | null = header;
  while (remote !== null) {
    if (policy.proxies.length > 0) {
      const addr = clientAddress(current);
      const match = policy.proxies.find((p) => subnetTest(p.subnet, addr));
      if (!match) break;
      // An internal proxy may present an external one, never the other way round.
      if (internal) internal = match.internal;
    }
    const text: string = remote;
    const comma = text.lastIndexOf(',');
    // Only spaces are trimmed around an entry (mod_remoteip).
    const entry = (comma < 0 ? text : text.slice(comma + 1)).replace(/^ +| +$/g, '');
    const rest = comma < 0 ? null : text.slice(0, comma);
    if (entry === '' || isIP(entry) === 0) break;
    const parsed = clientAddress(entry);
    if (!parsed) break;
    if (!internal && privateOrNonsense(parsed)) break;
    current = addressText(parsed, entry);
    remote = rest;
  }
  return current;
}
