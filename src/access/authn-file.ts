/**
 * mod_authn_file's `check_password` (modules/aaa/mod_authn_file.c): the first line whose text before
 * the first ':' equals the user byte for byte; the hash is the text up to the next ':'. No
 * AuthUserFile or an unreadable one is a general error (500 once credentials were sent).
 */
import type { FsView } from '../routing/fs-view';
import { ParsedFileCache, configLines } from './config-file-cache';
import { validatePassword } from './password';

export type AuthnResult = 'granted' | 'denied' | 'userNotFound' | { readonly error: string };

/** user (binary string) → hash field, first occurrence wins. */
function parsePasswordFile(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of configLines(text)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const user = colon < 0 ? line : line.slice(0, colon);
    if (users.has(user)) continue;
    const rest = colon < 0 ? '' : line.slice(colon + 1);
    const end = rest.indexOf(':');
    users.set(user, end < 0 ? rest : rest.slice(0, end));
  }
  return users;
}

const cache = new ParsedFileCache(parsePasswordFile);

export function checkPasswordFile(fs: FsView, file: string | undefined, user: Buffer, password: Buffer): AuthnResult {
  if (file === undefined) return { error: 'AuthUserFile not specified in the configuration (AH01619)' };
  const read = cache.read(fs, file);
  if (!read.ok) return { error: `Could not open password file: ${file} (AH01620)` };
  const hash = read.value.get(user.toString('latin1'));
  if (hash === undefined) return 'userNotFound';
  const check = validatePassword(password, hash);
  if (check === 'match') return 'granted';
  if (check === 'mismatch') return 'denied';
  return { error: `password file ${file}: ${check.unsupported}` };
}
