/**
 * .htaccess files (httpd server/config.c ap_parse_htaccess; SPEC-NOTES §4.3.3, §4.5.5): parsed
 * with the directory's AllowOverride classes, AllowOverrideList, Options= and Nonfatal= in force.
 * Define and Include are refused ("not allowed here"), as in Apache. The first error is thrown
 * with file:line; the routing core answers 500 for that scope.
 */
import { isSgError, SgError } from '../errors';
import { overrideBitsOf } from './context-flags';
import { createDirVector } from './dir-vector';
import { nodeConfigFs } from './file-access';
import { directiveRegistry } from './loader';
import type { DirConfigVector, LoadedConfig, OverrideClass, OverrideSet, ServerConf } from './module';
import { LineReader, buildConfig } from './parser';
import { readLogicalLines } from './lexer';
import type { ReadContext } from './read-context';
import type { CoreDirConf } from './records';
import type { Scope, WalkShared } from './scope';
import { walkNodes } from './walker';
import { optionNames } from './modules/core-options';

/** What AllowOverride grants for a merged core record; null when the file is not even opened. */
export function overrideSetOf(core: CoreDirConf): OverrideSet | null {
  const classes = core.allowOverride ?? new Set<OverrideClass>();
  const list = core.allowOverrideList ?? new Set<string>();
  const nonfatal = core.allowOverrideNonfatal ?? { override: false, unknown: false };
  if (classes.size === 0 && list.size === 0) return null;
  return {
    classes,
    allowedOptions: core.allowOverrideOptionBits === undefined ? null : new Set(optionNames(core.allowOverrideOptionBits)),
    directiveList: list,
    nonfatalOverride: nonfatal.override,
    nonfatalUnknown: nonfatal.unknown,
  };
}

const loadedCache = new WeakMap<LoadedConfig, Map<string, string>>();

/** id → source name of the loaded modules, computed once per configuration. */
function loadedModulesOf(config: LoadedConfig): Map<string, string> {
  let map = loadedCache.get(config);
  if (!map) {
    map = new Map([...config.loadedModules].map((id): [string, string] => [id, directiveRegistry().sourceNameOf(id)]));
    loadedCache.set(config, map);
  }
  return map;
}

/** HUGE_STRING_LEN of httpd. */
const HTACCESS_MAX_LINE_BYTES = 8192;

export function parseHtaccess(text: string, file: string, dirPath: string, override: OverrideSet, server: ServerConf, config: LoadedConfig): DirConfigVector {
  const loadedModules = loadedModulesOf(config);
  const env = config.environment ?? {};
  const warnings: string[] = [];
  const warn = (message: string, where: { file: string; line: number } | null): void => {
    warnings.push(where ? `${where.file}:${where.line}: ${message}` : message);
  };
  const overrideBits = overrideBitsOf(override);
  const defines = new Map<string, string>();
  const defineNames = new Set<string>();
  for (const [name, value] of config.defines) {
    defineNames.add(name);
    if (value !== '') defines.set(name, value);
  }
  const ctx: ReadContext = {
    serverRoot: config.serverRoot,
    defines,
    defineNames,
    env,
    loadedModules,
    registry: directiveRegistry(),
    fs: nodeConfigFs,
    files: [],
    includeDepth: 0,
    conditionalDepth: 0,
    readOverride: overrideBits,
    readOverrideList: override.directiveList,
    inHtaccess: true,
    warn,
  };
  try {
    const lines = readLogicalLines(text);
    // ap_parse_htaccess reads with HUGE_STRING_LEN (8192) as the line limit, not httpd.conf's 16 MiB.
    const tooLong = lines.find((l) => Buffer.byteLength(l.text) >= HTACCESS_MAX_LINE_BYTES);
    if (tooLong) {
      throw new SgError('SG_ERR_CONFIG_SYNTAX', { text: `Error reading ${file} at line ${tooLong.line}: Line too long` }, { where: { file, line: tooLong.line } });
    }
    const tree = buildConfig(new LineReader(file, lines), ctx);
    const vector: Record<string, unknown> = { ...createDirVector(dirPath, loadedModules) };
    const shared: WalkShared = {
      registry: ctx.registry,
      loadedModules,
      serverRoot: config.serverRoot,
      fs: nodeConfigFs,
      warnings,
      notes: [],
      errors: [],
      collectAll: false,
      listen: [],
      env,
      virtualHosts: [],
      warn,
    };
    const scope: Scope = {
      server,
      vector,
      context: 'htaccess',
      sectionChain: ['htaccess'],
      sectionNames: [],
      path: dirPath,
      pathIsRegex: false,
      override: overrideBits,
      overrideSet: override,
      inHtaccess: true,
      limit: null,
    };
    walkNodes(tree, scope, shared);
    return vector;
  } catch (err) {
    if (isSgError(err)) {
      if (err.where) throw err;
      throw new SgError(err.code, err.details, { where: { file, line: 0 }, cause: err });
    }
    throw err;
  }
}
