/**
 * mod_rewrite (httpd modules/mappers/mod_rewrite.c): the directive table and both hooks.
 * Placeholder until the engine lands: the module defines no directives yet and both hooks decline.
 */
import type { ModuleDef } from '../config/module';
import type { RequestRec } from '../routing/request-rec';

export type RewriteHookResult =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'proxy'; readonly url: string; readonly noCanon: boolean }
  | { readonly kind: 'internalRedirect'; readonly url: string };

export const rewriteModule: ModuleDef = {
  id: 'rewrite_module',
  sourceName: 'mod_rewrite.c',
  directives: [],
};

export function rewriteTranslateName(_r: RequestRec): RewriteHookResult {
  return { kind: 'declined' };
}

export function rewriteFixup(_r: RequestRec): RewriteHookResult {
  return { kind: 'declined' };
}

export function rewriteTypeChecker(_r: RequestRec): void {}
