/**
 * Per-index memo of the Smooth view (timelines, codec descriptions) and of the manifest bytes, so a
 * 2-hour source's times are mapped once, not per request. Entries hang off the MovieIndex objects of the
 * index cache (WeakMap): when the index cache evicts an index, its Smooth view goes with it.
 */
import type { MovieIndex } from '../../mp4/movie-index';
import type { SmoothSet } from './smooth-set';
import { FragmentBytesCache } from './fragment-bytes';
import { ResponseMemo } from './response-memo';

interface ManifestBytes {
  plain: Uint8Array;
  gzip: Uint8Array | null;
}

export class SmoothCache {
  private readonly sets = new WeakMap<MovieIndex, Map<string, SmoothSet>>();
  private readonly manifests = new WeakMap<SmoothSet, Map<string, ManifestBytes>>();
  /** Multi-file sets (2009 layout), keyed by folder + member identities; LRU by count. */
  private readonly keyedSets = new Map<string, Promise<SmoothSet>>();
  /** Gathered fragments of interleaved sources (fragment-bytes.ts). */
  readonly fragments: FragmentBytesCache;
  /** Finished fragment answers of single files (response-memo.ts), one memo per options object (the
   * answers' headers depend on them). */
  private readonly answers = new WeakMap<object, ResponseMemo>();
  answersFor(options: object): ResponseMemo {
    let memo = this.answers.get(options);
    if (!memo) this.answers.set(options, (memo = new ResponseMemo()));
    return memo;
  }
  constructor(options: { maxKeyedSets?: number; fragmentCacheBytes?: number } = {}) {
    this.maxKeyedSets = options.maxKeyedSets ?? 64;
    this.fragments = new FragmentBytesCache(options.fragmentCacheBytes);
  }
  private readonly maxKeyedSets: number;

  /** Concurrent first requests share one build; failures are not kept. */
  setForKey(key: string, build: () => Promise<SmoothSet>): Promise<SmoothSet> {
    const cached = this.keyedSets.get(key);
    if (cached) {
      this.keyedSets.delete(key);
      this.keyedSets.set(key, cached);
      return cached;
    }
    const pending = build();
    this.keyedSets.set(key, pending);
    pending.catch(() => this.keyedSets.delete(key));
    while (this.keyedSets.size > this.maxKeyedSets) this.keyedSets.delete(this.keyedSets.keys().next().value as string);
    return pending;
  }

  setFor(movie: MovieIndex, key: string, build: () => SmoothSet): SmoothSet {
    let byKey = this.sets.get(movie);
    if (!byKey) this.sets.set(movie, (byKey = new Map()));
    let set = byKey.get(key);
    if (!set) byKey.set(key, (set = build()));
    return set;
  }

  manifestFor(set: SmoothSet, key: string, gzip: boolean, write: () => string, compress: (input: Uint8Array) => Uint8Array): Uint8Array {
    let byKey = this.manifests.get(set);
    if (!byKey) this.manifests.set(set, (byKey = new Map()));
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { plain: new Uint8Array(Buffer.from(write(), 'utf8')), gzip: null }));
    if (!gzip) return entry.plain;
    entry.gzip ??= new Uint8Array(compress(entry.plain));
    return entry.gzip;
  }
}
