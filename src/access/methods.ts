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
  if (!limit) return true;
  const key = methodKey(method);
  for (let scope: LimitScope | null | undefined = limit; scope; scope = scope.parent) {
    const listed = scope.methods.some((m) => methodKey(m) === key);
    if (listed === scope.except) return false;
  }
  return true;
}

/** The methods a chain of scopes covers: those in `include` (null: every method) and not in `exclude`. */
interface MethodSet {
  readonly include: ReadonlySet<string> | null;
  readonly exclude: ReadonlySet<string>;
}

function coveredSet(limit: LimitScope | null | undefined): MethodSet {
  let include: Set<string> | null = null;
  const exclude = new Set<string>();
  for (let scope: LimitScope | null | undefined = limit; scope; scope = scope.parent) {
    const keys = scope.methods.map(methodKey);
    if (scope.except) keys.forEach((k) => exclude.add(k));
    else include = new Set(keys.filter((k) => include === null || include.has(k)));
  }
  return { include, exclude };
}

/**
 * ap_limit_section's checks on a nested <Limit>/<LimitExcept> (server/core.c): the new scope must
 * keep some method of the enclosing one and must remove some. Returns Apache's message, or null.
 */
export function limitNestingError(parent: LimitScope | null, methods: readonly string[], except: boolean, name: string): string | null {
  const old = coveredSet(parent);
  const keys = new Set(methods.map(methodKey));
  const inOld = (m: string): boolean => !old.exclude.has(m) && (old.include === null || old.include.has(m));
  const oldMembers = old.include === null ? null : [...old.include].filter(inOld);
  // old ∩ new empty?
  const intersectionEmpty = except
    ? oldMembers !== null && oldMembers.every((m) => keys.has(m))
    : [...keys].every((m) => !inOld(m));
  if (intersectionEmpty) return `${name}> directive excludes all methods`;
  // old ⊆ new?
  const subset = except ? [...keys].every((m) => !inOld(m)) : oldMembers !== null && oldMembers.every((m) => keys.has(m));
  if (subset) return `${name}> directive specifies methods already excluded`;
  return null;
}
