/**
 * Debian's envvars file (INTERFACE.md §10, SPEC-NOTES §4.2): a POSIX shell fragment apache2ctl
 * sources. We read `export NAME=value` / `NAME=value` / `unset NAME` lines with `${NAME}` and
 * `$NAME` expansion, and Debian's SUFFIX idiom (derived from APACHE_CONFDIR: /etc/apache2-NAME →
 * "-NAME"); any other shell construct is skipped with a warning.
 */
export interface EnvvarsResult {
  /** Exported variables (what reaches the configuration as environment). */
  readonly vars: Map<string, string>;
  /** Names the file unsets (`unset HOME`): hidden from the process environment too. */
  readonly unset: Set<string>;
  readonly warnings: string[];
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}

function expand(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => lookup((a ?? b) as string) ?? '');
}

/** Parse an envvars text; `confDir` is APACHE_CONFDIR (the httpd.conf's directory). */
export function parseEnvvars(text: string, file: string, confDir: string, processEnv: Readonly<Record<string, string | undefined>>): EnvvarsResult {
  const vars = new Map<string, string>();
  const unset = new Set<string>();
  const warnings: string[] = [];
  const exported = new Set<string>();
  const confdirSuffix = /^\/etc\/apache2-(.+)$/.exec(confDir.replace(/\/+$/, ''));
  vars.set('SUFFIX', confdirSuffix ? `-${confdirSuffix[1]}` : '');
  const lookup = (name: string): string | undefined => vars.get(name) ?? (unset.has(name) ? undefined : processEnv[name]);
  let depth = 0;
  let blockIsSuffixIdiom = false;
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^if\b/.test(line)) {
      if (depth === 0) blockIsSuffixIdiom = line.includes('APACHE_CONFDIR');
      depth++;
      if (!blockIsSuffixIdiom) warnings.push(`${file}:${index + 1}: shell construct ignored: ${line}`);
      return;
    }
    if (/^fi\b/.test(line)) {
      depth = Math.max(0, depth - 1);
      return;
    }
    if (depth > 0) {
      if (!blockIsSuffixIdiom && !/^(else|elif)\b/.test(line)) warnings.push(`${file}:${index + 1}: shell construct ignored: ${line}`);
      return;
    }
    const unsetMatch = /^unset\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line);
    if (unsetMatch) {
      vars.delete(unsetMatch[1] as string);
      unset.add(unsetMatch[1] as string);
      return;
    }
    const exportOnly = /^export\s+((?:[A-Za-z_][A-Za-z0-9_]*\s*)+)$/.exec(line);
    if (exportOnly) {
      for (const name of (exportOnly[1] as string).split(/\s+/)) if (name !== '') exported.add(name);
      return;
    }
    const assign = /^(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (assign && !/[`;|&<>()]/.test(assign[3] as string)) {
      const value = expand(unquote((assign[3] as string).trim()), lookup);
      vars.set(assign[2] as string, value);
      unset.delete(assign[2] as string);
      if (assign[1]) exported.add(assign[2] as string);
      return;
    }
    warnings.push(`${file}:${index + 1}: shell construct ignored: ${line}`);
  });
  const result = new Map<string, string>();
  for (const [name, value] of vars) if (exported.has(name)) result.set(name, value);
  return { vars: result, unset, warnings };
}
