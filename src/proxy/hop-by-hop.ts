/**
 * Hop-by-hop fields end at each connection (RFC 9110 §7.6.1): `Connection` and every field it
 * names, plus the fields RFC 9110/9112 and RFC 2616 §13.5.1 list as connection-specific
 * (Keep-Alive, Proxy-Connection, Proxy-Authenticate/-Authorization are for the proxy itself, TE,
 * Trailer, Transfer-Encoding, Upgrade). A proxy must not forward them in either direction.
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Lower-cased names listed in every `Connection` field value (RFC 9110 §7.6.1). */
export function connectionTokens(headers: ReadonlyArray<readonly [string, string]>): Set<string> {
  const tokens = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t !== '') tokens.add(t);
    }
  }
  return tokens;
}

/** The fields that may cross to the next hop, order and duplicates kept. */
export function stripHopByHop(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const listed = connectionTokens(headers);
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower)) continue;
    out.push([name, value]);
  }
  return out;
}
