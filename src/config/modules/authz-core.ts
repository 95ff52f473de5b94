/**
 * mod_authz_core (httpd modules/aaa/mod_authz_core.c add_authz_provider, add_authz_section,
 * authz_merge_sections, merge_authz_core_dir_config): Require lines and <RequireAll|Any|None>
 * blocks are parsed into a tree (the scope's lines form an implicit <RequireAny>), checked as
 * Apache checks them, and merged with AuthMerging semantics. Providers are known only when the
 * module registering them is loaded; providers smoothgate cannot evaluate make the scope fail
 * closed (INTERFACE.md §9). Evaluation: src/access/authz-tree.ts.
 */
import { parseSubnetWord, subnetErrorText } from '../../access/ip';
import { parseExpr } from '../../rewrite/expr';
import { requireExprText } from '../../access/require-expr';
import { getWordConf, restOf, splitWords } from '../lexer';
import { checkBoolExpression } from '../expr-syntax';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import type { AuthzDirConf, RequireBlock, RequireLine } from '../records';
import { directive, fail, orClass, RSRC } from './define';

type AuthzDirective = DirectiveDef<unknown, AuthzDirConf>;
type Container = { kind: 'any' | 'all' | 'none'; negate: false; children: RequireBlock[] };

/** Authz providers by the module that registers them (ap_register_auth_provider calls). */
const PROVIDERS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['authz_core_module', ['env', 'all', 'method', 'expr']],
  ['authz_host_module', ['ip', 'host', 'forward-dns', 'local']],
  ['authz_user_module', ['user', 'valid-user']],
  ['authz_groupfile_module', ['group', 'file-group']],
  ['authz_owner_module', ['file-owner', 'file-group']],
  ['authz_dbm_module', ['dbm-group', 'dbm-file-group']],
  ['authz_dbd_module', ['dbd-group', 'dbd-login', 'dbd-logout']],
  ['authnz_ldap_module', ['ldap-user', 'ldap-group', 'ldap-dn', 'ldap-attribute', 'ldap-filter', 'ldap-search']],
  ['ssl_module', ['ssl', 'ssl-verify-client']],
];

/** Providers issue 7 evaluates; every other known provider fails closed. */
const EVALUATED = new Set(['all', 'env', 'method', 'ip', 'host', 'forward-dns', 'local', 'user', 'valid-user', 'group', 'expr']);

/** Providers whose argument is an ap_expr string (user_parse_config, host_parse_config …). */
const EXPR_ARGS = new Set(['user', 'group', 'host', 'forward-dns', 'file-group']);

/** ap_method_number_of: httpd's built-in methods (HEAD is M_GET). */
const KNOWN_METHODS = new Set([
  'GET', 'PUT', 'POST', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY',
  'MOVE', 'LOCK', 'UNLOCK', 'VERSION-CONTROL', 'CHECKOUT', 'UNCHECKOUT', 'CHECKIN', 'UPDATE', 'LABEL', 'REPORT',
  'MKWORKSPACE', 'MKACTIVITY', 'BASELINE-CONTROL', 'MERGE', 'HEAD',
]);

function providerKnown(p: CmdParms, name: string): boolean {
  const lower = name.toLowerCase();
  return PROVIDERS.some(([id, names]) => p.loadedModules.has(id) && names.includes(lower));
}

/** The open <Require…> blocks of a record while its section is walked (conf->section in Apache). */
const openBlocks = new WeakMap<object, Container[]>();

function currentContainer(dir: AuthzDirConf): { container: Container; implicit: boolean } {
  const stack = openBlocks.get(dir);
  const top = stack?.[stack.length - 1];
  if (top) return { container: top, implicit: false };
  if (!dir.require || dir.require.kind === 'line') dir.require = { kind: 'any', negate: false, children: [] };
  return { container: dir.require as Container, implicit: true };
}

/** format_authz_command for a section (the implicit one of a scope is a <RequireAny>). */
function describe(container: Container): string {
  return container.kind === 'all' ? '<RequireAll>' : container.kind === 'none' ? '<RequireNone>' : '<RequireAny>';
}

function checkProviderArgs(provider: string, args: string[]): void {
  switch (provider) {
    case 'all':
      if (args.length !== 1 || !['granted', 'denied'].includes((args[0] as string).toLowerCase())) {
        throw fail("Argument for 'Require all' must be 'granted' or 'denied'");
      }
      break;
    case 'method':
      for (const m of args) if (!KNOWN_METHODS.has(m)) throw fail(`Invalid Method '${m}'`);
      break;
    case 'ip':
      // ip_parse_config (mod_authz_host.c) through apr_ipsubnet_create.
      if (args.length === 0) throw fail("'require ip' requires an argument");
      for (const a of args) {
        const subnet = parseSubnetWord(a);
        if (typeof subnet === 'string') throw fail(subnetErrorText(a, subnet));
      }
      break;
    default:
      break;
  }
}

/**
 * expr_parse_config: the rest of the line is an ap_expr; surrounding double quotes are removed
 * (obs: `Require expr "…"` parses, `Require expr 'true'` is a string and fails).
 */
function checkRequireExpr(argText: string): void {
  const trimmed = argText.trim();
  const expr = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  const syntax = checkBoolExpression(expr);
  if (syntax) throw fail(`Cannot parse expression in require line: ${syntax}`);
}

function addRequire(p: CmdParms, dir: AuthzDirConf, raw: string): void {
  const cursor = { text: raw, pos: 0 };
  let provider = getWordConf(cursor);
  let negate = false;
  if (provider.toLowerCase() === 'not') {
    provider = getWordConf(cursor);
    negate = true;
  }
  const argText = restOf(cursor);
  if (!providerKnown(p, provider)) throw fail(`Unknown Authz provider: ${provider}`);
  const lower = provider.toLowerCase();
  const args = splitWords(argText);
  checkProviderArgs(lower, args);
  if (lower === 'expr') checkRequireExpr(argText);
  const { container } = currentContainer(dir);
  if (negate && container.kind !== 'all') {
    throw fail(`negative ${p.directiveName} directive has no effect in ${describe(container)} directive`);
  }
  const line: RequireLine = { negate, provider: lower, args, where: p.where, limit: p.limit ?? null, raw: argText };
  container.children.push({ kind: 'line', line });
  if (!EVALUATED.has(lower)) p.failClosed?.(`Require ${lower} cannot be evaluated by smoothgate`);
  else if (lower === 'expr') {
    const unsupported = requireExprUnsupported(argText);
    if (unsupported) p.failClosed?.(`Require expr cannot be evaluated by smoothgate: ${unsupported}`);
  }
  else if (EXPR_ARGS.has(lower) && argText.includes('%{')) p.failClosed?.(`Require ${lower} with an ap_expr argument cannot be evaluated by smoothgate`);
}

/**
 * expr_parse_config (mod_authz_core.c) strips one pair of surrounding double quotes and parses an
 * ap_expr. We evaluate the subset src/rewrite/expr.ts implements exactly; an expression outside it,
 * or one that needs the authenticated user (%{REMOTE_USER}), fails closed. Returns why, or null.
 */
function requireExprUnsupported(argText: string): string | null {
  const text = requireExprText(argText);
  if (/REMOTE_USER/i.test(text)) return 'expressions on REMOTE_USER are not evaluated';
  const parsed = parseExpr(text);
  return parsed.ok ? null : parsed.reason;
}

/** Called by the walker (sections.ts) before walking a <RequireAll|Any|None> block. */
export function authzSectionEnter(record: unknown, kind: 'all' | 'any' | 'none', _name: string): string | null {
  const dir = record as AuthzDirConf;
  const stack = openBlocks.get(dir) ?? [];
  stack.push({ kind, negate: false, children: [] });
  openBlocks.set(dir, stack);
  return null;
}

/**
 * authz_core_check_section (run by check_config on the server's own sections, not on .htaccess):
 * a container needs at least one positive child. A <RequireNone> child counts as negative — inside
 * a <RequireAll> Apache folds it in with its children negated (De Morgan), inside another
 * <RequireNone> it stays a negated container.
 */
function onlyNegative(block: Container): boolean {
  return block.children.every((c) => (c.kind === 'line' ? c.line.negate : c.kind === 'none'));
}

function sectionLabel(kind: Container['kind']): string {
  return kind === 'all' ? '<RequireAll>' : kind === 'none' ? '<RequireNone>' : '<RequireAny>';
}

/** Called after the block's contents: attach it to its parent as add_authz_section does. */
export function authzSectionLeave(record: unknown, name: string, inHtaccess = false): string | null {
  const dir = record as AuthzDirConf;
  const stack = openBlocks.get(dir) as Container[];
  const block = stack.pop() as Container;
  if (block.children.length === 0) return `${sectionLabel(block.kind)} directive contains no authorization directives`;
  if (!inHtaccess && onlyNegative(block)) return `${sectionLabel(block.kind)} directive contains only negative authorization directives (AH01624)`;
  const { container: parent } = currentContainer(dir);
  if (block.kind === 'none' && parent.kind !== 'all') {
    return `${name}> directive has no effect in ${describe(parent)} directive`;
  }
  if (block.kind !== 'none' && block.kind === parent.kind) parent.children.push(...block.children); // associative
  else parent.children.push(block);
  return null;
}

type Logic = { readonly op: 'and' | 'or'; readonly negate: boolean };
const LOGIC: Record<'all' | 'any' | 'none', Logic> = { all: { op: 'and', negate: false }, any: { op: 'or', negate: false }, none: { op: 'or', negate: true } };
const NAMES: Record<'all' | 'any' | 'none', string> = { all: '<RequireAll>', any: '<RequireAny>', none: '<RequireNone>' };

/** Children as authz_core_check_section sees them after its De Morgan flattening: [negated, block|null]. */
function flatten(block: Container): Array<{ negate: boolean; block: Container | null }> {
  const own = LOGIC[block.kind];
  const out: Array<{ negate: boolean; block: Container | null }> = [];
  for (const child of block.children) {
    if (child.kind === 'line') {
      out.push({ negate: child.line.negate, block: null });
      continue;
    }
    const logic = LOGIC[child.kind];
    if (logic.negate && logic.op !== own.op) {
      for (const grand of flatten(child as Container)) out.push({ negate: !grand.negate, block: grand.block });
    } else out.push({ negate: logic.negate, block: child as Container });
  }
  return out;
}

/**
 * authz_core_check_config (run by `apache2 -t` too): every section needs at least one
 * non-negated child; returns Apache's AH01624 message or null.
 */
export function checkAuthzRecord(record: AuthzDirConf): string | null {
  const check = (block: Container, isConf: boolean): string | null => {
    for (const child of block.children) {
      if (child.kind !== 'line') {
        const err = check(child as Container, false);
        if (err) return err;
      }
    }
    if (flatten(block).some((c) => !c.negate)) return null;
    return `${isConf ? '<Directory>, <Location>, or similar' : NAMES[block.kind]} directive contains only negative authorization directives`;
  };
  return record.require && record.require.kind !== 'line' ? check(record.require as Container, true) : null;
}

/** merge_authz_core_dir_config. */
export function mergeAuthzDirConf(base: AuthzDirConf, add: AuthzDirConf): AuthzDirConf {
  const sendForbiddenOnFailure = add.sendForbiddenOnFailure ?? base.sendForbiddenOnFailure;
  if (add.merging === undefined && !add.require && base.require) return { ...base, sendForbiddenOnFailure };
  if (add.merging === 'off' || add.merging === undefined || !(base.require || add.require)) return { ...add, sendForbiddenOnFailure };
  let require: RequireBlock | undefined;
  if (base.require && add.require) require = { kind: add.merging === 'and' ? 'all' : 'any', negate: false, children: [base.require, add.require] };
  else require = base.require ?? add.require;
  return { require, merging: add.merging, sendForbiddenOnFailure };
}

const DIRECTIVES: AuthzDirective[] = [
  directive('Require', orClass('AuthConfig'), 'raw', 'specifies authorization directives which one must pass (or not) for a request to suceeed', (p, dir, _s, [raw]) => addRequire(p, dir, raw as string)),
  { name: '<RequireAll', contexts: orClass('AuthConfig'), syntax: 'raw', help: 'Container for authorization directives grouped under an authz logic type', section: true, apply: () => undefined },
  { name: '<RequireAny', contexts: orClass('AuthConfig'), syntax: 'raw', help: 'Container for authorization directives grouped under an authz logic type', section: true, apply: () => undefined },
  { name: '<RequireNone', contexts: orClass('AuthConfig'), syntax: 'raw', help: 'Container for authorization directives grouped under an authz logic type', section: true, apply: () => undefined },
  { name: '<AuthzProviderAlias', contexts: RSRC, syntax: 'raw', help: 'container for grouping an authorization provider\'s directives under a provider alias', section: true, apply: () => undefined },
  directive('AuthMerging', orClass('AuthConfig'), 'take1', 'controls how a <Directory>, <Location>, or similar directive\'s authorization directives are combined with those of its predecessor', (_p, dir, _s, [v]) => {
    const lower = (v as string).toLowerCase();
    if (lower !== 'off' && lower !== 'and' && lower !== 'or') throw fail("AuthMerging must be one of: Off | And | Or");
    dir.merging = lower;
  }),
  directive('AuthzSendForbiddenOnFailure', orClass('AuthConfig'), 'flag', 'Controls if an authorization failure should result in a \'403 FORBIDDEN\' response instead of the HTTP-conforming \'401 UNAUTHORIZED\'', (_p, dir, _s, [v]) => {
    dir.sendForbiddenOnFailure = v === 'on';
  }),
];

export const authzCoreModule: ModuleDef<unknown, AuthzDirConf> = {
  id: 'authz_core_module',
  sourceName: 'mod_authz_core.c',
  createDirConfig: () => ({ require: undefined, merging: undefined, sendForbiddenOnFailure: undefined }),
  mergeDirConfig: mergeAuthzDirConf,
  directives: DIRECTIVES,
};
