/**
 * Compiling the PCRE patterns of <DirectoryMatch>, <FilesMatch>, <LocationMatch>, AliasMatch,
 * RedirectMatch, SetEnvIf, Header edit … into JS RegExp (httpd compiles them with PCRE2 through
 * ap_pregcomp). JS and PCRE agree on what these directives use in practice; the PCRE-only forms
 * that real configurations carry are translated:
 * - leading inline options `(?i)`, `(?s)`, `(?m)` (e.g. `<FilesMatch "(?i)\.(gif|jpe?g)$">`) → flags;
 * - POSIX classes `[[:alpha:]]` … inside brackets → JS ranges (JS would take them as characters);
 * - `\A` → `^`, `\z` → `$`; `(?P<name>…)` → `(?<name>…)`.
 * A pattern still uncompilable (possessive or atomic groups, inline options elsewhere) yields null
 * and the caller reports Apache's message for that directive.
 */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

/** Rewrite the PCRE-only escapes and classes outside/inside brackets. */
function translate(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1] as string;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else out += ch + next;
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (posix && POSIX_CLASSES[posix[2] as string] !== undefined && posix[1] === '') {
        out += POSIX_CLASSES[posix[2] as string];
        i += posix[0].length - 1;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // A ']' right after '[' or '[^' is a literal in both dialects.
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    out += ch;
  }
  return out.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>');
}

export function compileApacheRegex(source: string, caseInsensitive = false): RegExp | null {
  let flags = caseInsensitive ? 'i' : '';
  let body = source;
  const inline = /^\(\?([imsxU-]*)\)/.exec(body);
  if (inline) {
    const options = inline[1] as string;
    if (/[xU-]/.test(options)) return null;
    for (const option of new Set(options)) if (!flags.includes(option)) flags += option;
    body = body.slice(inline[0].length);
  }
  try {
    return new RegExp(translate(body), flags);
  } catch {
    return null;
  }
}
