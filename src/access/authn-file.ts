/**
 * mod_authn_file's `check_password` (modules/aaa/mod_authn_file.c): the first line whose text before
 * the first ':' equals the user byte for byte; the hash is the text up to the next ':'. No
 * AuthUserFile or an unreadable one is a general error (500 once credentials were sent).
 */
import type { FsView } from '../routing/fs-view';
import { ParsedFileCache, configLines } from './config-file-cache';
import { createHash, timingSafeEqual } from 'node:crypto';
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

/** `user:realm:hash` lines (the htdigest format) as get_realm_hash reads them. */
interface RealmLine {
  readonly user: string;
  readonly realm: string;
  readonly hash: string;
}

function parseRealmFile(text: string): RealmLine[] {
  const lines: RealmLine[] = [];
  for (const line of configLines(text)) {
    if (line === '' || line.startsWith('#')) continue;
    const [user = '', realm = '', hash = ''] = line.split(':');
    lines.push({ user, realm, hash });
  }
  return lines;
}

const realmCache = new ParsedFileCache(parseRealmFile);

/**
 * AuthBasicUseDigestAlgorithm MD5 (mod_auth_basic.c with mod_authn_file's get_realm_hash): the first
 * line with this user and realm holds MD5("user:realm:password") in hex.
 */
export function checkRealmHash(fs: FsView, file: string | undefined, user: Buffer, realm: string, password: Buffer): AuthnResult {
  if (file === undefined) return { error: 'AuthUserFile not specified in the configuration (AH01621)' };
  const read = realmCache.read(fs, file);
  if (!read.ok) return { error: `Could not open password file: ${file} (AH01622)` };
  const name = user.toString('latin1');
  const entry = read.value.find((l) => l.user === name && l.realm === realm);
  if (!entry) return 'userNotFound';
  const digest = createHash('md5').update(Buffer.concat([user, Buffer.from(`:${realm}:`, 'latin1'), password])).digest('hex');
  const a = Buffer.from(digest, 'latin1');
  const b = Buffer.from(entry.hash, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b) ? 'granted' : 'denied';
}
