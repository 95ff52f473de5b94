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
import type { ConfigNote, DirConfigVector, LoadedConfig, SectionConf, ServerConf } from './module';
import { MODULES } from './modules';
import { listenSink } from './modules/core';
import { parseTypesFile } from './modules/mime';
import type { ReadContext } from './read-context';
import { readConfigFile } from './read-time';
import type { AuthzDirConf, CoreDirConf, MimeServerConf, RequireBlock } from './records';
import { checkAuthzRecord } from './modules/authz-core';
import { COMPILED_IN_MODULES, DirectiveRegistry } from './registry';
import type { Scope, WalkShared } from './scope';
import { createServerConf } from './server-conf';
import { report, walkNodes } from './walker';

/** DOCUMENT_LOCATION of Debian's httpd build (the main server's default DocumentRoot). */
export const DEBIAN_DOCUMENT_LOCATION = '/var/www/html';

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

/** Every per-dir vector the configuration holds, sections nested in sections included. */
function allVectors(server: ServerConf): DirConfigVector[] {
  const out: DirConfigVector[] = [];
  const visit = (vec: DirConfigVector): void => {
    out.push(vec);
    const core = vec['core_module'] as CoreDirConf | undefined;
    for (const nested of [...(core?.filesSections ?? []), ...(core?.ifSections ?? [])]) visit(nested.config);
  };
  visit(server.lookupDefaults);
  for (const s of [...server.directorySections, ...server.locationSections, ...server.filesSections, ...server.ifSections]) visit(s.config);
  return out;
}

/** mod_authz_core's check_config hook (it runs under `apache2 -t` too). */
function checkAuthz(servers: readonly ServerConf[], shared: WalkShared): void {
  for (const server of servers) {
    for (const vec of allVectors(server)) {
      const authz = vec['authz_core_module'] as AuthzDirConf | undefined;
      if (!authz) continue;
      const message = checkAuthzRecord(authz);
      if (!message) continue;
      const first = authz.require && authz.require.kind !== 'line' ? firstLine(authz.require) : null;
      // An empty implicit section only follows a Require that was already reported as an error.
      if (!first) continue;
      report(shared, new SgError('SG_ERR_CONFIG_DIRECTIVE', { text: message }, { where: first }));
    }
  }
}

function firstLine(block: RequireBlock): SourceLocation | null {
  if (block.kind === 'line') return block.line.where;
  for (const child of block.children) {
    const where = firstLine(child);
    if (where) return where;
  }
  return null;
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
    conditionalDepth: 0,
    readOverride: SERVER_OVERRIDE,
    inHtaccess: false,
    warn,
    ...(collectAll ? { collected: [] as SgError[] } : {}),
  };
  let tree;
  try {
    tree = readConfigFile(httpdConf, ctx, null);
  } catch (err) {
    if (!isSgError(err)) throw err;
    if (!collectAll) throw err;
    return { config: null, errors: [...(ctx.collected ?? []), err] };
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
  // core.c create_core_server_config: the main server starts with the compiled-in
  // DOCUMENT_LOCATION, /var/www/html in Debian's build (obs `apache2 -S`: Main DocumentRoot).
  const mainCore = main.moduleConfig['core_module'] as { documentRoot: string | undefined };
  mainCore.documentRoot = DEBIAN_DOCUMENT_LOCATION;
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
  checkAuthz([main, ...virtualHosts], shared);
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
  return { config, errors: [...(ctx.collected ?? []), ...shared.errors] };
}

/** Loads httpd.conf; throws the first fatal error (like `apache2 -t`). */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  return loadConfigReport(opts, false).config as LoadedConfig;
}
