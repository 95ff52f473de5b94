/**
 * Creating a server record (the main server or a <VirtualHost>): every loaded module's server
 * record and per-dir defaults (config.c create_server_config, create_default_per_dir_config).
 */
import type { SourceLocation } from '../errors';
import { createDirVector } from './dir-vector';
import type { ServerConf } from './module';
import { MODULES } from './modules';

export function createServerConf(
  isVirtual: boolean,
  addresses: string[],
  where: SourceLocation | null,
  loaded: ReadonlyMap<string, string> | ReadonlySet<string>,
): ServerConf {
  const moduleConfig: Record<string, unknown> = {};
  for (const module of MODULES) {
    if (module.createServerConfig && loaded.has(module.id)) moduleConfig[module.id] = module.createServerConfig();
  }
  return {
    isVirtual,
    addresses,
    serverName: null,
    serverAliases: [],
    where,
    moduleConfig,
    lookupDefaults: { ...createDirVector(null, loaded) },
    directorySections: [],
    filesSections: [],
    locationSections: [],
    ifSections: [],
    proxySections: [],
  };
}
