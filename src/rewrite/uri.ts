/**
 * URI helpers of mod_rewrite.c: `is_absolute_uri`, `escape_absolute_uri`, `escape_backref`,
 * `splitout_queryargs`, `subst_prefix_path`, and the core's `ap_escape_uri` (ap_os_escape_path
 * with partial=1) and `ap_unescape_url`.
 *
 * Byte model: request text is kept one character per byte (latin1 "binary" strings), as the
 * routing core hands it over; a character above 0xff (only possible from configuration text) is
 * taken as its UTF-8 bytes when escaping.
 */

function bytesOf(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x100) out.push(code);
    else for (const b of Buffer.from(ch, 'utf8')) out.push(b);
  }
  return out;
}

const HEX = '0123456789abcdef';
function c2x(byte: number): string {
  return '%' + HEX[byte >> 4]! + HEX[byte & 15]!;
}

function isAlnum(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

/** T_OS_ESCAPE_PATH of server/gen_test_char.c: what ap_escape_uri leaves alone. */
const PATH_SAFE = new Set([...`$-_.+!*'(),:;@&=/~`].map((c) => c.charCodeAt(0)));

/** ap_escape_uri (ap_os_escape_path, partial): %xx (lower-case hex) for every unsafe byte. */
export function escapeUri(text: string): string {
  let out = '';
  for (const b of bytesOf(text)) out += isAlnum(b) || PATH_SAFE.has(b) ? String.fromCharCode(b) : c2x(b);
  return out;
}

/** ap_unescape_url as int:unescape uses it: decodes %xx; a bad escape leaves the text as is. */
export function unescapeUrl(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** T_VCHAR_OBSTEXT: false for NUL, control characters (0-31, 127) and space. */
export function hasCtlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 127) return true;
  }
  return false;
}

export interface AbsoluteUriInfo {
  /** Length of "scheme://" (or "scheme:"), 0 when not absolute. */
  readonly skip: number;
  /** Whether the scheme carries a query string (splitout_queryargs keeps it). */
  readonly supportsQuery: boolean;
}

const SCHEMES: ReadonlyArray<readonly [string, boolean]> = [
  ['ajp://', true],
  ['balancer://', true],
  ['ftp://', false],
  ['fcgi://', true],
  ['gopher://', false],
  ['http://', true],
  ['https://', true],
  ['h2://', true],
  ['h2c://', true],
  ['ldap://', false],
  ['mailto:', true],
  ['news:', false],
  ['nntp://', false],
  ['scgi://', true],
  ['ws://', true],
  ['wss://', true],
];

/** is_absolute_uri: the schemes mod_rewrite treats as "absolute URL" results. */
export function isAbsoluteUri(uri: string): AbsoluteUriInfo {
  if (uri.startsWith('/') || uri.length <= 5) return { skip: 0, supportsQuery: false };
  const lower = uri.toLowerCase();
  for (const [scheme, qs] of SCHEMES) {
    if (lower.startsWith(scheme)) return { skip: scheme.length, supportsQuery: qs };
  }
  if (lower.startsWith('unix:')) {
    return { skip: uri[5] === '/' && uri[6] === '/' ? 7 : 5, supportsQuery: true };
  }
  return { skip: 0, supportsQuery: false };
}

/** escape_absolute_uri: escape the part after the authority; ldap's '?'-separated parts one by one. */
export function escapeAbsoluteUri(uri: string, skip: number): string {
  if (skip === 0 || uri.length < skip) return uri;
  let cp = skip;
  if (uri[cp - 1] === '/') {
    while (cp < uri.length && uri[cp] !== '/') cp++;
    if (cp >= uri.length || cp + 1 >= uri.length) return uri;
    cp++;
    if (uri.slice(0, 4).toLowerCase() === 'ldap') {
      const parts = uri.slice(cp).split('?');
      const head = parts.slice(0, 4);
      const tail = parts.slice(4).join('?');
      const all = parts.length > 4 ? [...head, tail] : head;
      return uri.slice(0, cp) + all.map(escapeUri).join('?');
    }
  }
  return uri.slice(0, cp) + escapeUri(uri.slice(cp));
}

export interface BackrefEscaping {
  readonly escapeChars: string | null; // B=chars
  readonly noEscapeChars: string | null; // BNE=chars
  readonly noPlus: boolean; // BNP
  readonly ctls: boolean; // BCTLS
}

/** escape_backref: [B] escaping of one back-reference (letters, digits and '_' stay; ' ' → '+'). */
export function escapeBackref(text: string, e: BackrefEscaping): string {
  let out = '';
  for (const b of bytesOf(text)) {
    const ch = String.fromCharCode(b);
    const base = e.ctls ? b < 32 || b === 32 || b === 127 : e.escapeChars === null;
    const selected = base || (e.escapeChars !== null && e.escapeChars.includes(ch));
    const wanted = selected && (e.noEscapeChars === null || !e.noEscapeChars.includes(ch));
    if (!wanted) out += ch;
    else if (isAlnum(b) || b === 95) out += ch;
    else if (b === 32 && !e.noPlus) out += '+';
    else out += c2x(b);
  }
  return out;
}

export interface QueryFlags {
  readonly qsAppend: boolean;
  readonly qsDiscard: boolean;
  readonly qsLast: boolean;
  readonly qsNone: boolean;
}

/** splitout_queryargs: splits `filename` at its first (QSL: last) '?' and computes the new args. */
export function splitOutQueryArgs(
  filename: string,
  args: string | null,
  f: QueryFlags,
): { filename: string; args: string | null } {
  if (f.qsNone) return { filename, args: null };
  const abs = isAbsoluteUri(filename);
  if (abs.skip > 0 && !abs.supportsQuery) return { filename, args: null };
  let newArgs = f.qsDiscard ? null : args;
  const q = f.qsLast ? filename.lastIndexOf('?') : filename.indexOf('?', abs.skip);
  if (q < abs.skip || q < 0) return { filename, args: newArgs };
  const query = filename.slice(q + 1);
  if (f.qsAppend) {
    if (query !== '') newArgs = newArgs === null ? `${query}&` : `${query}&${newArgs}`;
  } else {
    newArgs = query;
  }
  if (newArgs !== null) {
    if (newArgs === '') newArgs = null;
    else if (newArgs.endsWith('&')) newArgs = newArgs.slice(0, -1);
  }
  return { filename: filename.slice(0, q), args: newArgs };
}

/** subst_prefix_path: replace the directory prefix `match` of `input` by `subst` (RewriteBase). */
export function substPrefixPath(input: string, match: string, subst: string): string {
  let len = match.length;
  if (len > 0 && match[len - 1] === '/') len--;
  if (input.slice(0, len) === match.slice(0, len) && input[len] === '/') {
    const rest = input.slice(len + 1);
    const base = subst.length > 0 && !subst.endsWith('/') ? subst + '/' : subst;
    return base + rest;
  }
  return input;
}
