/**
 * What `ErrorDocument` says for an error of one request (httpd server/core.c
 * `ap_response_code_string`, modules/http/http_request.c `ap_die_r`; doc: core.html#errordocument,
 * custom-error.html): the per-directory setting of the status's slot, evaluated as a string
 * expression, then read the way ap_die_r reads it — a leading `"` marks a message, a URL with a
 * scheme is an external redirect (302), a leading '/' an internal redirect, anything else an
 * invalid redirection (a recursive 500).
 */
import type { CoreDirConf } from '../config/records';
import { MODULE_IDS } from '../config/records';
import { responseSlot } from '../config/status-lines';
import { isAbsoluteUrl } from '../config/modules/error-document-setting';
import { evalStringExpr, parseStringExpr } from '../rewrite/expr';
import type { StringExpr } from '../rewrite/expr';
import type { RequestRec } from './request-rec';

export type ErrorDocumentAction =
  | { readonly kind: 'message'; readonly body: string }
  | { readonly kind: 'external'; readonly url: string }
  | { readonly kind: 'internal'; readonly url: string }
  | { readonly kind: 'invalid'; readonly text: string };

/** Parsed expressions by text (a configuration holds few ErrorDocument lines). */
export class ErrorDocumentExprs {
  private readonly parsed = new Map<string, StringExpr | null>();

  /** ap_response_code_string: the evaluated setting for `status`, or null (none, `default`, unsupported). */
  responseFor(r: RequestRec, status: number): string | null {
    const core = r.perDirConfig[MODULE_IDS.core] as CoreDirConf | undefined;
    const setting = core?.errorDocuments.get(responseSlot(status));
    if (setting === undefined || setting === null) return null;
    let expr = this.parsed.get(setting);
    if (expr === undefined) {
      const result = parseStringExpr(setting);
      // What we cannot evaluate (noted by `check`) is treated like Apache's evaluation error
      // (AH02841): no custom response.
      expr = result.ok ? result.expr : null;
      this.parsed.set(setting, expr);
    }
    if (expr === null) return null;
    return evalStringExpr(expr, { r, uri: null, perdir: null, ruleGroups: null, condGroups: null, varyThis: [], vary: [] });
  }
}

/** How ap_die_r acts on an ErrorDocument response. */
export function errorDocumentAction(response: string): ErrorDocumentAction {
  if (response.startsWith('"')) return { kind: 'message', body: response.slice(1) };
  if (isAbsoluteUrl(response)) return { kind: 'external', url: response };
  if (response.startsWith('/')) return { kind: 'internal', url: response };
  return { kind: 'invalid', text: response };
}
