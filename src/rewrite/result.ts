/** What a mod_rewrite hook tells the routing core (the shape is fixed by src/rewrite/index.ts). */
export type RewriteHookResult =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'proxy'; readonly url: string; readonly noCanon: boolean }
  | { readonly kind: 'internalRedirect'; readonly url: string };

export const DECLINED: RewriteHookResult = { kind: 'declined' };

export function statusResult(status: number, reason: string): RewriteHookResult {
  return { kind: 'status', status, reason };
}
