/**
 * The text of a `Require expr` line as mod_authz_core's expr_parse_config reads it: one pair of
 * surrounding double quotes is removed, the rest is the ap_expr.
 */
export function requireExprText(argText: string): string {
  return argText.length >= 2 && argText.startsWith('"') && argText.endsWith('"') ? argText.slice(1, -1) : argText;
}
