/**
 * The tree walker (httpd server/config.c ap_walk_config, ap_walk_config_sub, invoke_cmd): each
 * directive is looked up among the loaded modules, checked against the context (override bits,
 * AllowOverrideList, ap_check_cmd_context), split by its syntax and applied to its module's
 * record of the current scope. Containers are handed to ./sections.ts.
 */
import { SgError, isSgError, type ErrorCode, type SourceLocation } from '../errors';
import { splitForSyntax } from './arity';
import { NONFATAL_OVERRIDE, NONFATAL_UNKNOWN, checkCmdContext } from './context-flags';
import { recordFor } from './dir-vector';
import type { CmdParms, ConfigNoteKind, DirectiveDef, ModuleDef } from './module';
import type { CoreDirConf } from './records';
import type { RegisteredDirective } from './registry';
import type { Scope, WalkShared } from './scope';
import type { ConfigNode } from './tree';
import { walkSection } from './sections';

/** Divergence: Apache has no fixed limit; we refuse rather than exhaust the stack. */
export const MAX_SECTION_NESTING = 256;

/** Wrap a handler's message as the error of this directive line. */
export function directiveError(code: ErrorCode, text: string, node: ConfigNode): SgError {
  return new SgError(code, { text, name: text, line: node.text, directive: node.name }, { where: node.where });
}

/** Record an error: throw it in first-error mode, else keep it and go on. */
export function report(shared: WalkShared, err: SgError): void {
  if (!shared.collectAll) throw err;
  shared.errors.push(err);
}

/** ap_walk_config: every node of a list, in order. */
export function walkNodes(nodes: readonly ConfigNode[], scope: Scope, shared: WalkShared): void {
  for (const node of nodes) {
    try {
      walkNode(node, scope, shared);
    } catch (err) {
      if (!isSgError(err)) throw err;
      report(shared, err.where ? err : directiveError(err.code, err.message, node));
    }
  }
}

function nearestParentName(scope: Scope): string | null {
  return scope.sectionNames.length > 0 ? (scope.sectionNames[scope.sectionNames.length - 1] as string) : null;
}

function walkNode(node: ConfigNode, scope: Scope, shared: WalkShared): void {
  const reg = shared.registry.find(node.name, shared.loadedModules);
  if (!reg) {
    if (scope.override & NONFATAL_UNKNOWN) {
      shared.warn(`Unknown directive ${node.name.toLowerCase()} perhaps misspelled or defined by a module not included in the server configuration`, node.where);
      return;
    }
    throw new SgError('SG_ERR_CONFIG_UNKNOWN_DIRECTIVE', { name: node.name, line: node.text }, { where: node.where });
  }
  if (reg.def.execOnRead) return; // "Once was enough?" — executed while reading.
  const name = reg.def.name;
  const listOk = scope.overrideSet?.directiveList.has(name.toLowerCase()) ?? false;
  if ((scope.override & reg.reqOverride) === 0 && !listOk) {
    if (scope.override & NONFATAL_OVERRIDE) {
      shared.warn(`${name} in .htaccess forbidden by AllowOverride`, node.where);
      return;
    }
    const parent = nearestParentName(scope);
    if (parent) throw directiveError('SG_ERR_CONFIG_CONTEXT', `${name} not allowed in ${parent}> context`, node);
    throw new SgError('SG_ERR_CONFIG_NOT_ALLOWED_HERE', { name, line: node.text }, { where: node.where });
  }
  if (reg.def.notIn) {
    const message = checkCmdContext(name, contextFacts(scope), reg.def.notIn);
    if (message) throw directiveError('SG_ERR_CONFIG_CONTEXT', message, node);
  }
  if (reg.def.section) {
    // Sections may nest (<Files> in <Files>, <RequireAll> in <RequireAll>): bound the recursion.
    if (scope.sectionNames.length >= MAX_SECTION_NESTING) {
      throw directiveError('SG_ERR_CONFIG_SECTION', `${name}> sections nested more than ${MAX_SECTION_NESTING} levels deep`, node);
    }
    walkSection(node, reg, scope, shared);
    return;
  }
  invokeDirective(node, reg, scope, shared);
}

export function contextFacts(scope: Scope) {
  return {
    isVirtual: scope.server.isVirtual,
    inLimit: scope.limit !== null,
    inHtaccess: scope.inHtaccess,
    hasPath: scope.path !== null,
    sectionNames: scope.sectionNames,
  };
}

/** invoke_cmd after the checks: split the arguments and call the handler once per call. */
function invokeDirective(node: ConfigNode, reg: RegisteredDirective, scope: Scope, shared: WalkShared): void {
  const def = reg.def;
  const split = splitForSyntax(def.name, def.syntax, def.help, node.args);
  if (!split.ok) throw directiveError('SG_ERR_CONFIG_ARGUMENTS', split.message, node);
  const parms = makeCmdParms(node, def, scope, shared);
  const dir = recordFor(scope.vector, reg.module, scope.path);
  const server = serverRecord(scope, reg.module);
  for (const args of split.calls) {
    def.apply(parms, dir, server, args, node.args);
  }
}

export function serverRecord(scope: Scope, module: ModuleDef): unknown {
  const config = scope.server.moduleConfig;
  let record = config[module.id];
  if (record === undefined && module.createServerConfig) {
    record = module.createServerConfig();
    config[module.id] = record;
  }
  return record;
}

/** The core per-dir record of the current scope (always present in a section vector). */
export function coreRecord(scope: Scope): CoreDirConf {
  return scope.vector['core_module'] as CoreDirConf;
}

export function makeCmdParms(node: ConfigNode, def: DirectiveDef, scope: Scope, shared: WalkShared): CmdParms {
  const where: SourceLocation = node.where;
  const noted = new Set<string>();
  // One note per directive line and reason, also for ITERATE directives applied once per word.
  const note = (kind: ConfigNoteKind, reason: string): void => {
    const key = `${kind}\0${reason}`;
    if (noted.has(key)) return;
    noted.add(key);
    shared.notes.push({ kind, directive: def.name, reason, where, scope: scope.path });
  };
  return {
    where,
    directiveName: def.name,
    context: scope.context,
    sectionChain: scope.sectionChain,
    path: scope.path,
    pathIsRegex: scope.pathIsRegex,
    serverRoot: shared.serverRoot,
    server: scope.server,
    override: scope.overrideSet,
    loadedModules: new Set(shared.loadedModules.keys()),
    warn: (message) => shared.warn(message, where),
    sectionNames: scope.sectionNames,
    inHtaccess: scope.inHtaccess,
    limit: scope.limit,
    note,
    failClosed: (reason) => {
      const core = coreRecord(scope);
      if (core && core.failClosed === undefined) core.failClosed = `${def.name} (${where.file}:${where.line}): ${reason}`;
      note('failClosed', reason);
    },
    backendOnly: (reason) => {
      const core = coreRecord(scope);
      if (core && core.backendOnly === undefined) core.backendOnly = `${def.name}: ${reason}`;
      note('backendOnly', reason);
    },
    getEnv: (name) => shared.env[name],
    statKind: (path) => shared.fs.kind(path),
    readTextFile: (path) => shared.fs.readText(path),
    lookupDirective: (name) => shared.registry.find(name, shared.loadedModules)?.def,
  };
}
