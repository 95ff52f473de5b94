/** The production dependencies of the progressive handler: node:fs behind the handler's interfaces. */
import { stat } from 'node:fs/promises';
import { IndexCache } from '../mp4/index-cache';
import { openFileRangeSource } from '../mp4/range-source';
import { OutputCache } from '../streaming/progressive/output-cache';
import type { FileStat, ProgressiveDeps, ProgressiveLogger } from '../streaming/progressive/handler';

async function statOnce(path: string): Promise<FileStat | null> {
  try {
    const s = await stat(path);
    return { sizeBytes: s.size, mtimeMs: s.mtimeMs, inode: s.ino, isFile: s.isFile() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
    throw error;
  }
}

const statsInFlight = new Map<string, Promise<FileStat | null>>();

/**
 * stat() of `path`, once per request as Apache does, except that requests arriving while a stat of the
 * same path is already running share its answer (the stat was issued during their lifetime's first
 * microseconds at most; under load 100 clients of one popular fragment then cost one stat, not 100 —
 * bench/README.md). Nothing is kept once the stat returns: the next request stats again.
 */
export function statFile(path: string): Promise<FileStat | null> {
  const pending = statsInFlight.get(path);
  if (pending) return pending;
  const promise = statOnce(path);
  statsInFlight.set(path, promise);
  const forget = (): void => {
    statsInFlight.delete(path);
  };
  promise.then(forget, forget);
  return promise;
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
