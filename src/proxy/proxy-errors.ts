/**
 * undici's errors → our catalogue (STYLE.md §5: translate at the boundary, keep the original as
 * `cause`). undici names its errors by `code` (`lib/core/errors.js`); socket failures carry the
 * system `code` (ECONNREFUSED …) on the error or its cause.
 */
import { SgError, isSgError } from '../errors';

/** The `reason` label of smoothgate_backend_errors_total. */
export type BackendErrorReason = 'connect' | 'timeout' | 'reset' | 'protocol' | 'client_abort' | 'body_limit';

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const name = (current as { name?: unknown }).name;
    if (name === 'AbortError') codes.push('ABORT');
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** Our own SgError somewhere in the cause chain (the request-body limit raises one inside undici). */
function ownError(err: unknown): SgError | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (isSgError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function translateProxyError(err: unknown, url: string): { error: SgError; reason: BackendErrorReason } {
  const own = ownError(err);
  if (own) {
    return { error: own, reason: own.code === 'SG_ERR_SERVER_BODY_TOO_LARGE' ? 'body_limit' : own.code === 'SG_ERR_PROXY_CLIENT_ABORTED' ? 'client_abort' : 'protocol' };
  }
  const codes = codesOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const has = (...wanted: string[]): boolean => codes.some((c) => wanted.includes(c));
  if (has('ABORT', 'UND_ERR_ABORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH')) {
    return { error: new SgError('SG_ERR_PROXY_CLIENT_ABORTED', { url }, { cause: err }), reason: 'client_abort' };
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')) {
    return { error: new SgError('SG_ERR_PROXY_TIMEOUT', { url, reason: codes[0] ?? message }, { cause: err }), reason: 'timeout' };
  }
  if (has('ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL')) {
    const code = codes.find((c) => c.startsWith('E')) ?? 'connect';
    return { error: new SgError('SG_ERR_PROXY_CONNECT', { url, reason: code }, { cause: err }), reason: 'connect' };
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED')) {
    return { error: new SgError('SG_ERR_PROXY_RESET', { url, reason: codes.find((c) => c !== 'UND_ERR_SOCKET') ?? codes[0] ?? message }, { cause: err }), reason: 'reset' };
  }
  return { error: new SgError('SG_ERR_PROXY_PROTOCOL', { url, reason: codes[0] ?? message }, { cause: err }), reason: 'protocol' };
}
