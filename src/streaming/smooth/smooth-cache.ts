/**
 * Per-index memo of the Smooth view (timelines, codec descriptions) and of the manifest bytes, so a
 * 2-hour source's times are mapped once, not per request. Entries hang off the MovieIndex objects of the
 * index cache (WeakMap): when the index cache evicts an index, its Smooth view goes with it.
 */
import type { MovieIndex } from '../../mp4/movie-index';
import type { SmoothSet } from './smooth-set';

interface ManifestBytes {
  plain: Uint8Array;
  gzip: Uint8Array | null;
}

export class SmoothCache {
  private readonly sets = new WeakMap<MovieIndex, Map<string, SmoothSet>>();
  private readonly manifests = new WeakMap<SmoothSet, Map<string, ManifestBytes>>();

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
