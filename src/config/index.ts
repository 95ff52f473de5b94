/**
 * TEMPORARY integration stub: the real config reader lands from the config branch and replaces this
 * file. Signatures are the agreed API.
 */
import { SgError } from '../errors';
import type { DirConfigVector, LoadedConfig, OverrideSet, ServerConf } from './module';
import type { CoreDirConf } from './records';

export interface LoadOptions {
  httpdConf: string;
  serverRoot?: string;
  defines?: string[];
  envvars?: 'auto' | 'none' | string;
  processEnv?: Record<string, string | undefined>;
}

export function loadConfig(_opts: LoadOptions): LoadedConfig {
  throw new SgError('SG_ERR_CONFIG_UNSUPPORTED', { name: 'loadConfig', reason: 'config reader not merged yet' });
}

export function parseHtaccess(
  _text: string,
  _file: string,
  _dirPath: string,
  _override: OverrideSet,
  _server: ServerConf,
  _config: LoadedConfig,
): DirConfigVector {
  throw new SgError('SG_ERR_CONFIG_UNSUPPORTED', { name: 'parseHtaccess', reason: 'config reader not merged yet' });
}

export function createDirVector(_path: string | null): DirConfigVector {
  return {};
}

export function mergeDirVectors(parent: DirConfigVector, child: DirConfigVector): DirConfigVector {
  return { ...parent, ...child };
}

export function overrideSetOf(_core: CoreDirConf | undefined): OverrideSet | null {
  return null;
}
