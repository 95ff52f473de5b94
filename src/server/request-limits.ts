/**
 * Apache's request limits (httpd.apache.org/docs/2.4/mod/core.html#limitrequestline and the
 * LimitRequestField* / LimitRequestBody directives; SPEC-NOTES §4.7) enforced at the edge.
 *
 * Node's parser sees the head first: its `maxHeaderSize` is set to the whole head Apache would
 * accept (request line + every field at its maximum), and `maxHeadersCount` one above the field
 * limit, so the checks here see every case Apache's limits describe. Apache answers 400 for a field
 * that is too long or too many fields; we answer 431 (RFC 6585 §5), INTERFACE.md §3's documented
 * divergence.
 */
import type { IncomingMessage } from 'node:http';
import { SgError } from '../errors';
import type { LimitSettings } from '../config/smoothgate-yaml';

/**
 * Apache counts a request line of exactly LimitRequestLine + 1 bytes as fitting (its read buffer
 * includes room for the CRLF): with 8190, 8191 passes and 8192 is 414 (SPEC-NOTES §4.7.1).
 */
export function requestLineTooLong(lineBytes: number, limits: LimitSettings): boolean {
  return lineBytes > limits.requestLineBytes + 1;
}

/** Node's `maxHeaderSize`: the largest head Apache's limits allow, capped at 1 MiB. */
export function nodeMaxHeaderSize(limits: LimitSettings): number {
  const whole = limits.requestLineBytes + 2 + limits.headerFields * (limits.headerFieldBytes + 2) + 2;
  return Math.min(whole, 1024 * 1024);
}

/** The first limit the request head breaks, or null. */
export function checkRequestHead(req: IncomingMessage, limits: LimitSettings): SgError | null {
  const method = req.method ?? '';
  const lineBytes = method.length + 1 + (req.url ?? '').length + 1 + 5 + req.httpVersion.length;
  if (requestLineTooLong(lineBytes, limits)) {
    return new SgError('SG_ERR_SERVER_REQUEST_LINE', { bytes: lineBytes, limit: limits.requestLineBytes });
  }
  const raw = req.rawHeaders;
  if (raw.length / 2 > limits.headerFields) {
    return new SgError('SG_ERR_SERVER_HEADER_COUNT', { limit: limits.headerFields });
  }
  for (let i = 0; i < raw.length; i += 2) {
    // "Name: value" as Apache measures the field line (without CRLF), same +1 allowance. Node
    // decodes field bytes as latin1, so string length is byte length.
    const fieldBytes = raw[i]!.length + 2 + raw[i + 1]!.length;
    if (fieldBytes > limits.headerFieldBytes + 1) {
      return new SgError('SG_ERR_SERVER_HEADER_FIELD', { bytes: fieldBytes, limit: limits.headerFieldBytes });
    }
  }
  const merged = longestMergedValue(raw);
  if (merged > limits.headerFieldBytes) {
    return new SgError('SG_ERR_SERVER_HEADER_FIELD', { bytes: merged, limit: limits.headerFieldBytes });
  }
  if (limits.bodyBytes > 0) {
    const length = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(length) && length > limits.bodyBytes) {
      return new SgError('SG_ERR_SERVER_BODY_TOO_LARGE', { limit: limits.bodyBytes });
    }
  }
  return null;
}

/**
 * Apache merges repeated fields into one value joined by ", " (apr_table_compress) and then checks
 * each value against LimitRequestFieldSize (server/protocol.c table_do_fn_check_lengths, AH00560
 * "Request header exceeds LimitRequestFieldSize after merging"): many small Cookie lines can add up
 * to one field over the limit. Returns the longest merged value, in bytes, of a repeated field.
 */
function longestMergedValue(raw: readonly string[]): number {
  const byName = new Map<string, { count: number; bytes: number }>();
  let longest = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const seen = byName.get(name) ?? { count: 0, bytes: 0 };
    seen.bytes += raw[i + 1]!.length + (seen.count > 0 ? 2 : 0);
    seen.count++;
    byName.set(name, seen);
    if (seen.count > 1 && seen.bytes > longest) longest = seen.bytes;
  }
  return longest;
}

/**
 * The status for an error Node's parser raised before a request existed ('clientError'):
 * a head over `maxHeaderSize` is 414 when its first line alone breaks LimitRequestLine, else 431;
 * a slow head is 408 (mod_reqtimeout's answer); an unknown method is 501; anything else malformed is 400.
 */
export function clientErrorStatus(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, limits: LimitSettings): number {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    const packet = err.rawPacket;
    if (packet) {
      const eol = packet.indexOf('\r\n');
      const firstLine = eol < 0 ? packet.length : eol;
      if (requestLineTooLong(firstLine, limits)) return 414;
    }
    return 431;
  }
  if (err.code === 'HPE_URI_TOO_LONG') return 414;
  if (err.code === 'HPE_INVALID_METHOD' && err.rawPacket && unknownMethodLine(err.rawPacket)) return 501;
  return 400;
}

/**
 * Node's parser knows a fixed list of methods and rejects any other as malformed. A well-formed
 * request line whose method is merely unknown (`FOO`, `get`) is 501 Not Implemented (RFC 9110 §9.1;
 * Apache's "Invalid method in request" AH00135 answers 501); a method with bytes outside `token`
 * (RFC 9110 §5.6.2) or a broken line stays 400.
 */
function unknownMethodLine(packet: Buffer): boolean {
  const eol = packet.indexOf('\r\n');
  if (eol < 0) return false;
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^ \x00-\x1f\x7f]+ HTTP\/1\.[01]$/.test(packet.subarray(0, eol).toString('latin1'));
}
