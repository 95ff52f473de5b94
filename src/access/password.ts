/**
 * apr-util's `apr_password_validate(passwd, hash)` (crypto/apr_passwd.c), as mod_authn_file calls it:
 * `$2a$`/`$2y$` bcrypt, `$apr1$` MD5, `{SHA}` base64 SHA-1, and everything else through the system
 * crypt(3) — on Debian libxcrypt, of which we compute traditional DES (13 characters, `htpasswd -d`),
 * `$1$` MD5-crypt, `$5$`/`$6$` SHA-crypt and `$2b$` bcrypt. A plain-text entry (`htpasswd -p`) is
 * DES-crypted with its first two characters as salt and so never matches, as on Linux. Hash families
 * crypt(3) knows but we do not compute (yescrypt `$y$`, scrypt `$7$` …) are reported as unsupported: the caller answers 500
 * (fail closed), never a guess. Comparisons are constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { desCrypt } from './des-crypt';
import { md5Crypt } from './md5-crypt';
import { shaCrypt } from './sha-crypt';

export type PasswordCheck = 'match' | 'mismatch' | { readonly unsupported: string };

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  if (x.length !== y.length) {
    // Still spend the comparison so the length is not the only thing timed.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * bcrypt is deliberately slow (about 0.2 s at cost 10 in pure JS), APR1 and DES cost milliseconds,
 * and the routing core is synchronous: a player fetching fragments would pay it on every request. Successful checks are remembered as an
 * HMAC of (hash, password) under a key that lives only in this process — never the password — in a
 * bounded map; a changed hash field is a different key. Failures are not remembered, so guessing
 * costs what it costs in Apache.
 */
const VERIFIED_KEY = randomBytes(32);
const VERIFIED_MAX = 4096;
const verified = new Set<string>();

function verifiedKey(password: Buffer, hash: string): string {
  return createHmac('sha256', VERIFIED_KEY).update(hash, 'latin1').update('\0').update(password).digest('base64');
}

/**
 * The highest bcrypt cost we compute. The routing core runs on the event loop and pure-JS bcrypt
 * doubles with each step (about 0.2 s at 10, 3 s at 14): a higher cost would let any client stall
 * every request with wrong passwords, so such entries fail closed (500 for that user) instead.
 */
export const MAX_BCRYPT_COST = 14;

/** bcrypt over the password's bytes; bcryptjs hashes strings as UTF-8, so other bytes cannot be hashed exactly. */
function bcryptCheck(password: Buffer, hash: string): PasswordCheck {
  if (hash.length !== 60) return 'mismatch';
  const cost = Number(hash.slice(4, 6));
  if (cost > MAX_BCRYPT_COST) return { unsupported: `bcrypt cost ${cost} exceeds ${MAX_BCRYPT_COST} (it would stall the gateway)` };
  const text = password.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(password)) return 'mismatch';
  let computed: string;
  try {
    computed = bcrypt.hashSync(text, hash.slice(0, 29));
  } catch {
    return 'mismatch';
  }
  return constantTimeEqual(computed, hash) ? 'match' : 'mismatch';
}

/** Prefixes crypt(3) understands that smoothgate does not compute. */
const UNSUPPORTED_CRYPT = /^\$(y|gy|7|2x|sha1|md5|3)\$|^_/;

/** Validate `password` (the bytes the client sent) against one htpasswd hash field. */
export function validatePassword(password: Buffer, hash: string): PasswordCheck {
  const key = verifiedKey(password, hash);
  if (verified.has(key)) return 'match';
  const result = computeCheck(password, hash);
  if (result === 'match') {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.values().next().value as string);
    verified.add(key);
  }
  return result;
}

function computeCheck(password: Buffer, hash: string): PasswordCheck {
  if (/^\$2[ay]\$/.test(hash)) return bcryptCheck(password, hash);
  if (hash.startsWith('$apr1$')) return constantTimeEqual(md5Crypt(password, hash, '$apr1$'), hash) ? 'match' : 'mismatch';
  if (hash.startsWith('{SHA}')) {
    const computed = `{SHA}${createHash('sha1').update(password).digest('base64')}`;
    return constantTimeEqual(computed, hash) ? 'match' : 'mismatch';
  }
  // crypt(3) from here on.
  if (hash.startsWith('$2b$')) return bcryptCheck(password, hash);
  if (hash.startsWith('$1$')) return constantTimeEqual(md5Crypt(password, hash, '$1$'), hash) ? 'match' : 'mismatch';
  if (hash.startsWith('$5$') || hash.startsWith('$6$')) {
    const computed = shaCrypt(password, hash);
    return computed !== null && constantTimeEqual(computed, hash) ? 'match' : 'mismatch';
  }
  const unsupported = hash.match(UNSUPPORTED_CRYPT);
  if (unsupported) return { unsupported: `crypt(3) hash family ${unsupported[0]} is not implemented` };
  if (hash.startsWith('$')) return 'mismatch'; // crypt fails on an unknown prefix: apr reports a mismatch
  const computed = desCrypt(password, hash);
  if (computed === null) return 'mismatch';
  return constantTimeEqual(computed, hash) ? 'match' : 'mismatch';
}
