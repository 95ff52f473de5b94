/**
 * Sample table boxes (ISO/IEC 14496-12 §8.6, §8.7): TimeToSampleBox `stts` §8.6.1.2,
 * CompositionOffsetBox `ctts` §8.6.1.3 (v0 unsigned, v1 signed offsets), SyncSampleBox `stss` §8.6.2,
 * SampleSizeBox `stsz` / CompactSampleSizeBox `stz2` §8.7.3, SampleToChunkBox `stsc` §8.7.4,
 * ChunkOffsetBox `stco` / ChunkLargeOffsetBox `co64` §8.7.5, SampleDependencyTypeBox `sdtp` §8.6.4.
 * Each parser returns the table as typed arrays; counts are checked against the payload before any
 * allocation so a hostile entry_count cannot allocate gigabytes.
 */
import { ByteCursor } from '../byte-cursor';
import { SgError } from '../../errors';

export interface RunTable {
  /** Run lengths (sample_count). */
  readonly counts: Uint32Array;
  /** Value per run (sample_delta for stts, sample_offset for ctts). */
  readonly values: Int32Array | Uint32Array;
}

export function parseStts(payload: Uint8Array): RunTable {
  const c = new ByteCursor(payload, 'stts');
  c.fullBoxHeader();
  const n = c.entryCount(8, 'entries');
  const counts = new Uint32Array(n);
  const values = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    counts[i] = c.u32();
    values[i] = c.u32();
  }
  return { counts, values };
}

export function parseCtts(payload: Uint8Array): RunTable & { readonly version: number } {
  const c = new ByteCursor(payload, 'ctts');
  const { version } = c.fullBoxHeader();
  const n = c.entryCount(8, 'entries');
  const counts = new Uint32Array(n);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    counts[i] = c.u32();
    // v0 is unsigned by the letter of the spec, but encoders wrote negative offsets into v0 boxes and
    // every reader (ffmpeg included) takes them as signed; an unsigned value above 2^31 is no real offset.
    values[i] = c.i32();
  }
  return { counts, values, version };
}

/** 1-based sync sample numbers, strictly increasing. */
export function parseStss(payload: Uint8Array): Uint32Array {
  const c = new ByteCursor(payload, 'stss');
  c.fullBoxHeader();
  const n = c.entryCount(4, 'entries');
  const out = new Uint32Array(n);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const value = c.u32();
    if (value <= previous) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'stss', detail: `sample number ${value} not increasing` });
    out[i] = value;
    previous = value;
  }
  return out;
}

export interface SampleSizes {
  /** Constant size for every sample, or 0 when `sizes` holds one entry per sample. */
  readonly constantSizeBytes: number;
  readonly sampleCount: number;
  readonly sizes: Uint32Array | null;
}

export function parseStsz(payload: Uint8Array): SampleSizes {
  const c = new ByteCursor(payload, 'stsz');
  c.fullBoxHeader();
  const constantSizeBytes = c.u32();
  if (constantSizeBytes !== 0) {
    const sampleCount = c.u32();
    return { constantSizeBytes, sampleCount, sizes: null };
  }
  const n = c.entryCount(4, 'entries');
  const sizes = new Uint32Array(n);
  c.u32Into(sizes, n, 'entries');
  return { constantSizeBytes: 0, sampleCount: n, sizes };
}

export function parseStz2(payload: Uint8Array): SampleSizes {
  const c = new ByteCursor(payload, 'stz2');
  c.fullBoxHeader();
  c.skip(3, 'reserved');
  const fieldSizeBits = c.u8();
  if (fieldSizeBits !== 4 && fieldSizeBits !== 8 && fieldSizeBits !== 16) {
    throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'stz2', detail: `field_size ${fieldSizeBits}` });
  }
  const n = c.u32();
  c.need(Math.ceil((n * fieldSizeBits) / 8), 'entries');
  const sizes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (fieldSizeBits === 16) sizes[i] = c.u16();
    else if (fieldSizeBits === 8) sizes[i] = c.u8();
    else {
      // Two 4-bit sizes per byte, the first in the high nibble.
      const byte = c.bytes[c.positionBytes]!;
      sizes[i] = i % 2 === 0 ? byte >> 4 : byte & 15;
      if (i % 2 === 1 || i === n - 1) c.positionBytes++;
    }
  }
  return { constantSizeBytes: 0, sampleCount: n, sizes };
}

export interface SampleToChunk {
  /** 1-based first_chunk per entry. */
  readonly firstChunk: Uint32Array;
  readonly samplesPerChunk: Uint32Array;
  readonly sampleDescriptionIndex: Uint32Array;
}

export function parseStsc(payload: Uint8Array): SampleToChunk {
  const c = new ByteCursor(payload, 'stsc');
  c.fullBoxHeader();
  const n = c.entryCount(12, 'entries');
  const firstChunk = new Uint32Array(n);
  const samplesPerChunk = new Uint32Array(n);
  const sampleDescriptionIndex = new Uint32Array(n);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    firstChunk[i] = c.u32();
    samplesPerChunk[i] = c.u32();
    sampleDescriptionIndex[i] = c.u32();
    if (firstChunk[i]! <= previous) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'stsc', detail: `first_chunk ${firstChunk[i]} not increasing` });
    previous = firstChunk[i]!;
  }
  return { firstChunk, samplesPerChunk, sampleDescriptionIndex };
}

/** Chunk offsets from `stco` (32-bit) or `co64` (64-bit), as safe numbers. */
export function parseChunkOffsets(payload: Uint8Array, type: 'stco' | 'co64'): Float64Array {
  const c = new ByteCursor(payload, type);
  c.fullBoxHeader();
  const n = c.entryCount(type === 'stco' ? 4 : 8, 'entries');
  const out = new Float64Array(n);
  if (type === 'stco') c.u32Into(out, n, 'entries');
  else for (let i = 0; i < n; i++) out[i] = c.u64('chunk_offset');
  return out;
}

/** The entry count of `stco`/`co64`, checked against the payload, without reading the entries. */
export function chunkOffsetCount(payload: Uint8Array, type: 'stco' | 'co64'): number {
  const c = new ByteCursor(payload, type);
  c.fullBoxHeader();
  return c.entryCount(type === 'stco' ? 4 : 8, 'entries');
}

/** `sdtp`: one byte per sample; the count comes from stsz (the box has no count of its own). */
export function parseSdtp(payload: Uint8Array, sampleCount: number): Uint8Array | null {
  const c = new ByteCursor(payload, 'sdtp');
  c.fullBoxHeader();
  // A short sdtp is dropped rather than fatal: it is advisory, and a stale one is worse than none.
  if (c.remainingBytes < sampleCount) return null;
  return c.bytesOf(sampleCount, 'entries').slice();
}
