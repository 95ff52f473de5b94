/**
 * mod_remoteip's reading of `X-Forwarded-For` (httpd.apache.org/docs/2.4/mod/mod_remoteip.html):
 * the header is believed only when the peer is one of `trustedProxies` (INTERFACE.md §3, its
 * `RemoteIPTrustedProxy`), and then walked from the right while each hop is trusted too; the first
 * untrusted address is the client. The consumed entries leave the header, as mod_remoteip removes
 * them, and the proxy appends the client again (`forwardedFor` below), so a backend that trusts us
 * sees exactly one believable chain.
 */
import { BlockList, isIP } from 'node:net';
import { SgError } from '../errors';

export interface ClientAddress {
  readonly clientIp: string;
  /** X-Forwarded-For entries left of the ones consumed (untouched when the peer is not trusted). */
  readonly remainingForwardedFor: readonly string[];
  /** `X-Forwarded-Proto` believed from a trusted peer, else null. */
  readonly forwardedProto: string | null;
}

/** `::ffff:1.2.3.4` (a v4 client on a dual-stack socket) is the v4 address for matching and logs. */
export function normalizeIp(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return address;
}

export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const [address, prefixText] = text.split('/') as [string, string | undefined];
      const family = isIP(address);
      if (family === 0) throw new SgError('SG_ERR_SERVER_TRUSTED_PROXY', { value: text });
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new SgError('SG_ERR_SERVER_TRUSTED_PROXY', { value: text });
      }
      this.list.addSubnet(address, prefix, type);
    }
    this.empty = cidrs.length === 0;
  }

  isTrusted(address: string): boolean {
    if (this.empty) return false;
    const ip = normalizeIp(address);
    const family = isIP(ip);
    if (family === 0) return false;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The client behind `peerIp` given the request's X-Forwarded-For / -Proto values (joined lists). */
  resolve(peerIp: string, forwardedFor: string | undefined, forwardedProto: string | undefined): ClientAddress {
    const peer = normalizeIp(peerIp);
    const entries = forwardedFor === undefined ? [] : splitList(forwardedFor);
    if (!this.isTrusted(peer)) return { clientIp: peer, remainingForwardedFor: entries, forwardedProto: null };
    let clientIp = peer;
    const remaining = [...entries];
    while (remaining.length > 0) {
      const candidate = normalizeIp(remaining[remaining.length - 1]!);
      // An entry that is not an address ends the walk; mod_remoteip keeps the last good one.
      if (isIP(candidate) === 0) break;
      remaining.pop();
      clientIp = candidate;
      if (!this.isTrusted(candidate)) break;
    }
    // The rightmost X-Forwarded-Proto is the one our trusted peer wrote; anything left of it came
    // from further out and could be the client's own claim.
    const protos = forwardedProto === undefined ? [] : splitList(forwardedProto);
    const proto = protos.length > 0 ? protos[protos.length - 1]!.toLowerCase() : null;
    return { clientIp, remainingForwardedFor: remaining, forwardedProto: proto };
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
