/**
 * Indexes fragmented inputs (ISO/IEC 14496-12 §8.8: moov with mvex, then moof+mdat pairs, optionally an
 * mfra): the samples of every traf/trun become the same flat TrackIndex a classic stbl gives, so the
 * progressive cut and the Smooth Streaming fragmenter share one view (SPEC-NOTES §3.3 "Fragmented
 * inputs": flatten, never index the empty stbl tables).
 *
 * Data offsets follow §8.8.7.1: tfhd base_data_offset when present; else the moof's first byte when
 * default-base-is-moof is set or for the first traf; else the end of the previous traf's data. A trun
 * without data_offset continues where the previous trun of the traf ended.
 *
 * Two leniencies for the 2009 mp4split's `.ismv` (SPEC-NOTES §1.3 "Fragments", §1.4 F2, F4, F8), whose
 * moov has no mvex (defaults then come from tfhd/trun alone) and whose trun has no data_offset: read by
 * the letter, its first sample would start at the moof's own first byte, inside the moof, so a first
 * trun without any offset whose base is that moof reads from the payload of the mdat right after it
 * (what the writer meant, and what dash.js assumes too). And its sample flags mark every frame a sync
 * sample (sample_is_non_sync_sample never set); when no sample of a video track is marked non-sync yet
 * its trafs hold several samples, the sync samples are taken to be each traf's first — the writer cut
 * every fragment at a keyframe, and its tfra lists exactly those.
 */
import { SgError } from '../errors';
import { findChild, readBoxHeaderAt, readChildren, readWholeBox, type BoxLocation } from './box-reader';
import {
  parseTfhd, parseTfdt, parseTrun, parseTrex, parseTfra, type TrackExtends, type RandomAccessEntry,
  TFHD_DEFAULT_BASE_IS_MOOF, SAMPLE_IS_NON_SYNC_SAMPLE,
} from './boxes/fragments';
import type { RangeSource } from './range-source';
import type { SourceFragments, TrackBasics, TrackIndex } from './track-index';

/** [MS-SSTR] 2.2.4.4 TfxdBox usertype 6D1D9B05-42D5-44E6-80E2-141DAFF757B2. */
const TFXD_USER_TYPE_HEX = '6d1d9b0542d544e680e2141daff757b2';

class GrowableNumbers {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  toFloat64(extra = 0): Float64Array {
    const out = new Float64Array(this.length + extra);
    out.set(this.data.subarray(0, this.length));
    return out;
  }
  at(i: number): number {
    return this.data[i]!;
  }
}

interface TrackAccumulator {
  readonly basics: TrackBasics;
  readonly trex: TrackExtends | undefined;
  readonly dts: GrowableNumbers;
  readonly cts: GrowableNumbers;
  readonly size: GrowableNumbers;
  readonly offset: GrowableNumbers;
  readonly chunk: GrowableNumbers;
  readonly chunkDescription: GrowableNumbers;
  readonly sync: GrowableNumbers;
  nextDtsTs: number;
  hasCts: boolean;
  chunkCount: number;
  /** Per traf: first sample, moof offset and size, verbatim moof+mdat size (0 = must be rebuilt). */
  readonly trafFirstSample: GrowableNumbers;
  readonly trafMoofOffset: GrowableNumbers;
  readonly trafMoofSize: GrowableNumbers;
  readonly trafVerbatimSize: GrowableNumbers;
}

function isTfxd(box: { type: string; raw: Uint8Array }): boolean {
  return box.type === 'uuid' && box.raw.length >= 24 && Buffer.from(box.raw.buffer, box.raw.byteOffset + 8, 16).toString('hex') === TFXD_USER_TYPE_HEX;
}

const MAX_MOOF_BYTES = 64 * 1024 * 1024;

export function readTrackExtends(mvexPayload: Uint8Array): Map<number, TrackExtends> {
  const out = new Map<number, TrackExtends>();
  for (const box of readChildren(mvexPayload, 'mvex')) {
    if (box.type === 'trex') {
      const trex = parseTrex(box.payload);
      out.set(trex.trackId, trex);
    }
  }
  return out;
}

export async function indexFragments(
  source: RangeSource,
  moofs: readonly BoxLocation[],
  tracks: readonly TrackBasics[],
  trexByTrack: Map<number, TrackExtends>,
  /** The top-level box right after a moof (its mdat, usually), for the implicit data offset above. */
  boxAfter: (moof: BoxLocation) => BoxLocation | undefined = () => undefined,
): Promise<TrackIndex[]> {
  const byId = new Map<number, TrackAccumulator>();
  for (const basics of tracks) {
    byId.set(basics.trackId, {
      basics,
      trex: trexByTrack.get(basics.trackId),
      dts: new GrowableNumbers(),
      cts: new GrowableNumbers(),
      size: new GrowableNumbers(),
      offset: new GrowableNumbers(),
      chunk: new GrowableNumbers(),
      chunkDescription: new GrowableNumbers(),
      sync: new GrowableNumbers(),
      nextDtsTs: 0,
      hasCts: false,
      chunkCount: 0,
      trafFirstSample: new GrowableNumbers(),
      trafMoofOffset: new GrowableNumbers(),
      trafMoofSize: new GrowableNumbers(),
      trafVerbatimSize: new GrowableNumbers(),
    });
  }
  for (const location of moofs) {
    const moof = await readWholeBox(source, location, MAX_MOOF_BYTES);
    let previousTrafEnd = location.offsetBytes;
    let firstTraf = true;
    const moofChildren = readChildren(moof.payload, 'moof');
    const trafCount = moofChildren.filter((b) => b.type === 'traf').length;
    const next = boxAfter(location);
    const mdatAfter = next && next.type === 'mdat' && next.offsetBytes === location.offsetBytes + location.sizeBytes ? next : undefined;
    for (const traf of moofChildren) {
      if (traf.type !== 'traf') continue;
      const children = readChildren(traf.payload, 'traf');
      const tfhdBox = findChild(children, 'tfhd', 'traf');
      if (!tfhdBox) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'traf', detail: 'missing tfhd' });
      const tfhd = parseTfhd(tfhdBox.payload);
      const acc = byId.get(tfhd.trackId);
      if (!acc) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'tfhd', detail: `unknown track_ID ${tfhd.trackId}` });
      const tfdtBox = findChild(children, 'tfdt', 'traf');
      if (tfdtBox) acc.nextDtsTs = parseTfdt(tfdtBox.payload);
      const base = tfhd.baseDataOffsetBytes ?? (firstTraf || tfhd.flags & TFHD_DEFAULT_BASE_IS_MOOF ? location.offsetBytes : previousTrafEnd);
      firstTraf = false;
      let position = base;
      const descriptionIndex = tfhd.sampleDescriptionIndex ?? acc.trex?.defaultSampleDescriptionIndex ?? 1;
      const truns = children.filter((b) => b.type === 'trun');
      const trafFirstSample = acc.dts.length;
      let verbatim = trafCount === 1 && truns.length === 1 && mdatAfter !== undefined && mdatAfter.headerBytes === 8
        && base === location.offsetBytes && children.some(isTfxd);
      let trafBytes = 0;
      let firstRun = true;
      for (const box of truns) {
        const trun = parseTrun(box.payload);
        if (firstRun && trun.dataOffsetBytes === undefined && base === location.offsetBytes && mdatAfter) {
          position = mdatAfter.offsetBytes + mdatAfter.headerBytes; // the 2009 writer's implicit offset (header comment)
        }
        firstRun = false;
        if (trun.dataOffsetBytes !== location.sizeBytes + 8) verbatim = false;
        // Players synthesise a trex of zeros (SPEC-NOTES §2.3): a verbatim fragment must carry its own
        // durations, sizes and flags (§2.5 pitfall 6).
        if (!trun.durationsTs && tfhd.defaultSampleDurationTs === undefined) verbatim = false;
        if (!trun.sizesBytes && tfhd.defaultSampleSizeBytes === undefined) verbatim = false;
        if (!trun.sampleFlags && tfhd.defaultSampleFlags === undefined) verbatim = false;
        // A run of default-sized samples carries a bare count: bound it before looping over it.
        if (trun.sampleCount > source.sizeBytes) {
          throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'trun', detail: `${trun.sampleCount} samples in a file of ${source.sizeBytes} bytes` });
        }
        if (trun.dataOffsetBytes !== undefined) position = base + trun.dataOffsetBytes;
        const chunk = acc.chunkCount++;
        acc.chunkDescription.push(descriptionIndex);
        for (let i = 0; i < trun.sampleCount; i++) {
          const durationTs = trun.durationsTs ? trun.durationsTs[i]! : tfhd.defaultSampleDurationTs ?? acc.trex?.defaultSampleDurationTs ?? 0;
          const sizeBytes = trun.sizesBytes ? trun.sizesBytes[i]! : tfhd.defaultSampleSizeBytes ?? acc.trex?.defaultSampleSizeBytes ?? 0;
          const flags = trun.sampleFlags
            ? trun.sampleFlags[i]!
            : i === 0 && trun.firstSampleFlags !== undefined
              ? trun.firstSampleFlags
              : tfhd.defaultSampleFlags ?? acc.trex?.defaultSampleFlags ?? 0;
          if (position < 0 || position + sizeBytes > source.sizeBytes) {
            throw new SgError('SG_ERR_MP4_TRUNCATED', { box: 'trun', detail: `sample of track ${tfhd.trackId} ends past the end of the file` });
          }
          const sampleIndex = acc.dts.length;
          acc.dts.push(acc.nextDtsTs);
          acc.cts.push(trun.compositionOffsetsTs ? trun.compositionOffsetsTs[i]! : 0);
          if (trun.compositionOffsetsTs) acc.hasCts = true;
          acc.size.push(sizeBytes);
          acc.offset.push(position);
          acc.chunk.push(chunk);
          if ((flags & SAMPLE_IS_NON_SYNC_SAMPLE) === 0) acc.sync.push(sampleIndex);
          acc.nextDtsTs += durationTs;
          position += sizeBytes;
          trafBytes += sizeBytes;
        }
      }
      previousTrafEnd = position;
      if (acc.dts.length > trafFirstSample) {
        if (mdatAfter && mdatAfter.sizeBytes !== 8 + trafBytes) verbatim = false;
        acc.trafFirstSample.push(trafFirstSample);
        acc.trafMoofOffset.push(location.offsetBytes);
        acc.trafMoofSize.push(location.sizeBytes);
        acc.trafVerbatimSize.push(verbatim && mdatAfter ? location.sizeBytes + mdatAfter.sizeBytes : 0);
      }
    }
  }
  const out: TrackIndex[] = [];
  for (const acc of byId.values()) {
    const n = acc.dts.length;
    const dtsTs = acc.dts.toFloat64(1);
    dtsTs[n] = acc.nextDtsTs;
    let sync = acc.sync.toFloat64();
    const allSync = sync.length === n;
    const { basics } = acc;
    const trafCountOfTrack = acc.trafFirstSample.length;
    const verbatimSizes = acc.trafVerbatimSize.toFloat64();
    if (basics.handlerType === 'vide' && allSync && trafCountOfTrack > 1 && n > trafCountOfTrack) {
      // Every frame claims to be a sync sample (header comment, F4): the trafs' first samples are.
      sync = acc.trafFirstSample.toFloat64();
      verbatimSizes.fill(0); // the file's flags are wrong: rebuild with correct ones
    }
    const sourceFragments: SourceFragments = {
      firstSample: Uint32Array.from(acc.trafFirstSample.toFloat64()),
      moofOffsetBytes: acc.trafMoofOffset.toFloat64(),
      moofSizeBytes: acc.trafMoofSize.toFloat64(),
      verbatimSizeBytes: verbatimSizes,
    };
    out.push({
      trackId: basics.trackId,
      handlerType: basics.handlerType,
      timescale: basics.media.timescale,
      header: basics.header,
      media: basics.media,
      sampleCount: n,
      dtsTs,
      ctsOffsetTs: acc.hasCts ? Int32Array.from(acc.cts.toFloat64()) : null,
      sizeBytes: Uint32Array.from(acc.size.toFloat64()),
      offsetBytes: acc.offset.toFloat64(),
      syncSamples: sync.length === n && basics.handlerType !== 'vide' ? null : Uint32Array.from(sync),
      chunkOfSample: Uint32Array.from(acc.chunk.toFloat64()),
      chunkDescriptionIndex: Uint32Array.from(acc.chunkDescription.toFloat64()),
      sdtp: null,
      presentationShiftTs: basics.presentationShiftTs,
      edits: basics.edits,
      codecs: basics.codecs,
      raw: basics.raw,
      sourceFragments,
    });
  }
  return out;
}

/**
 * The random-access index of a fragmented file: MovieFragmentRandomAccessBox `mfra` (ISO/IEC 14496-12
 * §8.8.9), found through the MovieFragmentRandomAccessOffsetBox `mfro` (§8.8.11) in the file's last 16
 * bytes, one TrackFragmentRandomAccessBox `tfra` per track. Null when the file has none (then the
 * top-level moof scan of indexMovie is the index). Smooth Streaming uses it to find fragments fast.
 * Entry times are composition times of sync samples in the track timescale (§8.8.10.3: "the
 * presentation time of the sync sample"), before any edit list — ffmpeg writes them so.
 */
export async function readRandomAccess(source: RangeSource): Promise<Map<number, RandomAccessEntry[]> | null> {
  if (source.sizeBytes < 16) return null;
  const tail = await source.read(source.sizeBytes - 16, 16);
  if (tail.length !== 16) return null;
  const view = new DataView(tail.buffer, tail.byteOffset, 16);
  if (String.fromCharCode(tail[4]!, tail[5]!, tail[6]!, tail[7]!) !== 'mfro') return null;
  const mfraSize = view.getUint32(12);
  if (mfraSize < 16 || mfraSize > source.sizeBytes) return null;
  const mfraLocation = await readBoxHeaderAt(source, source.sizeBytes - mfraSize);
  if (mfraLocation.type !== 'mfra') throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'mfro', detail: 'does not point at an mfra box' });
  const mfra = await readWholeBox(source, mfraLocation, MAX_MOOF_BYTES);
  const out = new Map<number, RandomAccessEntry[]>();
  for (const box of readChildren(mfra.payload, 'mfra')) {
    if (box.type !== 'tfra') continue;
    const { trackId, entries } = parseTfra(box.payload);
    for (const entry of entries) {
      if (entry.moofOffsetBytes >= source.sizeBytes) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'tfra', detail: `moof_offset ${entry.moofOffsetBytes} past the end of the file` });
    }
    out.set(trackId, entries);
  }
  return out;
}
