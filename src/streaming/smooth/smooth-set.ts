/**
 * What a Smooth answer is built from, whatever the source layout: per stream type the quality levels,
 * each one source track with its fragment timeline, file and Bitrate (SPEC-NOTES §2.0 item 3: the
 * integer that names the file or its `systemBitrate`; for a single MP4 the track's average bitrate).
 * A single MP4 gives at most one level per type (INTERFACE §5 `X.mp4?manifest=1`).
 */
import type { MovieIndex } from '../../mp4/movie-index';
import type { TrackIndex } from '../../mp4/track-index';
import { SgError } from '../../errors';
import { describeAudio, describeVideo, type AudioCodecInfo, type VideoCodecInfo } from './codec-private-data';
import { buildPresentation, timelineSpanHns, type SmoothTrackTimeline, type SmoothTrackType } from './timeline';

export interface SmoothLevel {
  readonly bitrateBps: number;
  readonly timeline: SmoothTrackTimeline;
  readonly sourcePath: string;
  readonly video?: VideoCodecInfo;
  readonly audio?: AudioCodecInfo;
}

export interface SmoothSet {
  readonly video: readonly SmoothLevel[];
  readonly audio: readonly SmoothLevel[];
  readonly durationHns: number;
  /** ISO 639-2 language of the audio stream, when the source names one. */
  readonly audioLanguage?: string;
}

export function levelsOf(set: SmoothSet, type: SmoothTrackType): readonly SmoothLevel[] {
  return type === 'video' ? set.video : set.audio;
}

/** Average bitrate of a track's samples (bits per second, rounded), never below 1. */
export function averageBitrateBps(track: TrackIndex): number {
  let totalBytes = 0;
  for (let i = 0; i < track.sampleCount; i++) totalBytes += track.sizeBytes[i]!;
  const spanTs = track.dtsTs[track.sampleCount]! - track.dtsTs[0]!;
  if (spanTs <= 0) return Math.max(1, totalBytes * 8);
  return Math.max(1, Math.round((totalBytes * 8 * track.timescale) / spanTs));
}

const PROTECTED_FORMATS = new Set(['encv', 'enca', 'encs', 'enct']);

/** INTERFACE §6: encrypted (PIFF/CENC) sources are a 415, never a broken manifest. */
export function refuseProtected(movie: MovieIndex): void {
  for (const track of movie.tracks) {
    for (const codec of track.codecs) {
      if (PROTECTED_FORMATS.has(codec.format)) throw new SgError('SG_ERR_MP4_ENCRYPTED', { scheme: codec.format });
    }
  }
}

export function languageOf(track: TrackIndex): string | undefined {
  const language = track.media.language;
  return /^[a-z]{3}$/.test(language) ? language : undefined;
}

export function describeLevel(timeline: SmoothTrackTimeline, sourcePath: string, bitrateBps: number): SmoothLevel {
  const track = timeline.track;
  const codec = track.codecs[0];
  if (!codec) throw new SgError('SG_ERR_STREAM_CODEC', { type: timeline.type, detail: 'no sample description' });
  if (timeline.type === 'video') {
    return { bitrateBps, timeline, sourcePath, video: describeVideo(codec, track.header.widthPx, track.header.heightPx) };
  }
  return { bitrateBps, timeline, sourcePath, audio: describeAudio(codec) };
}

/** The Smooth view of one MP4 (plain or fragmented). */
export function singleMovieSet(movie: MovieIndex, sourcePath: string, audioOnlyFragmentHns?: number): SmoothSet {
  refuseProtected(movie);
  const presentation = buildPresentation(movie, audioOnlyFragmentHns);
  const video = presentation.video ? [describeLevel(presentation.video, sourcePath, averageBitrateBps(presentation.video.track))] : [];
  const audio = presentation.audio ? [describeLevel(presentation.audio, sourcePath, averageBitrateBps(presentation.audio.track))] : [];
  if (video.length === 0 && audio.length === 0) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: 'audio or video' });
  const language = presentation.audio ? languageOf(presentation.audio.track) : undefined;
  return { video, audio, durationHns: presentation.durationHns, ...(language ? { audioLanguage: language } : {}) };
}

export function setDurationHns(levels: readonly SmoothLevel[]): number {
  let durationHns = 0;
  for (const level of levels) durationHns = Math.max(durationHns, timelineSpanHns(level.timeline).endHns);
  return durationHns;
}
