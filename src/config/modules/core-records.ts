/**
 * core's records: create and merge (httpd server/core.c create_core_dir_config,
 * merge_core_dir_configs, create_core_server_config, merge_core_server_configs).
 */
import type { CoreDirConf, CoreServerConf } from '../records';
import { OPT_INCLUDES, OPT_INC_WITH_EXEC, OPT_SYM_LINKS, optionNames } from './core-options';

/** A section's record leaves everything unset; the server default has FollowSymLinks (OPT_UNSET|OPT_SYM_LINKS). */
export function createCoreDirConf(path: string | null): CoreDirConf {
  const serverDefault = path === null;
  return {
    options: serverDefault ? optionNames(OPT_SYM_LINKS) : undefined,
    optionsExplicit: false,
    optionBits: serverDefault ? OPT_SYM_LINKS : undefined,
    optionAddBits: 0,
    optionRemoveBits: 0,
    optionsAdd: new Set(),
    optionsRemove: new Set(),
    allowOverride: undefined,
    allowOverrideOptions: undefined,
    allowOverrideOptionBits: undefined,
    allowOverrideList: undefined,
    allowOverrideNonfatal: undefined,
    acceptPathInfo: undefined,
    handler: undefined,
    forceType: undefined,
    filesSections: [],
    errorDocuments: new Map(),
    addDefaultCharset: undefined,
    failClosed: undefined,
    backendOnly: undefined,
    outputFilters: undefined,
    inputFilters: undefined,
    ifSections: [],
    limitRequestBody: undefined,
  };
}

/** merge_core_dir_configs, the parts we model. */
export function mergeCoreDirConf(base: CoreDirConf, child: CoreDirConf): CoreDirConf {
  const conf: CoreDirConf = { ...base };
  if (!child.optionsExplicit) {
    // Relative (or no) Options at this level: apply its +/- to what is inherited.
    const baseAdd = base.optionAddBits ?? 0;
    const baseRemove = base.optionRemoveBits ?? 0;
    const childAdd = child.optionAddBits ?? 0;
    const childRemove = child.optionRemoveBits ?? 0;
    const add = (baseAdd & ~childRemove) | childAdd;
    const remove = (baseRemove & ~childAdd) | childRemove;
    let bits = ((base.optionBits ?? 0) & ~remove) | add;
    // Includes with exec in the base, IncludesNOEXEC added here: exec goes.
    const baseBits = base.optionBits ?? 0;
    const childBits = child.optionBits ?? childAdd;
    if ((baseBits & (OPT_INCLUDES | OPT_INC_WITH_EXEC)) === (OPT_INCLUDES | OPT_INC_WITH_EXEC) && (childBits & (OPT_INCLUDES | OPT_INC_WITH_EXEC)) === OPT_INCLUDES) {
      bits &= ~OPT_INC_WITH_EXEC;
    }
    conf.optionAddBits = add;
    conf.optionRemoveBits = remove;
    conf.optionBits = bits;
    conf.optionsExplicit = base.optionsExplicit;
  } else {
    conf.optionBits = child.optionBits;
    conf.optionAddBits = child.optionAddBits;
    conf.optionRemoveBits = child.optionRemoveBits;
    conf.optionsExplicit = true;
  }
  conf.options = optionNames(conf.optionBits ?? 0);
  conf.optionsAdd = optionNames(conf.optionAddBits ?? 0);
  conf.optionsRemove = optionNames(conf.optionRemoveBits ?? 0);
  if (child.allowOverride !== undefined) {
    conf.allowOverride = child.allowOverride;
    conf.allowOverrideNonfatal = child.allowOverrideNonfatal;
  }
  if (child.allowOverrideOptionBits !== undefined) {
    conf.allowOverrideOptionBits = child.allowOverrideOptionBits;
    conf.allowOverrideOptions = child.allowOverrideOptions;
  }
  if (child.allowOverrideList !== undefined) conf.allowOverrideList = child.allowOverrideList;
  if (child.errorDocuments.size > 0) conf.errorDocuments = new Map([...base.errorDocuments, ...child.errorDocuments]);
  if (child.acceptPathInfo !== undefined) conf.acceptPathInfo = child.acceptPathInfo;
  if (child.limitRequestBody !== undefined) conf.limitRequestBody = child.limitRequestBody;
  if (base.filesSections.length === 0) conf.filesSections = child.filesSections;
  else if (child.filesSections.length > 0) conf.filesSections = [...base.filesSections, ...child.filesSections];
  const baseIfs = base.ifSections ?? [];
  const childIfs = child.ifSections ?? [];
  if (baseIfs.length === 0) conf.ifSections = childIfs;
  else if (childIfs.length > 0) conf.ifSections = [...baseIfs, ...childIfs];
  if (child.addDefaultCharset !== undefined) conf.addDefaultCharset = child.addDefaultCharset;
  if (child.forceType !== undefined) conf.forceType = child.forceType;
  if (child.handler !== undefined) conf.handler = child.handler;
  if (child.outputFilters !== undefined) conf.outputFilters = child.outputFilters;
  if (child.inputFilters !== undefined) conf.inputFilters = child.inputFilters;
  // Not Apache fields: a fail-closed or backend-only scope stays so for everything below it.
  if (child.failClosed !== undefined) conf.failClosed = child.failClosed;
  if (child.backendOnly !== undefined) conf.backendOnly = child.backendOnly;
  return conf;
}

export function createCoreServerConf(): CoreServerConf {
  return {
    documentRoot: undefined,
    accessFileNames: undefined,
    limitInternalRecursion: undefined,
    mergeSlashes: undefined,
    allowEncodedSlashes: undefined,
    useCanonicalName: undefined,
    limitRequestLine: undefined,
    limitRequestFieldSize: undefined,
    limitRequestFields: undefined,
    serverAdmin: undefined,
    protocolStrict: undefined,
    allowHttp09: undefined,
    registeredMethodsOnly: undefined,
    serverNamePort: undefined,
    serverNameScheme: undefined,
  };
}

/** merge_core_server_configs: a virtual host inherits what it does not set. */
export function mergeCoreServerConf(base: CoreServerConf, vhost: CoreServerConf): CoreServerConf {
  const merged = { ...vhost } as Record<string, unknown>;
  const baseRecord = base as unknown as Record<string, unknown>;
  for (const key of Object.keys(baseRecord)) {
    if (merged[key] === undefined) merged[key] = baseRecord[key];
  }
  // ServerName's port/scheme belong to the vhost's own ServerName only.
  merged['serverNamePort'] = vhost.serverNamePort;
  merged['serverNameScheme'] = vhost.serverNameScheme;
  if (vhost.documentRoot === undefined) merged['documentRoot'] = base.documentRoot;
  return merged as unknown as CoreServerConf;
}
