/** Production dependencies of handleSmooth: the progressive handler's (node:fs) plus readdir for sets. */
import { constants } from 'node:fs';
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
    // O_NONBLOCK: a FIFO named like a server manifest must not block a libuv pool thread in open().
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EACCES') return null;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    // The file's own size, not maxBytes, per request: a 1 MiB buffer for a 1 KB .ism was wasted work.
    const lengthBytes = Math.min(maxBytes, stat.size);
    const buffer = Buffer.alloc(lengthBytes);
    const { bytesRead } = lengthBytes === 0 ? { bytesRead: 0 } : await handle.read(buffer, 0, lengthBytes, 0);
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
