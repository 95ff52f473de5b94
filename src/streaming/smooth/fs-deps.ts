/** Production dependencies of handleSmooth: the progressive handler's (node:fs) plus readdir for sets. */
import { readdir } from 'node:fs/promises';
import { fileProgressiveDeps } from '../../http/file-deps';
import type { ProgressiveLogger } from '../progressive/handler';
import type { SmoothDeps } from './handler';
import type { SmoothOptions } from './options';
import { SmoothCache } from './smooth-cache';

export async function readDirectoryNames(path: string): Promise<string[] | null> {
  try {
    return await readdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'EACCES') return null;
    throw error;
  }
}

export function fileSmoothDeps(options: { indexCacheBytes?: number; logger?: ProgressiveLogger; smoothOptions?: Partial<SmoothOptions> } = {}): SmoothDeps {
  return {
    ...fileProgressiveDeps({ ...(options.indexCacheBytes !== undefined ? { indexCacheBytes: options.indexCacheBytes } : {}), ...(options.logger ? { logger: options.logger } : {}) }),
    smoothCache: new SmoothCache(),
    readDirectory: readDirectoryNames,
    ...(options.smoothOptions ? { smoothOptions: options.smoothOptions } : {}),
  };
}
