/**
 * Parsed-moov cache (issue 3 "index cache"; INTERFACE §3 `streaming.indexCacheBytes`): a 2-hour
 * file's moov is parsed once, not per request (nginx re-walks it every time; PEERS.md). Keyed by
 * path + size + mtime + inode so a replaced or rewritten file is re-indexed; bounded by the estimated
 * bytes of the indexes (LRU); concurrent first requests for one file share one parse (single flight).
 * Failed parses are not cached: the next request tries again (the file may have been fixed).
 */
import type { MovieIndex } from './movie-index';

export interface FileIdentity {
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly inode: number;
}

export interface IndexCacheStats {
  hits: number;
  misses: number;
  bytes: number;
  entries: number;
}

export const DEFAULT_INDEX_CACHE_BYTES = 256 * 1024 * 1024;

export function identityKey(identity: FileIdentity): string {
  return `${identity.path}\u0000${identity.sizeBytes}\u0000${identity.mtimeMs}\u0000${identity.inode}`;
}

export class IndexCache {
  readonly maxBytes: number;
  /** Insertion order = recency order (a Map iterates oldest first). */
  private readonly entries = new Map<string, MovieIndex>();
  private readonly inFlight = new Map<string, Promise<MovieIndex>>();
  readonly stats: IndexCacheStats = { hits: 0, misses: 0, bytes: 0, entries: 0 };

  constructor(options: { maxBytes?: number } = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_INDEX_CACHE_BYTES;
  }

  /** The cached index of `identity`, or `load()`'s result (shared by concurrent callers). */
  async get(identity: FileIdentity, load: () => Promise<MovieIndex>): Promise<MovieIndex> {
    const key = identityKey(identity);
    const cached = this.entries.get(key);
    if (cached) {
      this.stats.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.stats.hits++;
      return pending;
    }
    this.stats.misses++;
    const promise = load().then(
      (index) => {
        this.inFlight.delete(key);
        this.insert(key, index);
        return index;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  private insert(key: string, index: MovieIndex): void {
    if (index.estimatedBytes > this.maxBytes) return;
    this.entries.set(key, index);
    this.stats.bytes += index.estimatedBytes;
    while (this.stats.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      const evicted = this.entries.get(oldest.value)!;
      this.entries.delete(oldest.value);
      this.stats.bytes -= evicted.estimatedBytes;
    }
    this.stats.entries = this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.stats.bytes = 0;
    this.stats.entries = 0;
  }
}
