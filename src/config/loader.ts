/**
 * loadConfig: httpd.conf → LoadedConfig, the way `apache2 -t` reads it (httpd server/main.c:
 * ap_read_config → ap_process_config_tree → ap_fixup_virtual_hosts → core's post-config
 * reordering of <Directory> sections; mod_mime reads TypesConfig at post-config).
 */
import { dirname, resolve } from 'node:path';
import { SgError, isSgError, type SourceLocation } from '../errors';
import { SERVER_OVERRIDE } from './context-flags';
import { mergeDirVectors } from './dir-vector';
import { parseEnvvars } from './envvars';
import { nodeConfigFs, type ConfigFs } from './file-access';
import type { ConfigNote, LoadedConfig, SectionConf, ServerConf } from './module';
import { MODULES } from './modules';
import { listenSink } from './modules/core';
import { parseTypesFile } from './modules/mime';
import type { ReadContext } from './read-context';
import { readConfigFile } from './read-time';
import type { MimeServerConf } from './records';
import { COMPILED_IN_MODULES, DirectiveRegistry } from './registry';
import type { Scope, WalkShared } from './scope';
import { createServerConf } from './server-conf';
import { walkNodes } from './walker';

export interface LoadOptions {
  readonly httpdConf: string;
  readonly serverRoot?: string;
  /** Like `httpd -D NAME`. */
  readonly defines?: string[];
  /** Debian envvars: 'auto' (beside httpd.conf when present, the default), 'none', or a path. */
  readonly envvars?: 'auto' | 'none' | string;
  /** The process environment for `${VAR}` and PassEnv (default: process.env). */
  readonly processEnv?: Record<string, string | undefined>;
  /** File access (tests may inject); node:fs by default. */
  readonly fs?: ConfigFs;
}

export interface LoadReport {
  /** The configuration when no error stopped the read (directive errors may still be listed). */
  readonly config: LoadedConfig | null;
  readonly errors: SgError[];
}

let registry: DirectiveRegistry | null = null;
export function directiveRegistry(): DirectiveRegistry {
  if (!registry) registry = new DirectiveRegistry(MODULES);
  return registry;
}

function buildEnvironment(opts: LoadOptions, httpdConf: string, fs: ConfigFs, warnings: string[]): Record<string, string | undefined> {
  const processEnv = opts.processEnv ?? process.env;
  const env: Record<string, string | undefined> = { ...processEnv };
  const mode = opts.envvars ?? 'auto';
  if (mode === 'none') return env;
  const confDir = dirname(httpdConf);
  const path = mode === 'auto' ? `${confDir}/envvars` : resolve(mode);
  if (fs.kind(path) !== 'file') {
    if (mode !== 'auto') warnings.push(`envvars file ${path} not found`);
    return env;
  }
  const parsed = parseEnvvars(fs.readText(path), path, processEnv['APACHE_CONFDIR'] ?? confDir, processEnv);
  warnings.push(...parsed.warnings);
  for (const name of parsed.unset) delete env[name];
  for (const [name, value] of parsed.vars) env[name] = value;
  return env;
}

/** core's reorder_sorter: non-regex first, then by component count, then config order. */
function reorderDirectories(sections: SectionConf[]): SectionConf[] {
  return sections
    .map((section, index) => ({ section, index }))
    .sort((a, b) => {
      const ra = a.section.regex ? 1 : 0;
      const rb = b.section.regex ? 1 : 0;
      if (ra !== rb) return ra - rb;
      if (a.section.components !== b.section.components) return a.section.components - b.section.components;
      return a.index - b.index;
    })
    .map((entry) => entry.section);
}

/** ap_fixup_virtual_hosts: merge each vhost with the main server. */
function mergeVirtualHost(main: ServerConf, vhost: ServerConf): ServerConf {
  const moduleConfig: Record<string, unknown> = { ...main.moduleConfig };
  for (const module of MODULES) {
    const own = vhost.moduleConfig[module.id];
    const base = main.moduleConfig[module.id];
    if (own === undefined) continue;
    moduleConfig[module.id] = base !== undefined && module.mergeServerConfig ? module.mergeServerConfig(base, own) : own;
  }
  return {
    ...vhost,
    moduleConfig,
    lookupDefaults: { ...mergeDirVectors(main.lookupDefaults, vhost.lookupDefaults) },
    directorySections: reorderDirectories([...main.directorySections, ...vhost.directorySections]),
    filesSections: [...main.filesSections, ...vhost.filesSections],
    locationSections: [...main.locationSections, ...vhost.locationSections],
    ifSections: [...main.ifSections, ...vhost.ifSections],
    proxySections: [...(main.proxySections ?? []), ...(vhost.proxySections ?? [])],
  };
}

function formatWarning(message: string, where: SourceLocation | null): string {
  return where ? `${where.file}:${where.line}: ${message}` : message;
}

/** mod_mime's post-config: read the main server's TypesConfig (default mime.types under ServerRoot). */
function loadTypes(main: ServerConf, serverRoot: string, fs: ConfigFs, warnings: string[]): void {
  const mime = main.moduleConfig['mime_module'] as MimeServerConf | undefined;
  if (!mime) return;
  const path = mime.typesConfigPath ?? `${serverRoot.replace(/\/$/, '')}/mime.types`;
  try {
    mime.types = parseTypesFile(fs.readText(path));
  } catch {
    warnings.push(`could not open mime types config file ${path}.`);
  }
}

/** Read and process everything; every error collected when `collectAll`, else thrown at the first. */
export function loadConfigReport(opts: LoadOptions, collectAll: boolean): LoadReport {
  const fs = opts.fs ?? nodeConfigFs;
  const httpdConf = resolve(opts.httpdConf);
  const warnings: string[] = [];
  const env = buildEnvironment(opts, httpdConf, fs, warnings);
  const loadedModules = new Map(COMPILED_IN_MODULES);
  const files: string[] = [];
  const warn = (message: string, where: SourceLocation | null): void => {
    warnings.push(formatWarning(message, where));
  };
  const ctx: ReadContext = {
    serverRoot: opts.serverRoot ?? dirname(httpdConf),
    defines: new Map(),
    defineNames: new Set(opts.defines ?? []),
    env,
    loadedModules,
    registry: directiveRegistry(),
    fs,
    files,
    includeDepth: 0,
    readOverride: SERVER_OVERRIDE,
    inHtaccess: false,
    warn,
  };
  let tree;
  try {
    tree = readConfigFile(httpdConf, ctx, null);
  } catch (err) {
    if (!isSgError(err)) throw err;
    if (!collectAll) throw err;
    return { config: null, errors: [err] };
  }
  const notes: ConfigNote[] = [];
  const virtualHosts: ServerConf[] = [];
  const shared: WalkShared = {
    registry: ctx.registry,
    loadedModules,
    serverRoot: ctx.serverRoot,
    fs,
    warnings,
    notes,
    errors: [],
    collectAll,
    listen: [],
    env,
    virtualHosts,
    warn,
  };
  const main = createServerConf(false, [], null, loadedModules);
  const scope: Scope = {
    server: main,
    vector: main.lookupDefaults,
    context: 'server',
    sectionChain: [],
    sectionNames: [],
    path: null,
    pathIsRegex: false,
    override: SERVER_OVERRIDE,
    overrideSet: null,
    inHtaccess: false,
    limit: null,
  };
  walkNodes(tree, scope, shared);
  if (![...loadedModules.keys()].some((id) => id.startsWith('mpm_'))) {
    warnings.push('No MPM loaded: Apache would refuse to start (smoothgate does not need one)');
  }
  loadTypes(main, ctx.serverRoot, fs, warnings);
  const mainServer: ServerConf = { ...main, directorySections: reorderDirectories(main.directorySections) };
  const config: LoadedConfig = {
    serverRoot: ctx.serverRoot,
    mainServer,
    virtualHosts: virtualHosts.map((vhost) => mergeVirtualHost(mainServer, vhost)),
    loadedModules: new Set(loadedModules.keys()),
    defines: new Map([...[...ctx.defineNames].map((name): [string, string] => [name, '']), ...ctx.defines]),
    files,
    warnings,
    listen: [...listenSink(main)],
    notes,
    environment: env,
  };
  return { config, errors: shared.errors };
}

/** Loads httpd.conf; throws the first fatal error (like `apache2 -t`). */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  return loadConfigReport(opts, false).config as LoadedConfig;
}
