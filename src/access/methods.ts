/**
 * Methods as mod_authz_core and mod_access_compat see them: a bit per method number
 * (`r->method_number`, httpd include/httpd.h M_*), where HEAD is M_GET (http_protocol.c
 * lookup_builtin_method) and so shares every rule written for GET. `<Limit>`/`<LimitExcept>` scopes
 * (server/core.c ap_limit_section) nest by intersection: a directive applies to a method when every
 * enclosing scope covers it.
 */
import type { LimitScope } from '../config/module';

/** The name a method is known by in method bits: HEAD counts as GET. */
export function methodKey(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}

/** Whether a directive written under `limit` applies to `method` (null: outside any <Limit>). */
export function limitCovers(limit: LimitScope | null | undefined, method: string): boolean {
  const key = methodKey(method);
  for (let scope: LimitScope | null | undefined = limit; scope; scope = scope.parent) {
    const listed = scope.methods.some((m) => methodKey(m) === key);
    if (listed === scope.except) return false;
  }
  return true;
}
