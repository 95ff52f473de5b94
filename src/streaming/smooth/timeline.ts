/**
 * Fragment boundaries and times of one source track (INTERFACE §5.1, §7; [MS-SSTR] 2.2.2.6
 * StreamFragmentElement): video fragments start at sync samples; each audio fragment starts at the
 * first audio sample whose decode time is ≥ the matching video fragment's start (compared exactly in
 * source ticks), so both chunk lists line up (SPEC-NOTES §2.5 pitfall 4); audio-only sources are cut
 * every `streaming.audioOnlyFragment`. A chunk's `t` is the mapped decode time of its first sample and
 * its `d` the difference of mapped decode times: the sum of the fragment's trun durations, exactly.
 *
 * Deliberate choice: Smooth times are the source's decode times; edit lists are not applied (IIS and
 * ffmpeg's ismv muxer do the same). dash.js and Shaka place fragments at the manifest `t` and add the
 * trun composition offsets, so a B-frame source presents video one decoder delay after audio.
 */
import { SgError } from '../../errors';
import { compareTimes } from '../../mp4/integers';
import type { MovieIndex } from '../../mp4/movie-index';
import type { TrackIndex } from '../../mp4/track-index';
import { mapDecodeTimes, SMOOTH_TIMESCALE, toHns } from './time-hns';

export type SmoothTrackType = 'video' | 'audio';

export interface SmoothTrackTimeline {
  readonly type: SmoothTrackType;
  readonly track: TrackIndex;
  /**
   * Mapped decode time of every sample plus the end of the last one (length sampleCount + 1), built
   * on first use: fragments need it per sample, a manifest only at fragment boundaries
   * (sampleTimeHns), and on a 2-hour source it is ~4 MB of fresh pages per track.
   */
  readonly sampleTimesHns: Float64Array;
  /** First sample of each fragment, then sampleCount (length fragmentCount + 1). */
  readonly fragmentFirstSample: Uint32Array;
}

/** A timeline whose per-sample mapped times are computed when first asked for. */
export function createTimeline(type: SmoothTrackType, track: TrackIndex, fragmentFirstSample: Uint32Array, sampleTimesHns?: Float64Array): SmoothTrackTimeline {
  let mapped = sampleTimesHns;
  return {
    type,
    track,
    fragmentFirstSample,
    get sampleTimesHns() {
      return (mapped ??= mapDecodeTimes(track.dtsTs, track.timescale));
    },
  };
}

/** Mapped decode time of one sample (or of the end, at sampleCount), 100-ns ticks. */
export function sampleTimeHns(timeline: SmoothTrackTimeline, sample: number): number {
  return toHns(timeline.track.dtsTs[sample]!, timeline.track.timescale);
}

export function fragmentCount(timeline: SmoothTrackTimeline): number {
  return timeline.fragmentFirstSample.length - 1;
}

export function fragmentStartHns(timeline: SmoothTrackTimeline, fragment: number): number {
  return sampleTimeHns(timeline, timeline.fragmentFirstSample[fragment]!);
}

export function fragmentDurationHns(timeline: SmoothTrackTimeline, fragment: number): number {
  const first = timeline.fragmentFirstSample;
  return sampleTimeHns(timeline, first[fragment + 1]!) - sampleTimeHns(timeline, first[fragment]!);
}

/** Start of the first fragment and end of the last one, 100-ns ticks. */
export function timelineSpanHns(timeline: SmoothTrackTimeline): { startHns: number; endHns: number } {
  return { startHns: fragmentStartHns(timeline, 0), endHns: sampleTimeHns(timeline, timeline.track.sampleCount) };
}

/**
 * The fragment whose [t, t + d) contains `timeHns` (INTERFACE §6, §7), or -1 before the first or at/after
 * the end of the last.
 */
export function findFragment(timeline: SmoothTrackTimeline, timeHns: number): number {
  const count = fragmentCount(timeline);
  if (count === 0) return -1;
  const { startHns, endHns } = timelineSpanHns(timeline);
  if (timeHns < startHns || timeHns >= endHns) return -1;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fragmentStartHns(timeline, mid) <= timeHns) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first track of a handler type that has samples ('vide' / 'soun'), or null. */
export function pickTrack(movie: MovieIndex, type: SmoothTrackType): TrackIndex | null {
  const handler = type === 'video' ? 'vide' : 'soun';
  return movie.tracks.find((t) => t.handlerType === handler && t.sampleCount > 0) ?? null;
}

/**
 * Most fragments one track may have. A 24-hour film with 2 s GOPs has 43,200; a million covers 11 hours
 * of all-intra 25 fps video. Past it, a file whose every sample is a sync sample (10^7 one-byte samples
 * fit a 10 MB upload) would make a 170 MB manifest and hold the event loop for tens of seconds, so it is
 * refused as an unsupported source (INTERFACE §6: 415 with the reason logged).
 */
export const MAX_FRAGMENTS_PER_TRACK = 1_000_000;

function checkFragmentCount(count: number, track: TrackIndex): void {
  if (count > MAX_FRAGMENTS_PER_TRACK) {
    throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `track ${track.trackId} would have ${count} Smooth Streaming fragments, more than the limit of ${MAX_FRAGMENTS_PER_TRACK} (MAX_FRAGMENTS_PER_TRACK)` });
  }
}

/** Video boundaries: every sync sample, and sample 0 even when the source opens on a non-sync frame. */
export function videoBoundaries(track: TrackIndex): Uint32Array {
  const n = track.sampleCount;
  checkFragmentCount(track.syncSamples ? track.syncSamples.length : n, track);
  if (!track.syncSamples) {
    const all = new Uint32Array(n + 1);
    for (let i = 0; i <= n; i++) all[i] = i;
    return all;
  }
  const sync = track.syncSamples;
  const leading = sync.length === 0 || sync[0] !== 0 ? 1 : 0;
  const out = new Uint32Array(sync.length + leading + 1);
  if (leading) out[0] = 0;
  out.set(sync, leading);
  out[out.length - 1] = n;
  return out;
}

/**
 * Audio boundaries aligned to the video's (§5.1): for each video fragment start after the first, the
 * first audio sample whose decode time is ≥ it; audio before the first video keyframe stays in the
 * first fragment. Empty fragments (two video starts in one audio frame, audio ending early) are dropped.
 */
export function alignedBoundaries(audio: TrackIndex, video: TrackIndex, videoFirstSamples: Uint32Array): Uint32Array {
  const n = audio.sampleCount;
  const out: number[] = [0];
  let sample = 0;
  for (let k = 1; k < videoFirstSamples.length - 1; k++) {
    const videoDtsTs = video.dtsTs[videoFirstSamples[k]!]!;
    while (sample < n && compareTimes(audio.dtsTs[sample]!, audio.timescale, videoDtsTs, video.timescale) < 0) sample++;
    if (sample >= n) break;
    if (sample > out[out.length - 1]!) out.push(sample);
  }
  out.push(n);
  return Uint32Array.from(out);
}

/** Fixed-length boundaries for a track with no video to follow (audio-only: `streaming.audioOnlyFragment`). */
export function fixedBoundaries(sampleTimesHns: Float64Array, fragmentHns: number, track?: TrackIndex): Uint32Array {
  const n = sampleTimesHns.length - 1;
  const out: number[] = [0];
  const originHns = sampleTimesHns[0] ?? 0;
  let next = originHns + fragmentHns;
  for (let i = 1; i < n; i++) {
    if (sampleTimesHns[i]! >= next) {
      out.push(i);
      // Straight to the first boundary past this sample: stepping one fragment at a time looped for
      // minutes on a hostile stts delta of days (4.3·10^9 ticks at 1 kHz is ~2·10^6 steps per sample).
      next += (Math.floor((sampleTimesHns[i]! - next) / fragmentHns) + 1) * fragmentHns;
      if (track && out.length > MAX_FRAGMENTS_PER_TRACK) checkFragmentCount(out.length, track);
    }
  }
  out.push(n);
  return Uint32Array.from(out);
}

export interface SmoothPresentation {
  readonly video: SmoothTrackTimeline | null;
  readonly audio: SmoothTrackTimeline | null;
  /** Root `Duration` ([MS-SSTR] 2.2.2.1): the longest stream's span, 100-ns ticks. */
  readonly durationHns: number;
}

export const DEFAULT_AUDIO_ONLY_FRAGMENT_HNS = 2 * SMOOTH_TIMESCALE;

/** The Smooth view of a single plain (or fragmented) MP4: one video and one audio stream at most. */
export function buildPresentation(movie: MovieIndex, audioOnlyFragmentHns = DEFAULT_AUDIO_ONLY_FRAGMENT_HNS): SmoothPresentation {
  const videoTrack = pickTrack(movie, 'video');
  const audioTrack = pickTrack(movie, 'audio');
  let video: SmoothTrackTimeline | null = null;
  let audio: SmoothTrackTimeline | null = null;
  if (videoTrack) {
    video = createTimeline('video', videoTrack, videoBoundaries(videoTrack));
  }
  if (audioTrack) {
    if (video) {
      audio = createTimeline('audio', audioTrack, alignedBoundaries(audioTrack, video.track, video.fragmentFirstSample));
    } else {
      // Audio-only: the boundaries come from every sample's time, so the mapping is built now.
      const sampleTimesHns = mapDecodeTimes(audioTrack.dtsTs, audioTrack.timescale);
      audio = createTimeline('audio', audioTrack, fixedBoundaries(sampleTimesHns, audioOnlyFragmentHns, audioTrack), sampleTimesHns);
    }
  }
  let durationHns = 0;
  for (const timeline of [video, audio]) {
    if (!timeline) continue;
    const { startHns, endHns } = timelineSpanHns(timeline);
    durationHns = Math.max(durationHns, endHns - Math.min(startHns, 0));
  }
  return { video, audio, durationHns };
}

/** Re-exported for callers that map a single source time. */
export { toHns };
