/**
 * IP subnets exactly as apr-util's `apr_ipsubnet_create` / `apr_ipsubnet_test` read and test them
 * (apr network_io/unix/sockaddr.c: looks_like_ip, parse_ip, parse_network, fix_subnet). Used by
 * `Require ip`, `Require local` (mod_authz_host.c) and `Allow/Deny from` (mod_access_compat.c).
 *
 * Facts kept from apr: a partial address ("10", "10.1.", "192.168.1") is a network of the given
 * octets, allowed only without a mask; a mask is either a bit count 1..32 (1..128 for IPv6 — "/0" is
 * refused) or, for IPv4, a dotted netmask (non-contiguous masks are accepted); an IPv4-mapped IPv6
 * address in the configuration is refused, while an IPv4-mapped *client* address is tested against
 * IPv4 subnets only.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Subnet {
  readonly family: 4 | 6;
  /** Address and mask as 16-bit words for IPv6 (8 words) or one 32-bit word for IPv4. */
  readonly sub: readonly number[];
  readonly mask: readonly number[];
}

/** apr's status for a subnet that does not parse: EINVAL "looks nothing like an IP", else bad IP / bad mask. */
export type SubnetError = 'EINVAL' | 'EBADIP' | 'EBADMASK';

function v4Word(text: string): number | null {
  // apr_inet_pton(AF_INET) (BIND's inet_pton4): exactly four decimal octets, each at most 255.
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(text)) return null;
  let word = 0;
  for (const part of text.split('.')) {
    const n = Number(part);
    if (n > 255) return null;
    word = word * 256 + n;
  }
  return word >>> 0;
}

/** 8 16-bit words of an IPv6 literal (embedded dotted quad allowed), or null. */
function v6Words(text: string): number[] | null {
  // apr_inet_pton(AF_INET6) knows no zone index ("%eth0").
  if (text.includes('%') || !isIPv6(text)) return null;
  let t = text;
  const tail: number[] = [];
  const dotted = t.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const w = v4Word(dotted[2]!);
    if (w === null) return null;
    tail.push(w >>> 16, w & 0xffff);
    t = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = t.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length > 1 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length - tail.length;
  if (halves.length === 1 && fill !== 0) return null;
  return [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...rest, ...tail];
}

function isV4Mapped(words: readonly number[]): boolean {
  return words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
}

/** apr's looks_like_ip: a ':' anywhere, or only digits and dots. */
export function looksLikeIp(text: string): boolean {
  if (text === '') return false;
  if (text.includes(':')) return true;
  return /^[0-9.]+$/.test(text);
}

/** parse_network: legacy partial IPv4 ("a.b.c." → a.b.c.0/24). */
function parseNetwork(text: string): Subnet | SubnetError {
  if (text.length >= 16) return 'EBADIP';
  let sub = 0;
  let mask = 0;
  let shift = 24;
  let s = text;
  while (s !== '') {
    const m = s.match(/^(\d+)(\.?)/);
    if (!m) return 'EBADIP';
    const after = s.slice(m[0].length);
    if (m[2] === '' && after !== '') return 'EBADIP';
    if (shift < 0) return 'EBADIP';
    const octet = Number(m[1]);
    if (octet > 255) return 'EBADIP';
    sub += octet * 2 ** shift;
    mask += 255 * 2 ** shift;
    s = after;
    shift -= 8;
  }
  return { family: 4, sub: [sub >>> 0], mask: [mask >>> 0] };
}

function maskFromBits(bits: number, family: 4 | 6): number[] {
  if (family === 4) return [bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0];
  const words: number[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - i * 16));
    words.push(b === 0 ? 0 : (0xffff << (16 - b)) & 0xffff);
  }
  return words;
}

/** apr_ipsubnet_create(ipstr, mask_or_numbits). */
export function parseSubnet(ip: string, maskText: string | null): Subnet | SubnetError {
  if (!looksLikeIp(ip)) return 'EINVAL';
  let family: 4 | 6;
  let sub: number[];
  let mask: number[];
  const v6 = v6Words(ip);
  if (v6) {
    if (isV4Mapped(v6)) return 'EBADIP';
    family = 6;
    sub = v6;
    mask = new Array<number>(8).fill(0xffff);
  } else {
    const v4 = v4Word(ip);
    if (v4 !== null) {
      family = 4;
      sub = [v4];
      mask = [0xffffffff];
    } else {
      // parse_ip: a partial address is a network only without a mask.
      if (maskText !== null) return 'EBADIP';
      return parseNetwork(ip);
    }
  }
  if (maskText !== null) {
    const max = family === 4 ? 32 : 128;
    if (/^\s*[+-]?\d+$/.test(maskText)) {
      // strtol with nothing left over: a bit count.
      const bits = parseInt(maskText, 10);
      if (!(bits > 0 && bits <= max)) return 'EBADMASK';
      mask = maskFromBits(bits, family);
    } else {
      const m = v4Word(maskText);
      if (m === null || family !== 4) return 'EBADMASK';
      mask = [m];
    }
  }
  // fix_subnet: the network part only.
  sub = sub.map((w, i) => (family === 4 ? (w & mask[i]!) >>> 0 : w & mask[i]!));
  return { family, sub, mask };
}

/** The client address as words: IPv4 (also from an IPv4-mapped IPv6 address) or IPv6. */
export function clientAddress(ip: string): Subnet | null {
  const plain = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(plain)) {
    const w = v4Word(plain);
    return w === null ? null : { family: 4, sub: [w], mask: [0xffffffff] };
  }
  const v6 = v6Words(plain.replace(/%.*$/, ''));
  if (!v6) return null;
  if (isV4Mapped(v6)) return { family: 4, sub: [((v6[6]! << 16) | v6[7]!) >>> 0], mask: [0xffffffff] };
  return { family: 6, sub: v6, mask: new Array<number>(8).fill(0xffff) };
}

/** apr_ipsubnet_test. */
export function subnetTest(subnet: Subnet, client: Subnet | null): boolean {
  if (client === null || client.family !== subnet.family) return false;
  for (let i = 0; i < subnet.sub.length; i++) {
    const masked = subnet.family === 4 ? (client.sub[i]! & subnet.mask[i]!) >>> 0 : client.sub[i]! & subnet.mask[i]!;
    if (masked !== subnet.sub[i]) return false;
  }
  return true;
}

/** apr_sockaddr_equal on addresses (an IPv4-mapped address equals its IPv4 form). */
export function sameAddress(a: string, b: string): boolean {
  const x = clientAddress(a);
  const y = clientAddress(b);
  if (!x || !y || x.family !== y.family) return false;
  return x.sub.every((w, i) => w === y.sub[i]);
}

const LOCALHOST_V4 = parseSubnet('127.0.0.0', '8') as Subnet;
const LOCALHOST_V6 = parseSubnet('::1', null) as Subnet;

/** mod_authz_host local_check_authorization: the server's own address, 127.0.0.0/8 or ::1. */
export function isLocalClient(clientIp: string, localIp: string): boolean {
  const client = clientAddress(clientIp);
  return sameAddress(clientIp, localIp) || subnetTest(LOCALHOST_V4, client) || subnetTest(LOCALHOST_V6, client);
}

/** The message Apache gives for a subnet that does not parse (mod_authz_host ip_parse_config). */
export function subnetErrorText(word: string, err: SubnetError): string {
  if (err === 'EINVAL') return `ip address '${word}' appears to be invalid`;
  return `ip address '${word}' appears to be invalid: ${err === 'EBADMASK' ? 'The specified network mask is invalid.' : 'The specified IP address is invalid.'}`;
}

/** A `Require ip`/`Allow from` word ("addr" or "addr/mask") as apr reads it. */
export function parseSubnetWord(word: string): Subnet | SubnetError {
  const slash = word.indexOf('/');
  return slash < 0 ? parseSubnet(word, null) : parseSubnet(word.slice(0, slash), word.slice(slash + 1));
}
