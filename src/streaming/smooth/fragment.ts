/**
 * One Smooth Streaming fragment ([MS-SSTR] 2.2.4 Fragment Response; SPEC-NOTES §2.0 item 5, §2.3):
 * `moof` = MovieFragmentHeaderBox `mfhd` (sequence_number = fragment index + 1, not the original's
 * constant 1: SPEC-NOTES §1.4 F5) + one TrackFragmentBox `traf` = `tfhd` (track_ID 1: each fragment is a
 * one-track stream whose init segment the player synthesises), one TrackRunBox `trun` with data_offset
 * and per-sample duration, size, flags [and composition offset], then the `uuid` TfxdBox
 * ([MS-SSTR] 2.2.4.4, version 1: 64-bit FragmentAbsoluteTime and FragmentDuration); then `mdat` with an
 * 8-byte header whose payload is the source's sample bytes as they are (length-prefixed NAL units — not
 * the original's Annex-B rewrite, F1), streamed from the file as BodyPlan file ranges.
 *
 * ISO/IEC 14496-12 §8.8.7.1: with one traf and neither base-data-offset-present nor
 * default-base-is-moof, data_offset counts from the first byte of the moof — what IIS and ffmpeg's ismv
 * write, and what dash.js/Shaka recompute as "moof size + 8" anyway (SPEC-NOTES §2.3 "Layout").
 */
import { box, fullBox, FieldWriter, serialize, partLengthBytes, type BoxNode } from '../../mp4/writer';
import {
  TRUN_DATA_OFFSET_PRESENT, TRUN_SAMPLE_DURATION_PRESENT, TRUN_SAMPLE_SIZE_PRESENT, TRUN_SAMPLE_FLAGS_PRESENT,
  TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT, SAMPLE_IS_NON_SYNC_SAMPLE,
} from '../../mp4/boxes/fragments';
import { isSyncSample } from '../../mp4/track-index';
import { SgError } from '../../errors';
import { makeBodyPlan, type BodyPart, type BodyPlan } from '../body-plan';
import { fragmentDurationHns, fragmentStartHns, type SmoothTrackTimeline } from './timeline';
import { toHns } from './time-hns';

/** [MS-SSTR] 2.2.4.4 TfxdBox usertype 6D1D9B05-42D5-44E6-80E2-141DAFF757B2. */
export const TFXD_USER_TYPE = Uint8Array.of(0x6d, 0x1d, 0x9b, 0x05, 0x42, 0xd5, 0x44, 0xe6, 0x80, 0xe2, 0x14, 0x1d, 0xaf, 0xf7, 0x57, 0xb2);

/** sample_flags (§8.8.3.1): sample_depends_on = 2 (an I picture, depends on no other). */
const SAMPLE_FLAGS_SYNC = 0x02000000;
/** sample_depends_on = 1 (depends on others) + sample_is_non_sync_sample (F4: the original never set it). */
const SAMPLE_FLAGS_NON_SYNC = 0x01000000 | SAMPLE_IS_NON_SYNC_SAMPLE;

/** The track_ID our fragments carry (each Smooth stream is a single-track presentation). */
export const FRAGMENT_TRACK_ID = 1;

export function tfxdBox(absoluteTimeHns: number, durationHns: number): BoxNode {
  return box('uuid', TFXD_USER_TYPE, Uint8Array.of(1, 0, 0, 0), new FieldWriter(16).u64(absoluteTimeHns).u64(durationHns).finish());
}

export interface SmoothFragment {
  /** The moof alone (also the FragmentInfo answer, [MS-SSTR] 2.2.7). */
  readonly moof: Uint8Array;
  /** moof + mdat header + the samples' file ranges. */
  readonly plan: BodyPlan;
  readonly startHns: number;
  readonly durationHns: number;
}

/** Samples already in memory in the form to send (reframed Annex-B: annex-b-fragment.ts), with their sizes. */
export interface ReframedSamples {
  readonly sizesBytes: Uint32Array;
  readonly payload: Uint8Array;
}

export function buildFragment(timeline: SmoothTrackTimeline, fragment: number, sourcePath: string, reframed?: ReframedSamples): SmoothFragment {
  const { track, sampleTimesHns } = timeline;
  const first = timeline.fragmentFirstSample[fragment]!;
  const end = timeline.fragmentFirstSample[fragment + 1]!;
  const count = end - first;
  const cts = track.ctsOffsetTs;
  const isVideo = timeline.type === 'video';
  let negativeOffsets = false;
  let mdatPayloadBytes = 0;
  const offsetsHns = cts ? new Float64Array(count) : null;
  const sizeOf = (i: number): number => (reframed ? reframed.sizesBytes[i - first]! : track.sizeBytes[i]!);
  for (let i = first; i < end; i++) {
    mdatPayloadBytes += sizeOf(i);
    if (cts && offsetsHns) {
      // A difference of mapped presentation and decode times (INTERFACE §7), never a rescaled offset.
      const offsetHns = toHns(track.dtsTs[i]! + cts[i]!, track.timescale) - sampleTimesHns[i]!;
      offsetsHns[i - first] = offsetHns;
      if (offsetHns < 0) negativeOffsets = true;
    }
  }
  const trunFlags = TRUN_DATA_OFFSET_PRESENT | TRUN_SAMPLE_DURATION_PRESENT | TRUN_SAMPLE_SIZE_PRESENT | TRUN_SAMPLE_FLAGS_PRESENT
    | (cts ? TRUN_SAMPLE_COMPOSITION_TIME_OFFSETS_PRESENT : 0);
  const samples = new FieldWriter(count * (cts ? 16 : 12));
  for (let i = first; i < end; i++) {
    samples.u32(sampleTimesHns[i + 1]! - sampleTimesHns[i]!);
    samples.u32(sizeOf(i));
    samples.u32(!isVideo || isSyncSample(track, i) ? SAMPLE_FLAGS_SYNC : SAMPLE_FLAGS_NON_SYNC);
    if (offsetsHns) {
      const offsetHns = offsetsHns[i - first]!;
      // trun version 1 carries signed offsets (§8.8.8.2); version 0 unsigned.
      if (negativeOffsets) samples.i32(offsetHns);
      else samples.u32(offsetHns);
    }
  }
  const samplesBytes = samples.finish();
  const startHns = fragmentStartHns(timeline, fragment);
  const durationHns = fragmentDurationHns(timeline, fragment);
  const dataOffsetField = new Uint8Array(4);
  const moofNode = box(
    'moof',
    fullBox('mfhd', 0, 0, new FieldWriter(4).u32(fragment + 1).finish()),
    box(
      'traf',
      fullBox('tfhd', 0, 0, new FieldWriter(4).u32(FRAGMENT_TRACK_ID).finish()),
      fullBox('trun', negativeOffsets ? 1 : 0, trunFlags, new FieldWriter(4).u32(count).finish(), dataOffsetField, samplesBytes),
      tfxdBox(startHns, durationHns),
    ),
  );
  const moofBytes = partLengthBytes(moofNode);
  new DataView(dataOffsetField.buffer).setInt32(0, moofBytes + 8);
  // The players re-serialise the moof and assume an 8-byte mdat header (SPEC-NOTES §2.3 "Layout").
  if (mdatPayloadBytes + 8 > 0xffffffff) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `fragment ${fragment} of track ${track.trackId} holds more than 4 GiB` });
  const mdatHeader = new FieldWriter(8).u32(mdatPayloadBytes + 8).bytes(Uint8Array.of(0x6d, 0x64, 0x61, 0x74)).finish();
  const head = serialize(moofNode, mdatHeader);
  const moof = head.subarray(0, moofBytes);
  const parts: BodyPart[] = [{ kind: 'memory', bytes: head }];
  if (reframed) {
    parts.push({ kind: 'memory', bytes: reframed.payload });
    return { moof, plan: makeBodyPlan(parts), startHns, durationHns };
  }
  // Samples of one source chunk are contiguous: coalesce neighbours into one file range.
  let rangeStart = -1;
  let rangeLength = 0;
  const { offsetBytes, sizeBytes } = track;
  for (let i = first; i < end; i++) {
    const offset = offsetBytes[i]!;
    const size = sizeBytes[i]!;
    if (rangeStart >= 0 && rangeStart + rangeLength === offset) {
      rangeLength += size;
      continue;
    }
    if (rangeStart >= 0 && rangeLength > 0) parts.push({ kind: 'file', path: sourcePath, offsetBytes: rangeStart, lengthBytes: rangeLength });
    rangeStart = offset;
    rangeLength = size;
  }
  if (rangeStart >= 0 && rangeLength > 0) parts.push({ kind: 'file', path: sourcePath, offsetBytes: rangeStart, lengthBytes: rangeLength });
  return { moof, plan: makeBodyPlan(parts), startHns, durationHns };
}
