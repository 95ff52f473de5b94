/**
 * The cut rule of INTERFACE §5.1 (SPEC-NOTES §3.1 and §3.3): on presentation time after the source's
 * edit list, the reference (video) track starts at the keyframe K at or before S; every other track at
 * its first sample whose presentation time is ≥ K's. `end` snaps the same way to the keyframe at or
 * before E, exclusive; start and end in one GOP give that GOP (the original answered 415, §1 P4);
 * a start beyond the end gives the last GOP (the original's answer). Comparisons across timescales
 * are exact (BigInt cross-multiplication), never through floats (§1 F6/P9).
 */
import { SgError } from '../../errors';
import { compareTimes, rescale } from '../../mp4/integers';
import { presentationTimeTs, type TrackIndex } from '../../mp4/track-index';
import type { MovieIndex } from '../../mp4/movie-index';
import { secondsToTicksFloor } from './decimal-seconds';
import type { ResolvedClip } from './clip';

export interface TrackCut {
  readonly track: TrackIndex;
  /** First kept sample (decode order, 0-based). */
  readonly firstSample: number;
  /** One past the last kept sample. */
  readonly endSample: number;
  /** Output edit list: empty edit before the media, track timescale (0 = none). */
  readonly emptyEditTs: number;
  /** Output edit list media_time, track timescale (output media time zero = the first kept sample's DTS). */
  readonly mediaTimeTs: number;
  /**
   * Write no edit list: the cut keeps the track's beginning and the source had none, so the output
   * presents exactly as the source did (ffmpeg reads an explicit identity elst differently from none).
   */
  readonly omitEditList: boolean;
}

export interface CutPlan {
  readonly tracks: readonly TrackCut[];
  /** The reference track's first sample is the source's first: no cut at the start. */
  readonly fromStart: boolean;
  /** Presentation time of the output's zero on the source timeline, in the reference track's timescale. */
  readonly originTs: number;
  readonly originTimescale: number;
}

/** Track kinds we carry into a progressive output; hint tracks describe other tracks' bytes and are dropped. */
function isCarried(track: TrackIndex): boolean {
  return track.handlerType !== 'hint' && track.sampleCount > 0;
}

export function pickReferenceTrack(movie: MovieIndex): TrackIndex {
  const carried = movie.tracks.filter(isCarried);
  const reference = carried.find((t) => t.handlerType === 'vide') ?? carried[0];
  if (!reference) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: 'no track with samples' });
  return reference;
}

/** Sync samples of a track as 0-based indices, or null when every sample is one. */
function syncList(track: TrackIndex): Uint32Array | null {
  if (track.syncSamples && track.syncSamples.length === 0) {
    // SPEC-NOTES §3.3: an empty stss means "no sync sample at all" — refuse rather than index [-1].
    throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'stss', detail: `track ${track.trackId} has no sync sample` });
  }
  return track.syncSamples;
}

/** The sync sample with the largest presentation time ≤ limitTs; the first sync sample if none is. */
function keyframeAtOrBefore(track: TrackIndex, limitTs: number): number {
  const sync = syncList(track);
  if (!sync) return lastSampleAtOrBefore(track, limitTs);
  let best = -1;
  let bestPt = -Infinity;
  // Keyframes are few (one per GOP); a linear scan stays correct even if their presentation order
  // differed from decode order.
  for (let i = 0; i < sync.length; i++) {
    const pt = presentationTimeTs(track, sync[i]!);
    if (pt <= limitTs && pt >= bestPt) {
      best = sync[i]!;
      bestPt = pt;
    }
  }
  return best >= 0 ? best : sync[0]!;
}

/** For tracks where every sample is a sync sample: binary search on (monotonic) presentation time. */
function lastSampleAtOrBefore(track: TrackIndex, limitTs: number): number {
  let lo = 0;
  let hi = track.sampleCount - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (presentationTimeTs(track, mid) <= limitTs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** First sample whose presentation time ≥ time/timescale; sampleCount when none. */
function firstSampleAtOrAfter(track: TrackIndex, timeTs: number, timescale: number): number {
  let lo = 0;
  let hi = track.sampleCount;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareTimes(presentationTimeTs(track, mid), track.timescale, timeTs, timescale) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function nextKeyframeAfter(track: TrackIndex, sample: number): number {
  const sync = syncList(track);
  if (!sync) return Math.min(sample + 1, track.sampleCount);
  for (let i = 0; i < sync.length; i++) if (sync[i]! > sample) return sync[i]!;
  return track.sampleCount;
}

/** End of the track's presentation (source timeline, track timescale). */
function presentationEndTs(track: TrackIndex): number {
  const last = track.sampleCount - 1;
  return presentationTimeTs(track, last) + (track.dtsTs[last + 1]! - track.dtsTs[last]!);
}

export function planCut(movie: MovieIndex, clip: ResolvedClip): CutPlan {
  const reference = pickReferenceTrack(movie);
  const ts = reference.timescale;
  const n = reference.sampleCount;
  let keyStart = 0;
  if (clip.startSec !== undefined) keyStart = keyframeAtOrBefore(reference, secondsToTicksFloor(clip.startSec, ts));
  else syncList(reference);
  // Without a start (or when it snaps to the first sample) every track keeps its own beginning and
  // edit list, so an ?end=-only cut loses no audio priming.
  const fromStart = keyStart === 0;
  let keyEnd = n;
  if (clip.endSec !== undefined) {
    const endTs = secondsToTicksFloor(clip.endSec, ts);
    if (endTs < presentationEndTs(reference)) {
      keyEnd = keyframeAtOrBefore(reference, endTs);
      if (keyEnd <= keyStart) keyEnd = nextKeyframeAfter(reference, keyStart);
    }
  }
  const originTs = fromStart ? 0 : presentationTimeTs(reference, keyStart);
  const endTimeTs = keyEnd < n ? presentationTimeTs(reference, keyEnd) : null;

  const tracks: TrackCut[] = [];
  for (const track of movie.tracks) {
    if (!isCarried(track)) continue;
    let firstSample: number;
    let endSample: number;
    if (track === reference) {
      firstSample = keyStart;
      endSample = keyEnd;
    } else {
      firstSample = fromStart ? 0 : firstSampleAtOrAfter(track, originTs, ts);
      endSample = endTimeTs === null ? track.sampleCount : firstSampleAtOrAfter(track, endTimeTs, ts);
    }
    if (firstSample >= endSample) continue; // e.g. audio that ends before the start: dropped (nginx ticket #414)
    // Output sample j is presented at (dts_j − dts_first + cts_j) − mediaTime + emptyEdit; we want it at
    // PT_j − origin, so emptyEdit − mediaTime = dts_first + shift − origin (all in track ticks).
    const origin = rescale(originTs, ts, track.timescale);
    const lead = track.dtsTs[firstSample]! + track.presentationShiftTs - origin;
    tracks.push({
      track,
      firstSample,
      endSample,
      emptyEditTs: Math.max(0, lead),
      mediaTimeTs: Math.max(0, -lead),
      omitEditList: firstSample === 0 && track.edits.length === 0,
    });
  }
  return { tracks, fromStart, originTs, originTimescale: ts };
}
