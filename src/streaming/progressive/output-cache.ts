/**
 * A small LRU of generated cut responses (headers in memory + file ranges), keyed by file identity +
 * canonical parameters and bounded by the bytes of the generated headers. Popular seek points
 * (`?start=3600` from a chapter link) then cost a lookup, which is what keeps the first byte near
 * nginx's (INTERFACE §12) even though a 2-hour moov rewrite takes milliseconds.
 */
import type { StreamResponse } from '../stream-response';

export const DEFAULT_OUTPUT_CACHE_BYTES = 64 * 1024 * 1024;

export class OutputCache {
  private readonly entries = new Map<string, { response: StreamResponse; bytes: number }>();
  private totalBytes = 0;

  constructor(readonly maxBytes: number = DEFAULT_OUTPUT_CACHE_BYTES) {}

  get(key: string): StreamResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.response;
  }

  set(key: string, response: StreamResponse, bytes: number): void {
    if (bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.totalBytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { response, bytes });
    this.totalBytes += bytes;
    while (this.totalBytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.totalBytes -= this.entries.get(oldest.value)!.bytes;
      this.entries.delete(oldest.value);
    }
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }
}
