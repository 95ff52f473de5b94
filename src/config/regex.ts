/**
 * Compiling the POSIX-extended/PCRE patterns of <DirectoryMatch>, <FilesMatch>, <LocationMatch>,
 * AliasMatch, RedirectMatch, SetEnvIf, Header edit … into JS RegExp. JS and PCRE agree on the
 * constructs these directives use in practice; a pattern JS cannot compile is rejected (null) and
 * the caller reports Apache's message for that directive. Named groups `(?<name>…)` and `(?P<n>…)`
 * are accepted (the latter rewritten).
 */
export function compileApacheRegex(source: string, caseInsensitive = false): RegExp | null {
  const translated = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>');
  try {
    return new RegExp(translated, caseInsensitive ? 'i' : '');
  } catch {
    return null;
  }
}
