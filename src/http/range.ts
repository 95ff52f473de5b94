/**
 * `Range: bytes=…` (RFC 9110 §14.1.2, §14.2): a list of first-last, first- and -suffix specs. A header
 * that does not parse is ignored (the whole representation is sent, §14.2 "MAY ignore"); a header none
 * of whose ranges is satisfiable answers 416. More than MAX_RANGES ranges are ignored too, as Apache's
 * MaxRanges (default 200) does, so a request cannot make us write thousands of tiny parts.
 */

export interface ByteRange {
  readonly startBytes: number;
  /** Exclusive. */
  readonly endBytes: number;
}

export type RangeDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly ByteRange[] };

export const MAX_RANGES = 200;
const SPEC = /^(\d*)-(\d*)$/;

export function parseRangeHeader(header: string | undefined, totalBytes: number): RangeDecision {
  if (header === undefined) return { kind: 'none' };
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: 'none' };
  const specs = match[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (specs.length === 0 || specs.length > MAX_RANGES) return { kind: 'none' };
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const parts = SPEC.exec(spec);
    if (!parts) return { kind: 'none' };
    const [, firstText = '', lastText = ''] = parts;
    if (firstText === '' && lastText === '') return { kind: 'none' };
    if (firstText === '') {
      const suffix = Number(lastText);
      if (!Number.isSafeInteger(suffix)) return { kind: 'none' };
      if (suffix === 0 || totalBytes === 0) continue;
      ranges.push({ startBytes: Math.max(0, totalBytes - suffix), endBytes: totalBytes });
      continue;
    }
    const first = Number(firstText);
    const last = lastText === '' ? Infinity : Number(lastText);
    if (!Number.isSafeInteger(first) || (lastText !== '' && !Number.isSafeInteger(last))) return { kind: 'none' };
    if (last < first) return { kind: 'none' };
    if (first >= totalBytes) continue;
    ranges.push({ startBytes: first, endBytes: Math.min(totalBytes, last + 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges };
}
