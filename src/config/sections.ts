/**
 * Containers processed while walking (httpd server/core.c virtualhost_section, dirsection,
 * urlsection, filesection, ifsection, ap_limit_section; modules/aaa/mod_authz_core.c
 * add_authz_section). Each builds a new scope, walks its children, and files the compiled section
 * where Apache keeps it. SPEC-NOTES §4.1.5, §4.3.1.
 */
import {
  GLOBAL_ONLY,
  NOT_IN_DIR_CONTEXT,
  NOT_IN_LIMIT,
  NOT_IN_LOCATION,
  OR_AUTHCFG,
  SECTION_OVERRIDE,
  SERVER_OVERRIDE,
  checkCmdContext,
} from './context-flags';
import { createDirVector, recordFor } from './dir-vector';
import { getWordConf, restOf, sectionArgText } from './lexer';
import type { ContextKind, SectionConf, ServerConf } from './module';
import { compileApacheRegex } from './regex';
import { checkBoolExpression } from './expr-syntax';
import type { RegisteredDirective } from './registry';
import type { Scope, WalkShared } from './scope';
import type { ConfigNode } from './tree';
import { contextFacts, coreRecord, directiveError, walkNodes } from './walker';
import { authzSectionEnter, authzSectionLeave } from './modules/authz-core';
import { limitNestingError } from '../access/methods';
import { parseExpr } from '../rewrite/expr';
import { createServerConf } from './server-conf';

/** ap_count_dirs: the number of '/' in the text ('/' itself counts 0 for <Directory />). */
export function countDirs(path: string): number {
  let n = 0;
  for (const ch of path) if (ch === '/') n++;
  return n;
}

/** apr_filepath_merge(TRUENAME) for an absolute path: collapse '//' and '.', resolve '..'. */
function canonicalDirectory(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}${parts.length > 0 ? '/' : ''}`;
}

interface SectionArgs {
  readonly path: string;
  readonly regex: RegExp | null;
  readonly extra: string;
}

/** The common prologue: '>' present, an argument, '~' selects the regex form. */
function sectionArgs(node: ConfigNode, name: string, matchForm: boolean, caseInsensitive: boolean): SectionArgs {
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  if (argText === '') throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive requires additional arguments`, node);
  const cursor = { text: argText, pos: 0 };
  let path = getWordConf(cursor);
  let regexWanted = matchForm;
  if (!matchForm && path === '~') {
    path = getWordConf(cursor);
    regexWanted = true;
    if (path === '' && name === '<Directory') throw directiveError('SG_ERR_CONFIG_SECTION', '<Directory ~ > block must specify a path', node);
  }
  let regex: RegExp | null = null;
  if (regexWanted) {
    regex = compileApacheRegex(path, caseInsensitive);
    if (!regex) throw directiveError('SG_ERR_CONFIG_REGEX', 'Regex could not be compiled', node);
  }
  return { path, regex, extra: restOf(cursor) };
}

function childScope(scope: Scope, patch: Partial<Scope> & { vector: Record<string, unknown>; context: ContextKind; name: string }): Scope {
  return {
    ...scope,
    ...patch,
    sectionChain: [...scope.sectionChain, patch.context],
    sectionNames: [...scope.sectionNames, patch.name],
  };
}

function sectionVector(path: string | null, shared: WalkShared): Record<string, unknown> {
  return { ...createDirVector(path, shared.loadedModules) };
}

function finishSection(kind: SectionConf['kind'], args: SectionArgs, vector: Record<string, unknown>, node: ConfigNode, components: number): SectionConf {
  return { kind, path: args.path, regex: args.regex, components, config: vector, where: node.where };
}

function multipleArgsCheck(args: SectionArgs, name: string, node: ConfigNode): void {
  if (args.extra !== '') throw directiveError('SG_ERR_CONFIG_SECTION', `Multiple ${name}> arguments not (yet) supported.`, node);
}

export function walkSection(node: ConfigNode, reg: RegisteredDirective, scope: Scope, shared: WalkShared): void {
  const name = reg.def.name;
  switch (name) {
    case '<VirtualHost':
      return virtualHost(node, scope, shared);
    case '<Directory':
    case '<DirectoryMatch':
      return directory(node, name, scope, shared);
    case '<Location':
    case '<LocationMatch':
      return location(node, name, scope, shared);
    case '<Files':
    case '<FilesMatch':
      return files(node, name, scope, shared);
    case '<If':
    case '<ElseIf':
    case '<Else':
      return ifSection(node, name, scope, shared);
    case '<Limit':
    case '<LimitExcept':
      return limitSection(node, name, scope, shared);
    case '<RequireAll':
    case '<RequireAny':
    case '<RequireNone':
      return requireSection(node, name, reg, scope, shared);
    case '<Proxy':
    case '<ProxyMatch':
      return proxySection(node, name, scope, shared);
    default:
      return unsupportedSection(node, name, scope, shared);
  }
}

function virtualHost(node: ConfigNode, scope: Scope, shared: WalkShared): void {
  const message = checkCmdContext('<VirtualHost', contextFacts(scope), GLOBAL_ONLY);
  if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', "<VirtualHost> directive missing closing '>'", node);
  if (argText.trim() === '') throw directiveError('SG_ERR_CONFIG_SECTION', '<VirtualHost> directive requires additional arguments', node);
  const addresses: string[] = [];
  const cursor = { text: argText, pos: 0 };
  for (let word = getWordConf(cursor); word !== ''; word = getWordConf(cursor)) addresses.push(word);
  const vhost: ServerConf = createServerConf(true, addresses, node.where, shared.loadedModules);
  shared.virtualHosts.push(vhost);
  const inner: Scope = {
    ...scope,
    server: vhost,
    vector: vhost.lookupDefaults,
    context: 'vhost',
    sectionChain: ['vhost'],
    sectionNames: ['<VirtualHost'],
    override: SERVER_OVERRIDE,
  };
  walkNodes(node.children ?? [], inner, shared);
}

function directory(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const message = checkCmdContext(name, contextFacts(scope), NOT_IN_DIR_CONTEXT);
  if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  const parsed = sectionArgs(node, name, name === '<DirectoryMatch', false);
  let path = parsed.path;
  // apr_filepath_merge(&newpath, NULL, path, TRUENAME) in core.c dirsection: a relative path is
  // taken relative to the server process's working directory.
  if (!parsed.regex && path !== '/') path = canonicalDirectory(path.startsWith('/') || name !== '<Directory' ? path : `${process.cwd()}/${path}`);
  const args = { ...parsed, path };
  const vector = sectionVector(path, shared);
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'directory', name, path, pathIsRegex: parsed.regex !== null, override: SECTION_OVERRIDE }), shared);
  const components = path === '/' && !parsed.regex ? 0 : countDirs(path);
  scope.server.directorySections.push(finishSection('directory', args, vector, node, components));
  multipleArgsCheck(parsed, name, node);
}

function location(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const message = checkCmdContext(name, contextFacts(scope), NOT_IN_DIR_CONTEXT);
  if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  const parsed = sectionArgs(node, name, name === '<LocationMatch', false);
  const vector = sectionVector(parsed.path, shared);
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'location', name, path: parsed.path, pathIsRegex: parsed.regex !== null, override: SECTION_OVERRIDE }), shared);
  scope.server.locationSections.push(finishSection('location', parsed, vector, node, countDirs(parsed.path)));
  multipleArgsCheck(parsed, name, node);
}

function files(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const message = checkCmdContext(name, contextFacts(scope), NOT_IN_LOCATION | NOT_IN_LIMIT);
  if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  const parsed = sectionArgs(node, name, name === '<FilesMatch', false);
  const vector = sectionVector(parsed.path, shared);
  const override = scope.inHtaccess ? scope.override : SECTION_OVERRIDE;
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'files', name, path: parsed.path, pathIsRegex: parsed.regex !== null, override }), shared);
  const section = finishSection('files', parsed, vector, node, countDirs(parsed.path));
  if (scope.path === null && !scope.inHtaccess) scope.server.filesSections.push(section);
  else coreRecord(scope).filesSections.push(section);
  multipleArgsCheck(parsed, name, node);
}

/**
 * <If>/<ElseIf>/<Else>: the ap_expr is not evaluated. The contents are checked and recorded; a
 * section holding access control makes its enclosing scope fail closed (INTERFACE.md §9).
 */
function ifSection(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const limitMessage = checkCmdContext(name, contextFacts(scope), NOT_IN_LIMIT);
  if (limitMessage) throw directiveError('SG_ERR_CONFIG_CONTEXT', limitMessage, node);
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  // ifsection (core.c): the condition is the first configuration word (quotes removed); more words
  // are an error.
  const cursor = { text: argText, pos: 0 };
  const expr = name === '<Else' ? '' : getWordConf(cursor);
  if (name === '<Else' && argText.trim() !== '') throw directiveError('SG_ERR_CONFIG_SECTION', '<Else> does not take an argument', node);
  if (name !== '<Else' && argText.trim() === '') throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive requires additional arguments`, node);
  if (name !== '<Else') {
    const syntax = checkBoolExpression(expr);
    if (syntax) throw directiveError('SG_ERR_CONFIG_SECTION', `Cannot parse condition clause: ${syntax}`, node);
  }
  const vector = sectionVector(expr, shared);
  const override = scope.inHtaccess ? scope.override : SECTION_OVERRIDE;
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'if', name, path: scope.path ?? expr, override }), shared);
  if (name !== '<Else' && restOf(cursor) !== '') throw directiveError('SG_ERR_CONFIG_SECTION', `Multiple ${name}> arguments not supported.`, node);
  const list = scope.path === null && !scope.inHtaccess ? scope.server.ifSections : (coreRecord(scope).ifSections ??= []);
  // ap_add_if_conf: an <Else>/<ElseIf> needs an <If>/<ElseIf> as the scope's previous if-section.
  if (name !== '<If') {
    const last = list[list.length - 1];
    if (!last || conditionKinds.get(last) === '<Else') {
      throw directiveError('SG_ERR_CONFIG_SECTION', '<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope', node);
    }
  }
  const ifKind = name === '<If' ? 'if' : name === '<ElseIf' ? 'elseif' : 'else';
  // An <ElseIf>/<Else> can be decided only when the sections before it in its chain can.
  const previous = list[list.length - 1];
  const chainDecidable = ifKind === 'if' || previous?.decidable !== false;
  const decidable = chainDecidable && (ifKind === 'else' || parseExpr(expr).ok);
  const section: SectionConf = { kind: 'if', path: expr, regex: null, components: 0, config: vector, where: node.where, ifKind, decidable };
  conditionKinds.set(section, name);
  list.push(section);
  if (decidable) return; // evaluated per request by the routing core's if walk
  const holdsAccess = ['authz_core_module', 'access_compat_module', 'authn_core_module', 'auth_basic_module'].some((id) => vector[id] !== undefined);
  const reason = `${name}> ${expr} is not evaluated (outside the ap_expr subset smoothgate evaluates)`;
  if (holdsAccess) {
    const core = coreRecord(scope);
    if (core.failClosed === undefined) core.failClosed = `${node.where.file}:${node.where.line}: ${reason} and holds access control`;
    shared.notes.push({ kind: 'failClosed', directive: name, reason: `${reason} and holds access control`, where: node.where, scope: scope.path });
  } else {
    shared.notes.push({ kind: 'unsupported', directive: name, reason, where: node.where, scope: scope.path });
  }
}

/** Which of <If>, <ElseIf>, <Else> a recorded if-section is. */
const conditionKinds = new WeakMap<SectionConf, string>();

/** The HTTP methods Apache knows without registration (ap_method_number_of). */
const KNOWN_METHODS = new Set([
  'GET', 'PUT', 'POST', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY',
  'MOVE', 'LOCK', 'UNLOCK', 'VERSION-CONTROL', 'CHECKOUT', 'UNCHECKOUT', 'CHECKIN', 'UPDATE', 'LABEL', 'REPORT',
  'MKWORKSPACE', 'MKACTIVITY', 'BASELINE-CONTROL', 'MERGE', 'INVALID', 'HEAD',
]);

/** ap_limit_section: methods are case-sensitive; TRACE only in <LimitExcept>. */
function limitSection(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  if (argText === '') throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive requires additional arguments`, node);
  const except = name === '<LimitExcept';
  const methods: string[] = [];
  const cursor = { text: argText, pos: 0 };
  while (cursor.pos < argText.length) {
    const method = getWordConf(cursor);
    if (method === '') break;
    if (method === 'TRACE' && !except) throw directiveError('SG_ERR_CONFIG_SECTION', 'TRACE cannot be controlled by <Limit>, see TraceEnable', node);
    if (!KNOWN_METHODS.has(method) && scope.inHtaccess) {
      throw directiveError('SG_ERR_CONFIG_SECTION', `Could not register method '${method}' for ${name} from .htaccess configuration`, node);
    }
    methods.push(method);
  }
  const nesting = limitNestingError(scope.limit, methods, except, name);
  if (nesting) throw directiveError('SG_ERR_CONFIG_SECTION', nesting, node);
  const inner: Scope = { ...scope, limit: { methods, except, parent: scope.limit }, sectionChain: [...scope.sectionChain, 'limit'] };
  walkNodes(node.children ?? [], inner, shared);
}

function requireSection(node: ConfigNode, name: string, reg: RegisteredDirective, scope: Scope, shared: WalkShared): void {
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  if (argText.trim() !== '') throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive doesn't take additional arguments`, node);
  const record = recordFor(scope.vector, reg.module, scope.path);
  const kind = name === '<RequireAll' ? 'all' : name === '<RequireAny' ? 'any' : 'none';
  const enterError = authzSectionEnter(record, kind, name);
  if (enterError) throw directiveError('SG_ERR_CONFIG_SECTION', enterError, node);
  // add_authz_section walks its contents with cmd->override = OR_AUTHCFG: only AuthConfig directives.
  const inner: Scope = { ...scope, override: OR_AUTHCFG, sectionNames: [...scope.sectionNames, name] };
  try {
    walkNodes(node.children ?? [], inner, shared);
  } finally {
    const leaveError = authzSectionLeave(record, name, scope.inHtaccess);
    if (leaveError) throw directiveError('SG_ERR_CONFIG_SECTION', leaveError, node);
  }
}

/**
 * <Proxy>/<ProxyMatch> (modules/proxy/mod_proxy.c proxysection): the first word is the URL pattern
 * (a leading "proxy:" is dropped; ProxyMatch compiles a regex); the contents form a per-dir vector
 * that proxy_walk merges for proxied requests (src/routing/router.ts). Worker parameters after the
 * URL are not emulated.
 */
function proxySection(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  const message = checkCmdContext(name, contextFacts(scope), NOT_IN_DIR_CONTEXT);
  if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  const argText = sectionArgText(node.args);
  if (argText === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  const cursor = { text: argText, pos: 0 };
  let path = getWordConf(cursor);
  if (path.toLowerCase().startsWith('proxy:')) path = path.slice(6);
  let regex: RegExp | null = null;
  if (name === '<ProxyMatch') {
    regex = compileApacheRegex(path, false);
    if (!regex) throw directiveError('SG_ERR_CONFIG_REGEX', 'Regex could not be compiled', node);
  }
  const vector = sectionVector(path, shared);
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'location', name, path, pathIsRegex: regex !== null, override: SECTION_OVERRIDE }), shared);
  const section: SectionConf = { kind: 'proxy', path, regex, components: countDirs(path), config: vector, where: node.where };
  const list = scope.server.proxySections as SectionConf[] | undefined;
  if (list) list.push(section);
  else (scope.server as { proxySections?: SectionConf[] }).proxySections = [section];
  if (restOf(cursor) !== '') {
    shared.notes.push({ kind: 'ignored', directive: name, reason: 'worker parameters on <Proxy> are not emulated', where: node.where, scope: scope.path });
  }
}

/** <AuthnProviderAlias>, <AuthzProviderAlias>: checked, not emulated (fail closed in their scope). */
function unsupportedSection(node: ConfigNode, name: string, scope: Scope, shared: WalkShared): void {
  if (sectionArgText(node.args) === null) throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, node);
  const vector = sectionVector(null, shared);
  walkNodes(node.children ?? [], childScope(scope, { vector, context: 'location', name, path: node.args, override: SECTION_OVERRIDE }), shared);
  const reason = name.startsWith('<Proxy') ? 'forward-proxy and balancer sections are not emulated' : 'provider aliases are not emulated';
  shared.notes.push({ kind: name.startsWith('<Proxy') ? 'ignored' : 'failClosed', directive: name, reason, where: node.where, scope: scope.path });
  if (!name.startsWith('<Proxy')) {
    const core = coreRecord(scope);
    if (core.failClosed === undefined) core.failClosed = `${name}>: ${reason}`;
  }
}

