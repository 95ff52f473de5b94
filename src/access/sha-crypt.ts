/**
 * SHA-crypt (`$5$` SHA-256, `$6$` SHA-512), the crypt(3) schemes `htpasswd -2` / `-5` write, written
 * from Ulrich Drepper's public specification "Unix crypt using SHA-256 and SHA-512": an optional
 * `rounds=N$` (default 5000, clamped to 1000…999999999), a salt of at most 16 characters, the
 * alternate and intermediate digests, N rounds, and a fixed byte order in "./0-9A-Za-z".
 */
import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const ORDER_256: ReadonlyArray<readonly number[]> = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];
const ORDER_512: ReadonlyArray<readonly number[]> = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
  [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

function b64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length]!;
  return out;
}

/** crypt(password, setting) for a `$5$`/`$6$` setting; null when the setting is malformed. */
export function shaCrypt(password: Buffer, setting: string): string | null {
  const m = setting.match(/^\$([56])\$(?:rounds=(\d+)\$)?([^$]{0,16})/);
  if (!m) return null;
  const algo = m[1] === '5' ? 'sha256' : 'sha512';
  const size = algo === 'sha256' ? 32 : 64;
  const custom = m[2] !== undefined;
  const rounds = custom ? Math.min(999999999, Math.max(1000, Number(m[2]))) : 5000;
  const salt = Buffer.from(m[3]!, 'latin1');
  const H = (...parts: Buffer[]): Buffer => {
    const h = createHash(algo);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const b = H(password, salt, password);
  const a = createHash(algo);
  a.update(password);
  a.update(salt);
  let cnt = password.length;
  for (; cnt > size; cnt -= size) a.update(b);
  a.update(b.subarray(0, cnt));
  for (cnt = password.length; cnt > 0; cnt >>= 1) a.update(cnt & 1 ? b : password);
  let digest: Buffer = a.digest();
  const dp = createHash(algo);
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeatTo(dp.digest(), password.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + digest[0]!; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);
  for (let i = 0; i < rounds; i++) {
    const c = createHash(algo);
    c.update(i & 1 ? p : digest);
    if (i % 3) c.update(s);
    if (i % 7) c.update(p);
    c.update(i & 1 ? digest : p);
    digest = c.digest();
  }
  let out = `$${m[1]}$${custom ? `rounds=${rounds}$` : ''}${m[3]}$`;
  const order = algo === 'sha256' ? ORDER_256 : ORDER_512;
  for (const [x, y, z] of order) out += b64(digest[x!]!, digest[y!]!, digest[z!]!, 4);
  out += algo === 'sha256' ? b64(0, digest[31]!, digest[30]!, 3) : b64(0, 0, digest[63]!, 2);
  return out;
}
