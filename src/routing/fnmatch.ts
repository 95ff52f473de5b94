/**
 * fnmatch(3) with FNM_PATHNAME, as apr_fnmatch is used for wildcard <Directory>, <Files> and
 * <Location> paths (httpd server/request.c): `*` and `?` never match '/', `[...]` classes with `!`/`^`
 * negation and ranges, `\` escapes. Compiled to a RegExp once per pattern.
 */
const cache = new Map<string, RegExp>();

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

export function fnmatchToRegExp(pattern: string, caseInsensitive = false): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]!);
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      re += negate ? `(?!/)[^${cls}]` : `[${cls}]`;
      i = close;
    } else re += escapeRegex(c);
  }
  re += '$';
  const compiled = new RegExp(re, caseInsensitive ? 'si' : 's');
  cache.set(key, compiled);
  return compiled;
}

export function hasWildcard(path: string): boolean {
  return /[*?[]/.test(path);
}

export function fnmatch(pattern: string, text: string, caseInsensitive = false): boolean {
  return fnmatchToRegExp(pattern, caseInsensitive).test(text);
}
