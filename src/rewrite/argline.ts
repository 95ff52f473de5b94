/**
 * mod_rewrite's own argument splitter (mod_rewrite.c `parseargline`), used by RewriteRule and
 * RewriteCond instead of ap_getword_conf (SPEC-NOTES §4.1.3): a word may start with `"` or `'`
 * and then runs to the same quote; `\` followed by whitespace keeps that whitespace inside an
 * unquoted word (the backslash stays in the text); `\\` is not collapsed; there is no escape for
 * the quote itself. Text after the third word is ignored, as in Apache.
 */

export interface ArgLine {
  readonly a1: string;
  readonly a2: string;
  /** The flags field, or null when absent. */
  readonly a3: string | null;
}

function isSpace(c: string | undefined): boolean {
  // apr_isspace: C isspace() in the C locale.
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** Reads one word from `pos`; returns the word and the index of the terminator (or text end). */
function readWord(str: string, pos: number): { word: string; end: number } {
  let quote = '';
  if (str[pos] === '"' || str[pos] === "'") {
    quote = str[pos]!;
    pos++;
  }
  const start = pos;
  for (; pos < str.length; pos++) {
    const c = str[pos]!;
    if ((isSpace(c) && quote === '') || c === quote) break;
    if (c === '\\' && isSpace(str[pos + 1])) {
      pos++;
      continue;
    }
  }
  return { word: str.slice(start, pos), end: pos };
}

function skipSpace(str: string, pos: number): number {
  while (pos < str.length && isSpace(str[pos])) pos++;
  return pos;
}

/** Splits a RewriteRule/RewriteCond argument line; null means "bad argument line" (fewer than two words). */
export function parseArgLine(str: string): ArgLine | null {
  let pos = skipSpace(str, 0);
  const first = readWord(str, pos);
  if (first.end >= str.length) return null;
  pos = skipSpace(str, first.end + 1);
  const second = readWord(str, pos);
  if (second.end >= str.length) return { a1: first.word, a2: second.word, a3: null };
  pos = skipSpace(str, second.end + 1);
  if (pos >= str.length) return { a1: first.word, a2: second.word, a3: null };
  const third = readWord(str, pos);
  return { a1: first.word, a2: second.word, a3: third.word };
}
