import type { RequestRec } from '../routing/request-rec';

/**
 * apr_table_merge(headers_out, "Vary", …) followed by what the HTTP header filter's fix_vary does
 * before sending: the names are split, duplicates (case-insensitive) dropped and joined with ','.
 * Observed on 2.4.71: "Vary: X-Mode,User-Agent".
 */
export function mergeVary(r: RequestRec, names: readonly string[]): void {
  const current = r.headersOut.get('Vary');
  const all = [...(current === undefined ? [] : current.split(',')), ...names].map((n) => n.trim()).filter((n) => n !== '');
  const seen = new Set<string>();
  const unique = all.filter((n) => (seen.has(n.toLowerCase()) ? false : (seen.add(n.toLowerCase()), true)));
  r.headersOut.set('Vary', unique.join(','));
}
