/**
 * Interleaved sources put each video sample between audio samples, so a fragment's mdat is dozens of
 * small file ranges; sent as a BodyPlan that is one async read and one socket write per sample (a 2 s
 * fragment of the 2-hour bench file: 50 reads, ~380 req/s). Here such a fragment is gathered once — one
 * read of the span from its first to its last sample through the RangeSource, the samples copied out —
 * and kept in a byte-bounded LRU (fragments are immutable for a given file identity; the key carries
 * it). Small fragments are gathered too (one open+read+close per request costs more than a cached
 * copy); large contiguous ones (ISMV, our mp4split output) and spans above the limit stay file ranges.
 */
import type { ClosableRangeSource } from '../../mp4/range-source';
import { SgError } from '../../errors';
import { makeBodyPlan, type BodyPlan } from '../body-plan';

export const DEFAULT_FRAGMENT_CACHE_BYTES = 64 * 1024 * 1024;
/** Largest span read in one go; larger fragments stream as file ranges. */
export const MAX_GATHER_SPAN_BYTES = 8 * 1024 * 1024;
/** File ranges up to which a large fragment is sent as it is. */
const MAX_DIRECT_FILE_PARTS = 2;
/** Fragments whose span is at most this are always gathered and cached (an open+read+close per request
 * costs more than the copy: bench/smooth). */
export const SMALL_SPAN_BYTES = 1024 * 1024;

export class FragmentBytesCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(readonly maxBytes = DEFAULT_FRAGMENT_CACHE_BYTES) {}

  get(key: string): Uint8Array | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Uint8Array): void {
    if (value.length > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.bytes -= this.entries.get(oldest)!.length;
      this.entries.delete(oldest);
    }
  }
}

/** True when gathering pays: many file ranges of one file within a bounded span. */
export function worthGathering(plan: BodyPlan): boolean {
  let fileParts = 0;
  let path: string | null = null;
  let firstBytes = Infinity;
  let endBytes = 0;
  for (const part of plan.parts) {
    if (part.kind !== 'file') continue;
    fileParts++;
    if (path !== null && part.path !== path) return false;
    path = part.path;
    firstBytes = Math.min(firstBytes, part.offsetBytes);
    endBytes = Math.max(endBytes, part.offsetBytes + part.lengthBytes);
  }
  if (fileParts === 0) return false;
  const spanBytes = endBytes - firstBytes;
  return spanBytes <= SMALL_SPAN_BYTES || (fileParts > MAX_DIRECT_FILE_PARTS && spanBytes <= MAX_GATHER_SPAN_BYTES);
}

/** The plan's bytes in memory, with one read of the file span (call only when worthGathering). */
export async function gatherPlan(plan: BodyPlan, openSource: (path: string) => Promise<ClosableRangeSource>): Promise<Uint8Array> {
  const fileParts = plan.parts.filter((p) => p.kind === 'file');
  const path = fileParts[0]!.kind === 'file' ? fileParts[0]!.path : '';
  let firstBytes = Infinity;
  let endBytes = 0;
  for (const part of fileParts) {
    if (part.kind !== 'file') continue;
    firstBytes = Math.min(firstBytes, part.offsetBytes);
    endBytes = Math.max(endBytes, part.offsetBytes + part.lengthBytes);
  }
  const source = await openSource(path);
  let span: Uint8Array;
  try {
    span = await source.read(firstBytes, endBytes - firstBytes);
  } finally {
    await source.close();
  }
  if (span.length !== endBytes - firstBytes) throw new SgError('SG_ERR_MP4_IO', { file: path, reason: 'file shorter than its index (changed under us)' });
  const out = new Uint8Array(plan.totalBytes);
  let at = 0;
  for (const part of plan.parts) {
    if (part.kind === 'memory') out.set(part.bytes, at);
    else out.set(span.subarray(part.offsetBytes - firstBytes, part.offsetBytes - firstBytes + part.lengthBytes), at);
    at += part.kind === 'memory' ? part.bytes.length : part.lengthBytes;
  }
  return out;
}

export function memoryPlan(bytes: Uint8Array): BodyPlan {
  return makeBodyPlan([{ kind: 'memory', bytes }]);
}
