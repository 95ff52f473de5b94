/**
 * Finished fragment answers of single-file sources, keyed by file identity (path, size, mtime, inode
 * from the request's own stat) and fragment (type, time): a popular fragment's later requests skip the
 * index and set lookups, the fragment search, the header list and the validator work and reuse the
 * StreamResponse as it is (it is immutable; src/http copies what it changes). The stat still happens on
 * every request, so a replaced file is seen exactly when it was before (bench/README.md: a stat cache
 * changes that and is not wanted). Only answers whose body is all in memory and small are kept, bounded
 * by count and bytes; the bytes are the fragment cache's own arrays, so a kept answer costs references.
 */
import type { StreamResponse } from '../stream-response';

export const MAX_MEMO_ANSWERS = 4096;
export const MAX_MEMO_BYTES = 32 * 1024 * 1024;
const MAX_MEMO_ANSWER_BYTES = 1024 * 1024;

export class ResponseMemo {
  private readonly entries = new Map<string, StreamResponse>();
  private bytes = 0;
  constructor(private readonly maxEntries = MAX_MEMO_ANSWERS, private readonly maxBytes = MAX_MEMO_BYTES) {}

  get(key: string): StreamResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, response: StreamResponse): void {
    const plan = response.plan;
    if (!plan || response.status !== 200 || plan.totalBytes > MAX_MEMO_ANSWER_BYTES || this.entries.has(key)) return;
    if (plan.parts.some((part) => part.kind !== 'memory')) return;
    this.entries.set(key, response);
    this.bytes += plan.totalBytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.bytes -= this.entries.get(oldest)!.plan!.totalBytes;
      this.entries.delete(oldest);
    }
  }
}
