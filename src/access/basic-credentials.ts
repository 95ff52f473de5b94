/**
 * The Basic credentials of a request exactly as mod_auth_basic's `get_basic_auth` reads them
 * (modules/aaa/mod_auth_basic.c): the first `Authorization` field; its first word, up to a space,
 * compared case-insensitively with "Basic"; spaces and tabs skipped; the rest decoded by apr-util's
 * lenient `apr_base64_decode` (it stops at the first character outside the alphabet, '=' included,
 * and drops a lone trailing sextet); the result is a C string (cut at a NUL byte); the user is what
 * precedes the first ':' and the password the rest ("" when there is no ':').
 *
 * Credentials are bytes (a binary string, one char per byte, like every header value the routing
 * core receives). Nothing here logs or returns them in a message.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** apr_base64_decode_binary followed by the NUL-terminated view apr_pbase64decode gives. */
export function aprBase64Decode(text: string): Buffer {
  let n = 0;
  while (n < text.length && ALPHABET.includes(text[n]!)) n++;
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(ALPHABET.indexOf(text[i]!));
  const out: number[] = [];
  let i = 0;
  let left = n;
  while (left > 4) {
    out.push(((values[i]! << 2) | (values[i + 1]! >> 4)) & 0xff);
    out.push(((values[i + 1]! << 4) | (values[i + 2]! >> 2)) & 0xff);
    out.push(((values[i + 2]! << 6) | values[i + 3]!) & 0xff);
    i += 4;
    left -= 4;
  }
  if (left > 1) out.push(((values[i]! << 2) | (values[i + 1]! >> 4)) & 0xff);
  if (left > 2) out.push(((values[i + 1]! << 4) | (values[i + 2]! >> 2)) & 0xff);
  if (left > 3) out.push(((values[i + 2]! << 6) | values[i + 3]!) & 0xff);
  const buf = Buffer.from(out);
  const nul = buf.indexOf(0);
  return nul >= 0 ? buf.subarray(0, nul) : buf;
}

export type BasicCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'wrongScheme' }
  | { readonly kind: 'basic'; readonly user: Buffer; readonly password: Buffer };

/** get_basic_auth on the value of the first Authorization field (undefined: none sent). */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials {
  if (header === undefined) return { kind: 'none' };
  // ap_getword(…, ' '): the word up to the first space, then every following space is skipped.
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  let rest = space < 0 ? '' : header.slice(space).replace(/^ +/, '');
  if (scheme.toLowerCase() !== 'basic') return { kind: 'wrongScheme' };
  rest = rest.replace(/^[ \t]+/, '');
  const decoded = aprBase64Decode(rest);
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return { kind: 'basic', user: decoded, password: Buffer.alloc(0) };
  return { kind: 'basic', user: decoded.subarray(0, colon), password: decoded.subarray(colon + 1) };
}
