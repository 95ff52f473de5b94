/**
 * Read-time directives (EXEC_ON_READ in httpd): Include/IncludeOptional, Define/UnDefine,
 * <IfModule>, <IfDefine>, <IfFile>, <IfDirective>, <IfSection>, <IfVersion>, LoadModule, LoadFile,
 * ServerRoot, DefaultRuntimeDir. Sources: server/core.c include_config, set_define, unset_define,
 * start_cond_section and the test_* callbacks, set_server_root; modules/core/mod_so.c load_module;
 * modules/metadata/mod_version.c start_ifversion. SPEC-NOTES §4.1.6–4.1.7.
 */
import { resolve } from 'node:path';
import { SgError, isSgError, type SourceLocation } from '../errors';
import { splitForSyntax } from './arity';
import { NONFATAL_OVERRIDE } from './context-flags';
import { describeFsError } from './file-access';
import { IncludeFailure, expandInclude } from './include';
import { getWordConf, sectionArgText } from './lexer';
import { LineReader, buildConfig, buildContConfig, configError, soakEndContainer } from './parser';
import { serverRootRelative, type ReadContext } from './read-context';
import type { RegisteredDirective } from './registry';
import type { ConfigNode } from './tree';
import { compareVersion } from './version-compare';

/** AP_MAX_INCLUDE_DEPTH */
const MAX_INCLUDE_DEPTH = 128;

export interface ReadTimeCall {
  readonly reader: LineReader;
  readonly ctx: ReadContext;
  readonly where: SourceLocation;
  readonly text: string;
  readonly parentName: string | null;
}

/** ap_process_resource_config for one file: read, build, return its tree. */
export function readConfigFile(path: string, ctx: ReadContext, where: SourceLocation | null): ConfigNode[] {
  let text: string;
  try {
    text = ctx.fs.readText(path);
  } catch (err) {
    throw new SgError('SG_ERR_CONFIG_FILE_UNREADABLE', { file: path, reason: describeFsError(err) }, where ? { where, cause: err } : { cause: err });
  }
  ctx.files.push(path);
  return buildConfig(LineReader.fromText(path, text), ctx);
}

/** Execute one read-time directive; returns the nodes to splice in place of it. */
export function executeReadTime(reg: RegisteredDirective, cmdName: string, args: string, call: ReadTimeCall): ConfigNode[] {
  const { ctx, where } = call;
  const name = reg.def.name;
  // invoke_cmd's override test: only an .htaccess file can fail it for these directives.
  if ((ctx.readOverride & reg.reqOverride) === 0 && !ctx.readOverrideList?.has(name.toLowerCase())) {
    if (ctx.readOverride & NONFATAL_OVERRIDE) {
      ctx.warn(`${name} in .htaccess forbidden by AllowOverride`, where);
      if (reg.def.section) soakEndContainer(call.reader, name, where);
      return [];
    }
    if (call.parentName) throw configError('SG_ERR_CONFIG_CONTEXT', `${name} not allowed in ${call.parentName}> context`, where, call.text);
    throw new SgError('SG_ERR_CONFIG_NOT_ALLOWED_HERE', { name, line: call.text }, { where });
  }
  const lower = name.toLowerCase();
  if (reg.def.section) return conditionalSection(name, cmdName, args, call);
  const split = splitForSyntax(name, reg.def.syntax, reg.def.help, args);
  if (!split.ok) throw configError('SG_ERR_CONFIG_ARGUMENTS', split.message, where, call.text);
  const words = split.calls[0] as string[];
  switch (lower) {
    case 'include':
    case 'includeoptional':
      return include(words[0] as string, lower === 'includeoptional', call);
    case 'define':
    case 'undefine':
      defineOrUndefine(lower === 'define', words, call);
      return [];
    case 'serverroot':
      setServerRoot(words[0] as string, call);
      return [];
    case 'loadmodule':
      loadModule(words[0] as string, call);
      return [];
    default:
      // LoadFile, DefaultRuntimeDir, UNCList: accepted; nothing of ours depends on them.
      return [];
  }
}

function include(name: string, optional: boolean, call: ReadTimeCall): ConfigNode[] {
  const { ctx, where } = call;
  if (ctx.includeDepth + 1 > MAX_INCLUDE_DEPTH) {
    throw new SgError('SG_ERR_CONFIG_INCLUDE_DEPTH', {}, { where });
  }
  const path = serverRootRelative(ctx.serverRoot, name);
  const nodes: ConfigNode[] = [];
  ctx.includeDepth++;
  try {
    expandInclude(ctx.fs, path, optional, (file) => {
      nodes.push(...readConfigFile(file, ctx, where));
    });
  } catch (err) {
    if (err instanceof IncludeFailure) throw configError('SG_ERR_CONFIG_INCLUDE', err.message, where, call.text);
    throw err;
  } finally {
    ctx.includeDepth--;
  }
  return nodes;
}

function defineOrUndefine(define: boolean, words: string[], call: ReadTimeCall): void {
  const { ctx, where } = call;
  if (ctx.inHtaccess) {
    throw configError('SG_ERR_CONFIG_CONTEXT', `${define ? 'Define' : 'UnDefine'} cannot occur within htaccess files`, where, call.text);
  }
  const varName = words[0] as string;
  if (varName.includes(':')) throw configError('SG_ERR_CONFIG_DEFINE', "Variable name must not contain ':'", where, call.text);
  if (define) {
    ctx.defineNames.add(varName);
    if (words[1] !== undefined) ctx.defines.set(varName, words[1]);
  } else {
    ctx.defineNames.delete(varName);
    ctx.defines.delete(varName);
  }
}

function setServerRoot(arg: string, call: ReadTimeCall): void {
  const { ctx } = call;
  // apr_filepath_merge(NULL, arg): a relative ServerRoot is relative to the working directory.
  const path = resolve(arg);
  if (ctx.fs.kind(path) !== 'directory') {
    throw configError('SG_ERR_CONFIG_READ', 'ServerRoot must be a valid directory', call.where, call.text);
  }
  ctx.serverRoot = path;
}

/**
 * mod_so load_module: records the module id. We do not dlopen, so the shared object's existence is
 * not checked (divergence: a missing .so is Apache's "Cannot load … into server").
 */
function loadModule(id: string, call: ReadTimeCall): void {
  const { ctx } = call;
  if (ctx.loadedModules.has(id)) {
    ctx.warn(`module ${id} is already loaded, skipping`, call.where);
    return;
  }
  ctx.loadedModules.set(id, ctx.registry.sourceNameOf(id));
}

/** start_cond_section + the test callbacks; <IfVersion> is mod_version's start_ifversion. */
function conditionalSection(name: string, cmdName: string, args: string, call: ReadTimeCall): ConfigNode[] {
  const { ctx, where, reader } = call;
  const argText = sectionArgText(args);
  if (argText === null) throw configError('SG_ERR_CONFIG_SECTION', `${name}> directive missing closing '>'`, where, call.text);
  let result: boolean;
  if (name === '<IfVersion') {
    result = ifVersion(argText, call);
  } else {
    const negate = argText.startsWith('!');
    const cursor = { text: negate ? argText.slice(1) : argText, pos: 0 };
    const arg = getWordConf(cursor);
    if (arg === '') throw configError('SG_ERR_CONFIG_SECTION', `${name}> directive requires additional arguments`, where, call.text);
    const test = testCondition(name, arg, ctx);
    result = negate ? !test : test;
  }
  if (result) return buildContConfig(reader, ctx, name, where);
  soakEndContainer(reader, name, where);
  return [];
}

function testCondition(name: string, arg: string, ctx: ReadContext): boolean {
  switch (name) {
    case '<IfModule':
      // find_module: the source file name (mod_rewrite.c) or the LoadModule id, case-sensitively.
      for (const [id, source] of ctx.loadedModules) if (id === arg || source === arg) return true;
      return false;
    case '<IfDefine':
      return ctx.defineNames.has(arg);
    case '<IfFile':
      return ctx.fs.kind(serverRootRelative(ctx.serverRoot, arg)) !== 'missing';
    case '<IfDirective':
      return ctx.registry.find(arg, ctx.loadedModules) !== undefined;
    case '<IfSection':
      return ctx.registry.find(`<${arg}`, ctx.loadedModules) !== undefined;
    default:
      return false;
  }
}

/** mod_version.c start_ifversion: [!] [op] version, compared with the server's 2.4.71. */
function ifVersion(argText: string, call: ReadTimeCall): boolean {
  const cursor = { text: argText, pos: 0 };
  let first = getWordConf(cursor);
  let second = getWordConf(cursor);
  if (first === '') {
    throw configError('SG_ERR_CONFIG_SECTION', 'Missing version argument', call.where, call.text);
  }
  let negate = false;
  if (first.startsWith('!')) {
    negate = true;
    first = first.slice(1);
    if (first === '') {
      first = second;
      second = getWordConf(cursor);
    }
  }
  const op = second === '' ? '=' : first;
  const version = second === '' ? first : second;
  let result: boolean;
  try {
    result = compareVersion(op, version);
  } catch (err) {
    if (isSgError(err)) throw err;
    throw configError('SG_ERR_CONFIG_SECTION', (err as Error).message, call.where, call.text);
  }
  return negate ? !result : result;
}
