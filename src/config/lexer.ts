/**
 * Apache's configuration lexer: logical lines and word splitting.
 *
 * Logical lines follow httpd `server/util.c` `ap_cfg_getline_core` + `cfg_trim_line`: a physical line
 * whose last byte before LF (or CR LF) is a backslash continues on the next physical line, which is
 * appended as is (leading whitespace kept); this happens before any quote or comment logic, so it
 * works inside quotes and comments. The joined line is then trimmed. The line number Apache reports
 * for a directive is the number of the *last* physical line read (`cfp->line_number`), so a
 * continued directive is reported at its last line; we keep both. (SPEC-NOTES §4.1.1.)
 *
 * Words follow `ap_getword_conf` / `substring_conf` (SPEC-NOTES §4.1.3).
 */

export interface LogicalLine {
  /** The trimmed logical line (continuations joined). */
  readonly text: string;
  /** Physical line number Apache reports (the last physical line of the logical line), 1-based. */
  readonly line: number;
  /** Physical line where the logical line starts. */
  readonly firstLine: number;
}

/** apr_isspace: the C locale's isspace. */
export function isApSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
}

/** Trim as cfg_trim_line does (apr_isspace on both ends). */
export function apTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isApSpace(text[start])) start++;
  while (end > start && isApSpace(text[end - 1])) end--;
  return text.slice(start, end);
}

/**
 * Split a file's text into logical lines. Empty lines and comment lines are kept (the parser skips
 * them) so callers can count; a NUL byte ends the line's text as C's strlen would.
 */
export function readLogicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let pos = 0;
  let lineNo = 0;
  const length = text.length;
  while (pos < length) {
    let buffer = '';
    const firstLine = lineNo + 1;
    for (;;) {
      if (pos >= length) break;
      lineNo++;
      const newline = text.indexOf('\n', pos);
      if (newline < 0) {
        // Last line without LF: no continuation is possible (the check needs the LF).
        buffer += text.slice(pos);
        pos = length;
        break;
      }
      let piece = text.slice(pos, newline);
      pos = newline + 1;
      if (piece.endsWith('\r')) piece = piece.slice(0, -1);
      // Apache looks at the last byte of the whole buffer, so an empty line after a kept
      // backslash ("a\\" then "") continues again.
      buffer += piece;
      if (buffer.endsWith('\\')) {
        buffer = buffer.slice(0, -1);
        continue;
      }
      break;
    }
    const nul = buffer.indexOf('\0');
    if (nul >= 0) buffer = buffer.slice(0, nul);
    out.push({ text: apTrim(buffer), line: lineNo, firstLine });
  }
  return out;
}

/** A cursor over a string, as ap_getword_conf advances its `const char **line`. */
export interface WordCursor {
  text: string;
  pos: number;
}

/** Unescape as substring_conf: `\\` → `\`, and inside quotes `\<quote>` → quote. */
function substringConf(raw: string, quote: string | null): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    const next = raw[i + 1];
    if (ch === '\\' && (next === '\\' || (quote !== null && next === quote))) {
      out += next;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** ap_getword_conf: the next word, '' at the end; the cursor ends past trailing whitespace. */
export function getWordConf(cursor: WordCursor): string {
  const text = cursor.text;
  let pos = cursor.pos;
  while (pos < text.length && isApSpace(text[pos])) pos++;
  if (pos >= text.length) {
    cursor.pos = pos;
    return '';
  }
  let word: string;
  const quote = text[pos];
  if (quote === '"' || quote === "'") {
    let end = pos + 1;
    while (end < text.length && text[end] !== quote) {
      if (text[end] === '\\' && end + 1 < text.length && (text[end + 1] === quote || text[end + 1] === '\\')) end += 2;
      else end++;
    }
    word = substringConf(text.slice(pos + 1, end), quote);
    if (end < text.length && text[end] === quote) end++;
    pos = end;
  } else {
    let end = pos;
    while (end < text.length && !isApSpace(text[end])) end++;
    word = substringConf(text.slice(pos, end), null);
    pos = end;
  }
  while (pos < text.length && isApSpace(text[pos])) pos++;
  cursor.pos = pos;
  return word;
}

/** All words of a text (ap_getword_conf until the text is consumed). */
export function splitWords(text: string): string[] {
  const cursor: WordCursor = { text, pos: 0 };
  const words: string[] = [];
  while (cursor.pos < text.length) {
    const word = getWordConf(cursor);
    if (word === '' && cursor.pos >= text.length) break;
    words.push(word);
  }
  return words;
}

/** The rest of the cursor's text (what `*args` points at). */
export function restOf(cursor: WordCursor): string {
  return cursor.text.slice(cursor.pos);
}

/**
 * Section argument text: everything before the last '>' (core.c dirsection & co. use
 * ap_strrchr_c(arg, '>')); null when there is no '>' ("directive missing closing '>'").
 */
export function sectionArgText(args: string): string | null {
  const end = args.lastIndexOf('>');
  return end < 0 ? null : args.slice(0, end);
}
