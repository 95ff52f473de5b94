/**
 * Movie fragment boxes (ISO/IEC 14496-12 §8.8): TrackExtendsBox `trex` §8.8.3, TrackFragmentHeaderBox
 * `tfhd` §8.8.7, TrackRunBox `trun` §8.8.8, TrackFragmentBaseMediaDecodeTimeBox `tfdt` §8.8.12,
 * TrackFragmentRandomAccessBox `tfra` §8.8.10. Flag bits are named as the spec names them.
 */
import { ByteCursor } from '../byte-cursor';

export const TFHD_BASE_DATA_OFFSET_PRESENT = 0x000001;
export const TFHD_SAMPLE_DESCRIPTION_INDEX_PRESENT = 0x000002;
export const TFHD_DEFAULT_SAMPLE_DURATION_PRESENT = 0x000008;
export const TFHD_DEFAULT_SAMPLE_SIZE_PRESENT = 0x000010;
export const TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT = 0x000020;
export const TFHD_DURATION_IS_EMPTY = 0x010000;
export const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

export const TRUN_DATA_OFFSET_PRESENT = 0x000001;
export const TRUN_FIRST_SAMPLE_FLAGS_PRESENT = 0x000004;
export const TRUN_SAMPLE_DURATION_PRESENT = 0x000100;
export const TRUN_SAMPLE_SIZE_PRESENT = 0x000200;
export const TRUN_SAMPLE_FLAGS_PRESENT = 0x000400;
export const TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT = 0x000800;

/** sample_flags bit sample_is_non_sync_sample (§8.8.3.1). */
export const SAMPLE_IS_NON_SYNC_SAMPLE = 0x00010000;

export interface TrackExtends {
  readonly trackId: number;
  readonly defaultSampleDescriptionIndex: number;
  readonly defaultSampleDurationTs: number;
  readonly defaultSampleSizeBytes: number;
  readonly defaultSampleFlags: number;
}

export function parseTrex(payload: Uint8Array): TrackExtends {
  const c = new ByteCursor(payload, 'trex');
  c.fullBoxHeader();
  return {
    trackId: c.u32(),
    defaultSampleDescriptionIndex: c.u32(),
    defaultSampleDurationTs: c.u32(),
    defaultSampleSizeBytes: c.u32(),
    defaultSampleFlags: c.u32(),
  };
}

export interface TrackFragmentHeader {
  readonly flags: number;
  readonly trackId: number;
  readonly baseDataOffsetBytes?: number;
  readonly sampleDescriptionIndex?: number;
  readonly defaultSampleDurationTs?: number;
  readonly defaultSampleSizeBytes?: number;
  readonly defaultSampleFlags?: number;
}

export function parseTfhd(payload: Uint8Array): TrackFragmentHeader {
  const c = new ByteCursor(payload, 'tfhd');
  const { flags } = c.fullBoxHeader();
  const trackId = c.u32();
  return {
    flags,
    trackId,
    ...(flags & TFHD_BASE_DATA_OFFSET_PRESENT ? { baseDataOffsetBytes: c.u64('base_data_offset') } : {}),
    ...(flags & TFHD_SAMPLE_DESCRIPTION_INDEX_PRESENT ? { sampleDescriptionIndex: c.u32() } : {}),
    ...(flags & TFHD_DEFAULT_SAMPLE_DURATION_PRESENT ? { defaultSampleDurationTs: c.u32() } : {}),
    ...(flags & TFHD_DEFAULT_SAMPLE_SIZE_PRESENT ? { defaultSampleSizeBytes: c.u32() } : {}),
    ...(flags & TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT ? { defaultSampleFlags: c.u32() } : {}),
  };
}

export function parseTfdt(payload: Uint8Array): number {
  const c = new ByteCursor(payload, 'tfdt');
  const { version } = c.fullBoxHeader();
  return version === 1 ? c.u64('baseMediaDecodeTime') : c.u32();
}

export interface TrackRun {
  readonly flags: number;
  readonly sampleCount: number;
  readonly dataOffsetBytes?: number;
  readonly firstSampleFlags?: number;
  /** Per-sample fields; null when the run does not carry that field (tfhd/trex defaults apply). */
  readonly durationsTs: Uint32Array | null;
  readonly sizesBytes: Uint32Array | null;
  readonly sampleFlags: Uint32Array | null;
  readonly compositionOffsetsTs: Int32Array | null;
}

export function parseTrun(payload: Uint8Array): TrackRun {
  const c = new ByteCursor(payload, 'trun');
  const { version, flags } = c.fullBoxHeader();
  const has = (bit: number): boolean => (flags & bit) !== 0;
  const perSampleBytes =
    (has(TRUN_SAMPLE_DURATION_PRESENT) ? 4 : 0) +
    (has(TRUN_SAMPLE_SIZE_PRESENT) ? 4 : 0) +
    (has(TRUN_SAMPLE_FLAGS_PRESENT) ? 4 : 0) +
    (has(TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT) ? 4 : 0);
  const sampleCount = c.u32();
  const dataOffsetBytes = has(TRUN_DATA_OFFSET_PRESENT) ? c.i32() : undefined;
  const firstSampleFlags = has(TRUN_FIRST_SAMPLE_FLAGS_PRESENT) ? c.u32() : undefined;
  c.need(sampleCount * perSampleBytes, 'samples');
  const durationsTs = has(TRUN_SAMPLE_DURATION_PRESENT) ? new Uint32Array(sampleCount) : null;
  const sizesBytes = has(TRUN_SAMPLE_SIZE_PRESENT) ? new Uint32Array(sampleCount) : null;
  const sampleFlags = has(TRUN_SAMPLE_FLAGS_PRESENT) ? new Uint32Array(sampleCount) : null;
  const compositionOffsetsTs = has(TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT) ? new Int32Array(sampleCount) : null;
  for (let i = 0; i < sampleCount; i++) {
    if (durationsTs) durationsTs[i] = c.u32();
    if (sizesBytes) sizesBytes[i] = c.u32();
    if (sampleFlags) sampleFlags[i] = c.u32();
    // Version 0 offsets are unsigned by the letter of §8.8.8, version 1 signed; read both signed as
    // every demuxer does (an unsigned offset above 2^31 is no real composition offset).
    if (compositionOffsetsTs) compositionOffsetsTs[i] = version === 0 ? c.u32() | 0 : c.i32();
  }
  return {
    flags,
    sampleCount,
    ...(dataOffsetBytes !== undefined ? { dataOffsetBytes } : {}),
    ...(firstSampleFlags !== undefined ? { firstSampleFlags } : {}),
    durationsTs,
    sizesBytes,
    sampleFlags,
    compositionOffsetsTs,
  };
}

export interface RandomAccessEntry {
  readonly timeTs: number;
  readonly moofOffsetBytes: number;
}

export function parseTfra(payload: Uint8Array): { trackId: number; entries: RandomAccessEntry[] } {
  const c = new ByteCursor(payload, 'tfra');
  const { version } = c.fullBoxHeader();
  const trackId = c.u32();
  const lengths = c.u32();
  const trafBytes = ((lengths >> 4) & 3) + 1;
  const trunBytes = ((lengths >> 2) & 3) + 1;
  const sampleBytes = (lengths & 3) + 1;
  const perEntry = (version === 1 ? 16 : 8) + trafBytes + trunBytes + sampleBytes;
  const n = c.entryCount(perEntry, 'entries');
  const entries: RandomAccessEntry[] = [];
  for (let i = 0; i < n; i++) {
    const timeTs = version === 1 ? c.u64('time') : c.u32();
    const moofOffsetBytes = version === 1 ? c.u64('moof_offset') : c.u32();
    c.skip(trafBytes + trunBytes + sampleBytes, 'traf/trun/sample numbers');
    entries.push({ timeTs, moofOffsetBytes });
  }
  return { trackId, entries };
}
