/**
 * Path normalisation and %-decoding in Apache's order (SPEC-NOTES §4.7.3; httpd server/util.c
 * `ap_normalize_path`, `ap_unescape_url_ex`, `ap_escape_uri`; server/request.c
 * `ap_process_request_internal`). Works on binary strings: each char is one byte (latin1), so a
 * decoded `%c0%ae` stays two bytes and nothing is interpreted as UTF-8.
 */

const HEX = /^[0-9A-Fa-f]{2}$/;
const NEEDS_NORMALIZING = /%|\/\.|\/\//;

function isUnreserved(code: number): boolean {
  // RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~"
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

export interface NormalizeOptions {
  readonly decodeUnreserved: boolean;
  readonly mergeSlashes: boolean;
  /** Fail when `..` would climb above `/` (AP_NORMALIZE_NOT_ABOVE_ROOT). */
  readonly notAboveRoot: boolean;
}

/**
 * `ap_normalize_path`: decode unreserved escapes (first pass only), drop `.` segments, resolve
 * `..` (and `.%2e`), merge slashes. Returns null where Apache returns failure (→ 400, AH10244).
 */
export function normalizePath(path: string, opts: NormalizeOptions): string | null {
  if (path[0] !== '/') return path === '*' ? path : null;
  // Fast path: nothing to decode, no dot segment, no doubled slash.
  if (!NEEDS_NORMALIZING.test(path)) return path;
  const chars = path.split('');
  let ok = true;
  let l = 1;
  const out: string[] = ['/'];
  const at = (i: number): string => (i < chars.length ? chars[i]! : '');
  const isSlashOrEnd = (c: string): boolean => c === '/' || c === '';
  while (l < chars.length) {
    if (opts.decodeUnreserved && chars[l] === '%') {
      const hex = at(l + 1) + at(l + 2);
      if (HEX.test(hex)) {
        const code = parseInt(hex, 16);
        if (isUnreserved(code)) {
          l += 2;
          chars[l] = String.fromCharCode(code);
        }
      } else {
        ok = false;
      }
    }
    if (out.length === 0 || out[out.length - 1] === '/') {
      if (opts.mergeSlashes && chars[l] === '/') {
        do l++;
        while (chars[l] === '/');
        continue;
      }
      if (chars[l] === '.') {
        if (isSlashOrEnd(at(l + 1))) {
          l++;
          if (l < chars.length) l++;
          continue;
        }
        let n = l + 1;
        let dotdot = false;
        if (at(n) === '.') dotdot = true;
        else if (opts.decodeUnreserved && at(n) === '%' && at(n + 1) === '2' && (at(n + 2) === 'e' || at(n + 2) === 'E')) {
          n += 2;
          dotdot = true;
        }
        if (dotdot && isSlashOrEnd(at(n + 1))) {
          if (out.length > 1) {
            do out.pop();
            while (out.length > 0 && out[out.length - 1] !== '/');
          } else if (opts.notAboveRoot) {
            ok = false;
          }
          l = n + 1;
          if (l < chars.length) l++;
          continue;
        }
      }
    }
    out.push(chars[l]!);
    l++;
  }
  return ok ? out.join('') : null;
}

export type UnescapeResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

/**
 * `ap_unescape_url_ex`: decode every %XX once. A bad escape → 400; a decoded NUL → 404; a decoded
 * `/` → 404 unless encoded slashes are allowed (then decoded, or kept as %2F with NoDecode).
 */
export function unescapeUrl(path: string, encodedSlashes: 'off' | 'on' | 'nodecode'): UnescapeResult {
  if (path.indexOf('%') < 0) return { ok: true, value: path };
  let out = '';
  let badEscape = false;
  let badPath = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = path.substr(i + 1, 2);
    if (!HEX.test(hex)) {
      badEscape = true;
      out += '%';
      continue;
    }
    const code = parseInt(hex, 16);
    if (code === 0x2f) {
      if (encodedSlashes === 'off') badPath = true;
      else if (encodedSlashes === 'nodecode') {
        out += path.substr(i, 3);
        i += 2;
        continue;
      }
    }
    if (code === 0) badPath = true;
    out += String.fromCharCode(code);
    i += 2;
  }
  if (badEscape) return { ok: false, status: 400, reason: 'invalid %-escape in URI' };
  if (badPath) return { ok: false, status: 404, reason: 'found %2f (encoded "/") or %00 in URI path (AH00026)' };
  return { ok: true, value: out };
}

/** Plain %-decoding for strings that are not paths (query parts, map keys); bad escapes kept. */
export function unescapeLoose(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// T_OS_ESCAPE_PATH of httpd's gen_test_char: characters ap_escape_uri / ap_os_escape_path escape.
// Everything but unreserved, the sub-delims "$&+,;=", ":", "@", "/" and "!*'()" is escaped.
const PATH_SAFE = new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$&+,/:;=@!*'()".split(''));

/** `ap_escape_uri` (ap_os_escape_path with partial=1): escape a path for a URL. */
export function escapeUri(path: string): string {
  let out = '';
  for (const c of path) {
    const code = c.charCodeAt(0);
    if (PATH_SAFE.has(c)) out += c;
    else if (code > 0xff) out += encodeURIComponent(c);
    else out += '%' + code.toString(16).padStart(2, '0');
  }
  return out;
}

/** Convert a JS (UTF-16) string holding UTF-8 text to a binary string (one char per byte). */
export function toBinary(text: string): string {
  // Pure ASCII fast path.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Inverse of toBinary, for output (file paths, logs). */
export function fromBinary(bytes: string): string {
  if (/^[\x00-\x7f]*$/.test(bytes)) return bytes;
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
