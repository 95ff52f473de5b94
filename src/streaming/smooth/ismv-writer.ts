/**
 * A whole fragmented MP4 (`.ismv` / `.isma`) of one Smooth level, as mp4split writes it (INTERFACE §8):
 * `ftyp`, `moov` with `mvex`/`trex` (the 2009 mp4split left mvex out and strict readers refused its
 * fragments: SPEC-NOTES §1.4 F8), one `moof`+`mdat` per fragment exactly as handleSmooth serves them
 * (mfhd sequence numbers, trun with data_offset, tfxd), then `mfra` with a version-1 `tfra` and `mfro`
 * (ISO/IEC 14496-12 §8.8.9–§8.8.11). The track is track_ID 1 with timescale 10^7, so the file's own
 * times are the manifest's (ffmpeg's ismv muxer makes the same choice, SPEC-NOTES §2.7). The result is
 * a BodyPlan: in-memory boxes plus the source's sample ranges, never the samples in memory.
 */
import { box, fullBox, FieldWriter, serialize } from '../../mp4/writer';
import type { TrackIndex } from '../../mp4/track-index';
import { makeBodyPlan, type BodyPart, type BodyPlan } from '../body-plan';
import { buildFragment, FRAGMENT_TRACK_ID } from './fragment';
import type { SmoothLevel } from './smooth-set';
import { fragmentCount, fragmentStartHns, timelineSpanHns } from './timeline';
import { SMOOTH_TIMESCALE } from './time-hns';

const UNITY_MATRIX = new FieldWriter(36).u32(0x10000).u32(0).u32(0).u32(0).u32(0x10000).u32(0).u32(0).u32(0).u32(0x40000000).finish();
const TKHD_ENABLED_IN_MOVIE_IN_PREVIEW = 0x000007;

function moovOf(track: TrackIndex, durationHns: number, isVideo: boolean): Uint8Array {
  const mvhd = fullBox('mvhd', 1, 0, new FieldWriter(108).u64(0).u64(0).u32(SMOOTH_TIMESCALE).u64(durationHns).u32(0x10000).u16(0x100).u16(0).u32(0).u32(0)
    .bytes(UNITY_MATRIX).bytes(new Uint8Array(24)).u32(FRAGMENT_TRACK_ID + 1).finish());
  const widthFixed = isVideo ? Math.round(track.header.widthPx * 65536) : 0;
  const heightFixed = isVideo ? Math.round(track.header.heightPx * 65536) : 0;
  const tkhd = fullBox('tkhd', 1, TKHD_ENABLED_IN_MOVIE_IN_PREVIEW, new FieldWriter(92).u64(0).u64(0).u32(FRAGMENT_TRACK_ID).u32(0).u64(durationHns).u32(0).u32(0)
    .u16(0).u16(0).u16(isVideo ? 0 : 0x100).u16(0).bytes(UNITY_MATRIX).u32(widthFixed).u32(heightFixed).finish());
  const language = track.media.language;
  const packedLanguage = /^[a-z]{3}$/.test(language) ? ((language.charCodeAt(0) - 0x60) << 10) | ((language.charCodeAt(1) - 0x60) << 5) | (language.charCodeAt(2) - 0x60) : 0x55c4;
  const mdhd = fullBox('mdhd', 1, 0, new FieldWriter(32).u64(0).u64(0).u32(SMOOTH_TIMESCALE).u64(durationHns).u16(packedLanguage).u16(0).finish());
  const empty = new FieldWriter(4).u32(0).finish();
  const stbl = box('stbl', track.raw.stsd, fullBox('stts', 0, 0, empty), fullBox('stsc', 0, 0, empty), fullBox('stsz', 0, 0, new FieldWriter(8).u32(0).u32(0).finish()), fullBox('stco', 0, 0, empty));
  const minf = box('minf', ...track.raw.minfOther, stbl);
  const mvex = box('mvex', fullBox('mehd', 1, 0, new FieldWriter(8).u64(durationHns).finish()), fullBox('trex', 0, 0, new FieldWriter(20).u32(FRAGMENT_TRACK_ID).u32(1).u32(0).u32(0).u32(0).finish()));
  return serialize(box('moov', mvhd, box('trak', tkhd, box('mdia', mdhd, track.raw.hdlr, minf)), mvex));
}

export interface IsmvFile {
  readonly plan: BodyPlan;
  readonly fragmentCount: number;
}

export function buildIsmvFile(level: SmoothLevel): IsmvFile {
  const { timeline } = level;
  const isVideo = timeline.type === 'video';
  const span = timelineSpanHns(timeline);
  const ftyp = serialize(box('ftyp', Uint8Array.from(Buffer.from('isml')), new FieldWriter(4).u32(1).finish(), Uint8Array.from(Buffer.from('ismlpiffiso2iso6'))));
  const parts: BodyPart[] = [{ kind: 'memory', bytes: ftyp }, { kind: 'memory', bytes: moovOf(timeline.track, span.endHns - Math.min(span.startHns, 0), isVideo) }];
  let positionBytes = ftyp.length + (parts[1] as { bytes: Uint8Array }).bytes.length;
  const count = fragmentCount(timeline);
  const entries = new FieldWriter(count * 19);
  for (let k = 0; k < count; k++) {
    const fragment = buildFragment(timeline, k, level.sourcePath);
    // tfra v1: time, moof_offset (u64 each), then 1-byte traf/trun/sample numbers (length fields 0).
    entries.u64(fragmentStartHns(timeline, k)).u64(positionBytes).u8(1).u8(1).u8(1);
    parts.push(...fragment.plan.parts);
    positionBytes += fragment.plan.totalBytes;
  }
  const tfra = fullBox('tfra', 1, 0, new FieldWriter(12).u32(FRAGMENT_TRACK_ID).u32(0).u32(count).finish(), entries.finish());
  const tfraBytes = serialize(tfra);
  const mfraSizeBytes = 8 + tfraBytes.length + 16;
  const mfra = serialize(box('mfra', tfraBytes, fullBox('mfro', 0, 0, new FieldWriter(4).u32(mfraSizeBytes).finish())));
  parts.push({ kind: 'memory', bytes: mfra });
  return { plan: makeBodyPlan(parts), fragmentCount: count };
}
