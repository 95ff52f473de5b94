/**
 * <IfVersion> comparison (httpd modules/metadata/mod_version.c): the running server is 2.4.71,
 * the version Debian ships and smoothgate emulates.
 */
export const EMULATED_VERSION = { major: 2, minor: 4, patch: 71 } as const;
const VERSION_STRING = '2.4.71';

function parseVersion(text: string): [number, number, number] | null {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Throws an Error with mod_version's message when the arguments are malformed. */
export function compareVersion(op: string, version: string): boolean {
  if (op === '~' || (op === '=' && version.startsWith('/') && version.endsWith('/') && version.length > 1)) {
    const source = op === '~' ? version : version.slice(1, -1);
    let re: RegExp;
    try {
      re = new RegExp(source);
    } catch {
      throw new Error(`Cannot compile regular expression '${source}'`);
    }
    return re.test(VERSION_STRING);
  }
  const wanted = parseVersion(version);
  if (!wanted) throw new Error('Version appears to be invalid. It must have the format major[.minor[.patch]] where major, minor and patch are numbers.');
  const have = [EMULATED_VERSION.major, EMULATED_VERSION.minor, EMULATED_VERSION.patch];
  let cmp = 0;
  for (let i = 0; i < 3 && cmp === 0; i++) cmp = Math.sign((have[i] as number) - (wanted[i] as number));
  switch (op) {
    case '=':
    case '==':
      return cmp === 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    default:
      throw new Error(`unknown comparison operator '${op}'`);
  }
}
