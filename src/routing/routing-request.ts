/**
 * The routing core's input: one request as it arrived, before any interpretation. `serve` builds it
 * from node:http, `conformance` from a case, `explain` from the command line. `parseRequestHead`
 * judges a raw request head the way Apache's protocol.c does (SPEC-NOTES §4.7.1–4.7.2) for the
 * request lines ordinary clients refuse to send.
 */

export interface RoutingRequest {
  readonly method: string;
  /** The request-target exactly as received (binary string: one char per byte). */
  readonly rawTarget: string;
  /** 'HTTP/1.1', 'HTTP/1.0' or 'HTTP/0.9'. */
  readonly protocol: string;
  /** Header fields in arrival order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly isHttps: boolean;
  /** The request line as received, when it differs from `method SP target SP protocol`. */
  readonly requestLine?: string;
  /**
   * Set when the request head is already known to be malformed (Apache answers before any module
   * runs): the status and the reason.
   */
  readonly malformed?: { readonly status: number; readonly reason: string };
}

export interface ConnectionDefaults {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly isHttps: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CTL_OR_SPACE = /[\x00-\x20\x7f]/;
const STRICT_PROTOCOL = /^HTTP\/[0-9]\.[0-9]$/;

/**
 * Parse a raw request head (CRLF-separated) as Apache 2.4.71 with `HttpProtocolOptions Strict
 * LenientMethods Allow0.9` does (server/protocol.c `ap_parse_request_line`,
 * `ap_get_mime_headers_core`). Never throws: a malformed head yields `malformed`.
 */
export function parseRequestHead(raw: string, conn: ConnectionDefaults, limits = { requestLine: 8190, fieldSize: 8190, fields: 100 }): RoutingRequest {
  const lines = raw.split('\r\n');
  let requestLine = lines[0] ?? '';
  // Apache skips leading blank lines before the request line (RFC 9112 §2.2).
  let index = 0;
  while (requestLine === '' && index + 1 < lines.length) requestLine = lines[++index] ?? '';
  const headerLines = lines.slice(index + 1);
  while (headerLines.length > 0 && headerLines[headerLines.length - 1] === '') headerLines.pop();

  const fail = (status: number, reason: string, method = '', target = '', protocol = 'HTTP/1.0'): RoutingRequest => ({
    method,
    rawTarget: target,
    protocol,
    headers: [],
    ...conn,
    requestLine,
    malformed: { status, reason },
  });

  if (requestLine.length >= limits.requestLine + 2) return fail(414, 'request line too long (LimitRequestLine)');
  // Strict: exactly one SP between the parts; no other whitespace.
  const firstSpace = requestLine.indexOf(' ');
  const method = firstSpace < 0 ? requestLine : requestLine.slice(0, firstSpace);
  const rest = firstSpace < 0 ? '' : requestLine.slice(firstSpace + 1);
  const secondSpace = rest.indexOf(' ');
  const target = secondSpace < 0 ? rest : rest.slice(0, secondSpace);
  const protocolText = secondSpace < 0 ? '' : rest.slice(secondSpace + 1);
  const hashAt = target.indexOf('#');
  const targetNoFragment = hashAt < 0 ? target : target.slice(0, hashAt);
  if (!TOKEN.test(method)) return fail(400, 'invalid method token', method, targetNoFragment);
  if (target === '') return fail(400, 'missing request-target', method);
  if (CTL_OR_SPACE.test(target)) return fail(400, 'control character or space in request-target', method, targetNoFragment);
  let protocol: string;
  if (secondSpace < 0) {
    // No protocol: HTTP/0.9 (Allow0.9) — only GET is meaningful.
    protocol = 'HTTP/0.9';
  } else {
    if (!STRICT_PROTOCOL.test(protocolText)) return fail(400, `invalid protocol '${protocolText}'`, method, targetNoFragment);
    protocol = protocolText;
  }
  if (hashAt >= 0) return fail(400, 'fragment in request-target', method, targetNoFragment, protocol);

  const headers: Array<[string, string]> = [];
  if (protocol !== 'HTTP/0.9') {
    if (headerLines.length > limits.fields) return fail(400, 'too many header fields (LimitRequestFields)', method, target, protocol);
    for (const line of headerLines) {
      if (line.length > limits.fieldSize) return fail(400, 'header field too long (LimitRequestFieldSize)', method, target, protocol);
      if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
        // obs-fold: append to the previous field (Apache accepts it).
        const last = headers[headers.length - 1]!;
        last[1] = `${last[1]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) return fail(400, 'header line without a colon', method, target, protocol);
      const name = line.slice(0, colon);
      if (!TOKEN.test(name)) return fail(400, 'invalid header field name', method, target, protocol);
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      // eslint-disable-next-line no-control-regex
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return fail(400, 'control character in a header value', method, target, protocol);
      headers.push([name, value]);
    }
  }
  return { method, rawTarget: target, protocol, headers, ...conn, requestLine };
}
