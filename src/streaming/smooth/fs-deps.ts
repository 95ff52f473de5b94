/** Production dependencies of handleSmooth: the progressive handler's (node:fs) plus readdir for sets. */
import { open, readdir } from 'node:fs/promises';
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

/** At most maxBytes of a text file as UTF-8; null when it does not exist or is not a file. */
export async function readTextFile(path: string, maxBytes: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EACCES') return null;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

export function fileSmoothDeps(options: { indexCacheBytes?: number; logger?: ProgressiveLogger; smoothOptions?: Partial<SmoothOptions> } = {}): SmoothDeps {
  return {
    ...fileProgressiveDeps({ ...(options.indexCacheBytes !== undefined ? { indexCacheBytes: options.indexCacheBytes } : {}), ...(options.logger ? { logger: options.logger } : {}) }),
    smoothCache: new SmoothCache(),
    readDirectory: readDirectoryNames,
    readTextFile,
    ...(options.smoothOptions ? { smoothOptions: options.smoothOptions } : {}),
  };
}
