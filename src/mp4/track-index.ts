/**
 * The per-track sample index: for every sample its decode time, composition offset, size, file offset,
 * chunk and sync flag, as flat typed arrays (a 2-hour track is ~500k samples, ~14 MB). Built from a
 * classic `stbl` here, or from movie fragments in fragment-index.ts; the outputs only see this shape.
 */
import { SgError } from '../errors';
import { findChild, readChildren, requireChild, type BoxSlice } from './box-reader';
import { parseTkhd, parseMdhd, parseHdlr, type TrackHeader, type MediaHeader } from './boxes/headers';
import { parseElst, summarizeEdits, type EditEntry } from './boxes/edit-list';
import { parseStsd, type CodecConfig } from './boxes/sample-entry';
import {
  parseStts, parseCtts, parseStss, parseStsz, parseStz2, parseStsc, parseChunkOffsets, chunkOffsetCount, parseSdtp, type SampleSizes,
} from './boxes/sample-tables';
import { rescale } from './integers';

export interface TrackRawBoxes {
  readonly tkhd: Uint8Array;
  readonly mdhd: Uint8Array;
  readonly hdlr: Uint8Array;
  /** minf children other than stbl (vmhd/smhd/nmhd, dinf), copied verbatim. */
  readonly minfOther: readonly Uint8Array[];
  readonly stsd: Uint8Array;
}

export interface TrackIndex {
  readonly trackId: number;
  /** hdlr handler_type: 'vide', 'soun', … */
  readonly handlerType: string;
  readonly timescale: number;
  readonly header: TrackHeader;
  readonly media: MediaHeader;
  readonly sampleCount: number;
  /** Decode time of each sample, track timescale; one extra entry = the end of the last sample. */
  readonly dtsTs: Float64Array;
  /** Composition offset per sample (ctts), or null when the track has none. */
  readonly ctsOffsetTs: Int32Array | null;
  readonly sizeBytes: Uint32Array;
  readonly offsetBytes: Float64Array;
  /** 0-based indices of sync samples, increasing; null = every sample is a sync sample (no stss). */
  readonly syncSamples: Uint32Array | null;
  /** 0-based source chunk of each sample (samples of one chunk are contiguous in the file). */
  readonly chunkOfSample: Uint32Array;
  /** sample_description_index (1-based) of each source chunk. */
  readonly chunkDescriptionIndex: Uint32Array;
  readonly sdtp: Uint8Array | null;
  /**
   * Presentation time of sample i (track timescale, on the movie's timeline after the edit list) is
   * dtsTs[i] + ctsOffsetTs[i] + presentationShiftTs: the empty edits minus the first edit's media_time
   * (ISO/IEC 14496-12 §8.6.6; SPEC-NOTES §3.3 "B-frames and edit lists").
   */
  readonly presentationShiftTs: number;
  readonly edits: readonly EditEntry[];
  readonly codecs: readonly CodecConfig[];
  readonly raw: TrackRawBoxes;
  /**
   * True when the (AVC) samples are an ITU-T H.264 Annex-B byte stream instead of length-prefixed NAL
   * units — the 2009 mp4split's `.ismv` (SPEC-NOTES §1.4 F1); outputs must reframe them (mp4/annex-b.ts).
   * The codecs' avcC then already says 4-byte lengths, the form after reframing.
   */
  readonly annexB?: boolean;
  /** For fragmented sources, where each source moof lies (fragment-index.ts); absent for stbl sources. */
  readonly sourceFragments?: SourceFragments;
}

/**
 * The source's own fragments of one track (ISO/IEC 14496-12 §8.8): per traf the first sample, and the
 * moof + mdat byte range when that pair can be sent as it is (one traf of this track, one trun with
 * data_offset and explicit sample flags, tfxd present, the mdat right after the moof holding exactly
 * these samples); length 0 when it cannot.
 */
export interface SourceFragments {
  readonly firstSample: Uint32Array;
  /** First byte of the moof. */
  readonly moofOffsetBytes: Float64Array;
  readonly moofSizeBytes: Float64Array;
  /** moof + mdat bytes when sendable verbatim, else 0. */
  readonly verbatimSizeBytes: Float64Array;
}

export function presentationTimeTs(track: TrackIndex, sample: number): number {
  return track.dtsTs[sample]! + (track.ctsOffsetTs ? track.ctsOffsetTs[sample]! : 0) + track.presentationShiftTs;
}

export function isSyncSample(track: TrackIndex, sample: number): boolean {
  if (!track.syncSamples) return true;
  return binarySearchExact(track.syncSamples, sample);
}

function binarySearchExact(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The parts of a trak every index needs, whether its samples are in stbl or in fragments. */
export interface TrackBasics {
  readonly trackId: number;
  readonly handlerType: string;
  readonly header: TrackHeader;
  readonly media: MediaHeader;
  readonly edits: readonly EditEntry[];
  readonly presentationShiftTs: number;
  readonly codecs: readonly CodecConfig[];
  readonly raw: TrackRawBoxes;
  readonly stbl: readonly BoxSlice[];
}

export function readTrackBasics(trak: BoxSlice, movieTimescale: number): TrackBasics {
  const children = readChildren(trak.payload, 'trak');
  const tkhdBox = requireChild(children, 'tkhd', 'trak');
  const mdia = readChildren(requireChild(children, 'mdia', 'trak').payload, 'mdia');
  const mdhdBox = requireChild(mdia, 'mdhd', 'mdia');
  const hdlrBox = requireChild(mdia, 'hdlr', 'mdia');
  const minf = readChildren(requireChild(mdia, 'minf', 'mdia').payload, 'minf');
  const stblBox = requireChild(minf, 'stbl', 'minf');
  const stbl = readChildren(stblBox.payload, 'stbl');
  const stsdBox = requireChild(stbl, 'stsd', 'stbl');
  const header = parseTkhd(tkhdBox.payload);
  const media = parseMdhd(mdhdBox.payload);
  const edtsBox = findChild(children, 'edts', 'trak');
  const elstBox = edtsBox ? findChild(readChildren(edtsBox.payload, 'edts'), 'elst', 'edts') : undefined;
  const edits = elstBox ? parseElst(elstBox.payload) : [];
  const summary = summarizeEdits(edits);
  return {
    trackId: header.trackId,
    handlerType: parseHdlr(hdlrBox.payload),
    header,
    media,
    edits,
    presentationShiftTs: rescale(summary.emptyDurationTs, movieTimescale, media.timescale) - summary.mediaTimeTs,
    codecs: parseStsd(stsdBox.payload).entries,
    raw: {
      tkhd: tkhdBox.raw.slice(),
      mdhd: mdhdBox.raw.slice(),
      hdlr: hdlrBox.raw.slice(),
      minfOther: minf.filter((b) => b.type !== 'stbl').map((b) => b.raw.slice()),
      stsd: stsdBox.raw.slice(),
    },
    stbl,
  };
}

function malformed(box: string, detail: string): SgError {
  return new SgError('SG_ERR_MP4_MALFORMED', { box, detail });
}

/** Builds the index of a classic (non-fragmented) track from its stbl. */
export function indexStblTrack(basics: TrackBasics, fileSizeBytes: number): TrackIndex {
  const { stbl } = basics;
  const stszBox = findChild(stbl, 'stsz', 'stbl');
  const stz2Box = findChild(stbl, 'stz2', 'stbl');
  if (!stszBox && !stz2Box) throw malformed('stbl', 'missing stsz/stz2');
  const sizes: SampleSizes = stszBox ? parseStsz(stszBox.payload) : parseStz2(stz2Box!.payload);
  const n = sizes.sampleCount;
  // A constant-size stsz carries a bare count: bound it by the file before allocating per-sample arrays.
  if (sizes.constantSizeBytes > 0 && n * sizes.constantSizeBytes > fileSizeBytes) {
    throw malformed('stsz', `${n} samples of ${sizes.constantSizeBytes} bytes exceed the file`);
  }
  if (n > fileSizeBytes) throw malformed('stsz', `${n} samples in a file of ${fileSizeBytes} bytes`);
  const sizeBytes = sizes.sizes ?? new Uint32Array(n).fill(sizes.constantSizeBytes);

  const stts = parseStts(requireChild(stbl, 'stts', 'stbl').payload);
  const dtsTs = new Float64Array(n + 1);
  let sample = 0;
  let time = 0;
  for (let run = 0; run < stts.counts.length && sample < n; run++) {
    const delta = stts.values[run]!;
    const count = Math.min(stts.counts[run]!, n - sample);
    for (let k = 0; k < count; k++) {
      dtsTs[sample++] = time;
      time += delta;
    }
  }
  if (sample < n) throw malformed('stts', `covers ${sample} of ${n} samples`);
  dtsTs[n] = time;

  // The boxes a manifest does not need are parsed when a cut or a fragment first asks for what they
  // give (and throw then, answered 415 like any malformed source): the composition offsets (ctts),
  // and each sample's file offset, chunk and sample description (stsc over stco/co64, 12+ bytes a
  // sample). A manifest needs times, sync samples and sizes alone; on a 2-hour source the rest is
  // ~8 MB of fresh pages and a few hundred thousand table entries walked by code that has not
  // warmed up yet (INTERFACE §12: first manifest < 150 ms). Only their presence and their entry
  // counts are checked here.
  const cttsBox = findChild(stbl, 'ctts', 'stbl');
  let compositionOffsets: Int32Array | null = null;
  const compositionOffsetsOf = (): Int32Array | null => (cttsBox ? (compositionOffsets ??= expandCompositionOffsets(cttsBox.payload, n)) : null);

  let syncSamples: Uint32Array | null = null;
  const stssBox = findChild(stbl, 'stss', 'stbl');
  if (stssBox) {
    const numbers = parseStss(stssBox.payload);
    syncSamples = new Uint32Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) {
      if (numbers[i]! > n) throw malformed('stss', `sync sample ${numbers[i]} of ${n}`);
      syncSamples[i] = numbers[i]! - 1;
    }
  }

  const stscBox = requireChild(stbl, 'stsc', 'stbl');
  const stcoBox = findChild(stbl, 'stco', 'stbl');
  const co64Box = findChild(stbl, 'co64', 'stbl');
  if (!stcoBox && !co64Box) throw malformed('stbl', 'missing stco/co64');
  // The entry count against the box's size (a hostile count must not reach an allocation later).
  chunkOffsetCount(stcoBox ? stcoBox.payload : co64Box!.payload, stcoBox ? 'stco' : 'co64');
  let locations: SampleLocations | null = null;
  const locate = (): SampleLocations =>
    (locations ??= sampleLocations(basics.trackId, n, stcoBox ? parseChunkOffsets(stcoBox.payload, 'stco') : parseChunkOffsets(co64Box!.payload, 'co64'), parseStsc(stscBox.payload), sizeBytes, fileSizeBytes));

  const sdtpBox = findChild(stbl, 'sdtp', 'stbl');
  return {
    trackId: basics.trackId,
    handlerType: basics.handlerType,
    timescale: basics.media.timescale,
    header: basics.header,
    media: basics.media,
    sampleCount: n,
    dtsTs,
    get ctsOffsetTs() {
      return compositionOffsetsOf();
    },
    sizeBytes,
    get offsetBytes() {
      return locate().offsetBytes;
    },
    syncSamples,
    get chunkOfSample() {
      return locate().chunkOfSample;
    },
    get chunkDescriptionIndex() {
      return locate().chunkDescriptionIndex;
    },
    sdtp: sdtpBox ? parseSdtp(sdtpBox.payload, n) : null,
    presentationShiftTs: basics.presentationShiftTs,
    edits: basics.edits,
    codecs: basics.codecs,
    raw: basics.raw,
  };
}

interface SampleLocations {
  readonly offsetBytes: Float64Array;
  readonly chunkOfSample: Uint32Array;
  readonly chunkDescriptionIndex: Uint32Array;
}

/**
 * Each sample's file offset and chunk, and each chunk's sample description (ISO 14496-12 §8.7.4 stsc
 * over §8.7.5 stco/co64). The chunks must hold every sample (SG_ERR_MP4_MALFORMED otherwise), and a
 * chunk that ends past the end of the file is SG_ERR_MP4_TRUNCATED.
 */
function sampleLocations(
  trackId: number,
  n: number,
  chunkOffsets: Float64Array,
  stsc: ReturnType<typeof parseStsc>,
  sizeBytes: Uint32Array,
  fileSizeBytes: number,
): SampleLocations {
  if (n > 0 && (stsc.firstChunk.length === 0 || stsc.firstChunk[0] !== 1)) throw malformed('stsc', 'does not start at chunk 1');
  const offsetBytes = new Float64Array(n);
  const chunkOfSample = new Uint32Array(n);
  const chunkDescriptionIndex = new Uint32Array(chunkOffsets.length);
  let sample = 0;
  let entry = 0;
  for (let chunk = 0; chunk < chunkOffsets.length && sample < n; chunk++) {
    while (entry + 1 < stsc.firstChunk.length && stsc.firstChunk[entry + 1]! <= chunk + 1) entry++;
    chunkDescriptionIndex[chunk] = stsc.sampleDescriptionIndex[entry]!;
    let position = chunkOffsets[chunk]!;
    const count = Math.min(stsc.samplesPerChunk[entry]!, n - sample);
    for (let k = 0; k < count; k++) {
      offsetBytes[sample] = position;
      chunkOfSample[sample] = chunk;
      position += sizeBytes[sample]!;
      sample++;
    }
    if (position > fileSizeBytes) throw new SgError('SG_ERR_MP4_TRUNCATED', { box: 'mdat', detail: `chunk ${chunk + 1} of track ${trackId} ends past the end of the file` });
  }
  if (sample < n) throw malformed('stsc', `chunks hold ${sample} of ${n} samples`);
  return { offsetBytes, chunkOfSample, chunkDescriptionIndex };
}

/** ctts (ISO 14496-12 §8.6.1.3) run-length table expanded to one offset per sample. */
function expandCompositionOffsets(payload: Uint8Array, n: number): Int32Array {
  const ctts = parseCtts(payload);
  const offsets = new Int32Array(n);
  let sample = 0;
  for (let run = 0; run < ctts.counts.length && sample < n; run++) {
    const count = Math.min(ctts.counts[run]!, n - sample);
    offsets.fill(ctts.values[run]!, sample, sample + count);
    sample += count;
  }
  if (sample < n) throw malformed('ctts', `covers ${sample} of ${n} samples`);
  return offsets;
}

/** Approximate heap footprint of a track index, for the cache's byte bound. */
export function trackIndexBytes(track: TrackIndex): number {
  // + sizeBytes once more: the progressive writer keeps a big-endian copy of the sizes per index.
  let total = 512 + track.sizeBytes.byteLength;
  // What is built on first use is counted without touching it, at its largest (it may not be built
  // yet, and the bound must hold once it is): sample offsets and chunks (Float64 + Uint32 a sample),
  // composition offsets (Int32 a sample) and chunk descriptions (at most one chunk a sample).
  total += track.sampleCount * (12 + 4 + 4);
  for (const array of [track.dtsTs, track.sizeBytes, track.syncSamples, track.sdtp]) {
    if (array) total += array.byteLength;
  }
  total += track.raw.tkhd.byteLength + track.raw.mdhd.byteLength + track.raw.hdlr.byteLength + track.raw.stsd.byteLength;
  for (const part of track.raw.minfOther) total += part.byteLength;
  const fragments = track.sourceFragments;
  if (fragments) total += fragments.firstSample.byteLength + fragments.moofOffsetBytes.byteLength + fragments.moofSizeBytes.byteLength + fragments.verbatimSizeBytes.byteLength;
  return total;
}
