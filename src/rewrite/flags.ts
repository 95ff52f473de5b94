/**
 * The flags field of RewriteRule and RewriteCond (mod_rewrite.c `cmd_parseflagfield`,
 * `cmd_rewriterule_setflag`, `cmd_rewritecond_setflag`; httpd.apache.org/docs/2.4/rewrite/flags.html).
 * Flags are read before the pattern is compiled because [NC] changes the compile. Instead of
 * Apache's int bitmask, each flag is a named field of a typed record.
 */

/** The status Apache uses for [R] without a code (HTTP_MOVED_TEMPORARILY). */
export const DEFAULT_REDIRECT_STATUS = 302;
/** REWRITE_MAX_ROUNDS: the default cap of [N] rounds. */
export const REWRITE_MAX_ROUNDS = 32000;

export interface RuleFlags {
  escapeBackrefs: boolean; // B, BCTLS
  escapeChars: string | null; // B=chars
  noEscapeChars: string | null; // BNE=chars
  escapeNoPlus: boolean; // BNP
  escapeCtls: boolean; // BCTLS
  chain: boolean; // C
  cookies: string[]; // CO=...
  discardPathInfo: boolean; // DPI
  env: string[]; // E=...
  end: boolean; // END
  /** F, G, R=non-3xx: the rule only sets a status (RULEFLAG_STATUS|RULEFLAG_NOSUB). */
  statusOnly: boolean;
  forcedStatus: number; // status for F/G/R (302 by default)
  forcedHandler: string | null; // H=
  last: boolean; // L
  noEscape: boolean; // NE
  next: boolean; // N
  maxRounds: number; // N=limit
  noSubreq: boolean; // NS
  noCase: boolean; // NC
  proxy: boolean; // P
  passThrough: boolean; // PT
  qsAppend: boolean; // QSA
  qsDiscard: boolean; // QSD
  qsLast: boolean; // QSL (also set by "?" at the end of the substitution with QSA)
  /** RULEFLAG_QSNONE: a trailing "?" (or QSD without "?") — the rule sets no query at all. */
  qsNone: boolean;
  redirect: boolean; // R
  skip: number; // S=n
  forcedType: string | null; // T=
  unsafePrefixStat: boolean; // UnsafePrefixStat
  unsafeAllow3F: boolean; // UnsafeAllow3F
  unc: boolean; // UNC
  /** Substitution '-': no substitution (RULEFLAG_NOSUB). */
  noSub: boolean;
  notMatch: boolean; // '!' before the pattern
}

export interface CondFlags {
  noCase: boolean; // NC
  orNext: boolean; // OR
  noVary: boolean; // NV
  notMatch: boolean; // '!' before the pattern
}

export function defaultRuleFlags(): RuleFlags {
  return {
    escapeBackrefs: false,
    escapeChars: null,
    noEscapeChars: null,
    escapeNoPlus: false,
    escapeCtls: false,
    chain: false,
    cookies: [],
    discardPathInfo: false,
    env: [],
    end: false,
    statusOnly: false,
    forcedStatus: DEFAULT_REDIRECT_STATUS,
    forcedHandler: null,
    last: false,
    noEscape: false,
    next: false,
    maxRounds: REWRITE_MAX_ROUNDS,
    noSubreq: false,
    noCase: false,
    proxy: false,
    passThrough: false,
    qsAppend: false,
    qsDiscard: false,
    qsLast: false,
    qsNone: false,
    redirect: false,
    skip: 0,
    forcedType: null,
    unsafePrefixStat: false,
    unsafeAllow3F: false,
    unc: false,
    noSub: false,
    notMatch: false,
  };
}

export function defaultCondFlags(): CondFlags {
  return { noCase: false, orNext: false, noVary: false, notMatch: false };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/**
 * Splits "[a,b=c, d]" into key/value pairs as `cmd_parseflagfield` does: the field must start with
 * '[' and end with ']'; entries are split at ',' and trimmed; the value follows the first '='
 * (an entry without '=' has the empty value). Returns an error text or the entries.
 */
export function splitFlagField(field: string): { error: string } | { entries: Array<[string, string]> } {
  if (field.length === 0 || field[0] !== '[' || field[field.length - 1] !== ']') {
    return { error: 'bad flag delimiters' };
  }
  // Apache overwrites the ']' with ',' and walks entry by entry.
  const body = field.slice(1, -1) + ',';
  const entries: Array<[string, string]> = [];
  let pos = 0;
  while (pos < body.length) {
    while (pos < body.length && isSpace(body[pos])) pos++;
    if (pos >= body.length) break;
    const comma = body.indexOf(',', pos);
    if (comma < 0) break;
    let end = comma;
    while (end > pos && isSpace(body[end - 1])) end--;
    const entry = body.slice(pos, end);
    const eq = entry.indexOf('=');
    entries.push(eq >= 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : [entry, '']);
    pos = comma + 1;
  }
  return { entries };
}

const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** C atoi(): optional whitespace and sign, then digits; anything else stops; no digits → 0. */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!m) return 0;
  const n = parseInt(m[1]!, 10);
  // C int overflow is undefined; clamp to 32 bits as glibc's strtol-based atoi effectively does.
  if (n > 2147483647) return 2147483647;
  if (n < -2147483648) return -2147483648;
  return n;
}

/** The status codes Apache knows (ap_index_of_response maps any other to the 500 slot). */
const KNOWN_STATUSES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306,
  307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
  421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Applies one RewriteRule flag (cmd_rewriterule_setflag); returns an error text or null. */
export function setRuleFlag(f: RuleFlags, key: string, val: string): string | null {
  const head = key[0] ?? '';
  const rest = key.slice(1);
  const unknown = `unknown flag '${key}'`;
  switch (head.toLowerCase()) {
    case 'b':
      if (rest === '' || eqi(rest, 'ackrefescaping')) {
        f.escapeBackrefs = true;
        if (val !== '') f.escapeChars = val;
      } else if (eqi(rest, 'NE')) {
        if (val === '') return "flag 'BNE' wants a list of characters (i.e. [BNE=...])";
        f.noEscapeChars = val;
      } else if (eqi(rest, 'NP') || eqi(rest, 'ackrefernoplus')) {
        f.escapeNoPlus = true;
      } else if (eqi(rest, 'CTLS')) {
        f.escapeCtls = true;
        f.escapeBackrefs = true;
      } else return unknown;
      return null;
    case 'c':
      if (rest === '' || eqi(rest, 'hain')) f.chain = true;
      else if (eqi(rest, 'O') || eqi(rest, 'ookie')) f.cookies.push(val);
      else return unknown;
      return null;
    case 'd':
      // Apache accepts any D… word silently here (no error branch in its switch).
      if (rest === '' || eqi(rest, 'PI') || eqi(rest, 'iscardpath')) f.discardPathInfo = true;
      return null;
    case 'e':
      if (rest === '' || eqi(rest, 'nv')) f.env.push(val);
      else if (eqi(rest, 'nd')) f.end = true;
      else return unknown;
      return null;
    case 'f':
      if (rest === '' || eqi(rest, 'orbidden')) {
        f.statusOnly = true;
        f.noSub = true;
        f.forcedStatus = 403;
      } else return unknown;
      return null;
    case 'g':
      if (rest === '' || eqi(rest, 'one')) {
        f.statusOnly = true;
        f.noSub = true;
        f.forcedStatus = 410;
      } else return unknown;
      return null;
    case 'h':
      if (rest === '' || eqi(rest, 'andler')) f.forcedHandler = val;
      else return unknown;
      return null;
    case 'l':
      if (rest === '' || eqi(rest, 'ast')) f.last = true;
      else return unknown;
      return null;
    case 'n':
      if (eqi(rest, 'E') || eqi(rest, 'oescape')) f.noEscape = true;
      else if (rest === '' || eqi(rest, 'ext')) {
        f.next = true;
        if (val !== '') f.maxRounds = atoi(val);
      } else if (eqi(rest, 'S') || eqi(rest, 'osubreq')) f.noSubreq = true;
      else if (eqi(rest, 'C') || eqi(rest, 'ocase')) f.noCase = true;
      else return unknown;
      return null;
    case 'p':
      if (rest === '' || eqi(rest, 'roxy')) f.proxy = true;
      else if (eqi(rest, 'T') || eqi(rest, 'assthrough')) f.passThrough = true;
      else return unknown;
      return null;
    case 'q':
      if (eqi(rest, 'SA') || eqi(rest, 'sappend')) f.qsAppend = true;
      else if (eqi(rest, 'SD') || eqi(rest, 'sdiscard')) f.qsDiscard = true;
      else if (eqi(rest, 'SL') || eqi(rest, 'slast')) f.qsLast = true;
      else return unknown;
      return null;
    case 'r':
      if (rest === '' || eqi(rest, 'edirect')) {
        f.redirect = true;
        if (val !== '') {
          let status = 0;
          if (eqi(val, 'permanent')) status = 301;
          else if (eqi(val, 'temp')) status = 302;
          else if (eqi(val, 'seeother')) status = 303;
          else if (/^[0-9]/.test(val)) {
            status = atoi(val);
            if (status !== 500 && !KNOWN_STATUSES.has(status)) {
              return `invalid HTTP response code '${val}' for flag 'R'`;
            }
            if (!(status >= 300 && status <= 399)) {
              f.statusOnly = true;
              f.noSub = true;
            }
          }
          // A non-numeric unknown word leaves status 0, as in Apache (then 302 at redirect time).
          f.forcedStatus = status;
        }
      } else return unknown;
      return null;
    case 's':
      if (rest === '' || eqi(rest, 'kip')) f.skip = atoi(val);
      else return unknown;
      return null;
    case 't':
      if (rest === '' || eqi(rest, 'ype')) f.forcedType = val;
      else return unknown;
      return null;
    case 'u':
      if (eqi(rest, 'nsafePrefixStat')) f.unsafePrefixStat = true;
      else if (eqi(rest, 'nsafeAllow3F')) f.unsafeAllow3F = true;
      else if (eqi(rest, 'NC')) f.unc = true;
      else return unknown;
      return null;
    default:
      return unknown;
  }
}

/** Applies one RewriteCond flag (cmd_rewritecond_setflag). */
export function setCondFlag(f: CondFlags, key: string, _val: string): string | null {
  if (eqi(key, 'nocase') || eqi(key, 'NC')) f.noCase = true;
  else if (eqi(key, 'ornext') || eqi(key, 'OR')) f.orNext = true;
  else if (eqi(key, 'novary') || eqi(key, 'NV')) f.noVary = true;
  else return `unknown flag '${key}'`;
  return null;
}
