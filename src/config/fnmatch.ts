/**
 * apr_fnmatch / apr_fnmatch_test (apr strings/apr_fnmatch.c) for Include globs and for wildcard
 * <Directory>/<Files>/<Location> paths. PATHNAME: wildcards never match '/'. PERIOD: a leading '.'
 * (of the string, or of a component with PATHNAME) must be matched by a literal '.'.
 */

export interface FnmatchFlags {
  readonly pathname?: boolean;
  readonly period?: boolean;
  readonly caseBlind?: boolean;
}

/** apr_fnmatch_test: does the pattern contain a wildcard ('?', '*', or a closed '[…]')? */
export function fnmatchTest(pattern: string): boolean {
  let nesting = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '?' || ch === '*') return true;
    if (ch === '\\') {
      i++;
      if (i >= pattern.length) return false;
    } else if (ch === '[') nesting++;
    else if (ch === ']' && nesting > 0) return true;
  }
  return false;
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Translate one (slash-free when PATHNAME) glob into a regex source. */
function globToRegexSource(pattern: string, pathname: boolean): string {
  const any = pathname ? '[^/]' : '[\\s\\S]';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') out += `${any}*`;
    else if (ch === '?') out += any;
    else if (ch === '\\' && i + 1 < pattern.length) out += escapeRegex(pattern[++i] as string);
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      let cls = '';
      for (let j = 0; j < body.length; j++) {
        const c = body[j] as string;
        if (c === '\\' && j + 1 < body.length) cls += escapeRegex(body[++j] as string);
        else if (c === '-' && j > 0 && j + 1 < body.length) cls += '-';
        else cls += escapeRegex(c);
      }
      out += negate ? `[^${pathname ? '/' : ''}${cls}]` : `[${cls}]`;
      i = close;
    } else out += escapeRegex(ch);
  }
  return out;
}

const cache = new Map<string, RegExp>();

function compile(pattern: string, flags: FnmatchFlags): RegExp {
  const key = `${flags.pathname ? 'p' : ''}${flags.caseBlind ? 'i' : ''}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    try {
      re = new RegExp(`^${globToRegexSource(pattern, flags.pathname === true)}$`, flags.caseBlind ? 'i' : '');
    } catch {
      re = /(?!)/;
    }
    if (cache.size > 4096) cache.clear();
    cache.set(key, re);
  }
  return re;
}

function leadingPeriodOk(pattern: string, text: string): boolean {
  if (!text.startsWith('.')) return true;
  return pattern.startsWith('.') || pattern.startsWith('\\.');
}

/** apr_fnmatch: true when `text` matches `pattern`. */
export function fnmatch(pattern: string, text: string, flags: FnmatchFlags = {}): boolean {
  if (flags.period) {
    if (flags.pathname) {
      const patternParts = pattern.split('/');
      const textParts = text.split('/');
      if (patternParts.length !== textParts.length) return false;
      for (let i = 0; i < textParts.length; i++) {
        if (!leadingPeriodOk(patternParts[i] as string, textParts[i] as string)) return false;
      }
    } else if (!leadingPeriodOk(pattern, text)) return false;
  }
  return compile(pattern, flags).test(text);
}
