/**
 * The hostile-request corpus: traversal, smuggling and malformed-protocol attempts, each named, each
 * with the statuses Apache 2.4 (HttpProtocolOptions Strict, its default since 2.4.25) would answer
 * and INTERFACE.md §3/§6 allow. `closed` means the connection may be dropped without an answer.
 * Each expectation was checked against a real Apache 2.4 (Debian's build) serving the same files;
 * where smoothgate answers differently on purpose, the case allows both and says why.
 *
 * Why these answers (Apache 2.4 server/protocol.c, server/util.c, RFC 9112):
 * - a target that climbs above `/` after `.`/`..` removal: 400 (ap_getparents + "Invalid URI");
 * - `%2f` and `%00` in the path: 404 (ap_unescape_url's badpath, AllowEncodedSlashes Off);
 *   a bad `%` escape: 400;
 * - overlong UTF-8 (`%c0%ae`) is not a dot to Apache: a missing file, 404 (or 403 where the bytes
 *   land in a denied scope);
 * - a raw backslash is an ordinary byte on Unix: 404;
 * - duplicate or invalid Content-Length, a Transfer-Encoding whose last coding is not chunked, a
 *   bad chunk size, CR/LF/NUL inside a field, a field name with a space, no Host on HTTP/1.1: 400
 *   (RFC 9112 §6.1, §6.3, §5.1, §3.2); CL with TE and obs-fold Apache accepts, Node's parser
 *   rejects (400) — both allowed, as long as one response comes back;
 * - LimitRequestLine → 414; a field over LimitRequestFieldSize → 431 (our documented divergence,
 *   Apache says 400);
 * - an unknown method token: 501 (AH00135); a method with non-token bytes: 400;
 * - HTTP/0.9 and the HTTP/2 preface on an h1 port: 400, 408 at the header timeout, or a closed
 *   connection — never a body.
 */
export type Expected = number | 'closed';

export interface HostileCase {
  readonly name: string;
  /** The exact bytes sent (latin1 string). */
  readonly request: string;
  readonly expect: readonly Expected[];
  /**
   * A smuggling case: the bytes carry a hidden second request. Read until close and require
   * exactly one response (a second one would be a request the front end never saw).
   */
  readonly smuggle?: boolean;
}

const HOST = 'Host: www.example.com\r\n';
/** The request a smuggling case hides in a body; it must never be answered. */
const HIDDEN = `GET /sub/a.txt HTTP/1.1\r\n${HOST}\r\n`;
const HIDDEN_HEX = HIDDEN.length.toString(16);
const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\n${HOST}${extra}Connection: close\r\n\r\n`;

/** Traversal targets aimed at ROOT/secret.txt (beside the docroot) and ROOT/outside/secret.txt. */
const TRAVERSALS: ReadonlyArray<readonly [string, string, readonly Expected[]]> = [
  ['dot-dot past root', '/../secret.txt', [400, 404]],
  ['dot-dot past root into sibling', '/../outside/secret.txt', [400, 404]],
  ['dot-dot after a subfolder', '/sub/../../secret.txt', [400, 404]],
  ['dot-dot-dot-dot deep', '/sub/../../../../../../etc/passwd', [400, 404]],
  ['%2e%2e lower', '/%2e%2e/secret.txt', [400, 404]],
  ['%2E%2E upper', '/%2E%2E/secret.txt', [400, 404]],
  ['mixed .%2e', '/.%2e/outside/secret.txt', [400, 404]],
  ['mixed %2e.', '/%2e./outside/secret.txt', [400, 404]],
  ['mixed case %2e%2E', '/sub/%2e%2E/%2E%2e/secret.txt', [400, 404]],
  ['double-encoded %252e', '/%252e%252e/secret.txt', [400, 404]],
  ['double-encoded %252f', '/..%252fsecret.txt', [400, 404]],
  ['encoded slash %2f', '/..%2fsecret.txt', [400, 404]],
  ['encoded slash %2F upper', '/sub/..%2F..%2Fsecret.txt', [400, 404]],
  ['encoded backslash %5c', '/..%5csecret.txt', [400, 404]],
  ['encoded backslash %5C upper', '/sub%5C..%5C..%5Csecret.txt', [400, 404]],
  ['raw backslashes', '/..\\..\\secret.txt', [400, 404]],
  ['raw backslash after sub', '/sub\\..\\..\\outside\\secret.txt', [400, 404]],
  ['overlong UTF-8 dot %c0%ae', '/%c0%ae%c0%ae/secret.txt', [400, 403, 404]],
  ['overlong UTF-8 slash %c0%af', '/..%c0%af..%c0%afsecret.txt', [400, 403, 404]],
  ['overlong UTF-8 3-byte dot %e0%80%ae', '/%e0%80%ae%e0%80%ae/secret.txt', [400, 403, 404]],
  ['overlong %c0%2e', '/%c0%2e%c0%2e/secret.txt', [400, 403, 404]],
  ['%00 then dot-dot', '/a.txt%00/../../secret.txt', [400, 404]],
  ['%00 before extension', '/index.php%00.txt', [400, 403, 404]],
  ['bad percent escape', '/%zz/secret.txt', [400, 404]],
  ['truncated percent escape', '/a.txt%2', [400, 404]],
  ['double slash root', '//../secret.txt', [400, 404]],
  ['dot segment then dot-dot', '/./../secret.txt', [400, 404]],
  ['slash-dot-slash many', '/./././../outside/secret.txt', [400, 404]],
  ['trailing dot-dot', '/sub/..', [200, 301, 400, 403, 404]],
  ['absolute filesystem path', '/etc/passwd', [403, 404]],
  ['absolute-form past root', 'http://www.example.com/../secret.txt', [400, 404]],
  ['absolute-form other host past root', 'http://other.example/%2e%2e/outside/secret.txt', [400, 404]],
  ['absolute-form file scheme', 'file:///etc/passwd', [400, 404]],
  ['asterisk-form on GET', '*', [400, 404]],
  ['no leading slash', 'secret.txt', [400]],
  ['authority-form on GET', 'www.example.com:80', [400]],
];

/**
 * Traversal through the seed's Smooth Streaming rules and the h264-streaming handler, aimed at
 * ROOT/secret.mp4: the rules' back-references must never carry a climb out of the docroot.
 */
const THROUGH_STREAMING: ReadonlyArray<readonly [string, string, readonly Expected[]]> = [
  ['dot-dot to an .mp4 beside the docroot', '/video/../../secret.mp4', [400, 404]],
  ['%2e%2e with ?start=', '/video/%2e%2e/%2e%2e/secret.mp4?start=1', [400, 404]],
  ['encoded slashes into the manifest rule', '/video/..%2f..%2fsecret.ism/manifest?v=1', [400, 404]],
  ['dot-dot after .ism in the manifest rule', '/video/X.ism/../../../secret.ism/manifest?v=1', [400, 404]],
  ['dot-dot in the Fragments rule', '/video/../secret.ism/Fragments(video=0)?v=1', [400, 404]],
  ['backslashes in the QualityLevels rule', '/video/..\\..\\secret.ism/QualityLevels(1)/Fragments(video=0)?v=1', [400, 404]],
  ['traversal in the fragment query key', '/video/clip.ism/Fragments(../../secret=0)?v=1', [400, 404, 415]],
  ['manifest=1 on a traversal', '/video/%2E%2E/%2E%2E/secret.mp4?manifest=1', [400, 404]],
];

/** Files in the docroot that must stay closed: script source and .ht* files. */
const SCRIPT_AND_HT: ReadonlyArray<readonly [string, string, readonly Expected[]]> = [
  ['php script source', '/index.php', [403, 404]],
  ['php script with path info', '/index.php/x.txt', [403, 404]],
  ['php script upper case', '/INDEX.PHP', [403, 404]],
  ['php script %70hp', '/index.%70hp', [403, 404]],
  ['php script with trailing dot', '/index.php.', [403, 404]],
  ['php script with trailing %20', '/index.php%20', [403, 404]],
  ['.htpasswd', '/.htpasswd', [403]],
  ['.htpasswd encoded dot', '/%2ehtpasswd', [403]],
  ['.htaccess of the video folder', '/video/.htaccess', [403]],
  ['.htaccess case variant', '/video/.HTaccess', [403, 404]],
];

export const HOSTILE_CASES: readonly HostileCase[] = [
  ...TRAVERSALS.map(([name, target, expect]) => ({ name: `traversal: ${name}`, request: get(target), expect })),
  ...THROUGH_STREAMING.map(([name, target, expect]) => ({ name: `traversal via streaming: ${name}`, request: get(target), expect })),
  ...SCRIPT_AND_HT.map(([name, target, expect]) => ({ name: `closed file: ${name}`, request: get(target), expect })),

  // Absolute-form with a legitimate path is served as Apache does (RFC 9112 §3.2.2).
  { name: 'absolute-form to another host, public file', request: get('http://other.example/a.txt'), expect: [200, 400, 404] },

  // Header injection and malformed fields (RFC 9112 §5, §2.2).
  { name: 'CR inside a header value', request: `GET /a.txt HTTP/1.1\r\n${HOST}X-A: a\rSet-Cookie: x=1\r\nConnection: close\r\n\r\n`, expect: [400] },
  { name: 'LF inside a header value (bare LF splits a line)', request: `GET /a.txt HTTP/1.1\r\n${HOST}X-A: a\nX-Injected: 1\r\nConnection: close\r\n\r\n`, expect: [200, 400] },
  { name: 'NUL in a header value', request: `GET /a.txt HTTP/1.1\r\n${HOST}X-A: a\0b\r\nConnection: close\r\n\r\n`, expect: [400] },
  { name: 'space before colon', request: `GET /a.txt HTTP/1.1\r\n${HOST}X-A : b\r\nConnection: close\r\n\r\n`, expect: [400] },
  { name: 'header without colon', request: `GET /a.txt HTTP/1.1\r\n${HOST}NoColonHere\r\nConnection: close\r\n\r\n`, expect: [400] },
  { name: 'obs-fold continuation line', request: `GET /a.txt HTTP/1.1\r\n${HOST}X-A: one\r\n  two\r\nConnection: close\r\n\r\n`, expect: [200, 400] },
  { name: 'obs-fold on Host', request: `GET /a.txt HTTP/1.1\r\nHost:\r\n www.example.com\r\nConnection: close\r\n\r\n`, expect: [200, 400] },
  { name: 'bare LF line endings throughout', request: `GET /a.txt HTTP/1.1\nHost: www.example.com\nConnection: close\n\n`, expect: [200, 400] },
  { name: 'missing Host on HTTP/1.1', request: 'GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n', expect: [400] },
  { name: 'two Host headers', request: `GET /a.txt HTTP/1.1\r\n${HOST}Host: other.example\r\nConnection: close\r\n\r\n`, expect: [400] },
  { name: 'Host with a path', request: 'GET /a.txt HTTP/1.1\r\nHost: www.example.com/../..\r\nConnection: close\r\n\r\n', expect: [400] },
  { name: 'Host with CRLF-ish percent escapes', request: 'GET /a.txt HTTP/1.1\r\nHost: www.example.com%0d%0aX: y\r\nConnection: close\r\n\r\n', expect: [400] },

  // Validators from the client's clock (RFC 7232 §3.3; Apache: ims <= request_time): a date in the
  // future must not turn every later change into a 304 for that client.
  { name: 'If-Modified-Since in the far future', request: get('/a.txt', 'If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n'), expect: [200] },
  { name: 'If-Modified-Since with a six-digit year', request: get('/a.txt', 'If-Modified-Since: Sat, 01 Jan 275760 00:00:00 GMT\r\n'), expect: [200] },
  // MaxRanges (Apache 200) and overlapping ranges: the whole file once, never 500 parts of it.
  { name: '500 overlapping ranges', request: get('/video/clip.mp4', `Range: bytes=${Array(500).fill('0-').join(',')}\r\n`), expect: [200, 416] },
  { name: 'range start past 2^64', request: get('/a.txt', 'Range: bytes=99999999999999999999999-\r\n'), expect: [200, 416] },
  { name: 'unknown Expect', request: get('/a.txt', 'Expect: bogus\r\n'), expect: [417] },

  // Limits (INTERFACE.md §3): LimitRequestLine 8190 → 414, LimitRequestFieldSize 8190 → 431.
  { name: '10 KB URL', request: get(`/${'a'.repeat(10 * 1024)}`), expect: [414] },
  { name: '100 KB URL', request: get(`/${'%2e'.repeat(34 * 1024)}`), expect: [414] },
  { name: '100 KB single header', request: get('/a.txt', `X-Big: ${'b'.repeat(100 * 1024)}\r\n`), expect: [431] },
  { name: '101 small headers', request: get('/a.txt', Array.from({ length: 101 }, (_, i) => `X-H${i}: v\r\n`).join('')), expect: [431] },
  // Each line fits, the merged value does not (Apache AH00560, "after merging").
  { name: '100 KB of cookies in 20 fields of 5 KB', request: get('/a.txt', Array.from({ length: 20 }, (_, i) => `Cookie: c${i}=${'x'.repeat(5000)}\r\n`).join('')), expect: [431] },

  // Methods and protocol versions (RFC 9110 §9, RFC 9112 §2.3, §3).
  // Apache: an unknown token is 501 (AH00135), bytes outside `token` are 400.
  { name: 'unknown method', request: `FOO /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [501] },
  { name: 'method with non-token byte', request: `G@T /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [400] },
  { name: 'lower-case method', request: `get /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [501] },
  // Apache answers TRACE 200 (TraceEnable defaults to on); refusing it is as good.
  { name: 'TRACE', request: `TRACE /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [200, 403, 405, 501] },
  // Apache without mod_proxy_connect: 405.
  { name: 'CONNECT to an internal port', request: `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [405] },
  { name: 'DELETE a file', request: `DELETE /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [403, 405, 501] },
  // Node's parser waits for a version that never comes: the header timeout (408) ends it.
  { name: 'HTTP/0.9 simple request', request: 'GET /a.txt\r\n', expect: [400, 408, 'closed'] },
  { name: 'HTTP/2 preface on an h1 port', request: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expect: [400, 505, 'closed'] },
  { name: 'HTTP/1.2', request: `GET /a.txt HTTP/1.2\r\n${HOST}Connection: close\r\n\r\n`, expect: [200, 400, 505] },
  { name: 'HTTP/3.0', request: `GET /a.txt HTTP/3.0\r\n${HOST}Connection: close\r\n\r\n`, expect: [200, 400, 505] },
  { name: 'version garbage', request: `GET /a.txt HTXP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [400, 505, 'closed'] },
  // Apache's strict parser: 400 (rrl_excesswhitespace); Node's parser accepts it and never shows
  // the spacing, so the target is served as written — no path changes meaning.
  { name: 'two spaces in request line', request: `GET  /a.txt  HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [200, 400] },
  { name: 'tab in request line', request: `GET\t/a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [400] },
  { name: 'space inside the target', request: `GET /a b.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [400] },
  { name: 'control byte in the target', request: `GET /a\x01.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [400] },
  { name: 'empty request line then request', request: `\r\nGET /a.txt HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, expect: [200, 400] },
  { name: 'binary garbage', request: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage-tls-hello', expect: [400, 'closed'] },

  // Request smuggling (RFC 9112 §6.1, §6.3): a hidden second request must never get its own response.
  {
    name: 'duplicate Content-Length, different values',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Content-Length: 0\r\nContent-Length: ${HIDDEN.length}\r\n\r\n${HIDDEN}`,
    expect: [400],
    smuggle: true,
  },
  {
    name: 'duplicate Content-Length, same value',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
    expect: [400, 405],
    smuggle: true,
  },
  {
    name: 'Content-Length list of two values',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Content-Length: 0, ${HIDDEN.length}\r\n\r\n${HIDDEN}`,
    expect: [400],
    smuggle: true,
  },
  {
    name: 'Content-Length with a sign',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Content-Length: +5\r\n\r\nhello`,
    expect: [400],
    smuggle: true,
  },
  {
    name: 'CL.TE: Content-Length and Transfer-Encoding chunked',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${HIDDEN}`,
    // Apache drops Content-Length, reads chunked and closes (RFC 9112 §6.1): one answer either way.
    expect: [200, 400, 405],
    smuggle: true,
  },
  {
    name: 'TE.CL: Transfer-Encoding first, then Content-Length',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n${HIDDEN_HEX}\r\n${HIDDEN}\r\n0\r\n\r\n`,
    expect: [200, 400, 405],
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: chunked, identity',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 501],
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: xchunked',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 501],
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding with a space before the colon',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400],
    smuggle: true,
  },
  {
    // Apache unfolds this into chunked and answers the hidden request too; a gateway in front of
    // other servers must not (RFC 9112 §5.2: reject obs-fold with 400 or replace it by SP).
    name: 'Transfer-Encoding obs-folded',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 405],
    smuggle: true,
  },
  {
    name: 'two Transfer-Encoding headers',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 501],
    smuggle: true,
  },
  {
    name: 'chunk size not hex',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 405],
    smuggle: true,
  },
  {
    name: 'chunk size overflowing 64 bits',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n10000000000000001\r\nhello\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 405, 413],
    smuggle: true,
  },
  {
    name: 'negative chunk size',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 405],
    smuggle: true,
  },
  {
    name: 'chunk extension with bare LF',
    request: `POST /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n5;x\nhello\r\n0\r\n\r\n${HIDDEN}`,
    expect: [400, 405],
    smuggle: true,
  },
  {
    name: 'GET with a Content-Length body hiding a request',
    request: `GET /a.txt HTTP/1.1\r\n${HOST}Content-Length: ${HIDDEN.length}\r\nConnection: close\r\n\r\n${HIDDEN}`,
    expect: [200, 400],
    smuggle: true,
  },
  {
    name: 'GET with a chunked body hiding a request',
    request: `GET /a.txt HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${HIDDEN_HEX}\r\n${HIDDEN}\r\n0\r\n\r\n`,
    expect: [200, 400],
    smuggle: true,
  },
];
