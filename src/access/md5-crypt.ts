/**
 * MD5-crypt as apr-util's `apr_md5_encode` computes it for `$apr1$` (what `htpasswd -m` writes) and,
 * with the magic `$1$`, as crypt(3) computes the same algorithm (Poul-Henning Kamp's md5crypt): a
 * salt of at most 8 characters up to the next '$', 1000 rounds of MD5, and the 16-byte digest
 * written in a fixed byte order as 22 characters of "./0-9A-Za-z".
 */
import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function to64(value: number, n: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < n; i++) {
    out += ITOA64[v & 0x3f];
    v >>>= 6;
  }
  return out;
}

/** The hash of `password` with the salt of `setting` (which starts with `magic`). */
export function md5Crypt(password: Buffer, setting: string, magic: '$apr1$' | '$1$'): string {
  let rest = setting.startsWith(magic) ? setting.slice(magic.length) : setting;
  const end = rest.indexOf('$');
  rest = end >= 0 ? rest.slice(0, end) : rest;
  const saltText = rest.slice(0, 8);
  const salt = Buffer.from(saltText, 'latin1');
  const magicBytes = Buffer.from(magic, 'latin1');

  const alternate = md5(password, salt, password);
  const ctx = createHash('md5');
  ctx.update(password);
  ctx.update(magicBytes);
  ctx.update(salt);
  for (let left = password.length; left > 0; left -= 16) ctx.update(alternate.subarray(0, Math.min(left, 16)));
  for (let i = password.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : password.subarray(0, 1));
  let final: Buffer = ctx.digest();

  for (let i = 0; i < 1000; i++) {
    const parts: Buffer[] = [];
    parts.push(i & 1 ? password : final);
    if (i % 3) parts.push(salt);
    if (i % 7) parts.push(password);
    parts.push(i & 1 ? final : password);
    final = md5(...parts);
  }

  const f = final;
  const encoded =
    to64((f[0]! << 16) | (f[6]! << 8) | f[12]!, 4) +
    to64((f[1]! << 16) | (f[7]! << 8) | f[13]!, 4) +
    to64((f[2]! << 16) | (f[8]! << 8) | f[14]!, 4) +
    to64((f[3]! << 16) | (f[9]! << 8) | f[15]!, 4) +
    to64((f[4]! << 16) | (f[10]! << 8) | f[5]!, 4) +
    to64(f[11]!, 2);
  return `${magic}${saltText}$${encoded}`;
}
