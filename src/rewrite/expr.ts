/**
 * `RewriteCond expr "…"` — Apache's ap_expr (server/util_expr_parse.y, util_expr_eval.c).
 * Only a subset is evaluated; anything else is refused at configuration time with a clear error
 * (INTERFACE.md §9: fail closed rather than guess). Placeholder until the evaluator lands.
 */

export type ExprNode = { readonly kind: 'unsupported' };

export type ExprParseResult = { ok: true; node: ExprNode } | { ok: false; reason: string };

export function parseExpr(_text: string): ExprParseResult {
  return { ok: false, reason: 'ap_expr conditions are not supported by smoothgate' };
}
