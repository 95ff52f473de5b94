/**
 * Character sets for the PCRE translation (pcre.ts): PCRE's C-locale tables (no UTF mode) as
 * code-unit ranges — \s \h \v \d \w and the POSIX classes — and how they are written in JS.
 */

export type Range = [number, number];
export const MAX_CHAR = 0xffff;

export const SPACE: Range[] = [[9, 13], [32, 32]];
export const HSPACE: Range[] = [[9, 9], [32, 32], [0xa0, 0xa0]];
export const VSPACE: Range[] = [[10, 13], [0x85, 0x85]];
export const DIGIT: Range[] = [[48, 57]];
export const WORD: Range[] = [[48, 57], [65, 90], [95, 95], [97, 122]];

export const POSIX: Record<string, Range[]> = {
  alpha: [[65, 90], [97, 122]],
  digit: DIGIT,
  alnum: [[48, 57], [65, 90], [97, 122]],
  upper: [[65, 90]],
  lower: [[97, 122]],
  space: SPACE,
  blank: [[9, 9], [32, 32]],
  punct: [[33, 47], [58, 64], [91, 96], [123, 126]],
  print: [[32, 126]],
  graph: [[33, 126]],
  cntrl: [[0, 31], [127, 127]],
  xdigit: [[48, 57], [65, 70], [97, 102]],
  word: WORD,
  ascii: [[0, 127]],
};

export function complement(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CHAR) out.push([next, MAX_CHAR]);
  return out;
}

export function hex4(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}

/** Ranges as the inside of a JS class (no brackets). */
export function rangesText(ranges: Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex4(lo) : `${hex4(lo)}-${hex4(hi)}`)).join('');
}

export function classOf(ranges: Range[]): string {
  return `[${rangesText(ranges)}]`;
}

/** A literal character, escaped for use outside or inside a JS class. */
export function literal(code: number): string {
  const ch = String.fromCharCode(code);
  if (/[A-Za-z0-9_ ]/.test(ch)) return ch;
  return hex4(code);
}

export function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Adds the other ASCII case of every letter in the ranges (PCRE's caseless C-locale tables). */
export function caseClosure(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    const a = Math.max(lo, 97);
    const b = Math.min(hi, 122);
    if (a <= b) out.push([a - 32, b - 32]);
    const A = Math.max(lo, 65);
    const B = Math.min(hi, 90);
    if (A <= B) out.push([A + 32, B + 32]);
  }
  return out;
}
