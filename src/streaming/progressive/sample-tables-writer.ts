/**
 * Rewrites one track's sample tables for the kept samples [first, end) (SPEC-NOTES §3.1 "Table
 * rewriting", with the original's defects fixed): stts and ctts re-run-length-encoded (ctts version 1
 * when an offset is negative, §3.3), stss renumbered, stsz sliced (constant size kept when it holds),
 * stsc split at every change of samples-per-chunk *or* sample_description_index (§1 P7), sdtp sliced
 * with the samples rather than copied stale (§1 P5), and the output chunks (maximal runs of kept samples
 * of one source chunk) whose offsets the plan fills in once the layout is known.
 */
import { fullBox, type BoxNode } from '../../mp4/writer';
import type { TrackCut } from './cut';
import type { TrackIndex } from '../../mp4/track-index';

export interface TrackTables {
  readonly cut: TrackCut;
  readonly stts: BoxNode;
  readonly ctts: BoxNode | null;
  readonly stss: BoxNode | null;
  readonly stsz: BoxNode;
  readonly stsc: BoxNode;
  readonly sdtp: BoxNode | null;
  /** Source offset of each output chunk's first byte. */
  readonly chunkSourceOffsets: Float64Array;
  /** Byte length of each output chunk. */
  readonly chunkLengths: Float64Array;
  /** Sum of the kept samples' durations, track timescale (mdhd). */
  readonly mediaDurationTs: number;
  /** End of the latest presentation among the kept samples, output media time, track timescale. */
  readonly presentationEndTs: number;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Byte-swaps a 32-bit word (host little-endian → big-endian box order). */
function swap32(word: number): number {
  return ((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24);
}

/**
 * A FullBox payload of `entryCount` u32 words after the 4-byte count (after `leading` words). Written
 * through a Uint32Array with a byte swap rather than DataView calls: these tables hold hundreds of
 * thousands of entries for a 2-hour cut, and this is the hot loop of a cold `?start=`.
 */
function u32Table(words: Uint32Array | Int32Array, wordCount: number, entryCount: number, leading: readonly number[] = []): Uint8Array {
  const total = leading.length + 1 + wordCount;
  const out32 = new Uint32Array(total);
  const head = [...leading, entryCount];
  if (LITTLE_ENDIAN_HOST) {
    for (let i = 0; i < head.length; i++) out32[i] = swap32(head[i]!);
    for (let i = 0, at = head.length; i < wordCount; i++, at++) out32[at] = swap32(words[i]!);
    return new Uint8Array(out32.buffer);
  }
  for (let i = 0; i < head.length; i++) out32[i] = head[i]!;
  for (let i = 0, at = head.length; i < wordCount; i++, at++) out32[at] = words[i]!;
  return new Uint8Array(out32.buffer);
}

/** The track's sample sizes as big-endian u32s (the stsz entry layout), computed once per index. */
const sizeTables = new WeakMap<TrackIndex, Uint8Array>();
function sizeTableBigEndian(track: TrackIndex): Uint8Array {
  let table = sizeTables.get(track);
  if (!table) {
    table = u32Table(track.sizeBytes, track.sampleCount, 0).subarray(4);
    sizeTables.set(track, table);
  }
  return table;
}

export function buildTrackTables(cut: TrackCut): TrackTables {
  const { track, firstSample, endSample } = cut;
  const count = endSample - firstSample;
  const dts = track.dtsTs;
  const base = dts[firstSample]!;
  const cts = track.ctsOffsetTs;

  // stts runs (sample_count, sample_delta) and the presentation end, in one pass.
  const sttsWords = new Uint32Array(2 * Math.max(1, count));
  let sttsLength = 0;
  let presentationEndTs = 0;
  for (let i = firstSample; i < endSample; i++) {
    const delta = dts[i + 1]! - dts[i]!;
    if (sttsLength > 0 && sttsWords[sttsLength - 1] === delta) sttsWords[sttsLength - 2]!++;
    else {
      sttsWords[sttsLength++] = 1;
      sttsWords[sttsLength++] = delta;
    }
    const end = dts[i]! - base + (cts ? cts[i]! : 0) + delta;
    if (end > presentationEndTs) presentationEndTs = end;
  }

  let ctts: BoxNode | null = null;
  if (cts) {
    const words = new Int32Array(2 * Math.max(1, count));
    let length = 0;
    let negative = false;
    for (let i = firstSample; i < endSample; i++) {
      const value = cts[i]!;
      if (length > 0 && words[length - 1] === value) words[length - 2]!++;
      else {
        words[length++] = 1;
        words[length++] = value;
        if (value < 0) negative = true;
      }
    }
    ctts = fullBox('ctts', negative ? 1 : 0, 0, u32Table(words, length, length / 2));
  }

  let stss: BoxNode | null = null;
  if (track.syncSamples) {
    const inside: number[] = [];
    for (const sample of track.syncSamples) if (sample >= firstSample && sample < endSample) inside.push(sample - firstSample + 1);
    stss = fullBox('stss', 0, 0, u32Table(Uint32Array.from(inside), inside.length, inside.length));
  }

  const sizes = track.sizeBytes.subarray(firstSample, endSample);
  let constant = count > 0 ? sizes[0]! : 0;
  for (let i = 1; i < count; i++) {
    if (sizes[i] !== constant) {
      constant = 0;
      break;
    }
  }
  let stszPayload: Uint8Array;
  if (constant) stszPayload = u32Table(new Uint32Array(0), 0, count, [constant]);
  else {
    // The index keeps the sizes already in box byte order: the table is a copy of a slice.
    // sample_size 0, sample_count, then the entries (the FullBox header is added by fullBox()).
    stszPayload = new Uint8Array(8 + 4 * count);
    new DataView(stszPayload.buffer).setUint32(4, count);
    stszPayload.set(sizeTableBigEndian(track).subarray(4 * firstSample, 4 * endSample), 8);
  }

  // Output chunks: maximal runs of kept samples from one source chunk; stsc entries where
  // samples-per-chunk or sample_description_index change.
  const chunkSourceOffsets = new Float64Array(count);
  const chunkLengths = new Float64Array(count);
  const stscWords = new Uint32Array(3 * Math.max(1, count));
  let chunks = 0;
  let stscLength = 0;
  let lastPerChunk = -1;
  let lastDescription = -1;
  // The location tables are built on first use behind getters (src/mp4/track-index.ts): read once.
  const { chunkOfSample, chunkDescriptionIndex, offsetBytes, sizeBytes } = track;
  let i = firstSample;
  while (i < endSample) {
    const chunk = chunkOfSample[i]!;
    let j = i;
    let length = 0;
    while (j < endSample && chunkOfSample[j] === chunk) length += sizeBytes[j++]!;
    const perChunk = j - i;
    const description = chunkDescriptionIndex[chunk] ?? 1;
    chunkSourceOffsets[chunks] = offsetBytes[i]!;
    chunkLengths[chunks] = length;
    chunks++;
    if (perChunk !== lastPerChunk || description !== lastDescription) {
      stscWords[stscLength++] = chunks;
      stscWords[stscLength++] = perChunk;
      stscWords[stscLength++] = description;
      lastPerChunk = perChunk;
      lastDescription = description;
    }
    i = j;
  }

  const sdtp = track.sdtp ? fullBox('sdtp', 0, 0, track.sdtp.subarray(firstSample, endSample)) : null;

  return {
    cut,
    stts: fullBox('stts', 0, 0, u32Table(sttsWords, sttsLength, sttsLength / 2)),
    ctts,
    stss,
    stsz: fullBox('stsz', 0, 0, stszPayload),
    stsc: fullBox('stsc', 0, 0, u32Table(stscWords, stscLength, stscLength / 3)),
    sdtp,
    chunkSourceOffsets: chunkSourceOffsets.subarray(0, chunks),
    chunkLengths: chunkLengths.subarray(0, chunks),
    mediaDurationTs: dts[endSample]! - base,
    presentationEndTs,
  };
}
