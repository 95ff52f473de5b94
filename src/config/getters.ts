/**
 * Typed access to the records of a per-dir vector or a server (records.ts). A getter returns
 * undefined when the module is not loaded (Apache then has no such record either), except core.
 */
import type { DirConfigVector, ServerConf } from './module';
import { MODULE_IDS } from './records';
import type {
  AccessCompatDirConf,
  AliasDirConf,
  AliasServerConf,
  AuthBasicDirConf,
  AuthnCoreDirConf,
  AuthnFileDirConf,
  AuthzDirConf,
  AuthzGroupfileDirConf,
  CoreDirConf,
  CoreServerConf,
  DeflateDirConf,
  DirDirConf,
  EnvDirConf,
  ExpiresDirConf,
  FilterDirConf,
  HeadersDirConf,
  LogConfigServerConf,
  MimeDirConf,
  MimeServerConf,
  OptionName,
  ProxyServerConf,
  SetEnvIfConf,
} from './records';
import { createCoreDirConf } from './modules/core-records';
import { optionNames } from './modules/core-options';

const get = <T>(vec: DirConfigVector, id: string): T | undefined => vec[id] as T | undefined;
const srv = <T>(server: ServerConf, id: string): T | undefined => server.moduleConfig[id] as T | undefined;

export const coreDir = (vec: DirConfigVector): CoreDirConf => get<CoreDirConf>(vec, MODULE_IDS.core) ?? createCoreDirConf(null);
export const coreServer = (server: ServerConf): CoreServerConf => srv<CoreServerConf>(server, MODULE_IDS.core) as CoreServerConf;
export const mimeDir = (vec: DirConfigVector) => get<MimeDirConf>(vec, MODULE_IDS.mime);
export const mimeServer = (server: ServerConf) => srv<MimeServerConf>(server, MODULE_IDS.mime);
export const aliasDir = (vec: DirConfigVector) => get<AliasDirConf>(vec, MODULE_IDS.alias);
export const aliasServer = (server: ServerConf) => srv<AliasServerConf>(server, MODULE_IDS.alias);
export const dirDir = (vec: DirConfigVector) => get<DirDirConf>(vec, MODULE_IDS.dir);
export const headersDir = (vec: DirConfigVector) => get<HeadersDirConf>(vec, MODULE_IDS.headers);
export const envDir = (vec: DirConfigVector) => get<EnvDirConf>(vec, MODULE_IDS.env);
export const setEnvIfDir = (vec: DirConfigVector) => get<SetEnvIfConf>(vec, MODULE_IDS.setenvif);
export const setEnvIfServer = (server: ServerConf) => srv<SetEnvIfConf>(server, MODULE_IDS.setenvif);
export const authzDir = (vec: DirConfigVector) => get<AuthzDirConf>(vec, MODULE_IDS.authzCore);
export const authnCoreDir = (vec: DirConfigVector) => get<AuthnCoreDirConf>(vec, MODULE_IDS.authnCore);
export const authBasicDir = (vec: DirConfigVector) => get<AuthBasicDirConf>(vec, MODULE_IDS.authBasic);
export const authnFileDir = (vec: DirConfigVector) => get<AuthnFileDirConf>(vec, MODULE_IDS.authnFile);
export const authzGroupfileDir = (vec: DirConfigVector) => get<AuthzGroupfileDirConf>(vec, MODULE_IDS.authzGroupfile);
export const accessCompatDir = (vec: DirConfigVector) => get<AccessCompatDirConf>(vec, MODULE_IDS.accessCompat);
export const proxyServer = (server: ServerConf) => srv<ProxyServerConf>(server, MODULE_IDS.proxy);
export const expiresDir = (vec: DirConfigVector) => get<ExpiresDirConf>(vec, MODULE_IDS.expires);
export const filterDir = (vec: DirConfigVector) => get<FilterDirConf>(vec, MODULE_IDS.filter);
export const logConfigServer = (server: ServerConf) => srv<LogConfigServerConf>(server, MODULE_IDS.logConfig);

/**
 * mod_deflate's view: the content types AddOutputFilterByType maps to DEFLATE (mod_filter's
 * record) and SetOutputFilter DEFLATE (core's record). Undefined when mod_deflate is not loaded.
 */
export function deflateDir(vec: DirConfigVector, loadedModules: ReadonlySet<string>): DeflateDirConf | undefined {
  if (!loadedModules.has(MODULE_IDS.deflate)) return undefined;
  const types = new Set<string>();
  for (const [type, filters] of filterDir(vec)?.byType ?? []) if (filters.some((f) => f.toUpperCase() === 'DEFLATE')) types.add(type);
  const filters = coreDir(vec).outputFilters;
  return { types, always: filters === undefined ? undefined : filters.split(';').some((f) => f.toUpperCase() === 'DEFLATE') };
}

/** Options in force for a merged core record (FollowSymLinks when nothing set any). */
export function effectiveOptions(core: CoreDirConf): ReadonlySet<OptionName> {
  if (core.optionBits !== undefined) return optionNames(core.optionBits);
  return optionNames((4 & ~(core.optionRemoveBits ?? 0)) | (core.optionAddBits ?? 0));
}
