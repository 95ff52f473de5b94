/**
 * mod_access_compat (modules/aaa/mod_access_compat.c): `Order`, `Allow from`, `Deny from` as the
 * access_checker hook `check_dir_access`, and `Satisfy` as the value `ap_satisfies` returns. Rules
 * written inside <Limit> apply to those methods only; Order and Satisfy are per method too. The
 * module has no merge function, so the record of the most specific section that uses one of its
 * directives replaces every parent's (the dir-vector merge does that).
 */
import type { AccessCompatDirConf, AccessRule } from '../config/records';
import type { HostResolver } from './host';
import { inDomain } from './host';
import { clientAddress, parseSubnetWord, subnetTest } from './ip';
import { limitCovers } from './methods';

export interface CompatContext {
  readonly method: string;
  readonly clientIp: string;
  readonly env: ReadonlyMap<string, string>;
  readonly resolveHost: HostResolver;
}

/** ap_satisfies: 'nospec' when Satisfy was never set for this method (or the module is absent). */
export function satisfyFor(conf: AccessCompatDirConf | undefined, method: string): 'all' | 'any' | 'nospec' {
  let value: 'all' | 'any' | 'nospec' = 'nospec';
  for (const s of conf?.satisfies ?? []) if (limitCovers(s.limit, method)) value = s.value;
  return value;
}

function orderFor(conf: AccessCompatDirConf, method: string): 'deny,allow' | 'allow,deny' | 'mutual-failure' {
  let value: 'deny,allow' | 'allow,deny' | 'mutual-failure' = 'deny,allow';
  for (const o of conf.orders ?? []) if (limitCovers(o.limit, method)) value = o.value;
  return value;
}

/** find_allowdeny: does any rule for this method match the client? */
function findAllowDeny(rules: readonly AccessRule[], ctx: CompatContext): boolean {
  let host: string | null | undefined;
  for (const rule of rules) {
    if (!limitCovers(rule.limit, ctx.method)) continue;
    switch (rule.kind) {
      case 'env':
        if (ctx.env.has(rule.value)) return true;
        break;
      case 'envNot':
        if (!ctx.env.has(rule.value)) return true;
        break;
      case 'all':
        return true;
      case 'ip': {
        const subnet = parseSubnetWord(rule.value);
        if (typeof subnet !== 'string' && subnetTest(subnet, clientAddress(ctx.clientIp))) return true;
        break;
      }
      case 'host':
        if (host === undefined) host = ctx.resolveHost(ctx.clientIp);
        if (host !== null && inDomain(rule.value, host)) return true;
        break;
    }
  }
  return false;
}

/** check_dir_access: true = OK, false = 403 (AH01797). */
export function compatAllows(conf: AccessCompatDirConf | undefined, ctx: CompatContext): boolean {
  if (!conf) return true;
  switch (orderFor(conf, ctx.method)) {
    case 'allow,deny': {
      let ok = findAllowDeny(conf.allows, ctx);
      if (findAllowDeny(conf.denies, ctx)) ok = false;
      return ok;
    }
    case 'deny,allow': {
      let ok = true;
      if (findAllowDeny(conf.denies, ctx)) ok = false;
      if (findAllowDeny(conf.allows, ctx)) ok = true;
      return ok;
    }
    case 'mutual-failure':
      return findAllowDeny(conf.allows, ctx) && !findAllowDeny(conf.denies, ctx);
  }
}
