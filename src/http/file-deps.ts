/** The production dependencies of the progressive handler: node:fs behind the handler's interfaces. */
import { stat } from 'node:fs/promises';
import { IndexCache } from '../mp4/index-cache';
import { openFileRangeSource } from '../mp4/range-source';
import { OutputCache } from '../streaming/progressive/output-cache';
import type { FileStat, ProgressiveDeps, ProgressiveLogger } from '../streaming/progressive/handler';

export async function statFile(path: string): Promise<FileStat | null> {
  try {
    const s = await stat(path);
    return { sizeBytes: s.size, mtimeMs: s.mtimeMs, inode: s.ino, isFile: s.isFile() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
    throw error;
  }
}

export function fileProgressiveDeps(
  options: {
    indexCacheBytes?: number;
    outputCacheBytes?: number;
    logger?: ProgressiveLogger;
    extraHeaders?: ReadonlyArray<readonly [string, string]>;
  } = {},
): ProgressiveDeps {
  return {
    indexCache: new IndexCache(options.indexCacheBytes !== undefined ? { maxBytes: options.indexCacheBytes } : {}),
    outputCache: new OutputCache(options.outputCacheBytes),
    openSource: openFileRangeSource,
    statFile,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  };
}
