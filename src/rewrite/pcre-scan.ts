/**
 * Scanning helpers of the PCRE translation (pcre.ts): character-valued escapes (\x41, \x{41},
 * \101, \0, \cA, \e …) and whole character classes, with PCRE2's own errors ("invalid range in
 * character class", "range out of order") and ASCII case closure for caseless classes.
 */
import { caseClosure, complement, DIGIT, HSPACE, POSIX, rangesText, SPACE, VSPACE, WORD } from './pcre-sets';
import type { Range } from './pcre-sets';

/** A pattern refused by the translation (PCRE syntax error, or no JavaScript equivalent). */
export class Refusal extends Error {}

/** The scanner position shared with the translator. */
export interface Cursor {
  readonly src: string;
  pos: number;
}

/** Character-valued escapes (\n, \x41, \x{41}, \0, \e …); null when `c` is not one. */
export function readCharEscape(cur: Cursor, c: string): number | null {
  const src = cur.src;
  switch (c) {
    case 'a': return 7;
    case 'e': return 27;
    case 'f': return 12;
    case 'n': return 10;
    case 'r': return 13;
    case 't': return 9;
    case 'c': {
      const x = src[cur.pos];
      if (x === undefined) throw new Refusal('\\c at end of pattern');
      cur.pos++;
      return x.toUpperCase().charCodeAt(0) ^ 0x40;
    }
    case 'x': {
      let m = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(cur.pos));
      if (m) {
        cur.pos += m[0].length;
        const v = parseInt(m[1]!, 16);
        if (v > 0xff) throw new Refusal('character code point value in \\x{} is too large (no UTF mode)');
        return v;
      }
      m = /^[0-9a-fA-F]{0,2}/.exec(src.slice(cur.pos))!;
      cur.pos += m[0].length;
      return m[0] === '' ? 0 : parseInt(m[0], 16);
    }
    case 'o': {
      const m = /^\{([0-7]+)\}/.exec(src.slice(cur.pos));
      if (!m) throw new Refusal('missing opening brace after \\o');
      cur.pos += m[0].length;
      const v = parseInt(m[1]!, 8);
      if (v > 0xff) throw new Refusal('character code point value in \\o{} is too large');
      return v;
    }
    case '0': {
      const m = /^[0-7]{0,2}/.exec(src.slice(cur.pos))!;
      cur.pos += m[0].length;
      return parseInt('0' + m[0], 8);
    }
    default:
      return null;
  }
}


/** A whole `[...]` class; returns JS text. */
export function readClass(cur: Cursor, icase: boolean): string {
  const src = cur.src;
  cur.pos++; // '['
  let negate = false;
  if (src[cur.pos] === '^') {
    negate = true;
    cur.pos++;
  }
  const ranges: Range[] = [];
  let first = true;
  /** The previous item when it was a single character (a possible range start). */
  let prevChar: number | null = null;
  let prevWasSet = false;
  for (;;) {
    if (cur.pos >= src.length) throw new Refusal('missing terminating ] for character class');
    const c = src[cur.pos]!;
    if (c === ']' && !first) {
      cur.pos++;
      break;
    }
    first = false;
    if (c === '-' && src[cur.pos + 1] !== ']' && cur.pos + 1 < src.length && (prevChar !== null || prevWasSet)) {
      if (prevWasSet) throw new Refusal('invalid range in character class');
      cur.pos++;
      const item = classItem(cur);
      if (item.kind !== 'char') throw new Refusal('invalid range in character class');
      if (item.code < prevChar!) throw new Refusal('range out of order in character class');
      ranges.push([prevChar!, item.code]);
      prevChar = null;
      prevWasSet = false;
      continue;
    }
    const item = classItem(cur);
    if (item.kind === 'none') continue;
    if (item.kind === 'set') {
      ranges.push(...item.ranges);
      prevChar = null;
      prevWasSet = true;
    } else {
      ranges.push([item.code, item.code]);
      prevChar = item.code;
      prevWasSet = false;
    }
  }
  const closed = icase ? caseClosure(ranges) : ranges;
  return `[${negate ? '^' : ''}${rangesText(closed)}]`;
}


/** One element inside a class: a character, a set (\d, [:alpha:] …) or nothing (\E). */
function classItem(cur: Cursor): { kind: 'char'; code: number } | { kind: 'set'; ranges: Range[] } | { kind: 'none' } {
  const src = cur.src;
  const c = src[cur.pos]!;
  if (c === '[') {
    const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(cur.pos));
    if (m) {
      const set = POSIX[m[2]!];
      if (!set) throw new Refusal(`unknown POSIX class name '${m[2]}'`);
      cur.pos += m[0].length;
      return { kind: 'set', ranges: m[1] ? complement(set) : set };
    }
    if (/^\[[.=]/.test(src.slice(cur.pos))) throw new Refusal('POSIX collating elements are not supported');
    cur.pos++;
    return { kind: 'char', code: 91 };
  }
  if (c !== '\\') {
    cur.pos++;
    return { kind: 'char', code: c.charCodeAt(0) };
  }
  const e = src[cur.pos + 1];
  if (e === undefined) throw new Refusal('\\ at end of pattern');
  const sets: Record<string, Range[]> = { d: DIGIT, w: WORD, s: SPACE, h: HSPACE, v: VSPACE };
  const lower = e.toLowerCase();
  if (sets[lower]) {
    cur.pos += 2;
    return { kind: 'set', ranges: e === lower ? sets[lower]! : complement(sets[lower]!) };
  }
  if (e === 'b') {
    cur.pos += 2;
    return { kind: 'char', code: 8 };
  }
  if (e === 'Q') {
    // \Q…\E inside a class: every character literal (returned as a set of single characters).
    cur.pos += 2;
    const end = src.indexOf('\\E', cur.pos);
    const text = end < 0 ? src.slice(cur.pos) : src.slice(cur.pos, end);
    cur.pos = end < 0 ? src.length : end + 2;
    if (text === '') return { kind: 'none' };
    return { kind: 'set', ranges: [...text].map((ch): Range => [ch.charCodeAt(0), ch.charCodeAt(0)]) };
  }
  if (e === 'E') {
    cur.pos += 2;
    return { kind: 'none' };
  }
  cur.pos += 2;
  const code = readCharEscape(cur, e);
  if (code !== null) return { kind: 'char', code };
  if (/[1-7]/.test(e)) {
    cur.pos--;
    const oct = /^[0-7]{1,3}/.exec(src.slice(cur.pos))!;
    cur.pos += oct[0].length;
    return { kind: 'char', code: parseInt(oct[0], 8) & 0xff };
  }
  if (/[A-Za-z0-9]/.test(e)) throw new Refusal(`escape \\${e} in a character class has no JavaScript equivalent`);
  return { kind: 'char', code: e.charCodeAt(0) };
}
