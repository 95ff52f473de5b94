/**
 * mod_authz_core's evaluation of the merged Require tree (modules/aaa/mod_authz_core.c
 * `apply_authz_sections` and the providers of mod_authz_core, mod_authz_host, mod_authz_user and
 * mod_authz_groupfile). Results are Apache's authz_status values; "deniedNoUser" means a user could
 * change the answer (the caller then authenticates). A provider we cannot evaluate is an error
 * (500, fail closed) — it is only reached when Apache would have asked it too.
 */
import type { RequireBlock, RequireLine } from '../config/records';
import type { FsView } from '../routing/fs-view';
import { groupsOfUser } from './groupfile';
import type { HostResolver, NameResolver } from './host';
import { inDomain } from './host';
import { clientAddress, isLocalClient, parseSubnetWord, sameAddress, subnetTest } from './ip';
import { requireExprText } from './require-expr';
import { limitCovers, methodKey } from './methods';
import { toBinary } from '../routing/uri';

export type AuthzStatus = 'granted' | 'denied' | 'deniedNoUser' | 'neutral' | { readonly error: string };

/** What the providers may look at. */
export interface AuthzContext {
  readonly method: string;
  readonly clientIp: string;
  readonly localIp: string;
  readonly env: ReadonlyMap<string, string>;
  /** r->user: the authenticated (or, after a failed check, claimed) user as a binary string. */
  readonly user: string | null;
  readonly groupFile: string | undefined;
  readonly fs: FsView;
  readonly resolveHost: HostResolver;
  readonly resolveName: NameResolver;
  /** Evaluates a `Require expr` text (quotes stripped) for this request; null when it cannot. */
  readonly evalExpr: (text: string) => boolean | null;
}

/** Whether any line of a block stands inside <Limit>/<LimitExcept> (remembered per loaded block). */
const limitedBlocks = new WeakMap<RequireBlock, boolean>();

function hasLimits(block: RequireBlock): boolean {
  let known = limitedBlocks.get(block);
  if (known === undefined) {
    known = block.kind === 'line' ? !!block.line.limit : block.children.some(hasLimits);
    limitedBlocks.set(block, known);
  }
  return known;
}

/** A container's methods are the union of its lines' (add_authz_provider/section: limited |=). */
function covers(block: RequireBlock, method: string): boolean {
  if (!hasLimits(block)) return true;
  if (block.kind === 'line') return limitCovers(block.line.limit, method);
  return block.children.some((c) => covers(c, method));
}

function where(line: RequireLine): string {
  return `${line.where.file}:${line.where.line}`;
}

function hasExpression(args: readonly string[]): boolean {
  return args.some((a) => a.includes('%{'));
}

/**
 * A configured name against the user's bytes. httpd.conf text reaches us as Unicode, .htaccess text
 * as bytes (binary string): accept either spelling of the same name (strcmp in Apache).
 */
function sameName(configured: string, user: string): boolean {
  return configured === user || toBinary(configured) === user;
}

/** One provider's check_authorization. */
function checkProvider(line: RequireLine, ctx: AuthzContext): AuthzStatus {
  const args = line.args;
  switch (line.provider) {
    case 'all':
      return (args[0] ?? '').toLowerCase() === 'granted' ? 'granted' : 'denied';
    case 'env':
      return args.some((name) => ctx.env.has(name)) ? 'granted' : 'denied';
    case 'method': {
      const key = methodKey(ctx.method);
      return args.some((m) => methodKey(m) === key) ? 'granted' : 'denied';
    }
    case 'local':
      return isLocalClient(ctx.clientIp, ctx.localIp) ? 'granted' : 'denied';
    case 'ip': {
      const client = clientAddress(ctx.clientIp);
      for (const word of args) {
        const subnet = parseSubnetWord(word);
        if (typeof subnet === 'string') return { error: `Require ip ${word}: not an address (${where(line)})` };
        if (subnetTest(subnet, client)) return 'granted';
      }
      return 'denied';
    }
    case 'host': {
      if (hasExpression(args)) return { error: `Require host with an expression is not evaluated (${where(line)})` };
      const name = ctx.resolveHost(ctx.clientIp);
      if (name === null) return 'denied';
      // host_check_authorization: a '#' ends the list (a comment the config reader kept).
      const words: string[] = [];
      for (const w of args) {
        const hash = w.indexOf('#');
        if (hash === 0) break;
        words.push(hash > 0 ? w.slice(0, hash) : w);
        if (hash > 0) break;
      }
      if (words.length === 0) return 'denied';
      return words.some((w) => inDomain(w, name)) ? 'granted' : 'denied';
    }
    case 'forward-dns': {
      if (hasExpression(args)) return { error: `Require forward-dns with an expression is not evaluated (${where(line)})` };
      for (const w of args) {
        const hash = w.indexOf('#');
        if (hash === 0) break;
        const name = hash > 0 ? w.slice(0, hash) : w;
        if (ctx.resolveName(name).some((a) => sameAddress(a, ctx.clientIp))) return 'granted';
        if (hash > 0) break;
      }
      return 'denied';
    }
    case 'expr': {
      const value = ctx.evalExpr(requireExprText(line.raw ?? args.join(' ')));
      if (value === null) return { error: `Require expr cannot be evaluated (${where(line)})` };
      return value ? 'granted' : 'denied';
    }
    case 'valid-user':
      return ctx.user === null ? 'deniedNoUser' : 'granted';
    case 'user':
      if (ctx.user === null) return 'deniedNoUser';
      if (hasExpression(args)) return { error: `Require user with an expression is not evaluated (${where(line)})` };
      return args.some((a) => sameName(a, ctx.user!)) ? 'granted' : 'denied';
    case 'group': {
      if (ctx.user === null) return 'deniedNoUser';
      if (hasExpression(args)) return { error: `Require group with an expression is not evaluated (${where(line)})` };
      if (ctx.groupFile === undefined) return 'denied'; // AH01664: no group file configured
      const groups = groupsOfUser(ctx.fs, ctx.groupFile, ctx.user);
      if (groups === null || groups.size === 0) return 'denied'; // AH01665 / AH01666
      return args.some((g) => groups.has(toBinary(g)) || groups.has(g)) ? 'granted' : 'denied';
    }
    default:
      return { error: `Require ${line.provider} cannot be evaluated by smoothgate (${where(line)})` };
  }
}

/** apply_authz_sections(r, section, parent_op). */
export function applyAuthz(block: RequireBlock, ctx: AuthzContext, parentOp: 'and' | 'or'): AuthzStatus {
  if (!covers(block, ctx.method)) return parentOp === 'and' ? 'granted' : 'neutral';
  let result: AuthzStatus;
  let negate: boolean;
  if (block.kind === 'line') {
    result = checkProvider(block.line, ctx);
    negate = block.line.negate;
  } else {
    // <RequireNone> is an OR container whose result is negated (add_authz_section).
    const op = block.kind === 'all' ? 'and' : 'or';
    negate = block.kind === 'none';
    result = 'neutral';
    for (const child of block.children) {
      const r = applyAuthz(child, ctx, op);
      if (typeof r === 'object') return r;
      if (r === 'neutral') continue;
      if (op === 'and') {
        if (r === 'denied') {
          result = r;
          break;
        }
        if ((r === 'deniedNoUser' && result !== 'denied') || result === 'neutral') result = r;
      } else {
        if (r === 'granted') {
          result = r;
          break;
        }
        if ((r === 'deniedNoUser' && result === 'denied') || result === 'neutral') result = r;
      }
    }
  }
  if (typeof result === 'object') return result;
  if (negate) {
    if (result === 'granted') return 'denied';
    if (result === 'denied' || result === 'deniedNoUser') return 'neutral';
  }
  return result;
}
