import type { ErrorCode } from '../errors';

/**
 * What a mod_rewrite hook tells the routing core. Extension of the original shape: a 'status'
 * may carry the catalogue `code` when the status is an error of ours (AH10508 → 
 * SG_ERR_REWRITE_UNSAFE_3F …); a status forced by [F]/[G]/[R=4xx] has none.
 */
export type RewriteHookResult =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string; readonly code?: ErrorCode }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'proxy'; readonly url: string; readonly noCanon: boolean }
  | { readonly kind: 'internalRedirect'; readonly url: string };

export const DECLINED: RewriteHookResult = { kind: 'declined' };

export function statusResult(status: number, reason: string, code?: ErrorCode): RewriteHookResult {
  return code === undefined ? { kind: 'status', status, reason } : { kind: 'status', status, reason, code };
}
